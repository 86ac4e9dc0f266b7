#!/bin/bash
# atk16 F1: two people of one household call from the household's line,
# told apart by a word that 8eb297a now skips: "John Smith" and "John
# Smith Jr." (father and son: a trailing "Jr." is dropped), "Maria Berg"
# and "Jos. Maria Berg" (Josef Maria, her husband, his first name cut
# short: a word of 2+ letters and '.' is skipped as a degree).  Before
# 8eb297a each pair had two name forms ("j jr"; "c berg" with no whole
# given name) and so two subjects; now each pair folds to one whole name
# ("john smith", "maria berg") and one subject: the one's calls are in
# the other's export and access answer.
# Expected (what these checks assert): two subjects for each pair.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/r"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
PRIV=$KEYS/privacy.keyring
rc() { "$RECCTL" "$@" -R "$REG"; }
call() { customer_call "$@"; }

pair()
{
	local d1=$1 n1=$2 d2=$3 n2=$4 phone=$5 a b ha hb
	call "p$d1" "2026-05-0${d1}T10:00:00Z" "$n1" "$phone"
	call "p$d2" "2026-05-0${d2}T10:00:00Z" "$n2" "$phone"
	a=$(id_at "2026-05-0${d1}T10:00:00Z") b=$(id_at "2026-05-0${d2}T10:00:00Z")
	ha=$(handle_of "$a") hb=$(handle_of "$b")
	assert_eq "'$n1' and '$n2' on one line are two subjects" "1" "$([ "$ha" != "$hb" ] && echo 1 || echo 0)"
	assert_eq "the export of '$n1' holds the call of '$n1' alone" "$a" "$(export_ids "$ha" "$T_TMP/x-$d1")"
}
pair 1 "John Smith" 2 "John Smith Jr." "+358 9 111 2222"
pair 3 "Maria Berg" 4 "Jos. Maria Berg" "+358 9 333 4444"
t_done
