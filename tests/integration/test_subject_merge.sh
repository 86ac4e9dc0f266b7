#!/bin/bash
# `recctl subject merge HANDLE OTHER`: one person the register holds as two
# subjects (a name written two ways, no number or e-mail shared; bb4
# MEDIUM-4).  After the merge OTHER's calls, identifiers, objections and
# requests are HANDLE's: the person's export holds every call, an
# objection recorded on either reaches the calls of both, a later call by
# OTHER's e-mail goes to HANDLE and arrives restricted, OTHER's card is
# erased, a third person is untouched, and a running mount shows the
# calls under HANDLE's folder and OTHER's folder gone.  Both steps are in
# the audit log.  Real mount, real users.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
rc() { "$RECCTL" "$@" -R "$REG"; }
restricted() { q "SELECT restricted_since <> 0 FROM recording WHERE id = '$1'"; }
# call STEM WHEN PURPOSE SUBJECT-JSON
call()
{
	cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/$1.opus"
	printf '{"recorded_at": "%s", "source": "customer-service", "purpose": "%s", "audio": "%s.opus", "subjects": [%s]}\n' \
		"$2" "$3" "$1" "$4" >"$SPOOL/$1.json"
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/$1.json" >"$T_TMP/ingest.out" 2>&1 ||
		t_abort "ingest $1" "$(tail -n 3 "$T_TMP/ingest.out")"
}
KAISA_PHONE='{"role": "customer", "name": "Kaisa Lehto", "phone": "+358401110001"}'
KAISA_MAIL='{"role": "customer", "name": "Kaisa Lehto-Niemi", "email": "kaisa.ln@example.fi"}'
OTHER='{"role": "customer", "name": "Pekka Virta", "phone": "+358401110009"}'

call k1 2026-11-02T10:00:00Z service-level "$KAISA_PHONE"
call k2 2026-11-03T10:00:00Z service-level "$KAISA_MAIL"
call k3 2026-11-04T10:00:00Z quality "$KAISA_MAIL"
call p1 2026-11-05T10:00:00Z service-level "$OTHER"
k1=$(id_at 2026-11-02T10:00:00Z) k2=$(id_at 2026-11-03T10:00:00Z)
k3=$(id_at 2026-11-04T10:00:00Z) p1=$(id_at 2026-11-05T10:00:00Z)
H=$(handle_of "$k1") O=$(handle_of "$k2") P=$(handle_of "$p1")
echo "# kept $H, merged $O, third person $P"
assert_match "the first call's subject" "$H" '^S-[0-9A-Z]{6}$'
assert_match "the e-mail calls' subject" "$O" '^S-[0-9A-Z]{6}$'
[ "$H" != "$O" ] || t_abort "set-up" "the two names were one subject already"
assert_eq "the quality call is the e-mail subject's too" "$O" "$(handle_of "$k3")"

# An objection stands on each subject; a request is open on the other.
assert_ok "objection on the kept subject" rc subject object "$H" --purpose service-level
assert_eq "it restricts the kept subject's call" "1" "$(restricted "$k1")"
assert_eq "not the other subject's, before the merge" "0" "$(restricted "$k2")"
assert_ok "an objection of the other subject's to another purpose" rc subject object "$O" --purpose training
req=$(rc request new --type access --subject "$O" --verified-by "id card" 2>&1 | grep -o '[0-9]\+' | head -n 1)
[ -n "$req" ] || t_abort "request new" "no request number"

dpo=$(make_level_user privacy)
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
assert_ok "before: the other subject's folder is on the mount" as_user "$dpo" test -d "$MNT/by-subject/$O"

# --- refusals -----------------------------------------------------------------
assert_fails_with "a subject is not merged into itself" "itself" rc subject merge "$H" "$H" --level-keyring "$KEYS/privacy.keyring"
assert_fails_with "an unknown subject is refused" "no subject S-ZZZZZZ" rc subject merge "$H" S-ZZZZZZ --level-keyring "$KEYS/privacy.keyring"
assert_fails_with "merge needs two handles" "HANDLE" rc subject merge "$H"
assert_fails_with "merge needs the rights level's keyring" "--level-keyring" rc subject merge "$H" "$O"
assert_fails_with "another level's keyring is refused" "the rights level's key is not loaded" \
	rc subject merge "$H" "$O" --level-keyring "$KEYS/analysis.keyring"
assert_eq "the refusals changed no link" "1" "$(q "SELECT count(*) FROM link WHERE handle = '$H'")"

