#!/bin/bash
# test_audit_seal.sh - the audit log's forward-secure seals (issue 11):
# recctl init hands out the verification key once; with it, `recctl audit
# verify --verify-key` finds every kind of tampering with an epoch that has
# ended - an edited user, an inserted, deleted or reordered entry, a cut
# tail, a deleted head record, a chain recomputed after re-attributing an
# entry - and says what it cannot see (the current epoch).  The tampering
# is done as an attacker would, with sqlite3 on catalog.db and a script
# that recomputes the unkeyed chain.  The clock is RECFS_NOW (epochs of
# 15 minutes without waiting), then real time with 1 s epochs and a mount.
# A log written before the seals (tests/fixtures/catalog-v1.db) verifies
# and is sealed by `audit setup-keys`; the frozen sealed log
# (catalog-v4-sealed.db) verifies with recctl and with a second
# implementation of the seal format.
#
# RECFS_OLD_RECCTL=PATH (a recctl built before the seals) also shows the
# two attacks that passed its audit verify.
. "$(dirname "$0")/lib.sh"

POL=$POLICY_EXAMPLE
T0=1798761600		# 2027-01-01T00:00:00Z, on a quarter hour
VERIFY_AT=$((T0 + 1830))	# epoch 2, 30 s in

# rechain DB: what someone with write access to the catalog does after an
# edit: renumber the entries 1, 2, ... and recompute every hash of the
# unkeyed chain and the head record, as meta/audit.c computes them.
rechain()
{
	python3 - "$1" <<'EOF'
import hashlib, sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
def field(b):
    return struct.pack('<I', 0xffffffff) if b is None else struct.pack('<I', len(b)) + b
def num(v):
    return field(struct.pack('<q', v))
def text(v):
    return field(None if v is None else v.encode())
cols = [c[1] for c in db.execute('PRAGMA table_info(audit)')]
extra = 'artifact, loginuid' if 'artifact' in cols else 'NULL, NULL'   # schema 1 had neither
extra += ', time_us' if 'time_us' in cols else ', NULL'                 # schema 28
rows = db.execute('SELECT seq, time, uid, user, level, pid, comm, action, object, outcome, reason, ' + extra +
                  ' FROM audit ORDER BY seq').fetchall()
db.execute('UPDATE audit SET seq = -seq')
prev = bytes(32)
for n, r in enumerate(rows, 1):
    b = (field(prev) + num(n) + num(r[1]) + num(r[2]) + text(r[3]) + text(r[4]) + num(r[5]) + text(r[6]) +
         text(r[7]) + text(r[8]) + text(r[9]) + text(r[10]))
    if r[11] is not None or r[12] is not None or r[13]:   # schema 2: artifact and login uid, when set
        b += text(r[11]) + num(-1 if r[12] is None else r[12])
    if r[13]:                                    # schema 28: the event's microseconds, when set
        b += num(r[13])
    h = hashlib.blake2b(b, digest_size=32).digest()
    db.execute('UPDATE audit SET seq = ?, hash = ? WHERE seq = ?', (n, h, -r[0]))
    prev = h
db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?)", ('%d:%s' % (len(rows), prev.hex()),))
db.commit()
EOF
}

# log_at OFFSET: one entry (a blind-index search) at T0 + OFFSET.
log_at()
{
	RECFS_NOW=$((T0 + $1)) "$RECCTL" subject find "+358 40 $1" -R "$REG" --keyring "$KEYS/ingest.keyring" \
		>/dev/null 2>&1
}

# tampered NAME SQL [FROM]: a copy of the register FROM (default $REG) in
# $T_TMP/NAME with SQL applied to its catalog; sets X.
tampered()
{
	X=$T_TMP/$1
	rm -rf "$X"
	cp -a "${3:-$REG}" "$X"
	sqlite3 "$X/catalog.db" "$2" || fail "$1: the tampering itself" "sqlite3 failed"
}

# verify DIR [KEY]: recctl audit verify at VERIFY_AT, with the key if given.
verify()
{
	RECFS_NOW=$VERIFY_AT "$RECCTL" audit verify -R "$1" ${2:+--verify-key "$2"}
}

# --- the command line --------------------------------------------------------

assert_ok "audit --help" "$RECCTL" audit --help
assert_contains "it names setup-keys" "$T_OUT" "recctl audit setup-keys"
assert_contains "it names --verify-key" "$T_OUT" "--verify-key FILE"
for e in 0 901 abc; do
	assert_exit "--audit-epoch $e is a usage error" 2 \
		"$RECCTL" init "$T_TMP/bad/reg" --policy "$POL" --keyrings "$T_TMP/bad/keys" --no-passphrase --audit-epoch "$e"
done

# --- init hands out the verification key -------------------------------------

