#!/bin/bash
# After `recctl subject merge H O`, the person's history is H's: the
# entries about O itself (a `subject show O`, a read of O's card, O's
# export) stay part of the person's Art. 15(1)(c) answer (export.json
# "accesses") and of `audit show --subject H`, through the merge-subject
# entry that names O (audit_subject_objects follows it).
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
rc() { "$RECCTL" "$@" -R "$REG"; }
ingest_call k1 2026-11-02T10:00:00Z '{"role": "customer", "name": "Kaisa Lehto", "phone": "+358401110001"}'
ingest_call k2 2026-11-03T10:00:00Z '{"role": "customer", "name": "Kaisa Lehto-Niemi", "email": "kaisa.ln@example.fi"}'
# O's call of long ago, past retention: the sweep erases it while it is O's.
ingest_call k0 2020-01-06T10:00:00Z '{"role": "customer", "name": "Kaisa Lehto-Niemi", "email": "kaisa.ln@example.fi"}'
# A third subject, merged into O before O is merged into H.
ingest_call k3 2026-11-04T10:00:00Z '{"role": "customer", "name": "Kaisa Niemi", "phone": "+358401110003"}'
k1=$(id_at 2026-11-02T10:00:00Z) k2=$(id_at 2026-11-03T10:00:00Z) k0=$(id_at 2020-01-06T10:00:00Z)
k3=$(id_at 2026-11-04T10:00:00Z)
H=$(handle_of "$k1") O=$(handle_of "$k2") P=$(handle_of "$k3")
[ "$H" != "$O" ] && [ "$O" != "$P" ] && [ "$H" != "$P" ] || t_abort "set-up" "one subject already"
[ "$(handle_of "$k0")" = "$O" ] || t_abort "set-up" "the old call is not O's"
assert_ok "the sweep erases O's old call" rc retention sweep
[ "$(q "SELECT count(*) FROM recording WHERE id = '$k0'")" = 0 ] || t_abort "sweep" "the old call stays"

# Control: before the merge, O's export lists the read of O's card.
assert_ok "subject show of the other subject (reads its card)" rc subject show "$O" --level-keyring "$KEYS/privacy.keyring"
"$RECCTL" subject export -R "$REG" "$O" "$T_TMP/before" --level-keyring "$KEYS/privacy.keyring" >/dev/null 2>&1 ||
	t_abort "export" "before"
assert_eq "control: O's own export lists its subject-show" "1" \
	"$(jq '[.accesses[] | select(.action == "subject-show")] | length' "$T_TMP/before/$O/export.json")"

assert_ok "subject show of the third subject" rc subject show "$P" --level-keyring "$KEYS/privacy.keyring"
assert_ok "merge the third subject into O" rc subject merge "$O" "$P" --level-keyring "$KEYS/privacy.keyring"
assert_ok "merge" rc subject merge "$H" "$O" --level-keyring "$KEYS/privacy.keyring"
"$RECCTL" subject export -R "$REG" "$H" "$T_TMP/after" --level-keyring "$KEYS/privacy.keyring" >/dev/null 2>&1 ||
	t_abort "export" "after"
assert_eq "the kept subject's export holds the three calls" "3" "$(jq '.recordings | length' "$T_TMP/after/$H/export.json" 2>/dev/null || echo "?")"
assert_match "audit show --subject of the kept subject finds the merged subject's history" \
	"$(rc audit show --subject "$H")" "subject-show $O"
assert_match "... and the history of the subject merged into the merged one" \
	"$(rc audit show --subject "$H")" "subject-show $P"
assert_match "... and the erasure of the merged subject's call" \
	"$(rc audit show --subject "$H")" "erase $k0 ok"
assert_eq "the person's export lists both reads of merged cards" "2" \
	"$(jq '[.accesses[] | select(.action == "subject-show")] | length' "$T_TMP/after/$H/export.json")"
t_done
