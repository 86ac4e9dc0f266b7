#!/bin/bash
# Black-box report bb9: the customer disclosed a caller's recordings to an
# offshore QA contractor (outside the EEA, under SCCs), then stopped using
# it and took the recipient out of the policy with `recctl policy apply`.
# The access letter must still tell the caller that their data went
# outside the EU/EEA and under which safeguard (Art. 15(1)(c), 15(2)); the
# audit entry of the disclosure recorded both "as they stood then", and
# the letter takes them from it, also while the policy names another
# safeguard now.  `policy apply` warns when it takes out a recipient that
# data was disclosed to.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T_TMP/a"
policy()
{
	cat <<'EOF'
[register]
name = Shannon Broadband support-line call recordings
controller = Shannon Broadband Ltd, 1 Quay Street, Limerick, Ireland
contact = +353 61 000 000
privacy_contact = dpo@shannonbroadband.example.ie
details_level = dpo
phone_country_code = 353
supervisory_authority = Data Protection Commission, Dublin, Ireland

[level agent]
group = recfs-agent

[level dpo]
group = recfs-dpo
rights = yes

[purpose support]
description = Handling customer support calls under the customer's contract
legal_basis = contract
min_level = agent
retention = 6m

[source support-line]
kind = call
purpose = support
data_source = support-line telephony
EOF
}
policy >"$T_TMP/p1.conf"
{ policy; printf '\n[recipient offshore-qa]\nname = Offshore QA contractor (India)\neea = no\nsafeguard = EU SCCs 2021/914\n'; } >"$T_TMP/p2.conf"
{ policy; printf '\n[recipient offshore-qa]\nname = Offshore QA contractor (India)\neea = no\nsafeguard = Binding corporate rules\n'; } >"$T_TMP/p3.conf"
make_register "$T_TMP/a" "$T_TMP/p2.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
ingest_json c1 '{"recorded_at": "2026-11-20T09:00:00Z", "source": "support-line",
 "subjects": [{"role": "customer", "name": "Siobhán O'"'"'Brien", "phone": "+353 87 123 4567"}], "audio": "c1.opus"}'
h=$(handle_of "$(id_at 2026-11-20T09:00:00Z)")
rc() { "$RECCTL" "$@" -R "$REG"; }
assert_ok "export to the offshore recipient" \
	rc subject export "$h" "$T_TMP/out" --recipient offshore-qa --level-keyring "$KEYS/dpo.keyring"
assert_match "the disclosure is logged with its transfer basis" "$(rc audit show --action export)" \
	"recipient=offshore-qa.*transfer=outside-EEA safeguard=EU SCCs 2021/914"
assert_ok "her access request" rc request new --type access --subject "$h" --received 2026-12-01
assert_ok "letter before" rc request answer 1 --lang en --out "$T_TMP/before.txt" --templates "$T_ROOT/packaging/templates"
assert_contains "before: the letter names the transfer outside the EEA" "$(cat "$T_TMP/before.txt")" "outside the EU/EEA"
assert_contains "before: ... and its safeguard" "$(cat "$T_TMP/before.txt")" "EU SCCs 2021/914"

# The policy names another safeguard now: the letter tells what the
# transfer rested on when it was made.
assert_ok "the recipient's safeguard is changed" \
	rc policy apply "$T_TMP/p3.conf" --keyring "$KEYS/dpo.keyring" --keyrings "$KEYS" --no-passphrase
assert_not_contains "a recipient kept: no warning" "$T_OUT" "taken out of the policy"
assert_ok "letter with the changed safeguard" rc request answer 1 --lang en --out "$T_TMP/changed.txt" --templates "$T_ROOT/packaging/templates"
changed=$(sed -n '/^4\./,/^5\./p' "$T_TMP/changed.txt")
assert_contains "changed: the letter names the safeguard of the transfer made" "$changed" "outside the EU/EEA under EU SCCs 2021/914"
assert_not_contains "changed: ... not the policy's new one" "$changed" "Binding corporate rules"

assert_ok "dry run of taking the recipient out" \
	rc policy apply "$T_TMP/p1.conf" --dry-run --keyring "$KEYS/dpo.keyring" --keyrings "$KEYS" --no-passphrase
assert_contains "the dry run warns that data was disclosed to it" "$T_OUT" \
	"recipient offshore-qa is taken out of the policy, but the audit log shows 1 export to it"
assert_ok "the recipient is taken out of the policy" \
	rc policy apply "$T_TMP/p1.conf" --keyring "$KEYS/dpo.keyring" --keyrings "$KEYS" --no-passphrase
assert_contains "the apply warns that data was disclosed to it" "$T_OUT" \
	"recipient offshore-qa is taken out of the policy, but the audit log shows 1 export to it"
assert_ok "letter after" rc request answer 1 --lang en --out "$T_TMP/after.txt" --templates "$T_ROOT/packaging/templates"
after=$(sed -n '/^4\./,/^5\./p' "$T_TMP/after.txt")
assert_contains "after: the letter still names the transfer outside the EEA" "$after" "outside the EU/EEA"
assert_contains "after: ... and its safeguard" "$after" "EU SCCs 2021/914"

t_done
