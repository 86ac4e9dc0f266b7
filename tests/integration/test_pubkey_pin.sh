#!/bin/bash
# test_pubkey_pin.sh - the register's public keys are checked against the
# keyrings before anything is sealed with them.  Whoever can write
# REGISTER/keys/ (the register's owner, the mount's user with recctl init
# --owner) could put a key of their own in place of a level's .pub: root's
# ingest would then seal every new recording's key for them, and nothing
# would say so.  recctl init writes every level's public key into every
# keyring (a pin); ingest, watch, keys export, request new --requester-file
# and the mount refuse a .pub
# that differs, name the file, and seal nothing.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
# A key pair that is not the register's: another register's.
"$RECCTL" init "$T_TMP/b/reg" --policy "$POLICY_EXAMPLE" --keyrings "$T_TMP/b/keys" --no-passphrase >/dev/null 2>&1 ||
	t_abort "init of a second register" "failed"
cp -a "$REG/keys" "$T_TMP/keys.issued"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
gen_manifests "$T_TMP/spool1" 2 --seed 3
ingest_spool "$T_TMP/spool1"
recs=$(q "SELECT count(*) FROM recording")
assert_eq "two recordings with the keys as issued" 2 "$recs"

# The attacker's key in place of the rights level's.
cp "$T_TMP/b/reg/keys/privacy.pub" "$REG/keys/privacy.pub"
gen_manifests "$T_TMP/spool2" 2 --seed 4
seals=$(q "SELECT count(*) FROM seal")
assert_fails_with "ingest refuses a replaced .pub" "keys/privacy.pub is not the public key of level privacy that the keyring holds" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/spool2"/*.json
assert_eq "and ingests nothing" "$recs" "$(q "SELECT count(*) FROM recording")"
assert_eq "and seals nothing" "$seals" "$(q "SELECT count(*) FROM seal")"
assert_contains "the refusal is in the audit log" \
	"$("$RECCTL" audit show -R "$REG" --action keys-check 2>&1)" "keys-check - refused EKEYREJECTED level=privacy"
assert_eq "the manifests stay where they were" 2 "$(find "$T_TMP/spool2" -name '*.json' | wc -l)"
assert_fails_with "recctl watch refuses to start" "keys/privacy.pub is not the public key" \
	timeout 20 "$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring"
assert_fails_with "keys export refuses" "keys/privacy.pub is not the public key" \
	"$RECCTL" keys export training -R "$REG" --keyring "$KEYS/training.keyring" --keyring "$KEYS/ingest.keyring" \
	--no-passphrase -o "$T_TMP/ws.keyring"
MNT=$T_TMP/mnt
mkdir -p "$MNT"
assert_fails_with "the mount refuses to start, with every level's keyring" "keys/privacy.pub is not the public key" \
	timeout 20 "$RECFS" -f -o "allow_other,keyring=$KEYS/training.keyring:$KEYS/analysis.keyring:$KEYS/privacy.keyring" \
	"$REG" "$MNT"
assert_exit "and is not mounted" 32 mountpoint -q "$MNT"
# A requester's description is sealed for the rights level too.
printf 'Zxq Requester, Kuja 7\n' >"$T_TMP/requester.txt"
nreq=$(q "SELECT count(*) FROM request")
assert_fails_with "request new --requester-file refuses with this register's keyring" \
	"keys/privacy.pub is not the public key" \
	"$RECCTL" request new -R "$REG" --type access --requester-file "$T_TMP/requester.txt" --keyring "$KEYS/ingest.keyring"
assert_fails_with "and with it as the default keyring (RECFS_KEYRING)" "keys/privacy.pub is not the public key" \
	env RECFS_KEYRING="$KEYS/ingest.keyring" \
	"$RECCTL" request new -R "$REG" --type access --requester-file "$T_TMP/requester.txt"
assert_eq "and records no request" "$nreq" "$(q "SELECT count(*) FROM request")"
assert_eq "and seals nothing" "$seals" "$(q "SELECT count(*) FROM seal")"
assert_fails_with "another register's keyring named with --keyring is refused too" \
	".pub is not the public key of level" \
	"$RECCTL" request new -R "$REG" --type access --requester-file "$T_TMP/requester.txt" \
	--keyring "$T_TMP/b/keys/ingest.keyring"
assert_fails_with "a mount of the training level alone refuses too (its keyring pins every level)" \
	"keys/privacy.pub is not the public key" \
	timeout 20 "$RECFS" -f -o "allow_other,level=training,keyring=$KEYS/training.keyring" "$REG" "$MNT"
