#!/bin/bash
# A nickname in quotes is no name of its own: "John Paul \"JP\" Smith" is
# John Paul Smith, and "John \"Jack\" Smith" (John Smith, called Jack)
# agrees with "John Paul Smith" as "John Smith" does (recfs-manifest(5)).
# One man on his own phone and e-mail is one subject, the nickname in
# quotes or in parentheses.  (atk36 F3: a first version of catalog
# schema 26's middle words took a quoted nickname for one and split him.)
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
n=0
pair() # LABEL NAME1 NAME2 (JSON-escaped): both on one own phone and e-mail
{
	local a
	n=$((n + 1))
	subject_call "{\"role\": \"customer\", \"name\": \"$2\", \"phone\": \"+358 40 720 00$n\", \"email\": \"j$n@mail.example\"}"
	a=$R
	subject_call "{\"role\": \"customer\", \"name\": \"$3\", \"phone\": \"+358 40 720 00$n\", \"email\": \"j$n@mail.example\"}"
	same_rec_subject "$1" "$a" "$R"
}

pair "'John Paul Smith' then 'John Paul \"JP\" Smith' on his own phone and e-mail are one" \
	'John Paul Smith' 'John Paul \"JP\" Smith'
pair "'John \"Jack\" Smith' then 'John Paul Smith' are one (as 'John Smith' and 'John Paul Smith' are)" \
	'John \"Jack\" Smith' 'John Paul Smith'
pair "'John Paul Smith' then 'John Paul (JP) Smith' are one" \
	'John Paul Smith' 'John Paul (JP) Smith'

t_done
