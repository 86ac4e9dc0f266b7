#!/bin/bash
# A card made by a gold-only recording keeps its level through policy
# applies that move the details level (atk19): with details_level raised
# to gold and lowered back to silver, the card of f719fde followed the
# details level down (its lowest seal was then the details level), and
# silver read the e-mail and phone given only in a gold board meeting.
# The card's level is kept by name (schema v17, seal_card_from).
. "$(dirname "$0")/lib.sh"

# Levels bronze < silver < gold (rights), details at silver; cs calls
# (bronze), boardroom meetings (gold only).
pol=$T_TMP/policy.conf
cp "$T_ROOT/tests/fixtures/policy-bronze-silver-gold.conf" "$pol"
silver=$(make_level_user silver)
make_register "$T_TMP/a" "$pol"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/sec2.opus"
cat >"$SPOOL/sec2.json" <<'JSON'
{"recorded_at": "2026-11-22T09:00:00Z", "source": "boardroom", "title": "Board",
 "subjects": [{"role": "customer", "name": "Gina Goldonly", "phone": "+46701119999",
   "email": "gina@secret.example"}], "audio": "sec2.opus"}
JSON
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/sec2.json" >"$T_TMP/ingest.out" 2>&1 ||
	t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
g=$(q "SELECT handle FROM link LIMIT 1")
show_silver() { "$RECCTL" subject show -R "$REG" "$g" --level-keyring "$KEYS/silver.keyring" 2>&1; }
assert_not_contains "control: silver does not open the gold-only card" "$(show_silver)" "gina@secret.example"

apply()
{
	sed "s/^details_level = .*/details_level = $1/" "$pol" >"$T_TMP/p-$1.conf"
	"$RECCTL" policy apply "$T_TMP/p-$1.conf" -R "$REG" --keyring "$KEYS/gold.keyring" --keyrings "$KEYS" \
		--no-passphrase >"$T_TMP/apply.out" 2>&1 || t_abort "policy apply $1" "$(tail -n 3 "$T_TMP/apply.out")"
}
apply gold
assert_not_contains "details_level gold: silver does not open it" "$(show_silver)" "gina@secret.example"
apply silver
assert_not_contains "details_level back to silver: silver still does not open the gold-only card" \
	"$(show_silver)" "gina@secret.example"
assert_eq "the card has no silver seal" "0" \
	"$(q "SELECT count(*) FROM seal s JOIN subject c ON c.card = s.object WHERE c.handle = '$g' AND s.level = 'silver'" 2>/dev/null || echo "?")"
t_done