mkdir -p "$T_TMP/a"
REG=$T_TMP/a/reg
KEYS=$T_TMP/a/keys
VKEY=$KEYS/audit-verify.key
assert_ok "init" env RECFS_NOW=$((T0 + 10)) "$RECCTL" init "$REG" --policy "$POL" --keyrings "$KEYS" --no-passphrase
assert_contains "init says where the verification key is" "$T_OUT" "wrote $VKEY (the audit verification key"
assert_contains "and to take it off the host" "$T_OUT" "Copy it off this host"
assert_mode "the verification key is mode 0400" 400 "$VKEY"
seed=$(awk '$1 == "recfs-audit-verify-key" { print $7 }' "$VKEY")
assert_match "the key file holds a 256-bit seed" "$seed" '^[0-9a-f]{64}$'
in_register=$(python3 -c '
import os, sys
k = bytes.fromhex(sys.argv[1])
print(sum(open(os.path.join(d, f), "rb").read().count(k) for d, _, fs in os.walk(sys.argv[2]) for f in fs))' \
	"$seed" "$REG")
assert_eq "the verification key is nowhere in the register" 0 "$in_register"
mkdir -p "$T_TMP/b/keys"
cp "$VKEY" "$T_TMP/b/keys/"
assert_fails_with "init refuses an existing verification key" "audit-verify.key exists" \
	"$RECCTL" init "$T_TMP/b/reg" --policy "$POL" --keyrings "$T_TMP/b/keys" --no-passphrase
assert_no_file "and creates no register then" "$T_TMP/b/reg/catalog.db"

# Entries 2..4 in epoch 0, 5..6 in epoch 1, 7..8 in epoch 2 (entry 1 is init).
for t in 20 30 40 910 920 1810 1820; do log_at "$t"; done
assert_eq "two epochs closed by the appends after them" "0|4 1|6" \
	"$(sqlite3 "$REG/catalog.db" 'SELECT epoch, seq FROM audit_seal ORDER BY epoch' | tr '\n' ' ' | sed 's/ $//')"
assert_eq "the key state is at epoch 2" 2 "$(sqlite3 "$REG/catalog.db" 'SELECT epoch FROM audit_key')"

# --- a clean log -------------------------------------------------------------

assert_ok "a clean log verifies with the key" verify "$REG" "$VKEY"
assert_contains "it counts the entries" "$T_OUT" "audit log intact: 8 entries"
assert_contains "and says what the seals cover" "$T_OUT" "entries 1..6 checked under 2 seals"
assert_contains "and what they do not yet" "$T_OUT" "2 entries of the current epoch (7..8) are not sealed yet"
assert_ok "without the key it verifies the chain" verify "$REG"
assert_contains "and says the seals were not checked" "$T_OUT" "give --verify-key FILE"

# --- tampering, one case at a time ------------------------------------------

tampered edit "UPDATE audit SET user = 'mallory', uid = 4242 WHERE seq = 3"
assert_exit "an edited user: verify exits 1" 1 verify "$X" "$VKEY"
assert_contains "and names the entry" "$T_OUT" "audit log broken at entry 3"

tampered insert "UPDATE audit SET seq = seq * 10;
	INSERT INTO audit (seq, time, uid, user, level, pid, comm, action, object, outcome, reason, hash)
	SELECT 45, time, uid, user, level, pid, comm, action, 'forged', outcome, reason, hash FROM audit WHERE seq = 40"
assert_exit "an inserted entry: verify exits 1" 1 verify "$X" "$VKEY"
rechain "$X/catalog.db"
assert_ok "an inserted entry with the chain recomputed passes the chain alone" verify "$X"
assert_exit "but not the seals" 1 verify "$X" "$VKEY"
assert_contains "which name the epoch it was inserted in" "$T_OUT" "the seal of epoch 1"

tampered delete "DELETE FROM audit WHERE seq = 3"
assert_exit "a deleted middle entry: verify exits 1" 1 verify "$X" "$VKEY"
assert_contains "and names the gap" "$T_OUT" "audit log broken at entry 3"
rechain "$X/catalog.db"
assert_exit "a deleted middle entry with the chain recomputed: verify exits 1" 1 verify "$X" "$VKEY"
assert_contains "the seal of its epoch does not match" "$T_OUT" "the seal of epoch 0"

tampered reorder "UPDATE audit SET seq = -1 WHERE seq = 5; UPDATE audit SET seq = 5 WHERE seq = 6;
	UPDATE audit SET seq = 6 WHERE seq = -1"
assert_exit "two entries reordered: verify exits 1" 1 verify "$X" "$VKEY"
assert_contains "and names the first" "$T_OUT" "audit log broken at entry 5"
rechain "$X/catalog.db"
assert_exit "two entries reordered with the chain recomputed: verify exits 1" 1 verify "$X" "$VKEY"

tampered cut "DELETE FROM audit WHERE seq > 5"
rechain "$X/catalog.db"
assert_exit "a cut tail with the head rewritten: verify exits 1" 1 verify "$X" "$VKEY"
assert_contains "and says where" "$T_OUT" "audit log broken at entry 6: audit log was cut"
sqlite3 "$X/catalog.db" "DELETE FROM audit_seal WHERE epoch >= 1; UPDATE audit_key SET epoch = 1"
assert_ok "a cut tail with its seals and the key's epoch passes the unkeyed checks" verify "$X"
assert_exit "but not the key's" 1 verify "$X" "$VKEY"
assert_contains "the key state is not that epoch's" "$T_OUT" "not the key of epoch 1"

# The first case that passed audit verify before the seals: the head
# record deleted and the tail cut (here with the seals that name it).
tampered head "DELETE FROM meta WHERE key = 'audit_head'; DELETE FROM audit WHERE seq > 4"
assert_exit "the head record deleted and the tail cut: verify exits 1" 1 verify "$X" "$VKEY"
assert_contains "and says the log was cut" "$T_OUT" "audit log broken at entry 5: audit log was cut"
sqlite3 "$X/catalog.db" "DELETE FROM audit_seal WHERE epoch >= 1; UPDATE audit_key SET epoch = 1"
assert_ok "with the seals cut too it passes the unkeyed checks" verify "$X"
assert_exit "but not the key's" 1 verify "$X" "$VKEY"

# The second: another user's open made alice's, and the whole chain
# recomputed.
tampered rechain "UPDATE audit SET user = 'alice', uid = 1001 WHERE seq = 3"
rechain "$X/catalog.db"
assert_ok "a re-attributed entry with the chain recomputed passes the chain alone" verify "$X"
assert_contains "it even reads as intact" "$T_OUT" "audit log intact: 8 entries"
assert_exit "but not the seals" 1 verify "$X" "$VKEY"
assert_contains "which name the entries of the epoch" "$T_OUT" "one of entries 1..4 was edited"

tampered keystate "DELETE FROM audit_key"
assert_exit "the sealing key state deleted: verify exits 1" 1 verify "$X" "$VKEY"
assert_contains "and says so" "$T_OUT" "the sealing key state was removed"
sqlite3 "$X/catalog.db" "DELETE FROM audit_seal"
assert_exit "and the seals with it: verify exits 1" 1 verify "$X" "$VKEY"

# What root can still do: the current epoch is not sealed yet.
tampered current "UPDATE audit SET user = 'alice', uid = 1001 WHERE seq = 8"
rechain "$X/catalog.db"
assert_ok "an entry of the current epoch can be rewritten unseen (documented)" verify "$X" "$VKEY"

# Sealing that stopped: nothing appended for two epochs, then a verify;
# `audit seal` (the timer) closes them.
cp -a "$REG" "$T_TMP/idle"
assert_exit "a log not sealed since an epoch ended: verify exits 1" 1 \
	env RECFS_NOW=$((T0 + 3700)) "$RECCTL" audit verify -R "$T_TMP/idle" --verify-key "$VKEY"
assert_contains "and says sealing stopped" "$T_OUT" "audit log not sealed on time"
assert_ok "audit seal" env RECFS_NOW=$((T0 + 3700)) "$RECCTL" audit seal -R "$T_TMP/idle"
assert_eq "closes the two epochs" "closed 2 epochs" "$(head -n 1 <<<"$T_OUT")"
assert_ok "then it verifies" env RECFS_NOW=$((T0 + 3700)) "$RECCTL" audit verify -R "$T_TMP/idle" --verify-key "$VKEY"

assert_fails_with "a key of another register is refused" "not a recfs audit verification key" \
	verify "$REG" "$KEYS/ingest.keyring"

# --- the log's own retention: a sweep drops old entries, verify still holds ---

# A copy of the register whose policy keeps audit entries for a day, swept
# a day and 915 s after T0: entries 1..5 (written before T0 + 915) go.
SWEEP_AT=$((T0 + 86400 + 915))
SWEPT=$T_TMP/swept
cp -a "$REG" "$SWEPT"
sed -i 's/^audit_retention = .*/audit_retention = 1d/' "$SWEPT/policy.conf"
grep -q '^audit_retention = 1d' "$SWEPT/policy.conf" || t_abort "audit_retention in the copy's policy" "sed failed"
# sweep DIR [ARGS]: recctl retention sweep at SWEEP_AT; vswept DIR [KEY]: verify 20 s later.
sweep() { local d=$1; shift; RECFS_NOW=$SWEEP_AT "$RECCTL" retention sweep -R "$d" "$@"; }
vswept() { RECFS_NOW=$((SWEEP_AT + 20)) "$RECCTL" audit verify -R "$1" ${2:+--verify-key "$2"}; }
rows=$(sqlite3 "$SWEPT/catalog.db" 'SELECT count(*) FROM audit')
assert_ok "retention sweep --dry-run --json" sweep "$SWEPT" --dry-run --json
assert_eq "counts the entries it would drop" 5 "$(jq .audit_would_drop <<<"$T_OUT")"
assert_eq "and the first it would keep" 6 "$(jq .audit_first_kept <<<"$T_OUT")"
assert_eq "written before audit_retention (1d) ago" '"2027-01-01T00:15:15Z"' "$(jq .audit_before <<<"$T_OUT")"
assert_eq "and drops nothing" "$rows" "$(sqlite3 "$SWEPT/catalog.db" 'SELECT count(*) FROM audit')"
assert_ok "retention sweep --json" sweep "$SWEPT" --json
assert_eq "drops them" 5 "$(jq .audit_dropped <<<"$T_OUT")"
assert_eq "none held back by a request" null "$(jq .audit_held_by_request <<<"$T_OUT")"
assert_eq "the log starts at entry 6" 6 "$(sqlite3 "$SWEPT/catalog.db" 'SELECT min(seq) FROM audit')"
assert_eq "the sweep logged it" "dropped=5 first=6 before=2027-01-01T00:15:15Z" \
	"$(sqlite3 "$SWEPT/catalog.db" "SELECT reason FROM audit WHERE action = 'audit-expire'")"
assert_ok "the swept log verifies with the key" vswept "$SWEPT" "$VKEY"
assert_contains "it says what was dropped" "$T_OUT" "entries 1..5 were dropped by retention"
assert_contains "and checks the rest under the seals" "$T_OUT" "entries 6..8 checked under 96 seals"
assert_ok "and without the key" vswept "$SWEPT"
assert_ok "a second sweep" sweep "$SWEPT" --json
assert_eq "drops nothing more" 0 "$(jq .audit_dropped <<<"$T_OUT")"
assert_ok "and it still verifies" vswept "$SWEPT" "$VKEY"

# tampered_sweep NAME SQL: tampered, on a copy of the swept register.
tampered_sweep() { tampered "$1" "$2" "$SWEPT"; }
# ckpt_set N=VALUE...: SQL that sets fields N (1-based) of the swept
# register's checkpoint to VALUE.
ckpt_set()
{
	local v
	v=$(sqlite3 "$SWEPT/catalog.db" "SELECT value FROM meta WHERE key = 'audit_checkpoint'" |
		awk -v set="$*" '{ n = split(set, a, " "); for (i = 1; i <= n; i++) { split(a[i], kv, "="); $kv[1] = kv[2] } print }')
	echo "UPDATE meta SET value = '$v' WHERE key = 'audit_checkpoint'"
}
h6=$(sqlite3 "$SWEPT/catalog.db" "SELECT hex(hash) FROM audit WHERE seq = 6" | tr A-F a-f)

tampered_sweep ckprev "$(ckpt_set 3="$h6")"
assert_exit "the checkpoint's chain hash edited: verify exits 1" 1 vswept "$X"
assert_contains "at the first entry kept" "$T_OUT" "audit log broken at entry 6"
assert_exit "and with the key" 1 vswept "$X" "$VKEY"
tampered_sweep ckbefore "$(ckpt_set 4=$((T0 + 1900)))"
assert_exit "the checkpoint's limit moved later: verify with the key exits 1" 1 vswept "$X" "$VKEY"
assert_contains "its MAC does not match" "$T_OUT" "the retention checkpoint of the audit log"
tampered_sweep ckgone "DELETE FROM meta WHERE key = 'audit_checkpoint'"
assert_exit "the checkpoint removed: verify exits 1" 1 vswept "$X"
assert_contains "the first entries are missing" "$T_OUT" "audit entry 1 is missing"

tampered_sweep onemore "DELETE FROM audit WHERE seq = 6"
assert_exit "one more old entry deleted: verify exits 1" 1 vswept "$X"
assert_contains "and names it" "$T_OUT" "audit log broken at entry 6"
assert_exit "and with the key" 1 vswept "$X" "$VKEY"
tampered_sweep onemore2 "DELETE FROM audit WHERE seq = 6; $(ckpt_set 2=7 3="$h6")"
assert_ok "and with the checkpoint moved on to match, the unkeyed checks pass" vswept "$X"
assert_exit "but not the key's" 1 vswept "$X" "$VKEY"
assert_contains "the checkpoint's MAC does not match" "$T_OUT" "was altered or replaced"

tampered_sweep broken "UPDATE audit SET user = 'mallory' WHERE seq = 7"
assert_exit "a sweep of a log that does not verify exits 1" 1 sweep "$X" --json
assert_contains "and says it dropped nothing" "$T_OUT" "nothing was dropped from it"
assert_eq "from the log" "6|1" \
	"$(sqlite3 "$X/catalog.db" "SELECT min(seq), (SELECT count(*) FROM audit WHERE action = 'audit-expire') FROM audit")"

# --- a log written before the seals, and the frozen sealed one -----------------

# catalog-v1.db was written by recfs before the seals (and before schema 2):
# verify reads it, setup-keys seals it from then on.
OLD_REG=$T_TMP/v1
mkdir -p "$OLD_REG"
cp "$T_ROOT/tests/fixtures/catalog-v1.db" "$OLD_REG/catalog.db"
assert_ok "a log written before the seals verifies" env RECFS_NOW=$((T0 + 10)) "$RECCTL" audit verify -R "$OLD_REG"
assert_contains "every entry of it" "$T_OUT" "audit log intact: 17 entries"
assert_contains "and it says the log is not sealed" "$T_OUT" "not sealed: this log has no seals and no sealing key state"
assert_ok "audit setup-keys on it" env RECFS_NOW=$((T0 + 10)) "$RECCTL" audit setup-keys -R "$OLD_REG" --out "$T_TMP/v1.key"
assert_contains "says what was written before" "$T_OUT" "entries 1..17 were written before"
assert_contains "and where the key is" "$T_OUT" "wrote $T_TMP/v1.key (the audit verification key"
assert_mode "its key is mode 0400" 400 "$T_TMP/v1.key"
assert_fails_with "setup-keys twice is refused" "sealed already" \
	env RECFS_NOW=$((T0 + 20)) "$RECCTL" audit setup-keys -R "$OLD_REG" --out "$T_TMP/v1-again.key"
assert_no_file "and writes no key then" "$T_TMP/v1-again.key"
assert_ok "audit seal after its first epoch" env RECFS_NOW=$((T0 + 905)) "$RECCTL" audit seal -R "$OLD_REG"
assert_ok "it verifies with the key" env RECFS_NOW=$((T0 + 910)) "$RECCTL" audit verify -R "$OLD_REG" --verify-key "$T_TMP/v1.key"
assert_contains "the old entries under the first seal" "$T_OUT" "entries 1..18 checked under 1 seals"
assert_contains "reported as written before sealing began" "$T_OUT" "entries 1..17 were written before sealing began"
sqlite3 "$OLD_REG/catalog.db" "UPDATE audit SET user = 'alice', uid = 1001 WHERE seq = 5"
rechain "$OLD_REG/catalog.db"
assert_exit "an old entry changed after sealing began: verify exits 1" 1 \
	env RECFS_NOW=$((T0 + 910)) "$RECCTL" audit verify -R "$OLD_REG" --verify-key "$T_TMP/v1.key"

# The frozen sealed log verifies, with recctl and with a second
# implementation of the format written from recctl(1) and audit.c.
SEALED=$T_TMP/sealed
mkdir -p "$SEALED"
cp "$T_ROOT/tests/fixtures/catalog-v4-sealed.db" "$SEALED/catalog.db"
FIX_T0=1795860000
assert_ok "the frozen sealed log verifies with its key" env RECFS_NOW=$((FIX_T0 + 4 * 900 + 50)) \
	"$RECCTL" audit verify -R "$SEALED" --verify-key "$T_ROOT/tests/fixtures/audit-verify-v1.key"
assert_contains "all of it" "$T_OUT" "entries 1..6 checked under 4 seals"
assert_eq "and its seals follow the format as documented" "0 1 2 3 key" "$(python3 - "$SEALED/catalog.db" \
	"$T_ROOT/tests/fixtures/audit-verify-v1.key" <<'PY'
import hashlib, sqlite3, struct, sys
seed = bytes.fromhex([l for l in open(sys.argv[2]) if not l.startswith('#')][0].split()[6])
def evolve(k):   # crypto_kdf_derive_from_key(k, 1, "recfsaud")
    return hashlib.blake2b(b'', key=k, salt=struct.pack('<Q', 1) + bytes(8), person=b'recfsaud' + bytes(8),
                           digest_size=32).digest()
db = sqlite3.connect(sys.argv[1])
hashes = dict(db.execute('SELECT seq, hash FROM audit'))
k, e, ok = evolve(seed), 0, []
for epoch, seq, mac in db.execute('SELECT epoch, seq, mac FROM audit_seal ORDER BY epoch'):
    while e < epoch:
        k, e = evolve(k), e + 1
    body = b'recfs audit seal 1\0' + struct.pack('<qq', epoch, seq) + (hashes[seq] if seq else bytes(32))
    if hashlib.blake2b(body, key=k, digest_size=32).digest() == mac:
        ok.append(str(epoch))
ks_epoch, ks_key = db.execute('SELECT epoch, key FROM audit_key').fetchone()
while e < ks_epoch:
    k, e = evolve(k), e + 1
print(' '.join(ok + (['key'] if k == ks_key else [])))
PY
)"