# The level's own keyring sees it from its secret key as well.
cp "$T_TMP/b/reg/keys/training.pub" "$REG/keys/training.pub"
cp "$T_TMP/keys.issued/privacy.pub" "$REG/keys/privacy.pub"
assert_fails_with "a replaced .pub of the keyring's own level is refused" "keys/training.pub is not the public key" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/spool2"/*.json
rm -f "$REG/keys/training.pub"
assert_fails_with "a missing .pub is refused as before" "no public key for level training" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/spool2"/*.json

# The issued keys put back: everything works again.
cp "$T_TMP/keys.issued/training.pub" "$REG/keys/training.pub"
assert_ok "ingest takes them with the keys as issued" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/spool2"/*.json
assert_eq "four recordings" 4 "$(q "SELECT count(*) FROM recording")"
assert_ok "keys export writes a workstation keyring" \
	"$RECCTL" keys export training -R "$REG" --keyring "$KEYS/training.keyring" --no-passphrase -o "$T_TMP/ws.keyring"
mount_recfs "$REG" "$MNT" "$T_TMP/ws.keyring" && pass "a mount with it starts"
unmount_recfs "$MNT"
# The exported keyring carries the pins of every level: a workstation
# mount of the training level refuses the analysis level's key replaced.
cp "$T_TMP/b/reg/keys/analysis.pub" "$REG/keys/analysis.pub"
assert_fails_with "a mount with the exported keyring refuses a replaced .pub of another level" \
	"keys/analysis.pub is not the public key" \
	timeout 20 "$RECFS" -f -o "allow_other,keyring=$T_TMP/ws.keyring" "$REG" "$MNT"
cp "$T_TMP/keys.issued/analysis.pub" "$REG/keys/analysis.pub"

# The public keys read again later are checked again: the mount's second
# read after its fork (a key replaced between the two, the test build
# waiting there), recctl watch's reload of policy.conf, policy apply.
RECFS_TEST_START_DELAY_MS=3000 "$RECFS" -f -o "allow_other,keyring=$KEYS/training.keyring:$KEYS/analysis.keyring:$KEYS/privacy.keyring" \
	"$REG" "$MNT" >"$T_TMP/race.err" 2>&1 &
racer=$!
poll_since "$(now_ns)" 10000 grep -q "waiting before start_mount" "$T_TMP/race.err" ||
	fail "the test build waits before start_mount" "$(cat "$T_TMP/race.err")"
cp "$T_TMP/b/reg/keys/privacy.pub" "$REG/keys/privacy.pub"
poll_since "$(now_ns)" 15000 sh -c "! kill -0 $racer 2>/dev/null"
if kill -0 "$racer" 2>/dev/null; then
	fail "a key replaced after the mount's first check: it stops" "it mounted and runs"
	fusermount3 -u "$MNT" 2>/dev/null
fi
wait "$racer"
assert_eq "a key replaced after the mount's first check: it stops (exit 1)" 1 "$?"
assert_contains "and says why" "$(cat "$T_TMP/race.err")" "keys/privacy.pub is not the public key"
assert_exit "and is not mounted" 32 mountpoint -q "$MNT"
cp "$T_TMP/keys.issued/privacy.pub" "$REG/keys/privacy.pub"

mkdir -p "$T_TMP/wspool"
"$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/wspool" >"$T_TMP/watch.log" 2>&1 &
watcher=$!
poll_since "$(now_ns)" 5000 grep -q watching "$T_TMP/watch.log"
cp "$T_TMP/b/reg/keys/training.pub" "$REG/keys/training.pub"
printf '\n' >>"$REG/policy.conf"
poll_since "$(now_ns)" 5000 grep -q "policy.conf rejected" "$T_TMP/watch.log"
assert_contains "recctl watch refuses to reload with a replaced key" "$(cat "$T_TMP/watch.log")" \
	"policy.conf rejected: $REG/keys/training.pub is not the public key"
