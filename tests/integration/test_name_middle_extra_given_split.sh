#!/bin/bash
# One person who gives an extra given name after the one she usually
# gives, or her full string of given names once, on her own phone and
# e-mail: "John Paul Smith" and "John Paul George Smith", "Mary Kate
# McAllister" and "Mary Kate Anne McAllister", "Pedro José Martínez Soto"
# and "Pedro José María Martínez Soto", "Karl Theodor zu Guttenberg" and
# his full name, "Mohammed bin Salman Al Saud" and "Mohammed bin Salman
# bin Abdulaziz Al Saud": one subject each, or her access export misses
# calls.  (atk36 F2: a first version of catalog schema 26's middle words
# agreed only when one's were the end of the other's, and kept the last
# four of them, and split each pair.)
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
n=0
pair() # LABEL NAME1 NAME2: both on one own phone and e-mail
{
	local a
	n=$((n + 1))
	subject_call "{\"role\": \"customer\", \"name\": \"$2\", \"phone\": \"+358 40 710 00$n\", \"email\": \"p$n@mail.example\"}"
	a=$R
	subject_call "{\"role\": \"customer\", \"name\": \"$3\", \"phone\": \"+358 40 710 00$n\", \"email\": \"p$n@mail.example\"}"
	same_rec_subject "$1" "$a" "$R"
}

pair "'John Paul Smith' then 'John Paul George Smith' on his own phone and e-mail are one" \
	"John Paul Smith" "John Paul George Smith"
pair "'Mary Kate McAllister' then 'Mary Kate Anne McAllister' are one" \
	"Mary Kate McAllister" "Mary Kate Anne McAllister"
pair "'Pedro José Martínez Soto' then 'Pedro José María Martínez Soto' are one" \
	"Pedro José Martínez Soto" "Pedro José María Martínez Soto"
pair "Karl-Theodor zu Guttenberg's full name then 'Karl Theodor zu Guttenberg' are one" \
	"Karl Theodor Maria Nikolaus Johann Jacob Philipp Franz Joseph Sylvester Freiherr von und zu Guttenberg" \
	"Karl Theodor zu Guttenberg"
pair "'Mohammed bin Salman Al Saud' then 'Mohammed bin Salman bin Abdulaziz Al Saud' are one" \
	"Mohammed bin Salman Al Saud" "Mohammed bin Salman bin Abdulaziz Al Saud"

t_done
