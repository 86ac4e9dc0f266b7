#!/bin/bash
# Two findings of a black-box run as a German customer
# (bb4, see the report of that run):
#
# 1. Academic titles after a form of address ("Dr. med.", "Dr. rer. nat.",
#    "Prof. Dr. med.", "Dipl.-Ing.") are read as the first name: "med." is
#    an initial, so "Dr. med. Hans Groß" and "Dr. med. Klara Groß" who call
#    from one household line become ONE subject (Klara's call goes into
#    Hans's export), while "Änne X" with the same reference as "Frau Dr.
#    med. Änne X" becomes ANOTHER subject (her access export misses it).
#    "Dr. Hans Groß" / "Dr. Klara Groß" are told apart, as documented.
# 2. `recctl subject show` of any subject dies of SIGSEGV while a request
#    logged without a subject (--requester-file, not linked) is open.
#
# recctl only, no mount, no users.

. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
unset LANG LC_ALL LC_CTYPE

make_register "$T_TMP/r"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
PRIV=$KEYS/privacy.keyring
rc() { "$RECCTL" "$@" -R "$REG"; }

call() { ingest_call "$@"; }

# pair TAG N NAME-A NAME-B: two people of one household line (its own
# number per pair), a day apart; prints nothing, asserts two subjects.
pair()
{
	local tag=$1 n=$2 a b
	call "$tag-a" "2026-05-0${n}T10:00:00Z" "{\"role\": \"customer\", \"name\": \"$3\", \"phone\": \"09 100 00$n\"}"
	call "$tag-b" "2026-05-0${n}T11:00:00Z" "{\"role\": \"customer\", \"name\": \"$4\", \"phone\": \"09 100 00$n\"}"
	a=$(handle_of "$(id_at "2026-05-0${n}T10:00:00Z")")
	b=$(handle_of "$(id_at "2026-05-0${n}T11:00:00Z")")
	if [ -n "$a" ] && [ "$a" != "$b" ]; then
		pass "$3 and $4 on one line are two subjects"
	else
		fail "$3 and $4 on one line are two subjects" "both are $a"
	fi
}

pair plain 1 "Hans Groß" "Klara Groß"
pair dr 2 "Dr. Hans Groß" "Dr. Klara Groß"
pair herrdr 3 "Herr Dr. Hans Groß" "Frau Dr. Klara Groß"
pair drmed 4 "Dr. med. Hans Lehmann" "Dr. med. Klara Lehmann"
pair rernat 5 "Dr. rer. nat. Hans Busch" "Dr. rer. nat. Klara Busch"
pair prof 6 "Prof. Dr. med. Hans Wolff" "Prof. Dr. med. Klara Wolff"
pair dipl 7 "Dipl.-Ing. Hans Hahn" "Dipl.-Ing. Klara Hahn"

# One person, once with her title, once without, the same reference.
call anne1 2026-05-08T10:00:00Z '{"role": "customer", "name": "Frau Dr. med. Änne Müller-Lüdenscheidt", "ref": "KVNR-A1"}'
call anne2 2026-05-08T11:00:00Z '{"role": "customer", "name": "Änne Müller-Lüdenscheidt", "ref": "KVNR-A1"}'
assert_eq "Frau Dr. med. Änne X and Änne X with one reference are one subject" \
	"$(handle_of "$(id_at 2026-05-08T10:00:00Z)")" "$(handle_of "$(id_at 2026-05-08T11:00:00Z)")"

# --- subject show with an open request not linked to a subject -------------
h=$(handle_of "$(id_at 2026-05-01T10:00:00Z)")
assert_ok "subject show before an unlinked request" rc subject show "$h" --level-keyring "$PRIV"
printf 'Someone, by post\n' >"$T_TMP/requester"
assert_ok "an access request without a subject" \
	rc request new --type access --requester-file "$T_TMP/requester" --keyring "$KEYS/ingest.keyring"
assert_ok "subject show while an unlinked request is open" rc subject show "$h" --level-keyring "$PRIV"
assert_ok "subject show --json while an unlinked request is open" \
	rc subject show "$h" --json --level-keyring "$PRIV"

t_done
