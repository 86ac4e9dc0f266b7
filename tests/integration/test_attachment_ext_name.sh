#!/bin/bash
# An extension is a file type only with a letter and at most 3 digits
# (naming.c, bb7 F1): "anteckning.19700707" is shown as .bin.  A recorder
# that names a note after the person puts a name there as easily:
# "muistio.virtanen" (a surname, 8 ASCII letters, within the 1 to 8 of
# recfs-manifest(5)) is shown on the mount as .1.virtanen and named so in
# every open's audit entry, which "names users and recordings, never the
# persons in them" (the register notice).  Expected: an extension no file
# type has (not in /etc/mime.types, which subject export reads already) is
# shown as .bin, as one of digits; the ordinary ones (pdf) stay.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/m.opus"
printf 'Muistio: Pirkko Virtanen\n' >"$SPOOL/muistio.virtanen"
printf '%%PDF-1.4\n' >"$SPOOL/hoitosuunnitelma.pdf"
cat >"$SPOOL/m.json" <<'JSON'
{"recorded_at": "2026-11-26T10:00:00Z", "source": "customer-meetings",
 "subjects": [{"role": "customer", "name": "Pirkko Virtanen"}],
 "audio": "m.opus",
 "attachments": [{"file": "hoitosuunnitelma.pdf", "kind": "presentation"},
                 {"file": "muistio.virtanen", "kind": "note"}]}
JSON
make_register "$T_TMP/a"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/m.json" >"$T_TMP/ingest.out" 2>&1 ||
	t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

DAY=$MNT/by-date/2026/11/26
names=$(as_user "$analyst" ls "$DAY" 2>&1)
assert_match "control: the first shared file is .1.pdf" "$names" '\.1\.pdf$'
assert_not_contains "no file name on the mount holds the surname of the recorder's file name" "$names" "virtanen"
for f in $(as_user "$analyst" ls "$DAY"); do
	as_user "$analyst" cat "$DAY/$f" >/dev/null 2>&1
done
sleep 1.5
log=$("$RECCTL" audit show -R "$REG" 2>&1)
assert_contains "control: the opens are logged" "$log" "/1.pdf"
assert_not_contains "the audit log does not hold the surname" "$log" "virtanen"
t_done
