#!/bin/bash
# An objection (Art. 21) stops the processing of a recording for its
# purpose; it does not keep the recording past its retention.  The
# retention sweep (and its dry run) erases an expired recording restricted
# by an objection alone, as it erases one not restricted: gone from the
# mount for the rights level, "erase ... retention" in the audit log, not
# counted as restricted.  So it does with one whose objection was lifted,
# its restriction lifted too or left.  The officer's restriction (Art. 18,
# chmod 0 or setfattr user.gdpr.restricted), alone or after an objection's,
# keeps the recording, as a legal hold does.  Seen before: every recording
# an objection restricted was kept past its retention, forever.  Real
# mount, the privacy officer as a real user of the rights level.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
rc() { "$RECCTL" "$@" -R "$REG"; }

# call STEM WHEN PHONE: a service-level call (legitimate interests, 12
# months' retention) of its own customer.
call()
{
	ingest_json "$1" "{\"recorded_at\": \"$2\", \"source\": \"customer-service\", \"purpose\": \"service-level\",
 \"subjects\": [{\"role\": \"customer\", \"name\": \"Retobj $1\", \"phone\": \"$3\"}], \"audio\": \"$1.opus\"}"
}
# recorded in January 2025: past their retention (12 months) today
call objected 2025-01-06T10:00:00Z +358401120001
call officer 2025-01-07T10:00:00Z +358401120002
call both_chmod 2025-01-08T10:00:00Z +358401120003
call both_setfattr 2025-01-09T10:00:00Z +358401120004
call held 2025-01-10T10:00:00Z +358401120005
call lifted 2025-01-13T10:00:00Z +358401120006
call objection_lifted 2025-01-14T10:00:00Z +358401120007
# and one that is not
fresh_day=$(date -u -d '10 days ago' +%F)
call fresh "${fresh_day}T10:00:00Z" +358401120008
objected=$(id_at 2025-01-06T10:00:00Z) officer=$(id_at 2025-01-07T10:00:00Z)
both_chmod=$(id_at 2025-01-08T10:00:00Z) both_setfattr=$(id_at 2025-01-09T10:00:00Z)
held=$(id_at 2025-01-10T10:00:00Z) lifted=$(id_at 2025-01-13T10:00:00Z)
objection_lifted=$(id_at 2025-01-14T10:00:00Z) fresh=$(id_at "${fresh_day}T10:00:00Z")

dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
path_of() { as_user "$dpo" find "$MNT/by-date" -name "*_${1:0:8}.opus" | head -n 1; }
for v in objected officer both_chmod both_setfattr held lifted objection_lifted fresh; do
	f=$(path_of "${!v}")
	[ -n "$f" ] || t_abort "mount" "the $v call is not on the mount"
	printf -v "f_$v" '%s' "$f"
done
restricted() { q "SELECT restricted_since <> 0 FROM recording WHERE id = '$1'"; }

for v in objected both_chmod both_setfattr held lifted objection_lifted fresh; do
	assert_ok "the $v call's subject objects to service-level" \
		rc subject object "$(handle_of "${!v}")" --purpose service-level
	assert_contains "(its call is restricted)" "$T_OUT" "1 recording restricted"
done
assert_ok "the officer restricts a call (chmod 0)" as_user "$dpo" chmod 0 "$f_officer"
assert_ok "the officer restricts an objected call too (chmod 0)" as_user "$dpo" chmod 0 "$f_both_chmod"
assert_match "... which is logged as the officer's restriction" "$(rc audit show --object "$both_chmod")" \
	"restrict $both_chmod ok sealed=[0-9a-f]+\$"
assert_ok "the officer restricts another objected call (setfattr user.gdpr.restricted)" \
	as_user "$dpo" setfattr -n user.gdpr.restricted -v "legal claim" "$f_both_setfattr"
assert_ok "the officer places a legal hold on an objected call" \
	as_user "$dpo" setfattr -n user.gdpr.legal_hold -v "dispute" "$f_held"
assert_ok "one objection is lifted" rc subject object "$(handle_of "$lifted")" --lift --purpose service-level
assert_ok "... and its call's restriction (chmod 0440)" as_user "$dpo" chmod 0440 "$f_lifted"
assert_ok "another objection is lifted, its restriction left" \
	rc subject object "$(handle_of "$objection_lifted")" --lift --purpose service-level
assert_eq "restricted: all but the one lifted" "1 1 1 1 1 0 1 1" \
	"$(for v in objected officer both_chmod both_setfattr held lifted objection_lifted fresh; do
		restricted "${!v}"; done | paste -sd' ')"

# --- the dry run --------------------------------------------------------------
assert_ok "retention sweep --dry-run --json" rc retention sweep --dry-run --json
assert_eq "the dry run finds the seven expired calls" "7" "$(jq .expired <<<"$T_OUT")"
assert_eq "it would erase the three an objection alone restricted or none" "3" "$(jq .would_erase <<<"$T_OUT")"
assert_eq "it counts the three the officer restricted as restricted" "3" "$(jq .skipped_restricted <<<"$T_OUT")"
assert_eq "and the one on hold as on hold" "1" "$(jq .skipped_hold <<<"$T_OUT")"

# --- the sweep ---------------------------------------------------------------
assert_ok "retention sweep" rc retention sweep
# (the subject whose objection stands is kept: it recognises the person's
# later calls)
assert_contains "it says what it erased and skipped" "$T_OUT" \
	"expired 7, erased 3 (and 2 subjects with their last recording), skipped 1 on legal hold, 3 restricted;"
gone() { ! as_user "$dpo" test -e "$f_objected"; }
poll_since "$(now_ns)" 3000 gone
assert_fails_with "the objected call is gone from the mount for the rights level" "No such file or directory" \
	as_user "$dpo" stat "$f_objected"
for v in objected lifted objection_lifted; do
	assert_match "the $v call's erasure is logged" "$(rc audit show --object "${!v}")" \
		"erase ${!v} ok retention"
	assert_eq "the $v call is gone from the catalog" "0" "$(q "SELECT count(*) FROM recording WHERE id = '${!v}'")"
	assert_not_contains "the $v call's skip is not logged" "$(rc audit show --object "${!v}")" "retention-skip"
done
assert_fails_with "the call whose objection was lifted is gone from the mount" "No such file or directory" \
	as_user "$dpo" stat "$f_objection_lifted"
for v in officer both_chmod both_setfattr; do
	fv=f_$v
	assert_ok "the $v call stays on the mount" as_user "$dpo" test -e "${!fv}"
	assert_match "its skip is logged as restricted" "$(rc audit show --object "${!v}")" \
		"retention-skip ${!v} skipped restricted\$"
done
assert_ok "the call on legal hold stays on the mount" as_user "$dpo" test -e "$f_held"
assert_match "its skip is logged as a legal hold" "$(rc audit show --object "$held")" "retention-skip $held skipped legal hold\$"
assert_ok "the objected call within its retention stays" as_user "$dpo" test -e "$f_fresh"
assert_eq "... restricted" "0" "$(as_user "$dpo" stat -c %a "$f_fresh")"
assert_match "the sweep's entry counts three restricted, not five" "$(rc audit show --action retention-sweep)" \
	"expired=7 erased=3 hold=1 restricted=3 "
assert_ok "a second sweep" rc retention sweep --json
assert_eq "... erases nothing more" "0" "$(jq .erased <<<"$T_OUT")"

unmount_recfs "$MNT"
t_done
