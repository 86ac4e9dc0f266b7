#!/bin/bash
# Promise tried: recctl(1) audit show: "--recording X: entries about one
# recording: its id, the 8 hex digits of its file names, a stem or file
# name, or a path on a mount ... A recording that was erased is found by
# its 8 hex digits in the entries that remain"; and `--recording X
# --action open` is the "who listened" report.
#
# Recording ids are random; the file names carry their first 8 hex digits
# (32 bits): a register of 100,000 recordings holds about one pair that
# share them, one of 1,000,000 about a hundred.  Here two calls share them
# (an LD_PRELOAD shim fixes the first 4 bytes of each 16-byte random value
# while the two are ingested).  An analyst listens to call E, a trainer to
# call L; the privacy officer erases E.  Later the officer asks who
# listened to E by its file name (the stem, from a letter or a complaint:
# E's time, source and digits).  recctl takes only the 8 digits of the
# stem, finds the one live recording that has them (L) and answers with
# L's listeners, without a word: the analyst who heard E is not named, the
# trainer who never heard E is.  Expected: the report for E's stem names
# the analyst and not the trainer (or recctl says the digits are shared
# and refuses), and so does the report for E's 8 digits.  The same
# reading of a name serves `recctl retention set RECORDING DATE`: given
# E's stem after E was erased, it changes L's retention.  Expected: "no
# such recording", L's retention as it was.
. "$(dirname "$0")/lib.sh"

SHIM=$T_TMP/ids_shared_digits.so
cc -shared -fPIC -O2 -o "$SHIM" "$T_ROOT/tests/integration/ids_shared_digits.c" -ldl || t_abort "cc" "the shim"
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
# A sanitizer build's runtime must come first in the preload list.
asan=$(ldd "$RECCTL" | awk '/libasan/ { print $3 }')
export LD_PRELOAD=${asan:+$asan:}$SHIM RECFS_TEST_ID_PREFIX=5eed1234
customer_call e 2026-11-02T10:00:00Z "Eeva Esimerkki" "+358401111111"
customer_call l 2026-11-03T11:00:00Z "Lauri Lähde" "+358402222222"
unset LD_PRELOAD RECFS_TEST_ID_PREFIX
n=$(q "SELECT count(*) FROM recording WHERE substr(id, 1, 8) = '5eed1234'")
[ "$n" = 2 ] || t_abort "shim" "$n recordings with the digits 5eed1234"

analyst=$(make_level_user analysis)
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
fe=$(as_user "$dpo" find "$MNT/by-date/2026/11/02" -name '*.opus')
fl=$(as_user "$dpo" find "$MNT/by-date/2026/11/03" -name '*.opus')
[ -n "$fe" ] && [ -n "$fl" ] || t_abort "mount" "E '$fe', L '$fl'"
stem_e=$(basename "$fe" .opus)
echo "   E: $stem_e   L: $(basename "$fl" .opus)"
as_user "$analyst" cat "$fe" >/dev/null || t_abort "cat" "the analyst cannot read E"
as_user "$trainer" cat "$fl" >/dev/null || t_abort "cat" "the trainer cannot read L"
assert_ok "the officer erases E" as_user "$dpo" rm "$fe"
unmount_recfs "$MNT"

report() { "$RECCTL" audit show -R "$REG" --recording "$1" --action open 2>&1; }
out=$(report "$stem_e")
echo "$out" | sed 's/^/   /'
assert_contains "who listened to E (its stem): the analyst" "$out" "$analyst("
assert_not_contains "who listened to E (its stem): not the trainer, who heard L" "$out" "$trainer("
out=$(report "$stem_e.opus")
assert_contains "who listened to E (its file name): the analyst" "$out" "$analyst("
out=$(report 5eed1234)
assert_match "who listened to 5eed1234 (E's digits): the analyst, or a word that two recordings had them" \
	"$out" "$analyst\\(|more than one|ambiguous|share"

lid=$(q "SELECT id FROM recording WHERE substr(id, 1, 8) = '5eed1234'")
before=$(q "SELECT retention_until FROM recording WHERE id = '$lid'")
"$RECCTL" retention set -R "$REG" "$stem_e" 2027-01-15 >"$T_TMP/ret.out" 2>&1
rc=$?
sed 's/^/   /' "$T_TMP/ret.out"
[ "$rc" != 0 ] && pass "retention set of E's stem (erased) is refused" ||
	fail "retention set of E's stem (erased) is refused" "exit 0: $(cat "$T_TMP/ret.out")"
assert_eq "and L's retention is as it was" "$before" "$(q "SELECT retention_until FROM recording WHERE id = '$lid'")"

t_done
