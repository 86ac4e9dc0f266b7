#!/bin/bash
# `recctl subject split HANDLE RECORDING...`: one subject the register made
# of two people.  A son "José Luis Martínez Soto" and his father "José
# Martínez Soto" call from one household line with one booking: their name
# forms ("j soto") and whole given names ("jose soto") agree, and the
# father's name leaves the son's middle word out, so the register takes
# them for one person (checked first: the mistake this repairs).  The
# officer splits the father's call off: a new subject takes
# it (a third person of that call keeps her link), both `subject show`s and
# the mount's by-subject/ folders list the right calls, José Luis's export
# no longer holds his father's call, a new call of each goes to
# his own subject, an objection of José Luis's stays his (the moved call
# it restricted stays restricted, and is counted), `rm -r` of the new
# subject's folder leaves José Luis's calls, and the split is in the audit
# log, which verifies.  Each refusal says why, fails, is logged (an unknown
# handle on it, a name typed for a handle without it) and
# changes nothing.  Real mount, real users.
. "$(dirname "$0")/lib.sh"

split_register
links() { q "SELECT count(*) FROM link WHERE handle = '$1'"; }
LUIS="{\"role\": \"customer\", \"name\": \"José Luis Martínez Soto\", $LINE}"
MANUEL="{\"role\": \"customer\", \"name\": \"José Martínez Soto\", $LINE}"
ANA='{"role": "customer", "name": "Ana Ruiz Gil", "phone": "+34 600 777 888"}'

subject_call "{\"role\": \"customer\", \"name\": \"José Luis Martínez Soto\", \"email\": \"jl.martinez@example.es\", $LINE}" "$FIELDS"; L1=$R
subject_call "$MANUEL, $ANA" "$FIELDS"; M1=$R
subject_call "$LUIS" "$FIELDS"; L2=$R
subject_call "$ANA" "$FIELDS"; A1=$R
H=$(handle_of "$L1")
A=$(handle_of "$A1")
# The mistake: the father's call is in José Luis's subject.
assert_eq "the father's and the son's calls are one subject (the mistake split repairs)" "$H" \
	"$(q "SELECT handle FROM link WHERE recording = '$M1' AND handle <> '$A'")"
same_rec_subject "José Luis's calls are one subject" "$L1" "$L2"
assert_ok "José Luis objects to service-level" rc subject object "$H" --purpose service-level
assert_eq "the objection restricts the father's call too" "1" "$(restricted "$M1")"

dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
assert_ok "before: the subject's folder is on the mount" as_user "$dpo" test -d "$MNT/by-subject/$H"

# --- refusals -------------------------------------------------------------------
n_subjects() { q "SELECT count(*) FROM subject"; }
refused() { q "SELECT count(*) FROM audit WHERE action = 'split-subject' AND outcome = 'refused'"; }
S0=$(n_subjects) R0=$(refused)
assert_exit "a call not linked to the subject: exit 1" 1 rc subject split "$H" "$A1" --level-keyring "$PK"
assert_contains "it says so" "$T_OUT" "is not linked to the subject"
assert_exit "a recording not in the register: exit 1" 1 rc subject split "$H" 0badc0de --level-keyring "$PK"
assert_contains "it is not the subject's either" "$T_OUT" "recording 0badc0de is not linked to the subject"
assert_exit "every call of the subject: exit 1" 1 rc subject split "$H" "$L1" "$M1" "$L2" --level-keyring "$PK"
assert_contains "it says nothing would be left" "$T_OUT" "nothing would be left"
assert_exit "an unknown subject: exit 1" 1 rc subject split S-ZZZZZZ "$M1" --level-keyring "$PK"
assert_contains "it names it (ENOENT)" "$T_OUT" "no subject S-ZZZZZZ"
assert_match "the unknown handle's refusal is logged on it" "$(rc audit show --object S-ZZZZZZ)" \
	"split-subject S-ZZZZZZ refused no such subject"
