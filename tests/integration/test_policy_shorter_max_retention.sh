#!/bin/bash
# A controller shortens a purpose's max_retention with `recctl policy apply`
# (say the law or the controller's own rule now allows 12 months at most
# where it allowed 24).  A recording whose retention the privacy officer had
# extended beyond the new maximum then stands beyond what the policy allows:
# the notice says "at most 12 months", the answer letters say the periods
# are the policy's, and `recctl retention set` refuses the very date the
# recording keeps ("beyond max_retention").  Expected: policy apply brings
# such a recording within the new max_retention, or at least says that it
# is not (names or counts it), and `recctl fsck` counts it as a problem,
# so that it is not kept past the policy unseen.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
customer_call c1 "2026-11-20T10:00:00Z" "Åsa Lindström" "+46 70 123 45 67"
rid=$(id_at "2026-11-20T10:00:00Z")
[ -n "$rid" ] || t_abort "data" "no recording"

# Two more: one extended as far and then put on legal hold (its hold keeps
# it beyond), one left at its default retention (within the new maximum).
customer_call c2 "2026-11-21T10:00:00Z" "Örjan Ödmark" "+46 70 765 43 21"
customer_call c3 "2026-11-22T10:00:00Z" "Björn Älvström" "+46 70 111 22 33"
held=$(id_at "2026-11-21T10:00:00Z")
plain=$(id_at "2026-11-22T10:00:00Z")
[ -n "$held" ] && [ -n "$plain" ] || t_abort "data" "no recordings c2, c3"

# quality: retention 12m, max_retention 24m in the shipped policy.
assert_ok "retention set to 2028-11-20 (within 24m)" "$RECCTL" retention set -R "$REG" "$rid" 2028-11-20
"$RECCTL" retention set -R "$REG" "$held" 2028-11-21 >/dev/null 2>&1 || t_abort "retention set" "c2"
# A legal hold as the mount's setfattr leaves it (the next recctl seals its reason).
q "UPDATE recording SET legal_hold = 'claim 7', hold_since = 1 WHERE id = '$held'"
day_of() { date -u -d "@$(q "SELECT retention_until FROM recording WHERE id = '$1'")" +%F 2>/dev/null; }
sed 's/^max_retention = 24m$/max_retention = 12m/' "$POLICY_EXAMPLE" >"$T_TMP/short.conf"
[ "$(grep -c '^max_retention = 12m$' "$T_TMP/short.conf")" -gt "$(grep -c '^max_retention = 12m$' "$POLICY_EXAMPLE")" ] ||
	t_abort "policy" "no max_retention of 24m to shorten"
# A dry run counts and changes nothing.
"$RECCTL" policy apply "$T_TMP/short.conf" -R "$REG" --keyring "$KEYS/privacy.keyring" --dry-run >"$T_TMP/dry.out" 2>&1 ||
	t_abort "policy apply --dry-run" "$(tail -n 3 "$T_TMP/dry.out")"
assert_match "dry run: counts the recording it would bring down, by purpose" "$(cat "$T_TMP/dry.out")" \
	"^would bring 1 recording down to the new max_retention of quality \\(12m\\)$"
assert_eq "dry run: changes no retention" "2028-11-20" "$(day_of "$rid")"
# Run later, the day it comes down to is over: the next sweep erases it.
RECFS_NOW=$(date -u -d 2027-12-01T00:00:00Z +%s) "$RECCTL" policy apply "$T_TMP/short.conf" -R "$REG" \
	--keyring "$KEYS/privacy.keyring" --dry-run >"$T_TMP/dry-late.out" 2>&1 ||
	t_abort "policy apply --dry-run" "$(tail -n 3 "$T_TMP/dry-late.out")"
assert_match "dry run: says when the day it comes down to is over" "$(cat "$T_TMP/dry-late.out")" \
	"^would bring 1 recording down to the new max_retention of quality \\(12m\\); 1 of them is past it: the next retention sweep erases it$"
"$RECCTL" policy apply "$T_TMP/short.conf" -R "$REG" --keyring "$KEYS/privacy.keyring" >"$T_TMP/apply.out" 2>&1 ||
	t_abort "policy apply" "$(tail -n 3 "$T_TMP/apply.out")"
assert_match "apply: counts the recording it brought down, by purpose" "$(cat "$T_TMP/apply.out")" \
	"^brought 1 recording down to the new max_retention of quality \\(12m\\)$"
assert_eq "apply: brings it down to recorded_at + the new max_retention" "2027-11-20" "$(day_of "$rid")"
assert_match "apply: names the one a legal hold keeps beyond it" "$(cat "$T_TMP/apply.out")" \
	"^recording $held \\(quality\\) is on legal hold: it keeps retention_until 2028-11-21"
