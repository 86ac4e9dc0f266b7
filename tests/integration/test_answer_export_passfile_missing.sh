#!/bin/bash
# request answer --export --passphrase-file RECORDING=FILE whose FILE does
# not exist (a typo of the officer's): answer exits 0, withholds the
# protected call as if no passphrase had been named for it (export.json:
# "no passphrase given for it") and never says that FILE could not be
# read; the letter then lists the call as not in the copy.  A passphrase
# file that cannot be read is an error the officer must see (as any other
# unreadable file given to recctl), not a silent "not given".
. "$(dirname "$0")/lib.sh"

protected_call_request '{"role": "customer", "name": "Ilkka Ojala", "phone": "+358401777001"}' 'tietosuojavastaavan salasana'
rid=$RID h=$HANDLE

"$RECCTL" request answer 1 -R "$REG" --lang en --templates "$T_ROOT/packaging/templates" --export "$T_TMP/exp" \
	--level-keyring "$KEYS/privacy.keyring" --passphrase-file "${rid:0:8}=$T_TMP/pas" --out "$T_TMP/letter.txt" \
	>"$T_TMP/answer.out" 2>&1
rc=$?
out=$(cat "$T_TMP/answer.out")
# An error that names the file (not any failure: a recctl without the
# option fails too, and names nothing).
if [ "$rc" -ne 0 ] && grep -q "cannot read $T_TMP/pas\b" "$T_TMP/answer.out"; then
	pass "answer says that the passphrase file cannot be read"
else
	fail "answer says that the passphrase file cannot be read" "exit $rc: $out"
fi
assert_not_contains "export.json does not say no passphrase was given for it" \
	"$(cat "$T_TMP/exp/$h/export.json" 2>/dev/null)" "no passphrase given for it"
assert_no_file "and nothing was exported before the error" "$T_TMP/exp/$h"
t_done
