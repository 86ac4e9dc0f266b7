#!/bin/bash
# Two people whose given names recfs-manifest(5) tells apart, "Anna Berg"
# and "Anna-Lena Berg" (or "Mary Olsen" and "Mary-Kate Olsen"), on one
# household line, become one subject once one call writes the double
# given name with a space ("Anna Lena Berg"): that card is read both as
# "Anna Berg" (a middle name) and as "Anna-Lena Berg" (name form 3), the
# subject it joins takes both whole given names, and the other person's
# next call joins it.  Where both are subjects already, that one call
# sends the daughter's later calls to the mother's subject.  The first one's access letter then holds the
# other's calls, an erasure erases them.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

# at N: the subject of the N-th numbered call
at() { handle_of "$(id_at "$(call_day "$1")")"; }
# two_people A B LABEL: calls A and B name two subjects
two_people()
{
	local a b
	a=$(at "$1")
	b=$(at "$2")
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]; then pass "$3"; else fail "$3" "one subject: $a and $b"; fi
}

# Control: without the third spelling the two stay two.
numbered_call "Anna Berg" "+358401610001"
numbered_call "Anna-Lena Berg" "+358401610001"
two_people 1 2 "Anna Berg and Anna-Lena Berg on one line are two subjects (control)"

numbered_call "Anna Berg" "+358401610002"
numbered_call "Anna Lena Berg" "+358401610002"
numbered_call "Anna-Lena Berg" "+358401610002"
two_people 3 5 "Anna Berg and Anna-Lena Berg stay two after a call of Anna Lena Berg"

numbered_call "Anna-Lena Berg" "+358401610003"
numbered_call "Anna Lena Berg" "+358401610003"
numbered_call "Anna Berg" "+358401610003"
two_people 6 8 "Anna-Lena Berg and Anna Berg stay two after a call of Anna Lena Berg"

numbered_call "Mary Olsen" "+358401610004"
numbered_call "Mary Kate Olsen" "+358401610004"
numbered_call "Mary-Kate Olsen" "+358401610004"
two_people 9 11 "Mary Olsen and Mary-Kate Olsen stay two after a call of Mary Kate Olsen"

numbered_call "Jan Berg" "+358401610005"
numbered_call "Berg, Jan Erik" "+358401610005"
numbered_call "Jan-Erik Berg" "+358401610005"
two_people 12 14 "Jan Berg and Jan-Erik Berg stay two after a call of Berg, Jan Erik"

# Both already subjects of their own: one call written "Anna Lena Berg"
# goes to the mother (the first holder of the line: a tie), and from then
# on the daughter's calls written as before go to the mother too.
numbered_call "Anna Berg" "+358401610006"
numbered_call "Anna-Lena Berg" "+358401610006"
two_people 15 16 "Anna Berg and Anna-Lena Berg on one line are two subjects (control)"
numbered_call "Anna Lena Berg" "+358401610006"
numbered_call "Anna-Lena Berg" "+358401610006"
assert_eq "Anna-Lena Berg's next call goes to her own subject after a call of Anna Lena Berg" \
	"$(at 16)" "$(at 18)"

# Father "Hans Peter Müller" and son "Hans-Jürgen Müller", two subjects; a
# call of the son written "Hans Jürgen Müller" goes to the father (read as
# "Hans Müller"), and the father's subject then holds "hans-jürgen": the
# son's next call, written as his own subject's, goes to the father.
numbered_call "Hans Peter Müller" "+358401610007"
numbered_call "Hans-Jürgen Müller" "+358401610007"
two_people 19 20 "Hans Peter Müller and Hans-Jürgen Müller on one line are two subjects (control)"
numbered_call "Hans Jürgen Müller" "+358401610007"
numbered_call "Hans-Jürgen Müller" "+358401610007"
assert_eq "Hans-Jürgen Müller's next call goes to his own subject after a call of Hans Jürgen Müller" \
	"$(at 20)" "$(at 22)"
t_done