# --- anchors: a roll-back sealed on from the copy's key ---------------------

# A copy of the register put back and sealed on from its own key passes
# the seals (every later key follows from the copy's); the head of the log
# kept off the host (`audit head`, or the timer's `audit seal` output in
# its journal) tells.
AN=$T_TMP/anch
cp -a "$REG" "$AN"
cp -a "$AN" "$T_TMP/anch-copy"		# the copy taken (a backup)
logan() { RECFS_NOW=$((T0 + $2)) "$RECCTL" subject find "+358 41 $2" -R "$1" --keyring "$KEYS/ingest.keyring" >/dev/null 2>&1; }
# van DIR AT [ARGS]: audit verify with the key at T0 + AT.
van() { local d=$1 at=$2; shift 2; RECFS_NOW=$((T0 + at)) "$RECCTL" audit verify -R "$d" --verify-key "$VKEY" "$@"; }
logan "$AN" 7200
logan "$AN" 7210
assert_ok "audit seal after them" env RECFS_NOW=$((T0 + 8200)) "$RECCTL" audit seal -R "$AN"
anchor=$(grep '^recfs-audit-anchor ' <<<"$T_OUT")
assert_match "prints the anchor of the log" "$anchor" \
	'^recfs-audit-anchor 2 register=[0-9a-f]{32} seq=[0-9]+ hash=[0-9a-f]{64} at=2027-01-01T02:16:40Z epoch=[0-9]+ mac=[0-9a-f]{32}$'