assert_exit "a name typed for the handle: exit 1" 1 rc subject split "José Martínez Soto" "$M1" --level-keyring "$PK"
assert_contains "it says there is no such subject" "$T_OUT" "no subject José Martínez Soto"
assert_eq "its refusal is logged without the name" "1 0" \
	"$(q "SELECT count(*) FROM audit WHERE action = 'split-subject' AND outcome = 'refused' AND object IS NULL") $(q "SELECT count(*) FROM audit WHERE object LIKE '%Mart%' OR reason LIKE '%Mart%'")"
assert_exit "another level's keyring: exit 1" 1 rc subject split "$H" "$M1" --level-keyring "$KEYS/analysis.keyring"
assert_contains "it says the key is missing (ENOKEY)" "$T_OUT" "needs the rights level's key"
assert_exit "no --level-keyring: a usage error" 2 rc subject split "$H" "$M1"
assert_contains "it names the option" "$T_OUT" "--level-keyring"
assert_exit "no recording: a usage error" 2 rc subject split "$H" --level-keyring "$PK"
assert_eq "six refusals are logged (the unknown handle and the name too)" "$((R0 + 6))" "$(refused)"
assert_eq "the refusals made no subject" "$S0" "$(n_subjects)"
assert_eq "nor moved a link" "3 $H" "$(links "$H") $(q "SELECT handle FROM link WHERE recording = '$M1' AND handle <> '$A'")"

# --- the split ------------------------------------------------------------------
assert_contains "show lists the father's call under José Luis's subject" \
	"$(rc subject show "$H" --level-keyring "$PK")" "$M1"
assert_ok "recctl subject split of the father's call (by show's id), the name as the officer types it" \
	rc subject split "$H" "$M1" --level-keyring "$PK" --name "Jose Martinez Soto"
N=$(printf '%s\n' "$T_OUT" | awk '/ split from /{print $1; exit}')
assert_match "a new handle" "$N" '^S-[0-9A-Z]{6}$'
assert_contains "it says what it moved and what stays restricted" "$T_OUT" \
	"$N split from $H: 1 recording moved, 1 of them restricted by an objection of $H"
assert_eq "the call is the new subject's and Ana's" "$(printf '%s\n' "$A" "$N" | sort | paste -sd,)" \
	"$(q "SELECT group_concat(handle) FROM (SELECT handle FROM link WHERE recording = '$M1' ORDER BY handle)")"
assert_eq "José Luis keeps his two calls" "$H $H 2" "$(handle_of "$L1") $(handle_of "$L2") $(links "$H")"
assert_eq "the moved call stays restricted" "1" "$(restricted "$M1")"
assert_eq "the objection stays José Luis's" "$H" "$(q "SELECT group_concat(handle) FROM objection WHERE lifted = 0")"
show_h=$(rc subject show "$H" --level-keyring "$PK")
show_n=$(rc subject show "$N" --level-keyring "$PK")
assert_contains "show of José Luis lists his first call" "$show_h" "$L1"
assert_contains "and his second" "$show_h" "$L2"
assert_not_contains "and not his father's" "$show_h" "$M1"
assert_contains "show of the new subject lists the father's call" "$show_n" "$M1"
assert_contains "its card has the name the officer gave" "$show_n" "Jose Martinez Soto"
assert_not_contains "not José Luis's" "$show_n" "José Luis"
assert_not_contains "nor his e-mail" "$show_n" "jl.martinez@example.es"
assert_contains "the new subject holds the line, shared with José Luis" "$show_n" "$H"
assert_ok "subject find by José Luis's e-mail" rc subject find jl.martinez@example.es --keyring "$KEYS/ingest.keyring"
assert_eq "finds José Luis alone" "$H" "$(printf '%s\n' "$T_OUT" | awk '{print $1}' | paste -sd' ')"
assert_contains "show of José Luis still has his card's name" "$show_h" "José Luis Martínez Soto"
names_m1() { as_user "$dpo" getfattr --only-values -n user.recfs.subject_names "$1" 2>/dev/null; }

