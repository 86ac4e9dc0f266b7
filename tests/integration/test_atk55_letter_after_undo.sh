#!/bin/bash
# atk55: the letter of an access request (request answer, which holds no
# key and walks the log for the disclosures) after an honest undo.
# Maija's data (C: two calls) was disclosed to the authorities (subject
# export --recipient), one of her calls erased, then C merged into Matti
# (A) by mistake and split off again naming C (with her call left).
# While merged, Matti's letter names the authorities (as his card then
# said); after the split it does not (one check fails on the build
# before the split's merged-handle entry), and Maija's letter does
# (through her call split off, whose export entry moved with it).
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
PK=$KEYS/privacy.keyring
TPL=$T_ROOT/packaging/templates
A=$handle C=$(handle_of "$rid2")
customer_call c4 2026-11-05T10:00:00Z "Maija Virtanen" "+358401234568"
rid4=$(id_at 2026-11-05T10:00:00Z)
[ "$(handle_of "$rid4")" = "$C" ] && [ "$A" != "$C" ] || t_abort "setup" "Maija's calls are not one subject's"
"$RECCTL" subject export -R "$REG" "$C" "$T_TMP/auth" --recipient authorities --level-keyring "$PK" >/dev/null 2>&1 ||
	t_abort "export to the authorities" "failed"
mnt=$T_TMP/mnt2
mount_all_levels "$mnt"
dpo=$(make_level_user privacy)
f=$(as_user "$dpo" find "$mnt/by-date" -name "*_${rid4:0:8}.opus")
[ -n "$f" ] || t_abort "mount" "the officer does not see Maija's second call"
as_user "$dpo" rm "$f" || t_abort "rm" "the officer cannot erase Maija's second call"
unmount_recfs "$mnt"
r2=$rid2
"$RECCTL" subject merge -R "$REG" "$A" "$C" --level-keyring "$PK" >/dev/null 2>&1 || t_abort "merge" "failed"
"$RECCTL" request new -R "$REG" --type access --subject "$A" --channel post >/dev/null 2>&1 || t_abort "request new" "failed"
letter()
{
	"$RECCTL" request answer "$1" -R "$REG" --lang en --templates "$TPL" --out "$T_TMP/l$1.txt" >"$T_TMP/ans.out" 2>&1 ||
		{ echo "answer failed: $(cat "$T_TMP/ans.out")"; return; }
	tr -s ' \n' ' ' <"$T_TMP/l$1.txt"
}
assert_contains "control: while merged, Matti's letter names the authorities" "$(letter 1)" "Authorities to which the law"
assert_ok "the officer splits Maija's call off, naming C" \
	"$RECCTL" subject split -R "$REG" "$A" "$r2" --level-keyring "$PK" --name "Maija Virtanen" --merged "$C"
N=$(handle_of "$r2")
"$RECCTL" request new -R "$REG" --type access --subject "$A" --channel post >/dev/null 2>&1 || t_abort "request new" "failed"
"$RECCTL" request new -R "$REG" --type access --subject "$N" --channel post >/dev/null 2>&1 || t_abort "request new" "failed"
assert_not_contains "after the split, Matti's letter does not name Maija's recipient" "$(letter 2)" "Authorities to which the law"
assert_contains "Maija's letter names her recipient" "$(letter 3)" "Authorities to which the law"
t_done
