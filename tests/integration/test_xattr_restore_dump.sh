#!/bin/bash
# What getfattr shows of user.gdpr.restricted ("no", "yes since=DATE
# reason=TEXT") and of user.gdpr.legal_hold is no reason to restrict or
# hold by.  The privacy officer who dumps a folder's attributes
# (`getfattr -R -d`) and restores the dump (`setfattr --restore`), or a
# copy that keeps attributes, wrote "no" back into every recording: each
# was restricted with the reason "no", unreadable to every level below the
# rights one (atk68 L1).  Such values, and an empty one, are refused with
# EINVAL and logged; a reason restricts as ever.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 6 --seed 5 --meetings 0
ingest_spool "$T_TMP/spool"
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
restricted() { q "SELECT count(*) FROM recording WHERE restricted_since > 0"; }
held() { q "SELECT count(*) FROM recording WHERE legal_hold IS NOT NULL"; }
mapfile -t calls < <(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort)
[ ${#calls[@]} -ge 3 ] || t_abort "data" "too few recordings for the analyst"
f=${calls[0]} g=${calls[1]}
assert_ok "privacy: a hold on one recording" as_user "$dpo" setfattr -n user.gdpr.legal_hold -v "claim 9" "$g"
assert_eq "nothing restricted before, one held" "0 1" "$(restricted) $(held)"

# The dump and its restore, by the officer, of the whole date tree.
as_user "$dpo" getfattr -R -d -m '^user\.gdpr\.' "$MNT/by-date" >"$T_TMP/dump" 2>/dev/null
assert_contains "the dump holds what the attribute shows" "$(cat "$T_TMP/dump")" 'user.gdpr.restricted="no"'
assert_contains "and the hold's reason (the rights level reads it)" "$(cat "$T_TMP/dump")" 'user.gdpr.legal_hold="claim 9"'
out=$(cd / && as_user "$dpo" setfattr --restore="$T_TMP/dump" 2>&1)
assert_contains "the restore of restricted=no is refused with EINVAL" "$out" "Invalid argument"
assert_eq "no recording is restricted by it" 0 "$(restricted)"
assert_eq "the held recording is still held, and not restricted" 1 "$(q "SELECT count(*) FROM recording WHERE legal_hold IS NOT NULL AND restricted_since = 0")"
assert_eq "the analyst still reads every call" "${#calls[@]}" \
	"$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | wc -l)"
assert_eq "the hold keeps its reason" "claim 9" "$(as_user "$dpo" getfattr --only-values -n user.gdpr.legal_hold "$g")"

# One by one.
assert_fails_with "privacy: restricted = no is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.gdpr.restricted -v no "$f"
assert_fails_with "privacy: restricted = '' is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.gdpr.restricted -v "" "$f"
assert_fails_with "privacy: a hold of the shown form is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.gdpr.legal_hold -v "yes since=2026-11-02 reason=x" "$f"
assert_eq "still nothing restricted" 0 "$(restricted)"
rid=$(rid_of "$f")
sleep 1
log=$("$RECCTL" audit show -R "$REG" --object "$rid" 2>&1)
assert_match "the refusal is logged with why" "$log" \
	"restrict $rid refused the value is what the attribute shows"
assert_match "the empty one too" "$log" "restrict $rid refused a restriction by setfattr needs a reason"
assert_ok "privacy: a reason restricts" as_user "$dpo" setfattr -n user.gdpr.restricted -v "no consent for training" "$f"
assert_eq "one restricted" 1 "$(restricted)"
assert_fails_with "the analyst no longer reads it" "No such file or directory" as_user "$analyst" cat "$f"
unmount_recfs "$MNT"
t_done
