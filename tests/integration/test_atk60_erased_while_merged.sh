#!/bin/bash
# A meeting of Matti and Maija erased while Maija's wrong merge into Matti
# stood (atk60 F3).  The merge dropped her link (the meeting was Matti's
# already) and logged nothing on the meeting, so its erasure named Matti
# alone, and the split undoing the merge later could not give it back: who
# heard the meeting was in Matti's export, not in hers.  The merge now logs
# "merge-subject MEETING ok from=MAIJA into=MATTI shared=1", and the
# erasure names her beside him (audit_recording_named), so her history
# goes with her handle when the split undoes the merge.  A call of hers
# alone erased while the merge stood names her already (the merge's entry
# on it, audit_recording_named).
. "$(dirname "$0")/lib.sh"

three_people
call_of_two m5 2026-11-06T10:00:00Z "Matti Meikäläinen" +358401234567 "Maija Virtanen" +358401234568
customer_call c7 2026-11-07T10:00:00Z "Maija Virtanen" "+358401234568"
m5=$(id_at 2026-11-06T10:00:00Z) r7=$(id_at 2026-11-07T10:00:00Z)
[ "$(q "SELECT count(*) FROM link WHERE recording = '$m5'")" = 2 ] || t_abort "setup" "the meeting is not of two"

# An analyst hears the meeting and Maija's own call.
analyst=$(make_level_user analysis)
mount_all_levels "$T_TMP/mnt"
for id in "$m5" "$r7"; do
	f=$(as_user "$analyst" find "$T_TMP/mnt/by-date" -name "*_${id:0:8}.opus" | head -n 1)
	[ -n "$f" ] && as_user "$analyst" cat "$f" >/dev/null || t_abort "open" "the analyst cannot hear $id"
done
unmount_recfs "$T_TMP/mnt"

"$RECCTL" subject merge -R "$REG" "$A" "$D" --level-keyring "$PK" >"$T_TMP/m.out" 2>&1 || t_abort "merge" "$(cat "$T_TMP/m.out")"
sweep_one "$m5"
sweep_one "$r7"
assert_ok "the officer undoes the merge" \
	"$RECCTL" subject split -R "$REG" "$A" "$r3" --merged "$D" --name "Maija Virtanen" --level-keyring "$PK"
N=$(handle_of "$r3")
[ -n "$N" ] && [ "$N" != "$A" ] || t_abort "split" "no new subject"
opened() { export_of "$REG" "$1" "$T_TMP/x-$1"; jq -r '[.accesses[] | select(.action == "open") | .recording] | unique | join(" ")' "$T_TMP/x-$1/$1/export.json"; }
got=$(opened "$N")
assert_contains "control: Maija's export lists the opens of her own call erased while merged" "$got" "$r7"
assert_contains "Maija's export lists the opens of the meeting she was in, erased while merged" "$got" "$m5"
er=$(q "SELECT reason FROM audit WHERE action = 'erase' AND object = '$m5' AND outcome = 'ok'")
assert_contains "the meeting's erasure names Maija's handle" "$er" "subject=$D"
assert_contains "... and Matti's" "$er" "subject=$A"
assert_eq "the merge logged the call of both on the meeting" "from=$D into=$A shared=1" \
	"$(q "SELECT reason FROM audit WHERE action = 'merge-subject' AND object = '$m5' AND outcome = 'ok'")"
assert_contains "Matti's export lists the opens of the meeting he was in" "$(opened "$A")" "$m5"
assert_not_contains "... not of Maija's own call" "$(opened "$A")" "$r7"
assert_contains "the walk for Matti lists the meeting's opens" "$("$RECCTL" audit show -R "$REG" --subject "$A" 2>&1)" \
	"open $m5"
assert_ok "fsck with the rights keyring finds nothing" "$RECCTL" fsck -R "$REG" --keyring "$PK"
t_done