an_seq=$(sed 's/.* seq=\([0-9]*\) .*/\1/' <<<"$anchor")
assert_eq "at the last entry" "$(sqlite3 "$AN/catalog.db" 'SELECT max(seq) FROM audit')" "$an_seq"
assert_ok "audit head" env RECFS_NOW=$((T0 + 8200)) "$RECCTL" audit head -R "$AN"
assert_eq "prints the same anchor" "$anchor" "$T_OUT"
assert_ok "the log verifies against its anchor" van "$AN" 8210 --anchor "$anchor"
assert_contains "and says the anchor was checked" "$T_OUT" "anchors: 1 checked, the log holds what each saw"
rm -rf "$T_TMP/roll"
cp -a "$T_TMP/anch-copy" "$T_TMP/roll"
assert_exit "the copy put back: verify says sealing stopped" 1 van "$T_TMP/roll" 8210
assert_contains "not sealed on time" "$T_OUT" "audit log not sealed on time"
assert_ok "audit seal (the timer) seals on from the copy's key" \
	env RECFS_NOW=$((T0 + 8220)) "$RECCTL" audit seal -R "$T_TMP/roll"
assert_ok "then the seals pass with the key: what the seals cannot tell (documented)" van "$T_TMP/roll" 8230
assert_exit "the anchor tells: verify exits 1" 1 van "$T_TMP/roll" 8230 --anchor "$anchor"
assert_contains "the log ends before the anchor's entry" "$T_OUT" "audit log broken: the log ends at entry"
assert_contains "and says why it may" "$T_OUT" "put back from an older copy"
for t in 8300 8310 8320 8330 8340; do logan "$T_TMP/roll" "$t"; done
assert_exit "entries written after the roll-back past the anchor's: verify exits 1" 1 \
	van "$T_TMP/roll" 8350 --anchor "$anchor"
