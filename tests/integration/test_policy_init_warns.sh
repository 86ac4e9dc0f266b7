#!/bin/bash
# `recctl init`, the first command of a new register, says the policy's
# warnings as `policy check` does (atk65 F9): a UK policy without
# supervisory_authority is warned of at the line of [register] before the
# register is made, and the register is still made.  A level with neither
# a group nor users, which nobody can have, is warned of at its section's
# line by check and init (atk65 F8); the shipped policy gets neither.
. "$(dirname "$0")/lib.sh"

UK=$T_ROOT/tests/fixtures/policy-uk-collections.conf
grep -v '^supervisory_authority' "$UK" >"$T_TMP/none.conf"
line=$(grep -n '^\[register\]' "$T_TMP/none.conf" | cut -d: -f1)
assert_ok "init of a register under a UK policy without supervisory_authority" \
	"$RECCTL" init "$T_TMP/uk/reg" --policy "$T_TMP/none.conf" --keyrings "$T_TMP/uk/keys" --no-passphrase
assert_contains "it warns that no authority can be named, at the line of [register]" "$T_OUT" \
	"recctl: warning: $T_TMP/none.conf:$line: [register] has no supervisory_authority"
assert_file "and makes the register" "$T_TMP/uk/reg/catalog.db"

# The shipped policy's privacy level, its group line taken out (its
# users list is empty).
grep -v '^group = recfs-privacy$' "$POLICY_EXAMPLE" >"$T_TMP/nobody.conf"
lvl=$(grep -n '^\[level privacy\]' "$T_TMP/nobody.conf" | cut -d: -f1)
assert_ok "policy check of a policy whose privacy level has no group and no users" \
	"$RECCTL" policy check "$T_TMP/nobody.conf"
assert_contains "it warns that nobody has the level, at its section's line" "$T_OUT" \
	"recctl: warning: $T_TMP/nobody.conf:$lvl: level privacy has no group and no users: nobody has it"
assert_ok "init of a register under it" \
	"$RECCTL" init "$T_TMP/nb/reg" --policy "$T_TMP/nobody.conf" --keyrings "$T_TMP/nb/keys" --no-passphrase
assert_contains "warns the same" "$T_OUT" "$T_TMP/nobody.conf:$lvl: level privacy has no group and no users"

assert_ok "init under the shipped policy" \
	"$RECCTL" init "$T_TMP/fi/reg" --policy "$POLICY_EXAMPLE" --keyrings "$T_TMP/fi/keys" --no-passphrase
assert_not_contains "no warning that nobody has a level" "$T_OUT" "nobody has it"
assert_not_contains "nor of the authority" "$T_OUT" "supervisory_authority"
t_done
