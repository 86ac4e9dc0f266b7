#!/bin/bash
# Promise tried: a legitimate register does not look tampered: fsck names,
# and --repair restricts (Art. 18, as the officer's), only a recording
# whose restriction root cleared.  Tried against a first version of the
# check, which took the seals' word (not landed); the check now takes the
# audit log's, where no restriction of the meeting was ever logged.
#
# No attacker: the officer lowers a purpose that was sealed from the
# rights level alone (bronze-silver-gold's "secret", gold, to silver)
# while an ingest runs (a spool backlog: `recctl ingest` of a meeting with
# a large shared file; `recctl watch` does the same with a batch).  The
# ingest loaded the policy when it opened the register and seals the
# meeting by it, gold only, after the apply committed.  Under the policy
# now installed, that meeting is "restricted by its seals": withheld from
# the recipient export, the next policy apply refused, fsck names it as
# changed outside recfs, and fsck --repair restricts it as the officer's
# restriction, which keeps it past its retention for good.
. "$(dirname "$0")/lib.sh"

bsg_register "$T_TMP/a"
awk '/^\[/ { s = ($0 == "[purpose secret]") } s && /^min_level/ { $0 = "min_level = silver" } { print }' \
	"$pol" >"$T_TMP/lower.conf"
grep -q "^min_level = silver" "$T_TMP/lower.conf" || t_abort "policy" "no lowered purpose"

cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/m1.opus"
# a large shared file: the ingest encrypts it before it writes the catalog
# (written out: ingest refuses a sparse file's hole)
head -c 1G /dev/zero >"$SPOOL/m1.bin" || t_abort "setup" "cannot write the file"
touch -d '-1 minute' "$SPOOL/m1.bin" "$SPOOL/m1.opus"
cat >"$SPOOL/m1.json" <<'JSON'
{"recorded_at": "2026-11-02T10:00:00Z", "source": "boardroom", "title": "Board",
 "subjects": [{"role": "customer", "name": "Gina Goldonly", "phone": "+46701119999"}],
 "audio": "m1.opus", "attachments": [{"file": "m1.bin", "kind": "presentation"}]}
JSON
touch -d '-1 minute' "$SPOOL/m1.json"
touch "$T_TMP/mark"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/m1.json" >"$T_TMP/ingest.out" 2>&1 &
ingest_pid=$!
# the ingest has opened the register once it writes a blob
for _ in $(seq 1 200); do
	[ -n "$(find "$REG/blobs" -type f -newer "$T_TMP/mark" 2>/dev/null | head -n 1)" ] && break
	sleep 0.05
done
[ -n "$(find "$REG/blobs" -type f -newer "$T_TMP/mark" 2>/dev/null | head -n 1)" ] ||
	t_abort "ingest" "no blob written: $(cat "$T_TMP/ingest.out")"
assert_ok "the officer applies the policy that lowers secret to silver" \
	"$RECCTL" policy apply "$T_TMP/lower.conf" -R "$REG" --keyring "$PK" --keyrings "$KEYS" --no-passphrase
applied=$(kill -0 "$ingest_pid" 2>/dev/null && echo yes)
wait "$ingest_pid" || t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
[ "$applied" = yes ] || t_abort "timing" "the ingest ended before the policy was applied: try a larger file"
rid=$(id_at 2026-11-02T10:00:00Z)
[ -n "$rid" ] || t_abort "ingest" "no meeting ingested"
echo "   the meeting's seals: $(q "SELECT group_concat(DISTINCT level) FROM seal s JOIN artifact a ON a.id = s.object
	WHERE a.recording = '$rid'")"
H=$(handle_of "$rid")

"$RECCTL" fsck -R "$REG" --keyring "$PK" >"$T_TMP/fsck.out" 2>&1
assert_not_contains "fsck does not call the meeting restricted, changed outside recfs" \
	"$(cat "$T_TMP/fsck.out")" "recording $rid is restricted by"
rm -rf "$T_TMP/r1"
if "$RECCTL" subject export -R "$REG" "$H" "$T_TMP/r1" --level-keyring "$PK" --recipient group >"$T_TMP/e.out" 2>&1
then
	assert_contains "the export to a recipient carries the meeting, which nobody restricted" \
		"$(jq -r '[.recordings[].id] | join(" ")' "$T_TMP/r1/$H/export.json")" "$rid"
else
	fail "the export to a recipient carries the meeting, which nobody restricted" "$(cat "$T_TMP/e.out")"
fi
assert_ok "the policy applied again" \
	"$RECCTL" policy apply "$T_TMP/lower.conf" -R "$REG" --keyring "$PK" --keyrings "$KEYS" --no-passphrase
"$RECCTL" fsck -R "$REG" --keyring "$PK" --repair >"$T_TMP/fsck2.out" 2>&1
grep -i "restrict" "$T_TMP/fsck2.out" | sed 's/^/   fsck --repair: /'
assert_eq "fsck --repair restricts nothing" 0 "$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$rid'")"
t_done
