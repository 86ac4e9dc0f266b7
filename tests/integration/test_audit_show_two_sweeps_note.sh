#!/bin/bash
# recctl audit show and two retention sweeps during one listing: the note
# of entries "dropped ... before it reached them" (commit "audit show says
# which entries a retention sweep dropped") keeps the start of the first
# gap and the end of the last (meta/audit.c note_gap: gap->from is set
# once), so it names as missed the entries the listing showed between the
# two sweeps.  Here the listing shows 1-256, a sweep drops 257-601, the
# listing shows 602-1113, a second sweep drops 1114-1203; the note says
# "dropped entries 257 to 1203 ... those of them it would have shown are
# not above", though 512 of them are.  gdb stops the listing before its
# gap checks (catalog_audit_first_since) so that each sweep runs there.
. "$(dirname "$0")/lib.sh"

command -v gdb >/dev/null || t_abort "gdb" "gdb is needed to hold the listing between its pages"
T0=1798761600	# 2027-01-01T00:00:00Z
make_register "$T_TMP/a"
sed -i 's/^audit_retention = .*/audit_retention = 1d/' "$REG/policy.conf"
grep -q '^audit_retention = 1d' "$REG/policy.conf" || t_abort "audit_retention" "sed failed"
gen_manifests "$T_TMP/sp1" 600 --seed 3
gen_manifests "$T_TMP/sp2" 600 --seed 4
RECFS_NOW=$T0 ingest_spool "$T_TMP/sp1"
RECFS_NOW=$((T0 + 2 * 86400)) ingest_spool "$T_TMP/sp2"

cat >"$T_TMP/gdb.cmds" <<G
set pagination off
break catalog_audit_first_since
run
shell env RECFS_NOW=$((T0 + 36 * 3600)) "$RECCTL" retention sweep -R "$REG" --json >"$T_TMP/sweep1.out" 2>&1
continue
continue
shell env RECFS_NOW=$((T0 + 4 * 86400)) "$RECCTL" retention sweep -R "$REG" --json >"$T_TMP/sweep2.out" 2>&1
continue
continue
continue
G
RECFS_NOW=$((T0 + 4 * 86400)) gdb -q -batch -x "$T_TMP/gdb.cmds" --args "$RECCTL" audit show -R "$REG" \
	>"$T_TMP/gdb.log" 2>&1 </dev/null
d1=$(jq .audit_dropped "$T_TMP/sweep1.out" 2>/dev/null) d2=$(jq .audit_dropped "$T_TMP/sweep2.out" 2>/dev/null)
[ "${d1:-0}" -gt 256 ] && [ "${d2:-0}" -gt 0 ] || t_abort "sweeps" "the sweeps dropped ${d1:-nothing} and ${d2:-nothing}"
grep -o '^[0-9][0-9]* 20[0-9][0-9]-' "$T_TMP/gdb.log" | awk '{ print $1 }' >"$T_TMP/shown"
note=$(grep -o 'recctl: note: the retention sweep dropped entries [0-9]* to [0-9]*' "$T_TMP/gdb.log")
assert_match "the listing notes dropped entries" "$note" 'dropped entries [0-9]+ to [0-9]+'
from=$(sed 's/.*entries \([0-9]*\) to .*/\1/' <<<"$note") to=$(sed 's/.* to //' <<<"$note")
inside=$(awk -v a="${from:-0}" -v b="${to:-0}" '$1 >= a && $1 <= b' "$T_TMP/shown" | wc -l)
assert_eq "the note names as dropped no entry the listing showed ($note)" 0 "$inside"
t_done
