#!/bin/bash
# One person on a household's line whose name two calls write with its
# umlauts spelt in one word and folded in another (atk F3): "Jürgen
# Müller" and "Jurgen Mueller", or "Juergen Muller"; a German double
# family name written once apart with umlauts and once with a hyphen and
# spelt ("Anna Müller Lüdenscheidt", "Anna Mueller-Luedenscheidt").  A word
# written with an umlaut agrees with the same word folded (ü as u) and
# spelt (ü as ue): recfs-manifest(5).  Before, a name was read all folded
# or all spelt, a mixed spelling matched neither, and the person was two
# subjects: her access letter missed the other's calls, her erasure left
# them.  Two words that write no umlaut are compared as written, so "Joey"
# and "Joy" stay two people (test_name_forms_umlaut_household.sh).
# numbered_call counts days of November: 30 calls at most.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

# Controls: one spelling throughout.
numbered_call "Jürgen Müller" "+358401500001"
numbered_call "Juergen Mueller" "+358401500001"
same_subject "Jürgen Müller and Juergen Mueller on one line are one subject (control)"
numbered_call "Anna Müller Lüdenscheidt" "+358401500002"
numbered_call "Anna Müller-Lüdenscheidt" "+358401500002"
same_subject "Anna Müller Lüdenscheidt and Anna Müller-Lüdenscheidt on one line are one subject (control)"

# Mixed spellings of one name.
numbered_call "Jürgen Müller" "+358401500003"
numbered_call "Jurgen Mueller" "+358401500003"
same_subject "Jürgen Müller and Jurgen Mueller on one line are one subject"
numbered_call "Jürgen Müller" "+358401500004"
numbered_call "Juergen Muller" "+358401500004"
same_subject "Jürgen Müller and Juergen Muller on one line are one subject"
numbered_call "Jurgen Mueller" "+358401500005"
numbered_call "Jürgen Müller" "+358401500005"
same_subject "Jurgen Mueller first, then Jürgen Müller, on one line are one subject"
numbered_call "Anna Müller Lüdenscheidt" "+358401500006"
numbered_call "Anna Mueller-Luedenscheidt" "+358401500006"
same_subject "Anna Müller Lüdenscheidt and Anna Mueller-Luedenscheidt on one line are one subject"
numbered_call "Anna Müller-Lüdenscheidt" "+358401500007"
numbered_call "Anna Mueller-Ludenscheidt" "+358401500007"
same_subject "Anna Müller-Lüdenscheidt and Anna Mueller-Ludenscheidt on one line are one subject"

# Two people stay two.
numbered_call "Joey Müller" "+358401500008"
numbered_call "Joy Mueller" "+358401500008"
two_subjects "Joey Müller and Joy Mueller on one line are two subjects"
numbered_call "Jürgen Müller" "+358401500009"
numbered_call "Jörgen Mueller" "+358401500009"
two_subjects "Jürgen Müller and Jörgen Mueller on one line are two subjects"
numbered_call "Anna Müller-Lüdenscheidt" "+358401500010"
numbered_call "Anna Mueller-Lodenscheidt" "+358401500010"
two_subjects "Anna Müller-Lüdenscheidt and Anna Mueller-Lodenscheidt on one line are two subjects"

# What the split costs: the withdrawal of consent (Art. 7(3)) by the
# subject of the first call must reach the call of the mixed spelling.
consent_call()
{
	NCALL=$((NCALL + 1))
	ingest_json "c$NCALL" "{\"recorded_at\": \"$(call_day "$NCALL")\", \"source\": \"customer-service\",
 \"purpose\": \"consent\", \"legal_basis\": \"consent\",
 \"subjects\": [{\"role\": \"customer\", \"name\": \"$1\", \"phone\": \"$2\"}], \"audio\": \"c$NCALL.opus\"}"
}
consent_call "Bärbel Jäger" "+358401500011"
first=$(id_at "$(call_day "$NCALL")")
consent_call "Baerbel Jager" "+358401500011"
second=$(id_at "$(call_day "$NCALL")")
h=$(handle_of "$first")
"$RECCTL" subject withdraw-consent -R "$REG" "$h" >"$T_TMP/wd.out" 2>&1
assert_eq "withdraw-consent erased the first call" "" "$(q "SELECT id FROM recording WHERE id = '$first'")"
assert_eq "withdraw-consent of Bärbel Jäger erased the call of Baerbel Jager on her line" "" \
	"$(q "SELECT id FROM recording WHERE id = '$second'")"

# A register from before schema 24 holds no mixed spelling: it is marked
# for reindex, which writes them from the card and the calls.
numbered_call "Jürgen Müller" "+358401500012"
h=$(handle_of "$(id_at "$(call_day "$NCALL")")")
assert_eq "Jürgen Müller has two name forms and four whole given names (and two marks)" "2 6" \
	"$(q "SELECT count(*) FROM subject_index WHERE handle = '$h' AND kind = 'name'") $(q "SELECT count(*) FROM subject_index WHERE handle = '$h' AND kind = 'given'")"
q "DELETE FROM subject_index WHERE kind IN ('name', 'given') AND handle = '$h';
   DELETE FROM meta WHERE key = 'subject_reindex'; PRAGMA user_version = 23" ||
	t_abort "schema 23" "cannot make the register of schema 23"
"$RECCTL" subject find "+358401500012" -R "$REG" --keyring "$KEYS/ingest.keyring" >/dev/null 2>"$T_TMP/find.err"
assert_contains "a register of schema 23 is marked for reindex" "$(cat "$T_TMP/find.err")" "schema 24"
assert_ok "subject reindex" "$RECCTL" subject reindex -R "$REG" --level-keyring "$KEYS/privacy.keyring"
assert_eq "reindex writes the four spellings of his whole given name" "2 6" \
	"$(q "SELECT count(*) FROM subject_index WHERE handle = '$h' AND kind = 'name'") $(q "SELECT count(*) FROM subject_index WHERE handle = '$h' AND kind = 'given'")"
numbered_call "Jurgen Mueller" "+358401500012"
same_subject "after reindex Jurgen Mueller on Jürgen Müller's line is Jürgen Müller"
t_done
