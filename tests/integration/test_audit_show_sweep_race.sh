#!/bin/bash
# recctl audit show notes entries a retention sweep dropped before the
# listing reached them (atk28 F6, commit "audit show says which entries a
# retention sweep dropped"): before each page after the first it reads the
# log's first entry (note_gap), then, in a statement of its own with no
# read snapshot between, the page.  A sweep that commits between the two
# drops entries the listing never shows, and no note says so.  Here gdb
# stops the listing at its second page's query (after note_gap) and the
# sweep runs there: the listing shows entries 1..256, then goes on from
# the first entry kept, and stderr is silent.  The window is small in
# real use; gdb only makes it certain.
. "$(dirname "$0")/lib.sh"

command -v gdb >/dev/null || t_abort "gdb" "gdb is needed to stop the listing between its two reads"
T0=1798761600	# 2027-01-01T00:00:00Z
make_register "$T_TMP/a"
sed -i 's/^audit_retention = .*/audit_retention = 1d/' "$REG/policy.conf"
grep -q '^audit_retention = 1d' "$REG/policy.conf" || t_abort "audit_retention" "sed failed"
gen_manifests "$T_TMP/spool" 700 --seed 3
RECFS_NOW=$T0 ingest_spool "$T_TMP/spool"
old=$(sqlite3 "$REG/catalog.db" 'SELECT count(*) FROM audit')
[ "$old" -ge 600 ] || t_abort "entries" "only $old audit entries after 700 ingests"
LATER=$((T0 + 2 * 86400))

cat >"$T_TMP/gdb.cmds" <<G
set pagination off
break catalog_each_audit_where
run
continue
shell env RECFS_NOW=$LATER "$RECCTL" retention sweep -R "$REG" --json >"$T_TMP/sweep.out" 2>&1
continue
G
RECFS_NOW=$LATER gdb -q -batch -x "$T_TMP/gdb.cmds" --args "$RECCTL" audit show -R "$REG" \
	>"$T_TMP/gdb.log" 2>&1 </dev/null
dropped=$(jq .audit_dropped "$T_TMP/sweep.out" 2>/dev/null)
[ "${dropped:-0}" -ge 600 ] || t_abort "sweep" "the sweep between the reads dropped ${dropped:-nothing}: $(tail -n 5 "$T_TMP/gdb.log")"
shown=$(grep -c '^[0-9][0-9]* 20[0-9][0-9]-' "$T_TMP/gdb.log")
if [ "$shown" -lt "$old" ]; then
	pass "the listing missed entries the sweep dropped ($shown entries of $old)"
else
	fail "the listing missed entries the sweep dropped" "$shown entries: gdb did not hold it"
fi
first_kept=$(sqlite3 "$REG/catalog.db" 'SELECT min(seq) FROM audit')
assert_match "and says which entries were dropped before it reached them" "$(grep 'recctl: note' "$T_TMP/gdb.log")" \
	"^recctl: note: the retention sweep dropped entries 257 to $((first_kept - 1)) of the audit log while this listing ran"
t_done
