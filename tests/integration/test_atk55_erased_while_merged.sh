#!/bin/bash
# A call erased while its person was merged into another by mistake goes
# with her when a split undoes the merge (atk55 F1).  Maija's handle is
# merged into Matti's; her second call is heard, then erased, while they
# are one subject; the officer splits her first call off naming her old
# handle.  The erasure's entry named Matti (the call was linked to him
# then), so the opens of her erased call stayed in his export and in his
# walk of the log after the split, another person's data in his answer,
# and were missing from hers.  A merge now logs on each recording it
# moves whose it was (merge-subject RECORDING ok from=OTHER into=HANDLE),
# and an erasure names that subject: the split's --merged takes it.  A
# call merged the right way stays the kept subject's: its walk and export
# follow the merge.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
maija_second_call
"$RECCTL" subject merge -R "$REG" "$handle" "$other" --level-keyring "$PK" >/dev/null 2>&1 ||
	t_abort "subject merge" "failed"
assert_eq "the merge logs on each call it moves whose it was" "from=$other into=$handle" \
	"$(q "SELECT group_concat(reason) FROM audit WHERE action = 'merge-subject' AND object = '$rid4'")"
assert_eq "... and on none of Matti's own" 0 "$(q "SELECT count(*) FROM audit WHERE action = 'merge-subject' AND object = '$rid'")"

# while merged: the analyst hears her second call, the officer erases it
heard_and_erased
assert_contains "the erasure names Maija's handle, whose the call was" \
	"$(q "SELECT reason FROM audit WHERE action = 'erase' AND object = '$rid4' AND outcome = 'ok'")" "subject=$other"
B=$T_TMP/b
cp -a "$REG" "$B"

export_of "$REG" "$handle" "$T_TMP/e0"
assert_contains "while merged, Matti's export lists the opens of her erased call" "$(accessed "$T_TMP/e0" "$handle")" \
	"open $rid4"

assert_ok "the officer splits her first call off, naming her old handle" \
	"$RECCTL" subject split -R "$REG" "$handle" "$rid2" --level-keyring "$PK" --name "Maija Virtanen" --merged "$other"
N=$(handle_of "$rid2")
[ -n "$N" ] && [ "$N" != "$handle" ] || t_abort "split" "the call was not split off"
export_of "$REG" "$handle" "$T_TMP/e1"
acc=$(accessed "$T_TMP/e1" "$handle")
assert_contains "control: Matti's export lists the opens of his call" "$acc" "open $rid"
assert_not_contains "Matti's export no longer lists the opens of her erased call" "$acc" "$rid4"
export_of "$REG" "$N" "$T_TMP/e2"
assert_contains "hers lists them" "$(accessed "$T_TMP/e2" "$N")" "open $rid4"
assert_ok "audit show --subject of Matti" "$RECCTL" audit show -R "$REG" --subject "$handle"
assert_contains "control: ... lists the opens of his call" "$T_OUT" "$rid "
assert_not_contains "... but nothing of her erased call" "$T_OUT" "$rid4"
assert_ok "fsck with the rights keyring finds nothing" "$RECCTL" fsck -R "$B" --keyring "$PK"

# a right merge: the erased call stays the kept subject's
assert_ok "on the copy, the merge stands: audit show --subject of Matti" "$RECCTL" audit show -R "$B" --subject "$handle"
assert_contains "... lists the open of the erased call, through the merge" "$T_OUT" "$rid4"
export_of "$B" "$handle" "$T_TMP/e3"
assert_contains "... as his export does" "$(accessed "$T_TMP/e3" "$handle")" "open $rid4"

# root appends an entry saying Matti's own call was a third person's: the
# erasure does not take it (no merge of that subject into his)
"$T_BUILD/test/put_audit" "$B" merge-subject "$rid" ok "from=S-ZZZZZZ into=$handle" || t_abort "put_audit" "failed"
mnt=$T_TMP/mnt2
REG=$B mount_all_levels "$mnt"
f=$(as_user "$dpo" find "$mnt/by-date" -name "*_${rid:0:8}.opus")
[ -n "$f" ] || t_abort "mount" "the officer does not see Matti's call"
as_user "$dpo" rm "$f" || t_abort "rm" "the officer cannot erase Matti's call"
unmount_recfs "$mnt"
assert_contains "a forged merge entry on a call does not change whom its erasure names" \
	"$(REG=$B q "SELECT reason FROM audit WHERE action = 'erase' AND object = '$rid' AND outcome = 'ok'")" "subject=$handle"
t_done