assert_contains "the anchor's entry is another" "$T_OUT" "entry $an_seq is not the one the log held on 2027-01-01T02:16:40Z"
printf '%s\n' "Jan 01 02:16:40 host recfs-audit-seal[42]: closed 1 epoch" \
	"Jan 01 02:16:40 host recfs-audit-seal[42]: $anchor" "" >"$T_TMP/journal.txt"
assert_ok "--anchors reads them from a journal's lines" van "$AN" 8210 --anchors "$T_TMP/journal.txt"
assert_contains "and checks the one there" "$T_OUT" "anchors: 1 checked"
assert_exit "--anchors - reads standard input" 1 \
	sh -c 'exec "$@" <"$0"' "$T_TMP/journal.txt" env RECFS_NOW=$((T0 + 8350)) \
	"$RECCTL" audit verify -R "$T_TMP/roll" --verify-key "$VKEY" --anchors -
assert_contains "and the roll-back shows" "$T_OUT" "is not the one the log held"
other=$(sed 's/register=[0-9a-f]*/register=0123456789abcdef0123456789abcdef/' <<<"$anchor")
assert_exit "an anchor of another register: verify exits 1" 1 van "$AN" 8210 --anchor "$other"
assert_contains "its MAC does not check: skipped" "$T_OUT" \
	"warning: --anchor 1: an anchor whose MAC does not check under the verification key"
assert_contains "and none is left to check" "$T_OUT" "none of the 1 anchors given has a MAC this register made"
assert_exit "without the verification key: verify exits 1" 1 env RECFS_NOW=$((T0 + 8210)) \
	"$RECCTL" audit verify -R "$AN" --anchor "$other"
