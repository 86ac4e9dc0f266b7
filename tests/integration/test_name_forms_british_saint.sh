#!/bin/bash
# British surnames of two words, "St John" (black-box report bb11): a
# customer "Olivia St John", her account number DC-000789, as a letter,
# a web-chat form or a CRM writes her: "St John, Olivia" (family name
# first, a comma after it: recfs-manifest(5) reads "Berg, Anna" as Anna
# Berg), "Olivia St. John".  With her account number each is her: her
# access request must find those calls, and the officer's `subject find`
# by her name as her letter writes it ("Olivia St John") must find the
# subject of every call that named her so.
# Before catalog schema 23 "St John, Olivia" read as "s john" (a comma
# put the family name first only after particles, and St was none): a
# new subject, and find by "Hugo St John" or "Sarah Bowes Lyon" missed
# the cards written family name first (3 of these 4 checks failed).  Now
# St, St. and Saint (Ste, Sainte) are particles of the family name, and
# "Bowes Lyon, Sarah" is read family name first too.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T_TMP/a"
make_register "$T_TMP/a" "$T_ROOT/tests/fixtures/policy-uk-collections.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

N=0
call() # SUBJECT-JSON: the next call; its recording id in $R
{
	N=$((N + 1))
	local when
	when=$(call_day "$N")
	ingest_json "c$N" "{\"recorded_at\": \"$when\", \"source\": \"collections-line\",
 \"subjects\": [$1], \"audio\": \"c$N.opus\"}"
	R=$(id_at "$when")
	[ -n "$R" ] || t_abort "call $N" "not ingested"
}
same() # LABEL RID1 RID2
{
	local a b
	a=$(handle_of "$2")
	b=$(handle_of "$3")
	if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "$1"; else fail "$1" "two subjects: $a and $b"; fi
}
find_name() { printf '%s' "$1" | "$RECCTL" subject find - -R "$REG" --keyring "$KEYS/ingest.keyring" \
	--level-keyring "$KEYS/dpo.keyring" 2>&1; }

call '{"role": "customer", "name": "Olivia St John", "phone": "07700 900789", "ref": "DC-000789"}'; r1=$R
call '{"role": "customer", "name": "St John, Olivia", "ref": "DC-000789"}'; r2=$R
same "'St John, Olivia' with her account number is Olivia St John" "$r1" "$r2"
call '{"role": "customer", "name": "Olivia St. John", "ref": "DC 000 789"}'; r3=$R
same "'Olivia St. John' with her account number is Olivia St John" "$r1" "$r3"

# Two cards that name her, as the officer finds them by name.
call '{"role": "customer", "name": "St John, Hugo", "phone": "07700 900790"}'; r4=$R
assert_contains "find 'Hugo St John' finds the card written 'St John, Hugo'" \
	"$(find_name "Hugo St John")" "$(handle_of "$r4")"
call '{"role": "customer", "name": "Bowes Lyon, Sarah", "phone": "07700 900123"}'; r5=$R
assert_contains "find 'Sarah Bowes Lyon' finds the card written 'Bowes Lyon, Sarah'" \
	"$(find_name "Sarah Bowes Lyon")" "$(handle_of "$r5")"

t_done
