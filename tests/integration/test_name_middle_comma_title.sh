#!/bin/bash
# A name written "Anna Berg, CEO" (a title, role or company after the
# comma, as an e-mail signature or a B2B form gives it) is Anna Berg
# (recfs-manifest(5): "Anna Berg, Acme" stays Anna Berg): one woman
# calling from her own phone and mailbox stays one subject when her
# signature line changes ("CEO" then "CFO", "Acme" then "Globex", "Head
# of Sales" then "Sales Director") or when she gives her middle name once
# ("Anna Lena Berg"), or her access export misses calls and her objection
# does not follow her.  (atk36 F1: a first version of catalog schema 26's
# middle words compared the words after the comma and split each pair.)
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
n=0
pair() # LABEL NAME1 NAME2: both on one own phone and e-mail
{
	local a
	n=$((n + 1))
	subject_call "{\"role\": \"customer\", \"name\": \"$2\", \"phone\": \"+358 40 700 00$n\", \"email\": \"anna$n@berg.example\"}"
	a=$R
	subject_call "{\"role\": \"customer\", \"name\": \"$3\", \"phone\": \"+358 40 700 00$n\", \"email\": \"anna$n@berg.example\"}"
	same_rec_subject "$1" "$a" "$R"
}

pair "'Anna Berg, CEO' and 'Anna Berg, CFO' on her own phone and e-mail are one" "Anna Berg, CEO" "Anna Berg, CFO"
pair "'Anna Berg, Acme' and 'Anna Berg, Globex' on her own phone and e-mail are one" "Anna Berg, Acme" "Anna Berg, Globex"
pair "'Anna Berg, Head of Sales' and 'Anna Berg, Sales Director' are one" \
	"Anna Berg, Head of Sales" "Anna Berg, Sales Director"
pair "'Anna Berg, CEO' then 'Anna Lena Berg' on her own phone and e-mail are one" "Anna Berg, CEO" "Anna Lena Berg"
pair "'Anna Lena Berg' then 'Anna Berg, Head of Sales' are one" "Anna Lena Berg" "Anna Berg, Head of Sales"
pair "'Berg Anna, CEO' and 'Berg Anna, CFO' are one" "Berg Anna, CEO" "Berg Anna, CFO"

t_done