assert_contains "and says whose it is" "$T_OUT" "is of register 0123456789abcdef0123456789abcdef"
# A line that reads as an anchor, written into the journal by anyone who
# may log (logger(1)): "the log went up to entry N+100", the real line of
# version 1, or with a guessed MAC.  With the verification key each is
# skipped, named, and raises no false alarm of a log that went back.
reg_id=$(sed 's/.* register=\([0-9a-f]*\) .*/\1/' <<<"$anchor")
an_hash=$(sed 's/.* hash=\([0-9a-f]*\) .*/\1/' <<<"$anchor")
an_epoch=$(sed 's/.* epoch=\([0-9]*\) .*/\1/' <<<"$anchor")
{
	printf '%s\n' "Jan 01 02:16:40 host recfs-audit-seal[42]: $anchor"
	printf 'Jan 01 02:17:00 host atk[7]: recfs-audit-anchor 1 register=%s seq=%s hash=%s at=2027-01-01T02:17:00Z\n' \
		"$reg_id" "$((an_seq + 100))" "$an_hash"
	printf 'Jan 01 02:17:01 host atk[7]: recfs-audit-anchor 2 register=%s seq=%s hash=%s at=2027-01-01T02:17:01Z epoch=%s mac=%s\n' \
		"$reg_id" "$((an_seq + 100))" "$an_hash" "$an_epoch" 0123456789abcdef0123456789abcdef
	printf 'Jan 01 02:17:02 host atk[7]: %s\n' "$(sed "s/ seq=$an_seq / seq=$((an_seq + 1)) /" <<<"$anchor")"
} >"$T_TMP/journal-planted.txt"
assert_ok "anchors planted with logger(1) raise no false alarm with the verification key" \
	van "$AN" 8210 --anchors "$T_TMP/journal-planted.txt"
assert_contains "the version 1 line is skipped, named" "$T_OUT" \
	"warning: $T_TMP/journal-planted.txt, line 2: an anchor without a MAC"
assert_contains "so is the one with a guessed MAC" "$T_OUT" \
	"warning: $T_TMP/journal-planted.txt, line 3: an anchor whose MAC does not check"
assert_contains "and the real one altered" "$T_OUT" \
	"warning: $T_TMP/journal-planted.txt, line 4: an anchor whose MAC does not check"
assert_contains "the register's own is checked" "$T_OUT" "anchors: 1 checked, the log holds what each saw; 2 skipped: not made by this register; 1 without a MAC, checked apart"
# An anchor without a MAC may be an officer's of before anchors had one:
# what it says is said, as a warning, never as the exit status (atk28 F3).
assert_contains "what the line without a MAC says is a warning" "$T_OUT" \
	"warning: the 1 anchor without a MAC disagrees with the log: the log ends at entry"
assert_exit "and a roll-back still shows through its own anchor" 1 \
	van "$T_TMP/roll" 8350 --anchors "$T_TMP/journal-planted.txt"
assert_contains "as audit log broken" "$T_OUT" "audit log broken: entry $an_seq is not the one the log held"
assert_exit "without the verification key a planted line is taken: verify exits 1" 1 env RECFS_NOW=$((T0 + 8210)) \
	"$RECCTL" audit verify -R "$AN" --anchors "$T_TMP/journal-planted.txt"
assert_contains "and says the MACs were not checked" "$T_OUT" "the anchors' MACs were not checked"
assert_exit "an anchor that does not read is a usage error" 2 van "$AN" 8210 --anchor "recfs-audit-anchor 1 register=x"
assert_exit "so is a line without one" 2 van "$AN" 8210 --anchor "seq=3"
assert_fails_with "a file without an anchor is refused" "holds no \"recfs-audit-anchor\" line" \
	van "$AN" 8210 --anchors "$POL"
# What else a journal holds: a line with the tag that is no anchor (any
# local user can log one with logger(1)), one longer than an anchor line
# can be, an anchor after a NUL byte.  Each is named, none stops the check.
{
	printf '%s\n' "Jan 01 02:16:41 host atk[7]: recfs-audit-anchor x"
	printf 'Jan 01 02:16:42 host atk[7]: %s %s\n' "$anchor" "$(printf 'L%.0s' $(seq 1 4200))"
	printf 'Jan 01 02:16:43 host atk[7]: \0 %s\n' "$anchor"
	printf 'Jan 01 02:16:44 host atk[7]: %s\0\n' "${anchor% at=*}"
} >"$T_TMP/journal-junk.txt"
assert_ok "--anchors skips a line that does not read, and checks the others" \
	van "$AN" 8210 --anchors "$T_TMP/journal-junk.txt"
assert_contains "the line that does not read is named" "$T_OUT" \
	"warning: $T_TMP/journal-junk.txt, line 1: not an audit anchor"
assert_contains "so is the line too long for an anchor" "$T_OUT" \
	"warning: $T_TMP/journal-junk.txt, line 2: a line of 4"
assert_contains "and the anchor cut by a NUL byte" "$T_OUT" \
	"warning: $T_TMP/journal-junk.txt, line 4: an anchor cut by a NUL byte: skipped"
assert_contains "the anchor after a NUL byte is checked" "$T_OUT" "anchors: 1 checked"
assert_exit "an anchor after a NUL byte tells a roll-back too" 1 \
	van "$T_TMP/roll" 8350 --anchors "$T_TMP/journal-junk.txt"
assert_contains "as audit log broken" "$T_OUT" "audit log broken: entry $an_seq is not the one the log held"
head -n 1 "$T_TMP/journal-junk.txt" >"$T_TMP/journal-only-junk.txt"
assert_exit "a file whose only tagged line does not read is refused: exit 1" 1 \
	van "$AN" 8210 --anchors "$T_TMP/journal-only-junk.txt"
