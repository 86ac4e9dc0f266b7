#!/bin/bash
# A policy of a register outside Finland (phone_country_code 44) without
# supervisory_authority: its notice and answer letters cannot name the
# authority a data subject may complain to (GDPR Art. 13(2)(d), 15(1)(f)).
# `recctl policy check` and `policy apply` accept it and warn, at the line
# of [register], as they warn of a policy that sets neither key; a policy
# that names its authority, or a Finnish one (the Ombudsman by default),
# is not warned of.
. "$(dirname "$0")/lib.sh"

UK=$T_ROOT/tests/fixtures/policy-uk-collections.conf
grep -v '^supervisory_authority' "$UK" >"$T_TMP/none.conf"
line=$(grep -n '^\[register\]' "$T_TMP/none.conf" | cut -d: -f1)
assert_ok "policy check of a UK policy without supervisory_authority" "$RECCTL" policy check "$T_TMP/none.conf"
assert_contains "it warns that no authority can be named, at the line of [register]" "$T_OUT" \
	"recctl: warning: $T_TMP/none.conf:$line: [register] has no supervisory_authority"
assert_contains "and still says ok" "$T_OUT" "$T_TMP/none.conf: ok"
assert_ok "policy check of the policy as it is" "$RECCTL" policy check "$UK"
assert_not_contains "names its authority: no warning" "$T_OUT" "supervisory_authority"
assert_ok "policy check of the shipped Finnish policy" "$RECCTL" policy check "$POLICY_EXAMPLE"
assert_not_contains "the Ombudsman is named: no warning of it" "$T_OUT" "has no supervisory_authority"

make_register "$T_TMP/a" "$UK"
assert_ok "policy apply --dry-run of it on a register" "$RECCTL" policy apply -R "$REG" "$T_TMP/none.conf" \
	--keyrings "$KEYS" --keyring "$KEYS/dpo.keyring" --no-passphrase --dry-run
assert_contains "warns the same" "$T_OUT" "recctl: warning: $T_TMP/none.conf:$line: [register] has no supervisory_authority"
t_done
