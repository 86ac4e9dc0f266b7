#!/bin/bash
# What the privacy officer searches for is personal data, and no local user
# without a level may read it (atk23).  `recctl subject find TEXT` takes the
# person's name, phone number or e-mail as an argument, and an argument is
# in /proc/PID/cmdline, which every local user reads (ps -ef) for as long as
# the command runs: a user of no level, or a trainer below details_level,
# who watches the process list learns whom the officer looks for, and,
# with the officer's next command (ls by-subject/S-..., subject show
# S-...), the pseudonymous handle of that name.  recctl can keep the text
# out of its argument list (read it from standard input, or overwrite its
# argv once parsed, as mysql does with -p).
#
# The test holds `recctl subject find` on its keyring's passphrase (read
# from a FIFO) so that the process list can be read at leisure.  recctl
# wipes TEXT from its argv once parsed, and `subject find -` reads it from
# standard input, never in the process list.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
customer_call c1 "2026-11-20T09:00:00Z" "Vera Vertraulich" "+358401234567"
nobody=$(make_plain_user nolevel)

# The privacy level's keyring, with a passphrase.
printf 'a passphrase\n' >"$T_TMP/pass"
chmod 600 "$T_TMP/pass"
"$RECCTL" keys export privacy -o "$T_TMP/privacy-pw.keyring" -R "$REG" --keyring "$KEYS/privacy.keyring" \
	--passfile "$T_TMP/pass" >"$T_TMP/export.out" 2>&1 || t_abort "keys export" "$(cat "$T_TMP/export.out")"
mkfifo -m 600 "$T_TMP/passfifo"

# find_held TEXT: run `recctl subject find TEXT`, let the user of no level
# read its command line while it waits for the passphrase; prints what
# that user read, then what find printed.
find_held()
{
	local pid seen
	RECFS_PASSFILE=$T_TMP/passfifo "$RECCTL" subject find "$1" -R "$REG" \
		--level-keyring "$T_TMP/privacy-pw.keyring" --keyring "$KEYS/ingest.keyring" >"$T_TMP/find.out" 2>&1 &
	pid=$!
	sleep 1
	seen=$(as_user "$nobody" cat "/proc/$pid/cmdline" 2>&1 | tr '\0' ' ')
	cat "$T_TMP/pass" >"$T_TMP/passfifo"
	wait "$pid"
	printf 'SEEN: %s\nFOUND: %s\n' "$seen" "$(cat "$T_TMP/find.out")"
}

out=$(find_held "Vera Vertraulich")
assert_contains "subject find by name finds the subject" "$out" "FOUND: S-"
assert_not_contains "a user of no level does not read the name searched for in the process list" \
	"$(printf '%s\n' "$out" | grep '^SEEN')" "Vertraulich"

out=$(find_held "+358401234567")
assert_contains "subject find by phone finds the subject" "$out" "FOUND: S-"
assert_not_contains "a user of no level does not read the phone number searched for" \
	"$(printf '%s\n' "$out" | grep '^SEEN')" "358401234567"
out=$(printf 'Vera Vertraulich\n' | "$RECCTL" subject find - -R "$REG" --keyring "$KEYS/ingest.keyring" \
	--level-keyring "$KEYS/privacy.keyring" 2>&1)
assert_contains "subject find - reads the name from standard input" "$out" "S-"
assert_exit "subject find - without a line is a usage error" 2 \
	"$RECCTL" subject find - -R "$REG" --keyring "$KEYS/ingest.keyring" </dev/null
t_done
