#!/bin/bash
# Objection (Art. 21, issue 16): `recctl subject object` restricts the
# subject's recordings of the purposes objected to, and only those, as
# chmod 0 would; recordings of the same person that arrive later under
# such a purpose (the phone spelt otherwise, matched through the blind
# index) arrive restricted, under another purpose not; a purpose on
# another basis than legitimate interests is refused; lifting is logged;
# the audit log names handles and purposes, never the person.  Real
# mount, real users of each level.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
spool=$T_TMP/spool
mkdir -p "$spool"
cp "$T_ROOT/tests/fixtures/mono.opus" "$spool/a.opus"
NAME=Objtestperson
PHONE_A='+358 40 111 0001'
PHONE_LATER=00358401110001
PHONE_B=+358401110002

# manifest FILE WHEN PURPOSE PHONE: a call of the customer with that phone.
manifest()
{
	cat >"$spool/$1.json" <<EOF
{ "recorded_at": "$2", "source": "customer-service", "purpose": "$3",
  "subjects": [{"role": "customer", "name": "$NAME", "phone": "$4"}], "audio": "a.opus" }
EOF
}
ingest() { "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$@"; }
rc() { "$RECCTL" "$@" -R "$REG"; }
id_at() { q "SELECT id FROM recording WHERE recorded_at = $(date -u -d "$1" +%s)"; }
restricted() { q "SELECT restricted_since <> 0 FROM recording WHERE id = '$1'"; }

manifest sl1 2026-11-02T10:00:00Z service-level "$PHONE_A"	# objected to below
manifest q1 2026-11-02T11:00:00Z quality "$PHONE_A"		# contract
manifest tr1 2026-11-02T12:00:00Z training "$PHONE_A"		# legitimate interests, not objected to
manifest b1 2026-11-02T13:00:00Z service-level "$PHONE_B"	# someone else
assert_ok "ingest of the first four calls" ingest "$spool"/sl1.json "$spool"/q1.json "$spool"/tr1.json "$spool"/b1.json
sl1=$(id_at 2026-11-02T10:00:00Z) q1=$(id_at 2026-11-02T11:00:00Z)
tr1=$(id_at 2026-11-02T12:00:00Z) b1=$(id_at 2026-11-02T13:00:00Z)
assert_ok "subject find by phone" rc subject find "$PHONE_A" --keyring "$KEYS/ingest.keyring"
H=$(printf '%s\n' "$T_OUT" | awk '{print $1; exit}')
assert_match "the person has a handle" "$H" '^S-[0-9A-Z]{6}$'
assert_fails_with "a name through the blind index alone finds nobody, and says where names are searched" \
	"names are searched with --level-keyring" rc subject find "Nobody Atall" --keyring "$KEYS/ingest.keyring"

trainer=$(make_level_user training)
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
path_of() { as_user "$dpo" find "$MNT/by-date" -name "*_${1:0:8}.opus" | head -n 1; }
reads() { as_user "$1" cat "$2" >/dev/null 2>&1; }
f_sl1=$(path_of "$sl1") f_q1=$(path_of "$q1") f_tr1=$(path_of "$tr1") f_b1=$(path_of "$b1")
[ -n "$f_sl1" ] && [ -n "$f_q1" ] && [ -n "$f_tr1" ] && [ -n "$f_b1" ] || t_abort "mount" "the calls are not on the mount"
if reads "$analyst" "$f_sl1"; then pass "before: analysis reads the service-level call"; else
	fail "before: analysis reads the service-level call" "it does not"; fi

# --- refused: Art. 21 is about legitimate interests ----------------------------
assert_fails_with "an objection to a consent purpose is refused" "Art. 21 applies to legitimate interests" \
	rc subject object "$H" --purpose consent
assert_contains "the refusal names the basis" "$T_OUT" "based on consent"
assert_contains "and says how a consent is withdrawn (bb11 F7)" "$T_OUT" "recctl subject withdraw-consent"
assert_fails_with "an objection to a contract purpose is refused" "based on contract" \
	rc subject object "$H" --purpose quality
assert_fails_with "a purpose not in the policy is refused" "not in the policy" \
	rc subject object "$H" --purpose marketing
assert_contains "... naming it among those given (bb6 F6)" "$T_OUT" "purpose 'marketing' is not in the policy"
assert_fails_with "the second of two purposes given is named when it is the unknown one" "purpose 'nosuch'" \
	rc subject object "$H" --purpose training --purpose nosuch
