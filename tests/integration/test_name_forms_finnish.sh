#!/bin/bash
# A Finnish social and health services helpline (black-box customer bb16):
# one client, one henkilötunnus (personal identity code, 131052-308T, also
# written 131052308T), whose name the helpline's systems write as Finnish
# systems do:
#   - family name first without a comma, as the Population Information
#     System (DVV), Kanta and patient systems print it: "Äijälä Aino Maria",
#     "Mäkinen-Öhman Sirkka-Liisa";
#   - with the standard Finnish abbreviations of the forms of address:
#     "rva" (rouva, Mrs), "hra" (herra, Mr), "nti" (neiti, Miss), beside
#     "Rouva", "Herra", "Neiti" and "Tri", which recfs-manifest(5) reads;
#   - with her birth name after "o.s." (omaa sukua, née): "Aino Äijälä
#     o.s. Virtanen".
# recfs-manifest(5): a subject found by the reference is not this one only
# "when the entry gives a name and that subject was given names and none
# of them is this one"; it reads "DUPONT Jean", "Berg, Anna" and "Rouva
# Anna Berg" as the person's name.  On main each form above makes a subject
# of its own that holds the same henkilötunnus: the client is split into
# several subjects, and an access answer, an erasure (rm -r of the
# subject's folder) or a consent withdrawal on her handle misses the calls
# of the others.
# Expected: each such call is the subject of the henkilötunnus.  Controls
# (forms recfs reads already) pass on main.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

# ref_call NAME REF: the next numbered call, giving a reference (the hetu).
ref_call()
{
	NCALL=$((NCALL + 1))
	ingest_call "c$NCALL" "$(call_day "$NCALL")" "{\"role\": \"customer\", \"name\": \"$1\", \"ref\": \"$2\"}"
}
# first_vs NAME REF: the next call, compared with call 1 (Aino's first).
AINO=
first_vs()
{
	ref_call "$1" "$2"
	same_rec_subject "$3" "$AINO" "$(id_at "$(call_day "$NCALL")")"
}

ref_call "Aino Äijälä" "131052-308T"
AINO=$(id_at "$(call_day 1)")
[ -n "$AINO" ] || t_abort "data" "first call not ingested"

# Controls: forms recfs reads as Aino Äijälä already.
first_vs "ÄIJÄLÄ Aino" "131052308T" "control: ÄIJÄLÄ Aino (capitals first) is Aino Äijälä"
first_vs "Äijälä, Aino" "131052-308T" "control: Äijälä, Aino (comma) is Aino Äijälä"
first_vs "Rouva Aino Äijälä" "131052-308T" "control: Rouva Aino Äijälä is Aino Äijälä"
first_vs "Aino Maria Äijälä" "131052-308T" "control: Aino Maria Äijälä is Aino Äijälä"

# The forms Finnish systems write.
first_vs "Äijälä Aino Maria" "131052-308T" "Äijälä Aino Maria (DVV order) with her henkilötunnus is Aino Äijälä"
first_vs "Äijälä Aino" "131052308T" "Äijälä Aino (DVV order) with her henkilötunnus is Aino Äijälä"
first_vs "rva Aino Äijälä" "131052-308T" "rva Aino Äijälä (rouva) with her henkilötunnus is Aino Äijälä"
first_vs "Aino Äijälä o.s. Virtanen" "131052-308T" "Aino Äijälä o.s. Virtanen (née) with her henkilötunnus is Aino Äijälä"

# A man's: hra, and a hyphenated family name first.
ref_call "Pentti Mäkinen-Öhman" "250845-918T"
PENTTI=$(id_at "$(call_day "$NCALL")")
ref_call "hra Pentti Mäkinen-Öhman" "250845-918T"
same_rec_subject "hra Pentti Mäkinen-Öhman (herra) with his henkilötunnus is Pentti Mäkinen-Öhman" \
	"$PENTTI" "$(id_at "$(call_day "$NCALL")")"
ref_call "Mäkinen-Öhman Pentti" "250845-918T"
same_rec_subject "Mäkinen-Öhman Pentti (DVV order) with his henkilötunnus is Pentti Mäkinen-Öhman" \
	"$PENTTI" "$(id_at "$(call_day "$NCALL")")"

# And the whole of it: one henkilötunnus, one subject (calls 1 to 9 are Aino's).
n=$(q "SELECT count(DISTINCT handle) FROM link WHERE recording IN
	(SELECT id FROM recording WHERE recorded_at <= $(date -u -d "$(call_day 9)" +%s))")
assert_eq "Aino's nine calls name one subject" "1" "$n"
t_done
