#!/bin/bash
# A German double given name written with a hyphen in one call and with a
# space in another (atk F4): "Hans-Jürgen Müller" and "Hans Jürgen
# Müller", "Anna-Lena Berg" and "Anna Lena Berg", on one line or with one
# reference, are one person: recfs-manifest(5), a given name of two words
# is also read as the two joined by a hyphen.  Before, "Hans Jürgen" read
# as "Hans" alone, which "Hans-Jürgen" is not, and the person was two
# subjects.  Two sisters "Anna Berg" and "Lena Berg" on a household's
# line stay two, and "Mary-Kate" is still not "Mary".
# numbered_call counts days of November: 30 calls at most.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

ref_call()
{
	NCALL=$((NCALL + 1))
	ingest_call "c$NCALL" "$(call_day "$NCALL")" "{\"role\": \"customer\", \"name\": \"$1\", \"ref\": \"$2\"}"
}

# Control: one spelling throughout.
numbered_call "Hans-Jürgen Müller" "+358401600001"
numbered_call "Hans-Jürgen Mueller" "+358401600001"
same_subject "Hans-Jürgen Müller and Hans-Jürgen Mueller on one line are one subject (control)"

# The hyphen and the space.
numbered_call "Hans-Jürgen Müller" "+358401600002"
numbered_call "Hans Jürgen Müller" "+358401600002"
same_subject "Hans-Jürgen Müller and Hans Jürgen Müller on one line are one subject"
numbered_call "Anna Lena Berg" "+358401600003"
numbered_call "Anna-Lena Berg" "+358401600003"
same_subject "Anna Lena Berg and Anna-Lena Berg on one line are one subject"
ref_call "Anna-Lena Berg" "K100000004"
ref_call "Anna Lena Berg" "K 100 000 004"
same_subject "Anna-Lena Berg and Anna Lena Berg with one reference are one subject"
numbered_call "Hans-Jürgen Müller" "+358401600005"
numbered_call "Hans Juergen Mueller" "+358401600005"
same_subject "Hans-Jürgen Müller and Hans Juergen Mueller on one line are one subject"

# Two people stay two.
numbered_call "Anna Berg" "+358401600006"
numbered_call "Lena Berg" "+358401600006"
two_subjects "Anna Berg and Lena Berg on one household line are two subjects"
numbered_call "Mary-Kate Olsen" "+358401600007"
numbered_call "Mary Olsen" "+358401600007"
two_subjects "Mary-Kate Olsen and Mary Olsen on one line are two subjects"
numbered_call "Anna-Lena Berg" "+358401600008"
numbered_call "Lena Berg" "+358401600008"
two_subjects "Anna-Lena Berg and Lena Berg on one line are two subjects"
numbered_call "Anna-Lena Berg" "+358401600009"
numbered_call "Anna Berg" "+358401600009"
two_subjects "Anna-Lena Berg and Anna Berg on one line are two subjects"
numbered_call "Hans-Jürgen Müller" "+358401600010"
numbered_call "Hans Jörg Müller" "+358401600010"
two_subjects "Hans-Jürgen Müller and Hans Jörg Müller on one line are two subjects"
t_done
