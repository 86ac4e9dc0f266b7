#!/bin/bash
# The short form is tried before the reference and the phone are
# looked up by name (atk42 F4).  recfs-manifest(5): the short form
# finds a subject for "an entry whose own name no subject holding its
# identifiers may be".  A family writes its bookings with one e-mail,
# garcia.familia@example.es, which only the mother, María García López,
# has given so far; her daughter is "María García Ruiz" on the booking,
# and "María García" on the booking and the daughter's mobile is a
# subject of its own ("neither's").  Then "María García" with the
# family e-mail, the booking and that mobile: a subject holding its
# mobile and booking is named "María García" exactly, so it is that
# subject's, not the mother's (the short form is not asked).
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
call '{"role": "customer", "name": "María García López", "email": "garcia.familia@example.es", "ref": "X7K2QP"}'; m1=$R
call '{"role": "customer", "name": "María García Ruiz", "phone": "+34 655 000 111", "ref": "X7K2QP"}'; d1=$R
two "the daughter 'María García Ruiz' is not her mother" "$m1" "$d1"
call '{"role": "customer", "name": "María García", "phone": "+34 655 000 111", "ref": "X7K2QP"}'; d2=$R
two "'María García' on the booking and the daughter's mobile is not the mother" "$m1" "$d2"
call '{"role": "customer", "name": "María García", "email": "garcia.familia@example.es", "phone": "+34 655 000 111", "ref": "X7K2QP"}'; d3=$R
same "'María García' with the family e-mail, the booking and that mobile is the subject 'María García' holding them" "$d2" "$d3"
two "... not the mother" "$m1" "$d3"
call '{"role": "customer", "name": "María García", "email": "garcia.familia@example.es", "ref": "X7K2QP"}'; d4=$R
same "'María García' with the family e-mail and the booking is the subject 'María García' holding the booking" "$d2" "$d4"

t_done
