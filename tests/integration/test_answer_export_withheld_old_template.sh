#!/bin/bash
# request answer --export with the controller's own letter templates
# (--templates DIR, or $RECFS_TEMPLATES) written before the templates had
# the "not in this copy" list (commit "request answer --export: a
# recording the export withheld is listed in the letter as not in the
# copy"): the export withholds a protected call, the letter says nothing
# of it, and answer tells the officer on stderr "the letter lists them as
# not in the copy".  answer knows whether the template it rendered uses
# export_withheld; it should not say the letter lists what it does not
# (or should refuse such a template while recordings are withheld).
. "$(dirname "$0")/lib.sh"

protected_call_request '{"role": "customer", "name": "Ilkka Ojala", "phone": "+358401777001"}' 'tietosuojavastaavan salasana'
rid=$RID h=$HANDLE

# The controller's templates, as they were before the list: the block cut out.
mkdir -p "$T_TMP/tpl"
cp "$T_ROOT"/packaging/templates/* "$T_TMP/tpl/"
sed -i '/{{#export_withheld}}/,/{{\/export_withheld}}/d' "$T_TMP/tpl/answer.en.txt"
grep -q export_withheld "$T_TMP/tpl/answer.en.txt" && t_abort "template" "the block is still there"

"$RECCTL" request answer 1 -R "$REG" --lang en --templates "$T_TMP/tpl" --export "$T_TMP/exp" \
	--level-keyring "$KEYS/privacy.keyring" --out "$T_TMP/letter.txt" >"$T_TMP/answer.out" 2>&1
rc=$?
listed=$(grep -c "2026-11-01" "$T_TMP/letter.txt" 2>/dev/null)
if [ "$rc" -ne 0 ]; then
	pass "answer refuses a template that cannot list the withheld call"
elif grep -q "the letter lists them as not in the copy" "$T_TMP/answer.out" && ! grep -qi "not in this copy" "$T_TMP/letter.txt"; then
	fail "answer does not say the letter lists the withheld call when the letter does not" \
		"exit 0; stderr: $(grep 'copy lacks' "$T_TMP/answer.out"); the letter names the call $listed time(s), never as not in the copy"
else
	pass "answer does not say the letter lists the withheld call when the letter does not"
fi
t_done
