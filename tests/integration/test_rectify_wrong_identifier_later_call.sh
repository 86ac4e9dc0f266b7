#!/bin/bash
# Art. 16: a subject has inaccurate personal data about him rectified.
# Jan's first call gives his phone; a later call's manifest gives, beside
# that phone, an e-mail and a reference that are someone else's (the
# agent typed the previous caller's).  The privacy officer sets the
# card's e-mail to Jan's own (setfattr on by-subject/<handle>, the rights
# level on a mount): the card and the index then hold it, but the later
# call's sealed details still give the wrong e-mail and reference, which
# Jan's copy lists (subject.json's identifiers_calls_gave, the call's
# vCon party "given"), and the reference still finds him (atk43 F2).
# `recctl subject rectify HANDLE FIELD VALUE --given OLD` corrects a value
# the calls gave: each call that gave OLD gives VALUE (or none for ""),
# subject find by OLD no longer finds Jan, his copy holds no OLD, and the
# rectification is logged (field and given=1, never a value; Jan's open
# rectification request named).  Refusals:
# no call gives OLD (ENOENT), a field no call gives (ENOTSUP), a value of
# no such shape (EINVAL), each logged.  Without --given it rectifies the
# card as setfattr does.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
ingest_call c1 "2026-11-20T10:00:00Z" '{"role": "customer", "name": "Jan Peeters", "phone": "+358 40 111 2222"}'
ingest_call c2 "2026-11-21T10:00:00Z" \
	'{"role": "customer", "name": "Jan Peeters", "phone": "+358 40 111 2222", "email": "wrong.person@example.be", "ref": "REF-OTHER-1"}'
find_by() { "$RECCTL" subject find "$1" -R "$REG" --keyring "$KEYS/ingest.keyring" 2>&1 | cut -f1 | paste -sd' '; }
H=$(find_by "+358 40 111 2222")
[ -n "$H" ] || t_abort "data" "no subject by the phone number"
assert_eq "control: the wrong reference finds Jan before the rectification" "$H" "$(find_by REF-OTHER-1)"
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
assert_ok "the privacy officer sets the card's e-mail to Jan's own" \
	as_user "$dpo" setfattr -n user.recfs.email -v "jan@example.be" "$MNT/by-subject/$H"

rectify() { "$RECCTL" subject rectify -R "$REG" --level-keyring "$KEYS/privacy.keyring" "$@"; }
n_rectify() { q "SELECT count(*) FROM audit WHERE action = 'rectify' AND object = '$H'"; }
last_rectify() {
	q "SELECT outcome || ' ' || coalesce(reason, '') FROM audit WHERE action = 'rectify' AND object = '$H'
	   ORDER BY seq DESC LIMIT 1"
}
"$RECCTL" request new -R "$REG" --type rectification --subject "$H" >"$T_TMP/rq.out" 2>&1 ||
	t_abort "request new" "$(cat "$T_TMP/rq.out")"
rq=$(q "SELECT max(id) FROM request")
assert_ok "subject rectify --given: the e-mail the later call gave becomes Jan's own" \
	rectify "$H" email "jan@example.be" --given "Wrong.Person@example.be"
assert_match "it is logged as a rectification of a value the calls gave, answering Jan's request" \
	"$(last_rectify)" "^ok field=email given=1 sealed=[0-9a-f]+ request=$rq\$"
assert_ok "subject rectify --given with \"\": the later call gives no reference" \
	rectify "$H" ref "" --given "ref-other-1"
assert_match "logged too" "$(last_rectify)" "^ok field=ref given=1 sealed=[0-9a-f]+ request=$rq\$"

assert_not_contains "subject find by the wrong reference no longer finds Jan" "$(find_by REF-OTHER-1)" "$H"
assert_not_contains "subject find by the wrong e-mail does not find Jan" "$(find_by wrong.person@example.be)" "$H"
assert_eq "control: subject find by his own e-mail finds Jan" "$H" "$(find_by jan@example.be)"
assert_eq "control: subject find by his phone finds Jan" "$H" "$(find_by "+358 40 111 2222")"

"$RECCTL" subject export "$H" "$T_TMP/e" -R "$REG" --level-keyring "$KEYS/privacy.keyring" >"$T_TMP/e.out" 2>&1 ||
	t_abort "export" "$(cat "$T_TMP/e.out")"
all=$(cat "$T_TMP/e/$H"/*.json)
assert_contains "control: the copy holds the rectified e-mail" "$all" "jan@example.be"
assert_not_contains "the copy no longer holds the e-mail that was someone else's" "$all" "wrong.person@example.be"
assert_not_contains "the copy no longer holds the reference that was someone else's" "$all" "REF-OTHER-1"
log=$("$RECCTL" audit show -R "$REG" 2>&1)
assert_match "audit show lists the rectifications" "$log" "rectify.*$H.*given=1"
assert_not_contains "the log holds no value" "$log" "wrong.person"
assert_not_contains "the log holds no reference" "$log" "REF-OTHER"

# --- refusals: exit 1, nothing changed, each logged -------------------------------
n=$(n_rectify)
assert_exit "no call gives that e-mail (any more): refused" 1 \
	rectify "$H" email "jan@example.be" --given "wrong.person@example.be"
assert_match "logged as refused (ENOENT)" "$(last_rectify)" '^refused .*no call'
assert_exit "a name is no value a call gives: refused" 1 rectify "$H" name "Jan Peeters" --given "Jan"
assert_exit "a phone number of no digit: refused" 1 rectify "$H" phone "unknown" --given "+358 40 111 2222"
assert_eq "three refusals logged" "$((n + 3))" "$(n_rectify)"
assert_exit "without the rights level's keyring: a usage error" 2 \
	"$RECCTL" subject rectify -R "$REG" "$H" email "jan@example.be" --given "REF-OTHER-1"
assert_eq "control: the phone still finds Jan" "$H" "$(find_by "+358 40 111 2222")"

# --- without --given: the card, as setfattr on the mount ------------------------
assert_ok "subject rectify without --given sets the card's organisation" rectify "$H" organisation "Peeters BV"
assert_eq "the mount shows it" "Peeters BV" \
	"$(as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.organisation "$MNT/by-subject/$H" 2>&1)"
assert_match "logged as setfattr's is" "$(last_rectify)" "^ok field=organisation sealed=[0-9a-f]+ request=$rq\$"
t_done
