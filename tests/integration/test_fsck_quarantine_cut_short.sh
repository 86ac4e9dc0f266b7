#!/bin/bash
# A crash of the watch while it made a quarantine folder, after its
# error.txt and before manifest-name.txt and the recorder's files, leaves
# the folder with error.txt alone; the manifest stays in the spool for the
# next try.  fsck listed such a folder as one more quarantined manifest and
# said "0 problems" (atk69 F4, kill -9 during a flood of broken
# manifests).  It now says what it is.  A quarantine that holds none of
# the recorder's files by design (a symbolic link as the manifest, which
# is left out) is no such leftover (atk70; test_ingest_group.sh's case).
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
printf '{"recorded_at": "2026-11-02T10:00:00Z", "source": "nosuch", "audio": "a.opus"}\n' >"$SPOOL/bad.json"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/a.opus"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/bad.json" >/dev/null 2>&1
Q=$(find "$REG/quarantine" -mindepth 1 -maxdepth 1 -type d | head -n 1)
[ -n "$Q" ] && [ -f "$Q/error.txt" ] || t_abort "quarantine" "the bad manifest was not quarantined"
printf '{"recorded_at": "2026-11-03T10:00:00Z", "source": "nosuch", "audio": "a.opus"}\n' >"$SPOOL/real.json"
ln -s real.json "$SPOOL/sym.json"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/sym.json" >/dev/null 2>&1
assert_eq "a symbolic link as a manifest is quarantined too, with nothing of the recorder's" 2 \
	"$(find "$REG/quarantine" -mindepth 1 -maxdepth 1 -type d | wc -l)"
assert_ok "fsck of a register with those two quarantine folders" "$RECCTL" fsck -R "$REG"
assert_not_contains "which it does not call cut short" "$T_OUT" "cut short"

# The folder a crash leaves before manifest-name.txt and the inputs.
mkdir -m 0700 "$REG/quarantine/q-0badc0de"
cp -p "$Q/error.txt" "$REG/quarantine/q-0badc0de/error.txt"
assert_fails_with "fsck finds a problem: the folder holds its error.txt alone" \
	"quarantined q-0badc0de holds its error.txt alone: a quarantine cut short by a crash" "$RECCTL" fsck -R "$REG"
assert_eq "and only that one" 1 "$(printf '%s\n' "$T_OUT" | grep -c "cut short")"
t_done
