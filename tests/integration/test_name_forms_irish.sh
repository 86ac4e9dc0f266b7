#!/bin/bash
# Irish names (black-box report bb9): one caller, one phone number, her
# name written as Irish and British systems write it: with the
# apostrophe of O'Brien, a typographic one, or none ("O Brien",
# "OBrien": many systems drop it).  Each such call on her own number is
# her subject, so an objection she made is applied to it; and the
# officer's `subject find` by the name written without the apostrophe
# finds her.  (A double first name with or without its hyphen,
# "Mary-Kate" and "Mary Kate", stays two given names: "Mary Kate" is read
# as "Mary", and Mary is not Mary-Kate.  A rectified name's former forms
# are not kept: left out here.)
. "$(dirname "$0")/lib.sh"

mkdir -p "$T_TMP/a"
cat >"$T_TMP/policy.conf" <<'EOF'
[register]
name = Shannon Broadband support-line call recordings
controller = Shannon Broadband Ltd, 1 Quay Street, Limerick, Ireland
contact = +353 61 000 000
privacy_contact = dpo@shannonbroadband.example.ie
details_level = dpo
phone_country_code = 353
supervisory_authority = Data Protection Commission, Dublin, Ireland

[level agent]
group = recfs-agent

[level supervisor]
group = recfs-supervisor

[level dpo]
group = recfs-dpo
rights = yes

[purpose support]
description = Handling customer support calls under the customer's contract
legal_basis = contract
min_level = agent
retention = 6m

[purpose coaching]
description = Coaching of support agents (legitimate interest in good service)
legal_basis = legitimate_interests
min_level = supervisor
retention = 3m

[source support-line]
kind = call
purpose = support
data_source = support-line telephony
EOF
make_register "$T_TMP/a" "$T_TMP/policy.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

N=0
# call PURPOSE NAME PHONE: the next call (one a day from 2026-11-01); its
# recording id in $R (not run in $(...): N counts the calls).
call()
{
	N=$((N + 1))
	local when
	when=$(call_day "$N")
	ingest_json "c$N" "{\"recorded_at\": \"$when\", \"source\": \"support-line\",
 \"purpose\": \"$1\", \"subjects\": [{\"role\": \"customer\", \"name\": \"$2\", \"phone\": \"$3\"}],
 \"audio\": \"c$N.opus\"}"
	R=$(id_at "$when")
	[ -n "$R" ] || t_abort "call $N" "not ingested"
}
restricted() { q "SELECT restricted_since <> 0 FROM recording WHERE id = '$1'"; }
same() # LABEL RID1 RID2
{
	local a b
	a=$(handle_of "$2")
	b=$(handle_of "$3")
	if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "$1"; else fail "$1" "two subjects: $a and $b"; fi
}

# --- one person, her own mobile, the apostrophe written or not ----------------
call support "Siobhán O'Brien" "+353 87 123 4567"; r1=$R
call support "Siobhan O’Brien" "087 123 4567"; r2=$R
same "O'Brien and O’Brien (typographic apostrophe) on one number are one subject" "$r1" "$r2"
call support "Siobhan O Brien" "(087) 123-4567"; r3=$R
same "O'Brien and 'O Brien' on her own number are one subject" "$r1" "$r3"
call support "Siobhan OBrien" "0871234567"; r4=$R
same "O'Brien and 'OBrien' on her own number are one subject" "$r1" "$r4"

# --- D'Arcy with an accent typed for the apostrophe, or none; Ó Súilleabháin
call support "Ciarán D'Arcy" "+353 85 111 2222"; r5=$R
call support "Ciaran Darcy" "085 111 2222"; r6=$R
same "D'Arcy and Darcy on his own number are one subject" "$r5" "$r6"
call support "Ciarán D\`Arcy" "085 111 2222"; r6=$R
same "D'Arcy and D\`Arcy on his own number are one subject" "$r5" "$r6"
call support "Ciarán D´Arcy" "085 111 2222"; r6=$R
same "D'Arcy and D´Arcy on his own number are one subject" "$r5" "$r6"
call support "Pádraig Ó Súilleabháin" "+353 83 333 4444"; r10=$R
call support "Padraig O'Suilleabhain" "083 333 4444"; r11=$R
same "Ó Súilleabháin and O'Suilleabhain on his own number are one subject" "$r10" "$r11"

# --- her objection reaches her later calls on her own number -------------------
h=$(handle_of "$r1")
assert_ok "she objects to coaching" "$RECCTL" subject object "$h" --purpose coaching -R "$REG"
call coaching "Siobhán O'Brien" "087 123 4567"; r7=$R
assert_eq "a later coaching call, her name as on the card, arrives restricted" "1" "$(restricted "$r7")"
call coaching "Siobhan O Brien" "087 123 4567"; r8=$R
assert_eq "a later coaching call on her number, named 'Siobhan O Brien', arrives restricted" \
	"1" "$(restricted "$r8")"

# --- the officer's search by the name as the request letter writes it ---------
find_name() { printf '%s' "$1" | "$RECCTL" subject find - -R "$REG" --keyring "$KEYS/ingest.keyring" \
	--level-keyring "$KEYS/dpo.keyring" 2>&1; }
assert_contains "find 'O'Brien' finds her" "$(find_name "O'Brien")" "$h"
assert_contains "find 'OBrien' (no apostrophe) finds her" "$(find_name "OBrien")" "$h"
assert_contains "find 'Siobhan O Brien' finds her" "$(find_name "Siobhan O Brien")" "$h"
assert_contains "find 'O Brien' finds her" "$(find_name "O Brien")" "$h"
d=$(handle_of "$r5")
assert_contains "find 'Darcy' finds D'Arcy" "$(find_name "Darcy")" "$d"
assert_contains "find 'OSuilleabhain' finds Ó Súilleabháin" "$(find_name "OSuilleabhain")" "$(handle_of "$r10")"


t_done