out=$(rc subject object "$H" --purpose $'a\033[31mred' 2>&1)
assert_contains "an unknown purpose is named escaped (atk21)" "$out" "purpose 'a\\x1b[31mred'"
assert_not_contains "... no escape character reaches the terminal" "$out" $'\033'
assert_fails_with "object needs a purpose" "--purpose" rc subject object "$H"
assert_match "the refusals are logged on the handle" "$(rc audit show --object "$H")" "object.*refused"
assert_eq "a refused objection restricts nothing" "0" "$(q "SELECT count(*) FROM recording WHERE restricted_since <> 0")"

# --- the objection -----------------------------------------------------------
assert_ok "recctl subject object --purpose service-level" rc subject object "$H" --purpose service-level
assert_contains "it says how many recordings it restricted" "$T_OUT" "1 recording restricted"
assert_eq "the service-level call is restricted" "1" "$(restricted "$sl1")"
assert_eq "the quality call is not" "0" "$(restricted "$q1")"
assert_eq "the training call is not" "0" "$(restricted "$tr1")"
assert_eq "the other person's call is not" "0" "$(restricted "$b1")"
assert_eq "no seal below the rights level is left on it" "0" \
	"$(q "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object WHERE a.recording = '$sl1' AND s.level <> 'privacy'")"
gone() { ! as_user "$analyst" test -e "$f_sl1"; }
poll_since "$(now_ns)" 3000 gone
assert_fails_with "analysis no longer reads the objected call" "No such file or directory" as_user "$analyst" cat "$f_sl1"
assert_eq "the objected call shows mode 0000" "0" "$(as_user "$dpo" stat -c %a "$f_sl1")"
assert_match "its restriction's reason is the objection" \
	"$(as_user "$dpo" getfattr --absolute-names --only-values -n user.gdpr.restricted "$f_sl1")" \
	'^yes since=[0-9-]{10} reason=objection$'
if reads "$dpo" "$f_sl1"; then pass "privacy still reads it"; else fail "privacy still reads it" "it does not"; fi
if reads "$trainer" "$f_q1"; then pass "training still reads the quality call"; else
	fail "training still reads the quality call" "it does not"; fi
if reads "$trainer" "$f_tr1"; then pass "training still reads the training call"; else
	fail "training still reads the training call" "it does not"; fi
if reads "$analyst" "$f_b1"; then pass "analysis still reads the other person's call"; else
	fail "analysis still reads the other person's call" "it does not"; fi
assert_match "the restriction is logged as chmod 0's, with the objection" "$(rc audit show --object "$sl1")" \
	"restrict $sl1 ok sealed=[0-9a-f]+ objection=$H"
assert_match "the objection is logged on the handle" "$(rc audit show --object "$H")" \
	"object $H ok purposes=service-level new=1 restricted=1"
assert_ok "subject show" rc subject show "$H" --level-keyring "$KEYS/privacy.keyring"
assert_match "subject show lists the standing objection" "$T_OUT" "^objects to service-level since [0-9-]{10}$"
assert_ok "objecting again changes nothing" rc subject object "$H" --purpose service-level
assert_contains "(none restricted the second time)" "$T_OUT" "0 recordings restricted"

# --- later recordings of the same person -------------------------------------------
manifest sl2 2026-11-03T10:00:00Z service-level "$PHONE_LATER"
manifest gl2 2026-11-03T11:00:00Z guidelines "$PHONE_LATER"
assert_ok "ingest of a later call under the objected purpose (00358...)" ingest "$spool/sl2.json"
sl2=$(id_at 2026-11-03T10:00:00Z)
assert_eq "it is the same subject (blind index)" "$H" "$(q "SELECT handle FROM link WHERE recording = '$sl2'")"
assert_eq "it arrives restricted" "1" "$(restricted "$sl2")"
assert_eq "it never had a seal below the rights level" "0" \
	"$(q "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object WHERE a.recording = '$sl2' AND s.level <> 'privacy'")"
assert_match "its restriction is logged with the objection" "$(rc audit show --object "$sl2")" \
	"restrict $sl2 ok sealed=[0-9a-f]+ objection=$H"
