#!/bin/bash
# An access answer whose export withholds a password-protected recording
# (black-box report bb12): an airline's EU261 claim call holding the
# passenger's DNI number is protected (recctl protect); the passenger asks
# for access; the officer runs `recctl request answer N --export DIR`, as
# README says.  The export withholds the protected call (no passphrase can
# be given to answer), and the letter must not tell the passenger that a
# copy of "the audio recordings" is enclosed as if whole: it says that a
# recording is not in the copy, or answer refuses (or takes the
# passphrase).  On main answer exits 0, takes no --passphrase-file, and
# writes "A copy of the personal data concerning you ... (JSON files and
# the audio recordings), has been prepared for you" over an export with
# no audio at all: the letter check fails.
. "$(dirname "$0")/lib.sh"

protected_call_request '{"role": "customer", "name": "Íñigo Ordóñez del Río", "phone": "+34 944 111 222", "ref": "FF-ES-11110000"}' 'contraseña del DPO'
rid=$RID h=$HANDLE
"$RECCTL" request answer 1 -R "$REG" --lang en --templates "$T_ROOT/packaging/templates" --export "$T_TMP/exp" \
	--level-keyring "$KEYS/privacy.keyring" --out "$T_TMP/letter.txt" >"$T_TMP/answer.out" 2>&1
rc=$?
audio=$(find "$T_TMP/exp" -name '*.opus' 2>/dev/null | wc -l)
assert_eq "the export holds no audio of the protected call" "0" "$audio"
if [ "$rc" -ne 0 ]; then
	pass "answer does not write a letter over an export that withheld a recording"
elif grep -qiE 'withheld|not included|not in (this|the) copy|not enclosed|left out|protected' "$T_TMP/letter.txt"; then
	pass "the letter says a recording is not in the copy"
else
	fail "the letter says a recording is not in the copy" \
		"exit 0 and the letter says: $(grep -A3 '^6\.' "$T_TMP/letter.txt" | tr -s ' \n' ' ')"
fi
assert_contains "the letter lists the call as not in the copy, by its date" \
	"$(sed -n '/not in this copy/,/^$/p' "$T_TMP/letter.txt")" "- 2026-11-01 at 10:00 UTC"
assert_contains "answer warns the officer that the copy lacks it, and how to include it" \
	"$(cat "$T_TMP/answer.out")" "the copy lacks 1 of the subject's recordings"

# The officer gives the call's passphrase: the copy is whole, and the letter says nothing is missing.
"$RECCTL" request answer 1 -R "$REG" --lang en --templates "$T_ROOT/packaging/templates" --export "$T_TMP/exp2" \
	--level-keyring "$KEYS/privacy.keyring" --passphrase-file "${rid:0:8}=$T_TMP/pass" --out "$T_TMP/letter2.txt" \
	>"$T_TMP/answer2.out" 2>&1
assert_eq "answer --passphrase-file: exit 0" 0 "$?"
assert_eq "the export holds the protected call's audio" 1 "$(find "$T_TMP/exp2" -name '*.opus' | wc -l)"
assert_not_contains "and the letter lists nothing as not in the copy" "$(cat "$T_TMP/letter2.txt")" "not in this copy"
assert_fails_with "--passphrase-file without --export is a usage error" "is for answer --export" \
	"$RECCTL" request answer 1 -R "$REG" --passphrase-file "${rid:0:8}=$T_TMP/pass"
t_done
