#!/bin/bash
# One person whose Turkish name a German hotline writes as German forms
# and CRMs write it, ü as "ue" (recctl(1): names fold ae, oe and ue to a,
# o and u, "Mueller finds Müller"), and as it is on her card.  Turkish
# given names end in -gül ("Songül", "Aygül", "Özgül") and "Gönül" ends in
# -ül: written "Songuel", "Goenuel", an 'ue' and an 'l' that end the word,
# which fold_umlaut_e (meta/subject.c) keeps as an 'e' of "Manuel" or
# "Samuel": "songuel" is not "songul".  The person stays two subjects on
# her own insurance number: her consent withdrawal misses the calls
# written the other way.
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
# Controls: the umlaut inside a word, and ş, ı.
ref_call "Ayşe Yılmaz" "A400000001"
ref_call "Ayse Yilmaz" "A 400 000 001"
same_subject "Ayşe Yılmaz and Ayse Yilmaz with one KVNR are one subject (control)"
ref_call "Özlem Güler" "A400000002"
ref_call "Oezlem Gueler" "A400000002"
same_subject "Özlem Güler and Oezlem Gueler with one KVNR are one subject (control)"
# -ül at the end of a word
ref_call "Songül Yılmaz" "A400000003"
ref_call "Songuel Yilmaz" "A 400 000 003"
same_subject "Songül Yılmaz and Songuel Yilmaz with one KVNR are one subject"
ref_call "Gönül Demir" "A400000004"
ref_call "Goenuel Demir" "A400000004"
same_subject "Gönül Demir and Goenuel Demir with one KVNR are one subject"
ref_call "Fatma Gül" "A400000005"
ref_call "Fatma Guel" "A400000005"
same_subject "Fatma Gül and Fatma Guel with one KVNR are one subject"
t_done
