#!/bin/bash
# "Who accessed my data" (Art. 15(1)(c)) keeps the accesses of a recording
# after that recording is erased, for as long as the audit log holds them.
# The erasure's entry names the subjects linked to the recording then
# ("subject=S-..."), and audit_subject_objects takes the recordings erased
# while linked to the handle along with those it is still in.  So a
# subject with three calls, one erased by the officer (rm on the mount) and
# one by the retention sweep, gets an export (recctl(1) subject export:
# "accesses", "The accesses are those the log still holds") and an
# `audit show --subject` that list the analyst's opens of the erased calls.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
customer_call c1 2026-11-02T10:00:00Z "Anna Virtanen" "+358401234567"
customer_call c2 2026-11-03T10:00:00Z "Anna Virtanen" "+358401234567"
# An older call of hers, whose retention (quality: 12 months) ends first.
customer_call c0 2026-01-05T10:00:00Z "Anna Virtanen" "+358401234567"
r0=$(id_at 2026-01-05T10:00:00Z)
r1=$(id_at 2026-11-02T10:00:00Z)
r2=$(id_at 2026-11-03T10:00:00Z)
h=$(handle_of "$r1")
[ -n "$r1" ] && [ -n "$r2" ] && [ -n "$h" ] || t_abort "data" "calls not ingested"
assert_eq "both calls are one subject's" "$h" "$(handle_of "$r2")"
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f1=$(as_user "$analyst" find "$MNT/by-date" -name "*_${r1:0:8}.opus")
f2=$(as_user "$analyst" find "$MNT/by-date" -name "*_${r2:0:8}.opus")
[ -n "$f1" ] && [ -n "$f2" ] || t_abort "files" "the analyst does not see both calls"
assert_ok "the analyst listens to call 1" as_user "$analyst" cat "$f1"
assert_ok "the analyst listens to call 1's WAV view" as_user "$analyst" cat "${f1%.opus}.wav"
assert_ok "the analyst listens to call 2" as_user "$analyst" cat "$f2"
f0=$(as_user "$analyst" find "$MNT/by-date" -name "*_${r0:0:8}.opus")
assert_ok "the analyst listens to the old call 0" as_user "$analyst" cat "$f0"
sleep 2
assert_ok "the officer erases call 1 (an erasure request for that call)" as_user "$dpo" rm "$f1"
unmount_recfs "$MNT"

who=$("$RECCTL" audit show -R "$REG" --recording "${r1:0:8}" --action open)
echo "$who" | sed 's/^/   who listened to call 1: /'
assert_eq "control: the log still holds the analyst's two opens of call 1" 2 \
	"$(grep -c " $analyst(.* open ${r1}/" <<<"$who")"

out=$T_TMP/export
mkdir -p "$out"
"$RECCTL" subject export -R "$REG" "$h" "$out" --level-keyring "$KEYS/privacy.keyring" >/dev/null 2>"$T_TMP/export.err" ||
	t_abort "export" "$(cat "$T_TMP/export.err")"
acc=$(jq -r '.accesses[] | select(.action == "open") | .recording' "$out/$h/export.json" | sort | uniq -c)
echo "$acc" | sed 's/^/   export accesses (open): /'
assert_eq "the export lists the opens of call 2" 1 "$(grep -c " $r2\$" <<<"$acc")"
assert_eq "the export lists the opens of the erased call 1 (the log still holds them)" 1 \
	"$(grep -c " $r1\$" <<<"$acc")"
subj=$("$RECCTL" audit show -R "$REG" --subject "$h" --action open)
assert_contains "audit show --subject lists the opens of call 1" "$subj" "$r1"
assert_eq "the erasure's entry names the subject linked to call 1" 1 \
	"$(q "SELECT count(*) FROM audit WHERE action = 'erase' AND object = '$r1' AND artifact IS NULL
		AND outcome = 'ok' AND reason LIKE '% subject=$h'")"
both=$("$RECCTL" audit show -R "$REG" --subject "$h" --recording "${r1:0:8}" --action open)
assert_eq "audit show --subject with the erased call's 8 hex digits lists its two opens" 2 \
	"$(grep -c " open ${r1}/" <<<"$both")"
other=$("$RECCTL" audit show -R "$REG" --subject "S-ZZZZZZ" --action open)
assert_eq "another handle gets none of them" "" "$other"

# Part 2: the old call expires (retention sweep two months after its
# retention ended; the audit log keeps two years).  Her export should still
# say who listened to it.  An open request holds the log back; not an
# access request, whose open state keeps the expired call itself (the
# sweep erases it once the request is closed).
"$RECCTL" request new -R "$REG" --type rectification --subject "$h" >/dev/null 2>&1 || true
RECFS_NOW=$(date -u -d 2027-03-01T00:00:00Z +%s) "$RECCTL" retention sweep -R "$REG" >"$T_TMP/sweep.out" 2>&1
sed 's/^/   sweep: /' "$T_TMP/sweep.out"
assert_eq "control: call 0 was erased by the sweep" "" "$(q "SELECT id FROM recording WHERE id = '$r0'")"
assert_eq "control: the log still holds the analyst's open of call 0" 1 \
	"$("$RECCTL" audit show -R "$REG" --recording "${r0:0:8}" --action open | grep -c " $analyst(")"
rm -rf "$out"; mkdir -p "$out"
"$RECCTL" subject export -R "$REG" "$h" "$out" --level-keyring "$KEYS/privacy.keyring" >/dev/null 2>"$T_TMP/export.err" ||
	t_abort "export" "$(cat "$T_TMP/export.err")"
acc=$(jq -r '.accesses[] | select(.action == "open") | .recording' "$out/$h/export.json" | sort | uniq -c)
echo "$acc" | sed 's/^/   export accesses after the sweep (open): /'
assert_eq "the export after the sweep lists the open of the expired call 0" 1 "$(grep -c " $r0\$" <<<"$acc")"
t_done