assert_contains "saying so" "$T_OUT" "holds no \"recfs-audit-anchor\" line that reads as an anchor (1 skipped)"
assert_exit "--anchors /dev/zero ends, exit 1" 1 timeout 60 env RECFS_NOW=$((T0 + 8210)) \
	"$RECCTL" audit verify -R "$AN" --verify-key "$VKEY" --anchors /dev/zero
assert_contains "saying it is no file of text lines" "$T_OUT" \
	"/dev/zero, line 1: a line of over 1048576 bytes: not a file of text lines"
# After a retention sweep: the last entry dropped is checked against the
# checkpoint, older ones cannot be.  These anchors are made here from the
# catalog (version 1, no MAC): verify takes them without the verification
# key, which would skip them.
rid=$(sqlite3 "$REG/catalog.db" "SELECT value FROM meta WHERE key = 'register_id'")
anchor_of() { echo "recfs-audit-anchor 1 register=$rid seq=$1 hash=$(sqlite3 "$REG/catalog.db" "SELECT lower(hex(hash)) FROM audit WHERE seq = $1") at=2027-01-01T00:10:00Z"; }
assert_ok "an anchor of the last dropped entry holds after the sweep" \
	env RECFS_NOW=$((SWEEP_AT + 20)) "$RECCTL" audit verify -R "$SWEPT" \
	--anchor "$(anchor_of 5)" --anchor "$(anchor_of 3)" --anchor "$(anchor_of 7)"
assert_contains "two checked, one older than the checkpoint" "$T_OUT" \
	"anchors: 2 checked, the log holds what each saw; 1 older than the retention checkpoint, not checked"
bad5=$(anchor_of 5 | sed "s/hash=[0-9a-f]*/hash=$(printf '%064d' 0)/")
assert_exit "an anchor the checkpoint does not match: verify exits 1" 1 \
	env RECFS_NOW=$((SWEEP_AT + 20)) "$RECCTL" audit verify -R "$SWEPT" --anchor "$bad5"
assert_contains "at the anchor's entry" "$T_OUT" "entry 5 is not the one the log held"

# --- anchors against each other: a roll-back a sweep hid ---------------------

# atk3 item 6: put back from a copy, written on, and a sweep of a shortened
# audit_retention drops every entry the anchors name, so that none can be
# checked against the log; the anchors still tell: the head went back.
B=$((T0 + 10 * 86400))
RB=$T_TMP/rb
cp -a "$REG" "$RB"
sed -i 's/^audit_retention = .*/audit_retention = 1d/' "$RB/policy.conf"
# rbseal AT: audit seal at B + AT, its anchor appended to the journal
rbseal() { RECFS_NOW=$((B + $1)) "$RECCTL" audit seal -R "$RB" | grep '^recfs-audit-anchor ' >>"$T_TMP/rb-journal"; }
: >"$T_TMP/rb-journal"
logan "$RB" $((B - T0 + 10))
rbseal 100
cp -a "$RB" "$T_TMP/rb-copy"		# the backup
logan "$RB" $((B - T0 + 200))
logan "$RB" $((B - T0 + 210))
rbseal 300
rm -rf "$RB"
mv "$T_TMP/rb-copy" "$RB"		# put back
rbseal 400
logan "$RB" $((B - T0 + 500))
logan "$RB" $((B - T0 + 510))
rbseal 600
logan "$RB" $((B - T0 + 700))
rbseal 800
mapfile -t rba <"$T_TMP/rb-journal"
assert_eq "five anchors in the journal" 5 "${#rba[@]}"
seq_of() { sed 's/.* seq=\([0-9]*\) .*/\1/' <<<"$1"; }
assert_eq "the one after the roll-back names the entry of the one before the copy" \
	"$(seq_of "${rba[0]}")" "$(seq_of "${rba[2]}")"
assert_exit "before a sweep, the log tells: verify exits 1" 1 \
	env RECFS_NOW=$((B + 810)) "$RECCTL" audit verify -R "$RB" --anchors "$T_TMP/rb-journal"
assert_contains "it no longer holds an anchor's entry" "$T_OUT" "is not the one the log held"
assert_ok "a sweep two days later drops every entry the anchors name" \
	env RECFS_NOW=$((B + 2 * 86400)) "$RECCTL" retention sweep -R "$RB"
assert_ok "audit seal after it" env RECFS_NOW=$((B + 2 * 86400 + 10)) "$RECCTL" audit seal -R "$RB"
assert_exit "the anchors still tell: verify exits 1" 1 \
	env RECFS_NOW=$((B + 2 * 86400 + 20)) "$RECCTL" audit verify -R "$RB" --verify-key "$VKEY" \
	--anchors "$T_TMP/rb-journal"
assert_contains "the head went back from one anchor to the next" "$T_OUT" \
	"audit log broken: on $(date -u -d @$((B + 300)) +%FT%TZ) the log went up to entry $(seq_of "${rba[1]}") (anchor), on $(date -u -d @$((B + 400)) +%FT%TZ), later, only to entry $(seq_of "${rba[2]}") (anchor): the log went back"
assert_exit "so do two anchors of one entry with different hashes" 1 \
	env RECFS_NOW=$((B + 2 * 86400 + 20)) "$RECCTL" audit verify -R "$RB" \
	--anchor "${rba[1]}" --anchor "${rba[3]}"
assert_contains "named with their times" "$T_OUT" \
	"audit log broken: the anchors of $(date -u -d @$((B + 300)) +%FT%TZ) and $(date -u -d @$((B + 600)) +%FT%TZ) name two different entries $(seq_of "${rba[1]}")"
