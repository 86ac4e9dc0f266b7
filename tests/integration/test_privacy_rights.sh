#!/bin/bash
# Issue 10, the rights side: what a rectification leaves behind.  Each
# rectification stores a sealed record of the old and new value; erasing
# the subject (rm -r by-subject/H) erases those records with the card
# (rows, seals, no byte left in catalog.db or its WAL), and recctl fsck
# reports sealed records whose owner is gone and --repair erases them.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 12 --seed 23
ingest_spool "$spool"
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

# Sealed records that neither a recording (details) nor a subject (card) names.
unnamed() {
	q "SELECT id FROM record WHERE id NOT IN (SELECT details_id FROM recording)
	   AND id NOT IN (SELECT card FROM subject) ORDER BY id"
}
# in_catalog HEX...: how many of these byte strings catalog.db and its WAL hold.
in_catalog() {
	python3 - "$REG/catalog.db" "$REG/catalog.db-wal" "$@" <<'PY'
import sys, binascii
data = b""
for p in sys.argv[1:3]:
    try: data += open(p, "rb").read()
    except FileNotFoundError: pass
print(sum(1 for h in sys.argv[3:] if binascii.unhexlify(h) in data))
PY
}

# --- rectification records go with the subject ---------------------------------
h=$(as_user "$dpo" ls "$MNT/by-subject" | head -n 1)
[ -n "$h" ] || t_abort "data" "no subject"
before=$(unnamed)
assert_ok "privacy: rectify a phone number" \
	as_user "$dpo" setfattr -n user.recfs.phone -v "+358 50 999 0001" "$MNT/by-subject/$h"
assert_ok "privacy: rectify a name" \
	as_user "$dpo" setfattr -n user.recfs.name -v "Rectimarker Person" "$MNT/by-subject/$h"
hist=$(comm -13 <(echo "$before") <(unnamed))
assert_eq "each rectification stored one sealed record" "2" "$(echo "$hist" | grep -c .)"
cts=""
seals=""
for id in $hist; do
	cts+=" $(q "SELECT hex(ct) FROM record WHERE id = '$id'")"
	seals+=" $(q "SELECT hex(box) FROM seal WHERE object = '$id'" | tr '\n' ' ')"
done
[ -n "${seals// }" ] && pass "the records are sealed" || fail "the records are sealed" "no seal"

assert_ok "privacy: rm -r by-subject/<handle>" as_user "$dpo" rm -r "$MNT/by-subject/$h"
assert_eq "the subject is gone" "0" "$(q "SELECT count(*) FROM subject WHERE handle = '$h'")"
left=0
for id in $hist; do
	left=$((left + $(q "SELECT count(*) FROM record WHERE id = '$id'")))
	left=$((left + $(q "SELECT count(*) FROM seal WHERE object = '$id'")))
done
assert_eq "its rectification records and their seals are erased" "0" "$left"
# shellcheck disable=SC2086
assert_eq "no byte of catalog.db or its WAL holds them" "0" "$(in_catalog $cts $seals)"
assert_ok "fsck is clean after the erasure" "$RECCTL" fsck -R "$REG"

# --- fsck reports and repairs orphaned sealed records ---------------------------
# What an erasure by an older recfs left behind: a record and its seal
# whose owner no longer exists.
orphan=0123456789abcdef0123456789abcdef
q "INSERT INTO record (id, ct) VALUES ('$orphan', x'c0ffee0123456789');
   INSERT INTO seal (object, level, box) VALUES ('$orphan', 'privacy', x'abad1dea0123456789');"
out=$("$RECCTL" fsck -R "$REG" 2>&1)
assert_exit "fsck fails on an orphaned sealed record" 1 "$RECCTL" fsck -R "$REG"
assert_match "fsck names the orphaned record" "$out" "$orphan"
assert_ok "fsck --repair erases it" "$RECCTL" fsck -R "$REG" --repair
assert_eq "its row and seal are gone" "0" \
	"$(q "SELECT (SELECT count(*) FROM record WHERE id = '$orphan') + (SELECT count(*) FROM seal WHERE object = '$orphan')")"
assert_eq "no byte of catalog.db or its WAL holds it" "0" "$(in_catalog c0ffee0123456789 abad1dea0123456789)"
assert_match "the repair is logged" "$("$RECCTL" audit show -R "$REG" 2>&1)" "fsck-repair.*$orphan"
assert_ok "fsck is clean after the repair" "$RECCTL" fsck -R "$REG"

unmount_recfs "$MNT"
assert_ok "the audit log verifies at the end" "$RECCTL" audit verify -R "$REG"
t_done
