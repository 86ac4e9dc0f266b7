#!/bin/bash
# Before `rm -r by-subject/S-...` (black-box report bb12): a mother and her
# daughter are both in one call (a three-way call about the family's
# booking).  README: rm -r of the mother's folder erases that call whole,
# for the daughter too, and "`recctl subject show` lists what the folder
# holds first".  So subject show of the mother must say that this call
# names another subject (the daughter's handle), in text and in --json,
# for the officer to decide before the irreversible rm.  On main it lists
# the call as any other: the checks fail.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
ingest_call c1 2026-11-01T10:00:00Z '{"role": "customer", "name": "María García Ruiz", "phone": "+34 622 111 222"}'
daughter=$(handle_of "$(id_at 2026-11-01T10:00:00Z)")
ingest_call c2 2026-11-02T10:00:00Z '{"role": "customer", "name": "María García López", "email": "maria.garcia.lopez@example.es"},
 {"role": "participant", "name": "María García Ruiz", "phone": "+34 622 111 222"}'
joint=$(id_at 2026-11-02T10:00:00Z)
ingest_call c3 2026-11-03T10:00:00Z '{"role": "customer", "name": "María García López", "email": "maria.garcia.lopez@example.es"}'
mother=$(handle_of "$(id_at 2026-11-03T10:00:00Z)")
[ -n "$mother" ] && [ -n "$daughter" ] && [ "$mother" != "$daughter" ] || t_abort "subjects" "mother $mother daughter $daughter"
assert_eq "the joint call names both" "2" "$(q "SELECT count(*) FROM link WHERE recording = '$joint'")"

text=$("$RECCTL" subject show "$mother" -R "$REG" --level-keyring "$KEYS/privacy.keyring" 2>&1)
line=$(printf '%s\n' "$text" | grep "$joint")
assert_contains "subject show of the mother names the daughter on the joint call" "$line" "$daughter"
assert_contains "as the other subjects of the recording" "$line" "also of $daughter"
own=$(id_at 2026-11-03T10:00:00Z)
assert_not_contains "and names none on the mother's own call" "$(printf '%s\n' "$text" | grep "$own")" "also of"
json=$("$RECCTL" subject show "$mother" -R "$REG" --level-keyring "$KEYS/privacy.keyring" --json 2>/dev/null)
assert_contains "subject show --json of the mother names the daughter on the joint call" \
	"$(printf '%s' "$json" | jq -c --arg id "$joint" '.recordings[] | select(.id == $id)')" "$daughter"
assert_eq "--json: also_of is empty on her own call" "[]" \
	"$(printf '%s' "$json" | jq -c --arg id "$own" '.recordings[] | select(.id == $id) | .also_of')"

t_done
