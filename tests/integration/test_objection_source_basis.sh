#!/bin/bash
# A source may give its recordings a legal basis of its own (`legal_basis`
# in its [source] section), other than its purpose's.  The rights that
# follow from a basis must then follow from the source's too: the notice
# lists the purpose under the objection (Art. 21) and withdrawal (Art.
# 7(3)) rights, and `recctl subject object --all-legitimate-interest`
# takes the purpose.  Before (atk65 F6), both looked at the purposes'
# bases only: the notice said "none in this register" or left the purpose
# out, and --all-legitimate-interest said the policy had no such purpose,
# while `--purpose` of the same purpose worked.
. "$(dirname "$0")/lib.sh"

# The shipped policy with its customer-service calls (purpose quality, on
# contract) on legitimate interests, and a survey line on consent, also
# for quality.
sed -e '/^\[source customer-service\]$/,/^\[/ s/^purpose = quality$/&\nlegal_basis = legitimate_interests/' \
	"$POLICY_EXAMPLE" >"$T_TMP/p.conf"
cat >>"$T_TMP/p.conf" <<'EOF2'

[source survey-line]
kind = call
purpose = quality
legal_basis = consent
data_source = survey line
EOF2
[ "$(grep -c '^legal_basis = legitimate_interests$' "$T_TMP/p.conf")" -gt \
	"$(grep -c '^legal_basis = legitimate_interests$' "$POLICY_EXAMPLE")" ] ||
	t_abort "policy" "the example policy's [source customer-service] has no 'purpose = quality'"
grep -q '^legal_basis = contract$' <(sed -n '/^\[purpose quality\]$/,/^\[/p' "$T_TMP/p.conf") ||
	t_abort "policy" "the example policy's quality purpose is not on contract"

make_register "$T_TMP/a" "$T_TMP/p.conf"
assert_ok "recctl register --lang en" "$RECCTL" register -R "$REG" --lang en
notice=$T_OUT
item() { printf '%s\n' "$notice" | sed -n "/^- $1/,/^- /p" | sed '$d'; }
objection=$(item "Objection (Art. 21)")
withdrawal=$(item "Withdrawal of consent")
assert_match "the notice has the objection right" "$objection" "Purposes concerned:"
assert_match "its purposes include quality, whose calls from customer-service are on legitimate interests" \
	"$(printf '%s' "$objection" | tr '\n' ' ')" "Purposes concerned:.* quality[,.]"
assert_match "the withdrawal right's purposes include quality, whose survey-line calls are on consent" \
	"$(printf '%s' "$withdrawal" | tr '\n' ' ')" "Purposes concerned:.* quality[,.]"

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
customer_call c1 2026-11-02T10:00:00Z "Aino Vastustaja" "+358401110001"
assert_eq "the call is on the source's basis" "legitimate_interests" \
	"$(q "SELECT legal_basis FROM recording LIMIT 1")"
assert_ok "subject find" "$RECCTL" subject find "+358401110001" -R "$REG" --keyring "$KEYS/ingest.keyring"
H=$(printf '%s\n' "$T_OUT" | awk '{print $1; exit}')
assert_match "the person has a handle" "$H" '^S-[0-9A-Z]{6}$'
assert_ok "recctl subject object --all-legitimate-interest" \
	"$RECCTL" subject object "$H" --all-legitimate-interest -R "$REG"
assert_match "it names quality among the purposes" "$T_OUT" "objection recorded to.* quality[,;]"
assert_eq "the call is restricted" "1" "$(q "SELECT restricted_since <> 0 FROM recording LIMIT 1")"
t_done