assert_ok "anchors of the log as it went on agree" \
	env RECFS_NOW=$((B + 2 * 86400 + 20)) "$RECCTL" audit verify -R "$RB" \
	--anchor "${rba[0]}" --anchor "${rba[3]}" --anchor "${rba[4]}"
assert_contains "none checkable against the log, none going back" "$T_OUT" \
	"anchors: 1 checked, the log holds what each saw; 2 older than the retention checkpoint, not checked against the log; none goes back from an earlier one"

# --- the same attacks against a build without seals ------------------------

if [ -n "${RECFS_OLD_RECCTL:-}" ]; then
	OLD=$RECFS_OLD_RECCTL
	mkdir -p "$T_TMP/old"
	# The policy without the keys added since, which an older recctl
	# refuses: the lines its own policy check calls unknown.
	"$OLD" policy check "$POL" 2>&1 | sed -n 's/^[^:]*:\([0-9][0-9]*\): unknown key.*/\1d/p' >"$T_TMP/old/drop.sed"
	sed -f "$T_TMP/old/drop.sed" "$POL" >"$T_TMP/old/policy.conf"
	"$OLD" init "$T_TMP/old/reg" --policy "$T_TMP/old/policy.conf" --keyrings "$T_TMP/old/keys" --no-passphrase >/dev/null
	for i in 1 2 3 4 5; do
		"$OLD" subject find "+358 40 $i" -R "$T_TMP/old/reg" --keyring "$T_TMP/old/keys/ingest.keyring" >/dev/null 2>&1
	done
	cp -a "$T_TMP/old/reg" "$T_TMP/old/head"
	sqlite3 "$T_TMP/old/head/catalog.db" "DELETE FROM meta WHERE key = 'audit_head'; DELETE FROM audit WHERE seq > 3"
	assert_ok "old build: the head record deleted and the tail cut passes verify" "$OLD" audit verify -R "$T_TMP/old/head"
	cp -a "$T_TMP/old/reg" "$T_TMP/old/rechain"
	sqlite3 "$T_TMP/old/rechain/catalog.db" "UPDATE audit SET user = 'alice', uid = 1001 WHERE seq = 3"
	rechain "$T_TMP/old/rechain/catalog.db"
	assert_ok "old build: a recomputed chain passes verify" "$OLD" audit verify -R "$T_TMP/old/rechain"
fi

# --- real time: 1 s epochs, the mount's batched opens -----------------------

mkdir -p "$T_TMP/rt"
REG=$T_TMP/rt/reg
KEYS=$T_TMP/rt/keys
"$RECCTL" init "$REG" --policy "$POL" --keyrings "$KEYS" --no-passphrase --audit-epoch 1 >/dev/null ||
	t_abort "init --audit-epoch 1" "failed"
if have_generator; then
	gen_manifests "$T_TMP/spool" 3 --seed 11
	ingest_spool "$T_TMP/spool"
	analyst=$(make_level_user analysis)
	MNT=$T_TMP/mnt
	mount_all_levels "$MNT"
	files=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus')
	for f in $files; do as_user "$analyst" cat "$f" >/dev/null; sleep 0.6; done
	sleep 1.2
	for f in $files; do as_user "$analyst" cat "$f" >/dev/null; done
	unmount_recfs "$MNT"
	nolog=$(grep -c 'no syslog at /dev/log' "$MNT.err")
	if [ -S /dev/log ]; then
		assert_eq "with a syslog the mount says nothing of it" 0 "$nolog"
	else
		assert_eq "without a syslog the mount says so once, at start-up" 1 "$nolog"
	fi
	opens=$(q "SELECT count(*) FROM audit WHERE action = 'open' AND outcome = 'ok'")
	sealed_opens=$(q "SELECT count(*) FROM audit WHERE action = 'open' AND outcome = 'ok'
		AND seq <= (SELECT max(seq) FROM audit_seal)")
	[ "$opens" -gt 0 ] && [ "$sealed_opens" -gt 0 ] &&
		pass "the mount closed epochs as it logged ($sealed_opens of $opens opens sealed)" ||
		fail "the mount closed epochs as it logged" "$sealed_opens of $opens opens sealed"
	# The epochs that ended after the last open (and during an unmount
	# that is slow under load) are closed as the host's timer would.
	assert_ok "recctl audit seal closes the epochs since the unmount" "$RECCTL" audit seal -R "$REG"
	assert_ok "the mount's opens across epochs verify with the key" \
		"$RECCTL" audit verify -R "$REG" --verify-key "$KEYS/audit-verify.key"
	assert_match "and lie under the seals" "$T_OUT" "checked under [0-9]+ seals"
fi
# recctl watch, the other daemon that writes the log, says it too.
"$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" >"$T_TMP/watch.log" 2>&1 &
WATCH=$!
for _ in $(seq 1 100); do grep -q watching "$T_TMP/watch.log" && break; sleep 0.05; done
kill "$WATCH"
wait "$WATCH" 2>/dev/null
nolog=$(grep -c 'no syslog at /dev/log' "$T_TMP/watch.log")
if [ -S /dev/log ]; then
	assert_eq "with a syslog recctl watch says nothing of it" 0 "$nolog"
else
	assert_eq "without a syslog recctl watch says so once, at start-up" 1 "$nolog"
fi
sleep 2.2
assert_exit "a second later, unsealed: verify exits 1" 1 "$RECCTL" audit verify -R "$REG" --verify-key "$KEYS/audit-verify.key"
assert_ok "audit seal" "$RECCTL" audit seal -R "$REG"
assert_ok "then it verifies" "$RECCTL" audit verify -R "$REG" --verify-key "$KEYS/audit-verify.key"
assert_fails_with "the verification key of another register is refused" "the verification key is for register" \
	"$RECCTL" audit verify -R "$T_TMP/a/reg" --verify-key "$KEYS/audit-verify.key"

t_done
