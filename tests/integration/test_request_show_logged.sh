#!/bin/bash
# `recctl request show ID --level-keyring privacy.keyring` opens the
# requester's sealed description (name, address, phone: personal data,
# sealed for the rights level "like the other personal fields") and prints
# it only after an audit entry says so (action request-show, reason
# "request=N"), as the other reads of sealed personal data are logged
# (card, details, subject-show, subject-find).  A show without the keyring
# opens nothing and logs nothing; with the log unwritable, the description
# is not shown.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
printf '%s\n' "Maija Meikäläinen, Kotikatu 1, 00100 Helsinki, +358401234567" >"$T_TMP/req.txt"
"$RECCTL" request new -R "$REG" --type access --requester-file "$T_TMP/req.txt" --keyring "$KEYS/ingest.keyring" \
	>/dev/null 2>&1 || t_abort "request" "request new failed"
n0=$(q "SELECT max(seq) FROM audit")
out=$("$RECCTL" request show -R "$REG" 1 --level-keyring "$KEYS/privacy.keyring" 2>&1)
assert_contains "control: show prints the requester's description" "$out" "Kotikatu 1"
out=$("$RECCTL" request show -R "$REG" 1 --level-keyring "$KEYS/privacy.keyring" --json 2>&1)
assert_contains "control: show --json prints it too" "$out" "Kotikatu 1"
after=$(q "SELECT count(*) FROM audit WHERE seq > $n0")
"$RECCTL" audit show -R "$REG" | sed 's/^/   /'
assert_eq "the two shows that opened the requester's description are logged" 2 "$after"
assert_eq "as request-show of request 1" 2 \
	"$(q "SELECT count(*) FROM audit WHERE seq > $n0 AND action = 'request-show' AND outcome = 'ok'
		AND reason = 'request=1'")"
n1=$(q "SELECT max(seq) FROM audit")
out=$("$RECCTL" request show -R "$REG" 1 2>&1)
assert_contains "control: without the keyring the description stays sealed" "$out" "sealed: give --level-keyring"
assert_eq "and nothing was opened to log" 0 "$(q "SELECT count(*) FROM audit WHERE seq > $n1")"
# The log cannot be written (a trigger refuses the insert): no entry, no
# description.
q "CREATE TRIGGER no_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'no room'); END;" >/dev/null
out=$("$RECCTL" request show -R "$REG" 1 --level-keyring "$KEYS/privacy.keyring" 2>&1)
rc=$?
q "DROP TRIGGER no_audit" >/dev/null
assert_eq "with the log unwritable the show fails" 1 "$(( rc != 0 ))"
assert_contains "for the audit log" "$out" "cannot write the audit log"
assert_not_contains "and does not print the description" "$out" "Kotikatu"
t_done
