#!/bin/bash
# README ("What the officer types") and recfs(8) say what the privacy
# officer types is personal data and keep it out of the process list:
# setfattr --restore=- on standard input, `subject find -`, argv wiped.
# `recctl request` takes the same kind of text as arguments: --verified-by
# (how the identity was checked: "passport 123456 seen", a personal
# identity number), --reason, --ground, --note.  A user of no level who
# reads /proc/PID/cmdline while the command runs reads them.  Expected:
# they are wiped from argv once read (as subject find's TEXT) or can be
# given on standard input; seen: they stay in the process list for as
# long as the command runs.  The test holds the command on the catalog's
# write lock (a sqlite3 transaction) so that the list can be read.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
customer_call c1 "2026-11-20T09:00:00Z" "Vera Vertraulich" "+358401234567"
H=$(handle_of "$(id_at "2026-11-20T09:00:00Z")")
[ -n "$H" ] || t_abort "data" "no subject"
nobody=$(make_plain_user nolevel)
"$RECCTL" request new -R "$REG" --type access --subject "$H" >/dev/null 2>&1 || t_abort "request new" "failed"
"$RECCTL" request await -R "$REG" 1 identity >/dev/null 2>&1 || t_abort "request await" "failed"

# held ARGS...: run recctl ARGS while sqlite3 holds the write lock; prints
# what the user of no level read of its command line.
held()
{
	local pid seen lock
	mkfifo "$T_TMP/lockfifo"
	(printf 'BEGIN IMMEDIATE;\nUPDATE meta SET key = key WHERE 0;\n'; cat "$T_TMP/lockfifo") |
		sqlite3 "$REG/catalog.db" >/dev/null 2>&1 &
	lock=$!
	sleep 0.5
	"$RECCTL" "$@" -R "$REG" >"$T_TMP/held.out" 2>&1 &
	pid=$!
	sleep 1.5
	seen=$(as_user "$nobody" cat "/proc/$pid/cmdline" 2>/dev/null | tr '\0' ' ')
	printf 'ROLLBACK;\n.quit\n' >"$T_TMP/lockfifo"
	wait "$pid" "$lock"
	rm -f "$T_TMP/lockfifo"
	printf '%s\n' "$seen"
}
seen=$(held request proceed 1 --verified-by "passport 131052-308T seen")
assert_contains "control: the user of no level read the command line" "$seen" "request proceed"
assert_not_contains "request proceed --verified-by: the identity check is not in the process list" "$seen" "131052-308T"
seen=$(held request close 1 --outcome refused --ground "Art. 12(5)" --note "Vera Vertraulich called twice")
assert_not_contains "request close --note: the note is not in the process list" "$seen" "Vera Vertraulich"
t_done