recs=$(q "SELECT count(*) FROM recording")
gen_manifests "$T_TMP/spool3" 1 --seed 5
cp "$T_TMP/spool3"/* "$T_TMP/wspool/"
poll_since "$(now_ns)" 10000 test "$(q "SELECT count(*) FROM recording")" -gt "$recs"
assert_eq "and ingests on, with the keys it checked (fsck below opens every seal)" "$((recs + 1))" \
	"$(q "SELECT count(*) FROM recording")"
kill "$watcher"
wait "$watcher" 2>/dev/null

assert_fails_with "policy apply with a keyring refuses a replaced key" "keys/training.pub is not the public key" \
	"$RECCTL" policy apply -R "$REG" "$REG/policy.conf" --keyrings "$KEYS" --keyring "$KEYS/privacy.keyring"
cp "$T_TMP/keys.issued/training.pub" "$REG/keys/training.pub"
assert_ok "and applies with the key put back" \
	"$RECCTL" policy apply -R "$REG" "$REG/policy.conf" --keyrings "$KEYS" --keyring "$KEYS/privacy.keyring"

# A level added by policy apply: its key is pinned into the register's
# keyrings (the ingest keyring among them), so a replaced .pub of it is
# refused as any other; another register's keyring is left alone.
sed 's/^\[level privacy\]/[level extra]\n\n[level privacy]/' "$REG/policy.conf" >"$T_TMP/extra.conf"
cp "$T_TMP/b/keys/ingest.keyring" "$KEYS/other-register.keyring"
other_sum=$(sha256sum <"$KEYS/other-register.keyring")
assert_ok "policy apply adds a level" "$RECCTL" policy apply -R "$REG" "$T_TMP/extra.conf" --keyrings "$KEYS" \
	--keyring "$KEYS/privacy.keyring" --no-passphrase
assert_contains "and pins it in the ingest keyring" "$T_OUT" "pinned the new level in $KEYS/ingest.keyring"
assert_eq "not in another register's keyring" "$other_sum" "$(sha256sum <"$KEYS/other-register.keyring")"
rm -f "$KEYS/other-register.keyring"
cp "$REG/keys/extra.pub" "$T_TMP/extra.pub.issued"
cp "$T_TMP/b/reg/keys/privacy.pub" "$REG/keys/extra.pub"
gen_manifests "$T_TMP/spool5" 1 --seed 7
n_before=$(q "SELECT count(*) FROM recording")
assert_fails_with "ingest refuses a replaced .pub of the new level" "keys/extra.pub is not the public key" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/spool5"/*.json
assert_fails_with "so does the new level's own keyring's mount check" "keys/extra.pub is not the public key" \
	timeout 20 "$RECFS" -f -o "allow_other,level=training,keyring=$KEYS/training.keyring" "$REG" "$MNT"
assert_eq "nothing ingested" "$n_before" "$(q "SELECT count(*) FROM recording")"
cp "$T_TMP/extra.pub.issued" "$REG/keys/extra.pub"
assert_ok "with the key put back, ingest goes on" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/spool5"/*.json

# With the keys as issued: a default keyring of another register, or none,
# is said and the request recorded (nothing to check the key with).
assert_ok "request new with the register's keyring" \
	"$RECCTL" request new -R "$REG" --type access --requester-file "$T_TMP/requester.txt" --keyring "$KEYS/ingest.keyring"
assert_not_contains "and no warning" "$T_OUT" "warning"
assert_ok "request new with another register's keyring as the default" \
	env RECFS_KEYRING="$T_TMP/b/keys/ingest.keyring" \
	"$RECCTL" request new -R "$REG" --type access --requester-file "$T_TMP/requester.txt"
assert_contains "says that it checked nothing" "$T_OUT" "holds none of this register's keys"
assert_ok "request new with no keyring at the default path" \
	env RECFS_KEYRING="$T_TMP/none.keyring" \
	"$RECCTL" request new -R "$REG" --type access --requester-file "$T_TMP/requester.txt"
assert_contains "says so" "$T_OUT" "no keyring at $T_TMP/none.keyring"
assert_eq "three requests recorded" "$((nreq + 3))" "$(q "SELECT count(*) FROM request")"

assert_ok "recctl fsck with every level's keyring finds nothing wrong" "$RECCTL" fsck -R "$REG" \
	--keyring "$KEYS/training.keyring" --keyring "$KEYS/analysis.keyring" --keyring "$KEYS/privacy.keyring"


# The keyring policy apply wrote for the new level pins every level, as
# recctl init's do: with it, request new checks the rights level's key too.
cp "$T_TMP/b/reg/keys/privacy.pub" "$REG/keys/privacy.pub"
nreq=$(q "SELECT count(*) FROM request")
assert_fails_with "request new with the new level's keyring refuses a replaced key of the rights level" \
	"keys/privacy.pub is not the public key" \
	"$RECCTL" request new -R "$REG" --type access --requester-file "$T_TMP/requester.txt" \
	--keyring "$KEYS/extra.keyring"
assert_eq "and records no request" "$nreq" "$(q "SELECT count(*) FROM request")"
cp "$T_TMP/keys.issued/privacy.pub" "$REG/keys/privacy.pub"

t_done
