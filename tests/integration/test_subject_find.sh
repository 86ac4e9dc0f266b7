#!/bin/bash
# Issue 15, "clear refusals": `recctl subject find` finds a subject however
# its name is typed.  Names are compared with case and diacritics folded
# (subject_fold_name), in any locale: Vaisanen and VÄISÄNEN find Väisänen.
# The search text never reaches the audit log.  No mount needed.

. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
command -v jq >/dev/null || t_abort "jq" "the jq command is needed"

# The tests run with LANG unset (as CI does): folding must not need a locale.
unset LANG LC_ALL LC_CTYPE

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/a.opus"

# manifest FILE NAME PHONE: a call with one customer.
manifest()
{
	cat >"$1" <<JSON
{"recorded_at": "2026-05-04T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "$2", "phone": "$3"}], "audio": "a.opus"}
JSON
}

make_register "$T_TMP/a"
manifest "$SPOOL/v.json" "Aino Väisänen" "+358402642312"
manifest "$SPOOL/o.json" "Nils Øster" "+4722334455"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/v.json" "$SPOOL/o.json" >"$T_TMP/ingest.out" 2>&1 ||
	t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
by_name() { "$RECCTL" subject find "$1" -R "$REG" --level-keyring "$KEYS/analysis.keyring" --json; }
by_index() { "$RECCTL" subject find "$1" -R "$REG" --keyring "$KEYS/ingest.keyring" --json; }
handle() { jq -r '.[0].handle // empty' 2>/dev/null; }
audit_reasons() { sqlite3 -batch "$REG/catalog.db" "SELECT group_concat(coalesce(object,'') || ' ' || coalesce(reason,''), '|') FROM audit"; }

assert_ok "subject find by the phone as ingested" by_index "+358402642312"
HV=$(printf '%s' "$T_OUT" | handle)
assert_match "a handle is printed" "$HV" '^S-[0-9A-Z]{6}$'

# --- names: case and diacritics folded -------------------------------------
for text in "Väisänen" "Vaisanen" "VAISANEN" "VÄISÄNEN" "aino vaisa"; do
	assert_ok "subject find '$text' by name" by_name "$text"
	assert_eq "'$text' finds Väisänen" "$HV" "$(printf '%s' "$T_OUT" | handle)"
done
assert_ok "subject find 'Oster' by name" by_name "Oster"
HO=$(printf '%s' "$T_OUT" | handle)
assert_match "Oster finds Øster (ø folds to o)" "$HO" '^S-[0-9A-Z]{6}$'
assert_eq "Oster finds only Øster" "1" "$(printf '%s' "$T_OUT" | jq length)"
assert_exit "subject find 'Virtanen' by name finds no one" 1 by_name "Virtanen"
assert_fails_with "a search text that is not UTF-8 is refused" "not valid UTF-8" by_name $'V\xe4is\xe4nen'
reasons=$(audit_reasons)
for text in Vaisanen VAISANEN Oster Virtanen; do
	assert_not_contains "the search text $text is not in the audit log" "$reasons" "$text"
done
assert_match "each find is logged with counts only" \
	"$("$RECCTL" audit show -R "$REG" --action subject-find 2>&1 | tail -n 1)" 'subject-find.*matches=[0-9]+ by=name'

t_done