# The mount sees it by itself.
has_m1() { as_user "$dpo" ls "$MNT/by-subject/$N" 2>/dev/null | grep -q "_${M1:0:8}\.opus$"; }
poll_since "$(now_ns)" 3000 has_m1
assert_contains "the mount's folder of the new subject lists the call" \
	"$(as_user "$dpo" ls "$MNT/by-subject/$N" 2>&1)" "_${M1:0:8}.opus"
assert_not_contains "José Luis's folder no longer does" "$(as_user "$dpo" ls "$MNT/by-subject/$H" 2>&1)" "_${M1:0:8}"
assert_contains "and still lists his own" "$(as_user "$dpo" ls "$MNT/by-subject/$H" 2>&1)" "_${L2:0:8}.opus"

assert_eq "José Luis's export holds his two calls alone" "$(printf '%s\n' "$L1" "$L2" | sort | paste -sd' ')" \
	"$(export_ids "$H" "$T_TMP/exp")"
assert_not_contains "and not his father's name" "$(cat "$T_TMP/exp/$H/export.json")" "José Martínez Soto"
assert_eq "the new subject's export holds the father's call" "$M1" "$(export_ids "$N" "$T_TMP/exp2")"

# --- later calls -------------------------------------------------------------------
subject_call "$MANUEL" "$FIELDS"; M2=$R
assert_eq "a new call of the father on the shared line and booking goes to the new subject" "$N" "$(handle_of "$M2")"
assert_eq "and is not restricted by his son's objection" "0" "$(restricted "$M2")"
subject_call "$LUIS" "$FIELDS"; L3=$R
assert_eq "a new call of José Luis goes to his subject" "$H" "$(handle_of "$L3")"
assert_eq "and is restricted by his objection" "1" "$(restricted "$L3")"
subject_call '{"role": "customer", "name": "José Martínez Soto", "phone": "+34 912 345 678"}' "$FIELDS"; M3=$R
assert_eq "the father on the line alone goes to the new subject" "$N" "$(handle_of "$M3")"
subject_call '{"role": "customer", "name": "José Luis Martínez Soto", "ref": "BK-4471"}' "$FIELDS"; L4=$R
assert_eq "José Luis by the booking alone goes to his subject" "$H" "$(handle_of "$L4")"

# --- the audit log --------------------------------------------------------------------
assert_match "the split is logged on the subject" "$(rc audit show --object "$H")" \
	"split-subject.*ok.*into=$N recordings=1 restricted=1"
assert_match "audit show --action split-subject finds it" "$(rc audit show --action split-subject)" "into=$N"
assert_ok "the audit log verifies" rc audit verify

# --- erasure of the new subject --------------------------------------------------------
n_new() { as_user "$dpo" ls "$MNT/by-subject/$N" 2>/dev/null | grep -c '\.opus$'; }
three() { [ "$(n_new)" = 3 ]; }
poll_since "$(now_ns)" 3000 three
assert_eq "the mount lists the new subject's three calls" "3" "$(n_new)"
assert_ok "privacy: rm -r of the new subject's folder" as_user "$dpo" rm -r "$MNT/by-subject/$N"
assert_eq "José Luis's calls are all there" "4" "$(links "$H")"
assert_eq "the father's calls are erased" "0" \
	"$(q "SELECT count(*) FROM recording WHERE id IN ('$M1', '$M2', '$M3')")"
assert_eq "José Luis's card is there" "1" "$(q "SELECT count(*) FROM subject WHERE handle = '$H'")"
assert_contains "and his folder lists his calls" "$(as_user "$dpo" ls "$MNT/by-subject/$H" 2>&1)" "_${L1:0:8}.opus"
t_done