assert_eq "apply: the held one keeps its day" "2028-11-21" "$(day_of "$held")"
assert_eq "apply: leaves one within the new maximum alone" "2027-11-22" "$(day_of "$plain")"
"$RECCTL" audit show -R "$REG" --recording "$rid" --action retention >"$T_TMP/audit.out" 2>&1
assert_eq "apply: one retention entry in the audit log for the recording it changed" "1" \
	"$(grep -c 'until 2027-11-20 policy-apply: max_retention of quality is 12m' "$T_TMP/audit.out")"
"$RECCTL" audit show -R "$REG" --recording "$held" --action retention >"$T_TMP/audit2.out" 2>&1
assert_not_contains "apply: no retention entry for the held one" "$(cat "$T_TMP/audit2.out")" "policy-apply"

until_now=$(date -u -d "@$(q "SELECT retention_until FROM recording WHERE id = '$rid'")" +%F 2>/dev/null)
assert_fails_with "retention set refuses 2028-11-20 now (beyond max_retention)" "beyond max_retention" \
	"$RECCTL" retention set -R "$REG" "$rid" 2028-11-20
if [ "$until_now" \< "2027-11-21" ] || grep -Eqi "$rid|${rid:0:8}|1 recording.*(retention|max_retention)|max_retention.*1 recording" "$T_TMP/apply.out"; then
	pass "policy apply keeps no recording beyond the new max_retention unsaid"
else
	fail "policy apply keeps no recording beyond the new max_retention unsaid" \
		"retention_until $until_now (new maximum 2027-11-20); apply said: $(head -c 400 "$T_TMP/apply.out")"
fi
"$RECCTL" fsck -R "$REG" >"$T_TMP/fsck.out" 2>&1
st=$?
if [ "$until_now" \< "2027-11-21" ] || [ "$st" -ne 0 ]; then
	pass "fsck counts a recording kept beyond its purpose's max_retention"
else
	fail "fsck counts a recording kept beyond its purpose's max_retention" "exit $st: $(tail -n 2 "$T_TMP/fsck.out")"
fi
assert_eq "fsck: a legal hold's recording beyond it is no problem" "0" "$st"
assert_contains "fsck: ... but is said" "$(cat "$T_TMP/fsck.out")" \
	"note: recording $held is kept until 2028-11-21, beyond its purpose's max_retention (2027-11-21); its legal hold keeps it"
# One an older recctl left beyond the maximum is a problem.
q "UPDATE recording SET retention_until = $(date -u -d 2029-01-01 +%s) WHERE id = '$plain'"
"$RECCTL" fsck -R "$REG" >"$T_TMP/fsck2.out" 2>&1
st=$?
assert_eq "fsck: one kept beyond max_retention without a hold fails it" "1" "$st"
assert_contains "fsck: ... named with the last day allowed" "$(cat "$T_TMP/fsck2.out")" \
	"problem: recording $plain is kept until 2029-01-01, beyond its purpose's max_retention (2027-11-22)"

# Shortening retention (the default period) changes no recording: apply
# says how many keep the period they were given, and how to change one:
# the first two; not the third, which apply brings down to max_retention
# in the same run (atk24).
sed 's/^retention = 12m$/retention = 6m/' "$T_TMP/short.conf" >"$T_TMP/shorter.conf"
"$RECCTL" policy apply "$T_TMP/shorter.conf" -R "$REG" --keyring "$KEYS/privacy.keyring" --dry-run >"$T_TMP/dry2.out" 2>&1 ||
	t_abort "policy apply --dry-run" "$(tail -n 3 "$T_TMP/dry2.out")"
"$RECCTL" policy apply "$T_TMP/shorter.conf" -R "$REG" --keyring "$KEYS/privacy.keyring" >"$T_TMP/apply2.out" 2>&1 ||
	t_abort "policy apply" "$(tail -n 3 "$T_TMP/apply2.out")"
for f in dry2 apply2; do
	assert_match "$f: a shorter retention counts the recordings that keep theirs" "$(cat "$T_TMP/$f.out")" \
		"^retention of quality shortened from 12m to 6m: new recordings get 6m; 2 existing recordings keep the retention they were given \\(recctl retention set RECORDING YYYY-MM-DD changes one\\)$"
done
assert_eq "apply: the shorter retention changes no recording's day" "2027-11-20" "$(day_of "$rid")"
assert_eq "apply: ... but brings the one beyond max_retention down" "2027-11-22" "$(day_of "$plain")"
t_done