assert_ok "ingest of a later call under another purpose" ingest "$spool/gl2.json"
gl2=$(id_at 2026-11-03T11:00:00Z)
assert_eq "that one is not restricted" "0" "$(restricted "$gl2")"
seen() { f_gl2=$(path_of "$gl2") && [ -n "$f_gl2" ] && as_user "$analyst" test -e "$f_gl2"; }
poll_since "$(now_ns)" 3000 seen
f_sl2=$(path_of "$sl2")
assert_match "privacy sees the restricted later call on the mount" "$f_sl2" '\.opus$'
assert_fails_with "analysis cannot read the restricted later call" "No such file or directory" as_user "$analyst" cat "$f_sl2"
if reads "$analyst" "$f_gl2"; then pass "analysis reads the later guidelines call"; else
	fail "analysis reads the later guidelines call" "it does not"; fi

# --- lifting ------------------------------------------------------------------
assert_fails_with "--lift needs one purpose" "--purpose" rc subject object "$H" --lift
assert_ok "recctl subject object --lift" rc subject object "$H" --lift --purpose service-level
assert_contains "lifting says what stays restricted" "$T_OUT" "2 of its recordings of that purpose stay restricted"
assert_match "lifting is logged" "$(rc audit show --object "$H")" \
	"lift-objection $H ok purpose=service-level still_restricted=2"
assert_eq "the restricted recordings stay restricted" "1 1" "$(restricted "$sl1") $(restricted "$sl2")"
assert_ok "subject show after lifting" rc subject show "$H" --level-keyring "$KEYS/privacy.keyring"
assert_not_contains "no objection is listed any more" "$T_OUT" "objects to"
manifest sl3 2026-11-04T10:00:00Z service-level "$PHONE_LATER"
assert_ok "ingest after lifting" ingest "$spool/sl3.json"
assert_eq "a call after lifting is not restricted" "0" "$(restricted "$(id_at 2026-11-04T10:00:00Z)")"
assert_fails_with "lifting what does not stand is refused" "no standing objection" \
	rc subject object "$H" --lift --purpose service-level
assert_match "(and logged)" "$(rc audit show --object "$H")" "lift-objection $H refused no standing objection"

# --- every purpose based on legitimate interests --------------------------------------
assert_ok "recctl subject object --all-legitimate-interest" rc subject object "$H" --all-legitimate-interest
assert_contains "it names the purposes" "$T_OUT" "training, service-level, guidelines"
assert_eq "the training and guidelines calls and the latest one are restricted now" "1 1 1" \
	"$(restricted "$tr1") $(restricted "$gl2") $(restricted "$(id_at 2026-11-04T10:00:00Z)")"
assert_eq "the contract call still is not" "0" "$(restricted "$q1")"
assert_eq "neither is the other person's" "0" "$(restricted "$b1")"

# --- nothing personal in the log ------------------------------------------------
log=$(rc audit show)
assert_not_contains "the audit log does not name the person" "$log" "$NAME"
assert_not_contains "nor the phone number" "$log" "111 0001"
assert_not_contains "nor the later spelling" "$log" "$PHONE_LATER"
assert_not_contains "nor the other person's" "$log" "401110002"
assert_eq "the objection table holds handles and purposes only" "$H" \
	"$(q "SELECT DISTINCT handle FROM objection")"

# --- a shared recording is restricted for everyone in it (bb7 F9) -----------
cat >"$spool/shared.json" <<EOF
{ "recorded_at": "2026-11-09T10:00:00Z", "source": "customer-service", "purpose": "service-level",
  "subjects": [{"role": "customer", "name": "Sharedone Person", "phone": "+358401110077"},
               {"role": "customer", "name": "Sharedtwo Person", "phone": "+358401110078"}], "audio": "a.opus" }
EOF
assert_ok "ingest of a call of two customers" ingest "$spool/shared.json"
assert_ok "subject find the first" rc subject find "+358401110077" --keyring "$KEYS/ingest.keyring"
S1=$(printf '%s\n' "$T_OUT" | awk '{print $1; exit}')
assert_ok "the first objects to service-level" rc subject object "$S1" --purpose service-level
assert_contains "it says the recording it restricted is shared, and restricted for the others too" "$T_OUT" \
	"1 recording restricted, 1 of them shared with other subjects, restricted for them too"
assert_eq "the shared call is restricted" "1" "$(restricted "$(id_at 2026-11-09T10:00:00Z)")"
assert_ok "H objects to training (its recording is its own)" rc subject object "$H" --purpose training
assert_not_contains "... no word of sharing" "$T_OUT" "shared"

unmount_recfs "$MNT"
t_done
