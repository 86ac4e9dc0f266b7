#!/bin/bash
# A merge undone by reindex (atk42 F5).  recfs-manifest(5): a subject
# made by the short form "María García" is not found by the full name
# later: two subjects, which `recctl subject merge` makes one.  After the
# merge, "María García" on her own mobile is hers (the merged subject
# holds that name).  `recctl subject reindex` (which schema 27 asks
# every register with subjects to run) makes the names again from the
# card and the calls, and now takes no entries of a call's short form
# when the subject holds it as a short form: the merged name is lost,
# and her next "María García" on her mobile is a new subject, which her
# objection does not reach.  On main the reindex keeps it.
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
call '{"role": "customer", "name": "María García", "phone": "+34 612 345 678", "email": "maria.garcia.lopez@example.es"}'; n1=$R
call '{"role": "customer", "name": "María García López", "email": "maria.garcia.lopez@example.es", "ref": "X7K2QP"}'; m1=$R
two "the full name after the short form is a subject of its own (as documented)" "$n1" "$m1"
hm=$(handle_of "$m1")
assert_ok "the officer merges them" \
	"$RECCTL" subject merge "$hm" "$(handle_of "$n1")" -R "$REG" --level-keyring "$KEYS/dpo.keyring"
same "one subject" "$n1" "$m1"
call '{"role": "customer", "name": "María García", "phone": "+34 612 345 678"}'; a=$R
same "'María García' on her mobile is her" "$m1" "$a"
assert_ok "she objects to complaints" "$RECCTL" subject object "$hm" --purpose complaints -R "$REG"
assert_ok "subject reindex" "$RECCTL" subject reindex -R "$REG" --level-keyring "$KEYS/dpo.keyring"
call '{"role": "customer", "name": "María García", "phone": "+34 612 345 678"}'; b=$R
same "after the reindex, 'María García' on her mobile is still her" "$m1" "$b"
assert_eq "... and arrives restricted by her objection" \
	"1" "$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$b'")"

t_done