# --- the merge ----------------------------------------------------------------
assert_ok "recctl subject merge" rc subject merge "$H" "$O" --level-keyring "$KEYS/privacy.keyring"
assert_contains "it says what it moved" "$T_OUT" "$O merged into $H: 2 recordings moved, 1 restricted"
assert_eq "the other subject is gone" "0" "$(q "SELECT count(*) FROM subject WHERE handle = '$O'")"
assert_eq "no link names it" "0" "$(q "SELECT count(*) FROM link WHERE handle = '$O'")"
assert_eq "no index entry names it" "0" "$(q "SELECT count(*) FROM subject_index WHERE handle = '$O'")"
assert_eq "the e-mail calls are the kept subject's" "$H $H" "$(handle_of "$k2") $(handle_of "$k3")"
assert_eq "the objection reaches the other name's service-level call" "1" "$(restricted "$k2")"
assert_eq "not its quality call (contract)" "0" "$(restricted "$k3")"
assert_eq "the third person is untouched" "$P 0" "$(handle_of "$p1") $(restricted "$p1")"
assert_eq "the kept subject objects to both purposes" "service-level training" \
	"$(q "SELECT group_concat(purpose, ' ') FROM (SELECT purpose FROM objection WHERE handle = '$H' AND lifted = 0 ORDER BY purpose)")"
assert_eq "the request is the kept subject's" "$H" "$(q "SELECT handle FROM request WHERE id = $req")"
assert_ok "subject find by the other name's e-mail" rc subject find kaisa.ln@example.fi --keyring "$KEYS/ingest.keyring"
assert_eq "it finds the kept subject" "$H" "$(printf '%s\n' "$T_OUT" | awk '{print $1; exit}')"
assert_eq "the export of the kept subject holds all three calls" \
	"$(printf '%s\n' "$k1" "$k2" "$k3" | sort | paste -sd' ')" "$(export_ids "$H" "$T_TMP/exp")"
assert_not_contains "the export is not the third person's" "$(cat "$T_TMP/exp/$H/export.json")" "Virta"
assert_match "the merge is logged on the kept subject" "$(rc audit show --object "$H")" \
	"merge-subject.*ok.*from=$O recordings=2 restricted=1"
assert_match "the other card's erasure is logged on its handle" "$(rc audit show --object "$O")" \
	"erase-subject.*ok.*merged-into=$H"

# --- the running mount ----------------------------------------------------------
gone() { ! as_user "$dpo" test -e "$MNT/by-subject/$O"; }
poll_since "$(now_ns)" 3000 gone
assert_fails_with "the other subject's folder is gone from the mount" "No such file" as_user "$dpo" ls "$MNT/by-subject/$O"
n_opus() { as_user "$dpo" find "$MNT/by-subject/$H" -name '*.opus' | wc -l; }
three() { [ "$(n_opus)" = 3 ]; }
poll_since "$(now_ns)" 3000 three
assert_eq "the kept subject's folder lists the three calls" "3" "$(n_opus)"
f_k2=$(as_user "$dpo" find "$MNT/by-date" -name "*_${k2:0:8}.opus" | head -n 1)
[ -n "$f_k2" ] || t_abort "mount" "the merged call is not on the mount"
assert_fails_with "analysis no longer reads the merged service-level call" "No such file or directory" \
	as_user "$analyst" cat "$f_k2"

# --- later calls ------------------------------------------------------------------
call k4 2026-11-06T10:00:00Z service-level "$KAISA_MAIL"
k4=$(id_at 2026-11-06T10:00:00Z)
assert_eq "a later call by the other name's e-mail goes to the kept subject" "$H" "$(handle_of "$k4")"
assert_eq "and arrives restricted by the objection" "1" "$(restricted "$k4")"
# A rectification of the kept subject's name reaches the merged calls' details.
assert_ok "the officer rectifies the kept subject's name" as_user "$dpo" setfattr -n user.recfs.name -v "Kaisa Niemi" "$MNT/by-subject/$H"
names_k2() { as_user "$dpo" getfattr --only-values -n user.recfs.subject_names "$f_k2" 2>/dev/null; }
renamed() { names_k2 | grep -q "Kaisa Niemi"; }
poll_since "$(now_ns)" 3000 renamed
assert_contains "the merged call's subject_names say the new name" "$(names_k2)" "Kaisa Niemi"
assert_not_contains "and not the name it was merged from" "$(names_k2)" "Lehto-Niemi"
t_done
