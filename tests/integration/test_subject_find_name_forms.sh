#!/bin/bash
# `recctl subject find` by name finds a person by the forms of their name
# that ingest reads as that person's (black-box report bb8 MEDIUM 4): the
# family name first ("Berg, Jan van der", as the Dutch population register
# writes it), an initial ("J. van der Berg", how letters are signed),
# "v.d." for "van der", "El-Amrani" for "el Amrani", "de Vries Bakker"
# for "de Vries-Bakker".  A search of the family name alone finds what it
# found, and another person of the family is not found by a form of the
# name: "Bert van der Berg", "Jan van den Berg".
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
unset LANG LC_ALL LC_CTYPE

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

numbered_call "Jan van der Berg" "+358401130001"
numbered_call "Fatima el Amrani" "+358401130002"
numbered_call "Sanne de Vries-Bakker" "+358401130003"
numbered_call "Bert van der Berg" "+358401130004"
numbered_call "Jan van den Berg" "+358401130005"
assert_eq "five callers are five subjects" "5" "$(q "SELECT count(*) FROM subject")"
handle_of_call() { handle_of "$(id_at "$(call_day "$1")")"; }
JAN=$(handle_of_call 1)
FATIMA=$(handle_of_call 2)
SANNE=$(handle_of_call 3)
BERT=$(handle_of_call 4)
JAN_DEN=$(handle_of_call 5)

by_name() { "$RECCTL" subject find "$1" -R "$REG" --level-keyring "$KEYS/privacy.keyring" --json 2>/dev/null; }
# found TEXT: the handles a name search of TEXT lists, sorted, on one line.
found() { by_name "$1" | jq -r '.[].handle' 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//'; }
sorted() { printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//'; }

# The forms of the report: each finds the one person.
for text in "Berg, Jan van der" "J. van der Berg" "Van der Berg, Jan" "dhr. J. van der Berg MSc"; do
	assert_eq "'$text' finds Jan van der Berg" "$JAN" "$(found "$text")"
done
# "v.d." writes "van der" and "van den" alike: both Jans.
assert_eq "'Jan v.d. Berg' finds Jan van der Berg and Jan van den Berg" "$(sorted "$JAN" "$JAN_DEN")" \
	"$(found "Jan v.d. Berg")"
for text in "F. El-Amrani" "Mw. F. el Amrani" "El Amrani, Fatima"; do
	assert_eq "'$text' finds Fatima el Amrani" "$FATIMA" "$(found "$text")"
done
for text in "Sanne de Vries Bakker" "De Vries-Bakker, S." "drs. S. de Vries-Bakker"; do
	assert_eq "'$text' finds Sanne de Vries-Bakker" "$SANNE" "$(found "$text")"
done

# What a substring found, it finds.
assert_eq "'Berg' finds the three Bergs" "$(sorted "$JAN" "$BERT" "$JAN_DEN")" "$(found "Berg")"
assert_eq "'van der Berg' finds the two van der Bergs" "$(sorted "$JAN" "$BERT")" "$(found "van der Berg")"
assert_eq "'Jan van der Berg' finds Jan alone" "$JAN" "$(found "Jan van der Berg")"
assert_eq "'Amrani' finds Fatima" "$FATIMA" "$(found "Amrani")"

# Another person of the family is not found by a form of the name.
assert_eq "'B. van der Berg' finds Bert alone" "$BERT" "$(found "B. van der Berg")"
assert_eq "'Berg, Jan van den' finds Jan van den Berg alone" "$JAN_DEN" "$(found "Berg, Jan van den")"
assert_eq "'Sanne Bakker' finds no one" "" "$(found "Sanne Bakker")"
assert_eq "'S. de Vries' finds no one" "" "$(found "S. de Vries")"

t_done
