#!/bin/bash
# A shared file's name on the mount is stem.N.ext, ext taken from the
# recorder's file name (recfs-manifest(5): 1 to 8 ASCII letters or digits).
# A recorder that names a file after the person, "anteckning.19700707"
# (a Swedish personal identity number's date of birth, 19700707-7777),
# must not put those digits in the mount's file names, nor, through the
# artifact name, in the audit log, which "names users and recordings,
# never the persons in them" (the register notice).  An extension of
# digits only is no file type: expected, the file is shown as .bin (as
# any other extension recfs does not take) or without one, and the log
# names it so.
# The ordinary extensions (pdf, txt, pptx) stay.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/m.opus"
printf 'Anteckning om Ingrid Åkerlund\n' >"$SPOOL/anteckning.19700707"
printf '%%PDF-1.4\n' >"$SPOOL/vardplan.pdf"
cat >"$SPOOL/m.json" <<'JSON'
{"recorded_at": "2026-11-26T10:00:00Z", "source": "customer-meetings",
 "subjects": [{"role": "customer", "name": "Ingrid Åkerlund", "ref": "19700707-7777"}],
 "audio": "m.opus",
 "attachments": [{"file": "vardplan.pdf", "kind": "presentation"},
                 {"file": "anteckning.19700707", "kind": "note"}]}
JSON
make_register "$T_TMP/a"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/m.json" >"$T_TMP/ingest.out" 2>&1 ||
	t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

DAY=$MNT/by-date/2026/11/26
names=$(as_user "$analyst" ls "$DAY" 2>&1)
assert_match "analysis sees the meeting's first shared file as .1.pdf" "$names" '\.1\.pdf$'
assert_not_contains "no file name on the mount holds the digits of the recorder's file name" "$names" "19700707"
assert_match "the second shared file is still listed (as .2.bin, or .2)" "$names" '_[0-9a-f]{8}\.2(\.bin)?$'

# Open every file of the meeting: each open is an audit entry naming the
# artifact.
for f in $(as_user "$analyst" ls "$DAY"); do
	as_user "$analyst" cat "$DAY/$f" >/dev/null 2>&1
done
sleep 1.5
log=$("$RECCTL" audit show -R "$REG" 2>&1)
assert_contains "the opens are logged" "$log" "/1.pdf"
assert_not_contains "the audit log does not hold the digits of the recorder's file name" "$log" "19700707"
t_done
