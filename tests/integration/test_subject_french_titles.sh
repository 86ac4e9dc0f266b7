#!/bin/bash
# French forms of address written two ways, and a form of address before
# a family name first in capitals, name one person (atk19): "Madame
# Morel" and "Mme Morel" (one form for the languages: "mrs morel"),
# "Mademoiselle Roux" and "Mlle Roux", "Mme DUPONT Marie" and "Marie
# Dupont", "Monsieur GIRARD Paul" and "Paul Girard".  Before, each pair was
# two subjects, and one person's objection and Art. 15 export missed calls.
# Not built: the French "M." is read as an initial, as "M. Meikäläinen"
# is, so "M. Leroy" and "Monsieur Leroy" stay two subjects, and "M. Morel"
# on Martine Morel's line goes to her (the initial rule); recfs-manifest(5)
# says so.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
n=0
call()
{
	n=$((n + 1))
	customer_call "c$n" "2026-11-$(printf %02d "$n")T10:00:00Z" "$1" "$2"
}
subject_of() { handle_of "$(id_at "2026-11-$(printf %02d "$1")T10:00:00Z")"; }
same_subject()
{
	local a b
	a=$(subject_of $((n - 1)))
	b=$(subject_of "$n")
	if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "$1"; else fail "$1" "two subjects: $a and $b"; fi
}

# Control: the form the change was made for.
call "Jean Dupont" "+33612340001"
call "DUPONT Jean" "+33612340001"
same_subject "control: Jean Dupont and DUPONT Jean are one subject"

# One form of address, abbreviated and written out.
call "Madame Morel" "+33612340002"
call "Mme Morel" "+33612340002"
same_subject "Madame Morel and Mme Morel on her line are one subject"
call "Mademoiselle Roux" "+33612340004"
call "Mlle Roux" "+33612340004"
same_subject "Mademoiselle Roux and Mlle Roux on her line are one subject"

# The administrative form with a form of address in front.
call "Marie Dupont" "+33612340005"
call "Mme DUPONT Marie" "+33612340005"
same_subject "Marie Dupont and Mme DUPONT Marie on her line are one subject"
call "Paul Girard" "+33612340006"
call "Monsieur GIRARD Paul" "+33612340006"
same_subject "Paul Girard and Monsieur GIRARD Paul on his line are one subject"

two_subjects()
{
	local a b
	a=$(subject_of $((n - 1)))
	b=$(subject_of "$n")
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]; then pass "$1"; else fail "$1" "one subject: $a and $b"; fi
}
call "Madame Martine Morel" "+33612340008"
call "Monsieur Morel" "+33612340008"
two_subjects "control: Madame Martine Morel and then Monsieur Morel are two subjects"

t_done
