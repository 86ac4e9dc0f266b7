#!/bin/bash
# The short form ("María García" of "María García López") on a shared
# reference (atk42 F1).  A company's customer number, or a family's
# booking, is held by several people; the register holds only the one
# who called first.  A colleague "Carlos Sánchez" (no second family name
# given) calling on the company number that "Carlos Sánchez Vidal"
# holds, "David James" (family name James) on the number "David James
# Smith" holds, a son "José Martínez" (José Martínez Ruiz) on his
# father José Martínez Soto's family booking, a father "José Martínez"
# on his son José Luis Martínez Ruiz's: each is another person,
# and must not land in the other's access export, nor be restricted by
# the other's objection.  On main each is a subject of its own.
. "$(dirname "$0")/lib.sh"
cat >"$T_TMP/policy.conf" <<'POL'
[register]
name = Aerlinte Atlántica customer-service call recordings
controller = Aerlinte Atlántica DAC, 1 Harbour Square, Dublin 2, Ireland
contact = +353 1 555 0100
privacy_contact = dpo@aerlinte.example.ie
details_level = supervisor
phone_country_code = 353
supervisory_authority = Data Protection Commission, 21 Fitzwilliam Square South, Dublin 2, Ireland

[level frontline]
group = recfs-frontline

[level supervisor]
group = recfs-supervisor

[level dpo]
group = recfs-dpo
rights = yes

[purpose complaints]
description = Handling passengers' complaints
legal_basis = legitimate_interests
min_level = frontline
retention = 12m

[source es-line]
kind = call
purpose = complaints
data_source = Spanish-language customer-service line
POL
N=0
mkdir -p "$T_TMP/a"
make_register "$T_TMP/a" "$T_TMP/policy.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
call()
{
	N=$((N + 1))
	local when
	when=$(call_day "$N")
	ingest_json "c$N" "{\"recorded_at\": \"$when\", \"source\": \"es-line\",
 \"subjects\": [$1], \"audio\": \"c$N.opus\"}"
	R=$(id_at "$when")
	[ -n "$R" ] || t_abort "call $N" "not ingested"
}
same() { local a b; a=$(handle_of "$2"); b=$(handle_of "$3"); if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "$1"; else fail "$1" "two subjects: $a and $b"; fi; }
two() { local a b; a=$(handle_of "$2"); b=$(handle_of "$3"); if [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]; then pass "$1"; else fail "$1" "one subject: $a and $b"; fi; }
ids_of() # HANDLE DIR: the recording ids of HANDLE's export
{
	"$RECCTL" subject export -R "$REG" "$1" "$2" --level-keyring "$KEYS/dpo.keyring" >/dev/null 2>&1
	jq -r '.recordings[].id' "$2/$1/export.json" 2>/dev/null | sort | paste -sd' '
}

# --- two colleagues on one company customer number -----------------------------
call '{"role": "customer", "name": "Carlos Sánchez Vidal", "email": "c.sanchez.vidal@acme.example", "ref": "ACME-000417"}'; a1=$R
call '{"role": "customer", "name": "Carlos Sánchez", "phone": "+34 600 111 222", "ref": "ACME-000417"}'; b1=$R
two "'Carlos Sánchez' on the company's number is not Carlos Sánchez Vidal" "$a1" "$b1"
ha=$(handle_of "$a1")
assert_not_contains "Carlos Sánchez Vidal's access export does not hold his colleague's call" \
	"$(ids_of "$ha" "$T_TMP/exp-a")" "$b1"
assert_ok "Carlos Sánchez Vidal objects to complaints" "$RECCTL" subject object "$ha" --purpose complaints -R "$REG"
call '{"role": "customer", "name": "Carlos Sánchez", "phone": "+34 600 111 222", "ref": "ACME-000417"}'; b2=$R
assert_eq "his objection does not restrict his colleague's later call" \
	"0" "$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$b2'")"

# --- no Spanish names at all: "David James" and "David James Smith" ---------------
call '{"role": "customer", "name": "David James Smith", "ref": "ACME-000418"}'; a2=$R
call '{"role": "customer", "name": "David James", "ref": "ACME-000418"}'; b3=$R
two "'David James' on the company's number is not David James Smith" "$a2" "$b3"

# --- a father and his son on the family's booking ----------------------------------
call '{"role": "customer", "name": "José Martínez Soto", "ref": "FAM7QX"}'; f1=$R
call '{"role": "customer", "name": "José Martínez", "phone": "+34 611 222 333", "ref": "FAM7QX"}'; s1=$R
two "the son 'José Martínez' on the family's booking is not his father José Martínez Soto" "$f1" "$s1"
hf=$(handle_of "$f1")
assert_not_contains "the father's access export does not hold his son's call" \
	"$(ids_of "$hf" "$T_TMP/exp-f")" "$s1"
# a son with a compound given name on the booking, his father "José
# Martínez" (given name José alone) calling on it
call '{"role": "customer", "name": "José Luis Martínez Ruiz", "ref": "FAM8RY"}'; j1=$R
call '{"role": "customer", "name": "José Martínez", "ref": "FAM8RY"}'; j2=$R
two "the father 'José Martínez' on the family's booking is not his son José Luis Martínez Ruiz" "$j1" "$j2"

t_done
