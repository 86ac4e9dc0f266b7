#!/bin/bash
# A French customer's callers (black-box report bb5): names written the
# ways a French recorder writes them, on one phone line each, name one
# data subject when they are one person and two when they are two, so
# that one person's Art. 15 export holds all their calls and no one
# else's.  Before schema 16, Monsieur and Madame were read as first
# names, "Mme Morel" was the "M. Morel" of the same line (both "m
# morel"), ’ was no ', and "LEFEBVRE François" was a Mr Francois.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
n=0
# call NAME PHONE: one customer-service call of NAME on PHONE, a day apart.
call()
{
	n=$((n + 1))
	customer_call "c$n" "2026-11-$(printf %02d "$n")T10:00:00Z" "$1" "$2"
}
# same_subject LABEL: the last two calls name one subject.
subject_of() { handle_of "$(id_at "2026-11-$(printf %02d "$1")T10:00:00Z")"; }
same_subject()
{
	local a b
	a=$(subject_of $((n - 1)))
	b=$(subject_of "$n")
	if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "$1"; else fail "$1" "two subjects: $a and $b"; fi
}
two_subjects()
{
	local a b
	a=$(subject_of $((n - 1)))
	b=$(subject_of "$n")
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]; then pass "$1"; else fail "$1" "one subject: $a and $b"; fi
}

# Control: English forms of address of two people on one line stay apart.
call "Mrs Berg" "+358401110001"
call "Mr Berg" "+358401110001"
two_subjects "Mrs Berg and Mr Berg on one line are two subjects"

# The typographic apostrophe (U+2019) and the ASCII one are one name.
call "Jean-Luc d’Arbois" "+358401110002"
call "Jean-Luc d'Arbois" "+358401110002"
same_subject "Jean-Luc d’Arbois and Jean-Luc d'Arbois are one subject"

# Madame and Monsieur are forms of address, not given names.
call "Madame Martine Roux" "+358401110003"
call "Martine Roux" "+358401110003"
same_subject "Madame Martine Roux and Martine Roux are one subject"
call "Monsieur Paul Roux" "+358401110004"
call "Paul Roux" "+358401110004"
same_subject "Monsieur Paul Roux and Paul Roux are one subject"

# M. is Monsieur, Mme is Madame: a couple on the household line.
call "Mme Morel" "+358401110005"
call "M. Morel" "+358401110005"
two_subjects "Mme Morel and M. Morel on one line are two subjects"

call "M. Dupont" "+358401110006"
call "Mme Dupont" "+358401110006"
two_subjects "M. Dupont and then Mme Dupont on one line are two subjects"

# The family name first in capitals, as French forms write it.
call "LEFEBVRE François" "+358401110007"
call "François Lefebvre" "+358401110007"
same_subject "LEFEBVRE François and François Lefebvre are one subject"
call "Anne LEFEBVRE" "+358401110007"
two_subjects "Anne LEFEBVRE on that line is someone else"

t_done
