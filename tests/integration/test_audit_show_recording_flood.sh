#!/bin/bash
# The "who listened" report (recctl(1): `audit show --recording X --action
# open`) of a recording one user opened in a loop.  Opens that succeed are
# not capped (recfs(8)): any user of the lowest level writes thousands of
# entries a second about a recording it sees.  The report reads the log
# 256 entries a page; each page's query (object IN (recording, its
# artifacts) ... ORDER BY seq, no LIMIT) finds every entry of the
# recording after the page's start and sorts them, then keeps 256: the
# report takes time in the square of the entries (25,000 in 1 s, 125,000
# in 27 s on a 2-core machine), so a few minutes of a loop make the
# officer's answer for that recording (and --subject for its subject) take
# hours, where the plain listing of the same entries takes a second.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 4 --seed 11 --meetings 0
ingest_spool "$T_TMP/spool"
trainer=$(make_level_user training)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f=$(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | sort | head -n 1)
[ -n "$f" ] || t_abort "data" "no recording the training level sees"
rid=$(as_user "$trainer" getfattr --absolute-names --only-values -n user.recfs.id "$f" 2>/dev/null)
[ -n "$rid" ] || t_abort "id" "no user.recfs.id"

# The loop: opens of the one recording for 5 seconds (about 40,000 to
# 60,000 on a 2-core machine).
as_user "$trainer" /usr/bin/python3 -c '
import os, sys, time
end = time.time() + 5
n = 0
while time.time() < end:
    os.close(os.open(sys.argv[1], os.O_RDONLY)); n += 1
print(n)' "$f" >"$T_TMP/opens" || t_abort "loop" "the loop failed"
opens=$(cat "$T_TMP/opens")
echo "   opens made: $opens"
unmount_recfs "$MNT"	# every entry moved into the log

secs() { local t0 t1; t0=$(date +%s%N); "$@" >"$T_TMP/out" 2>&1; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
plain=$(secs "$RECCTL" audit show -R "$REG" --action open)
assert_eq "the plain listing lists every open" "$opens" "$(grep -c " open $rid/opus ok" "$T_TMP/out")"
report=$(secs "$RECCTL" audit show -R "$REG" --recording "$rid" --action open)
assert_eq "the who-listened report lists every open" "$opens" "$(grep -c " open $rid/opus ok" "$T_TMP/out")"
echo "   plain listing ${plain} ms, who-listened report ${report} ms"
# Same entries, same output: the report may cost a few times the listing,
# not its square.
assert_ok "the who-listened report takes at most 4 times the plain listing, plus a second" \
	test "$report" -le $((4 * plain + 1000))
subj=$(secs "$RECCTL" audit show -R "$REG" --object "$rid")
echo "   --object ${subj} ms"
t_done
