#!/bin/bash
# atk54: root (write access to catalog.db, no level key) appends with
# recfs's own audit_log (put_audit) a "split-subject" entry on a third
# subject Y, "from=HANDLE merged-handle=OTHER", OTHER a subject genuinely
# merged into HANDLE, and one on HANDLE "into=Y".  Neither the log's walks
# (audit show --subject, the letters) nor an export follow a split's
# entries to merged handles: OTHER's history (the opens of her erased
# call, the read of her card) stays HANDLE's, and never reaches Y, another
# person, not even Y's export when Y's card was made by an older recfs (no
# merged_from: that export walks the log).  A walk that followed such an
# entry (tried, not landed) gave it to Y.
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
# Maija's second call is heard and erased, and her card read; then she is
# merged (genuinely, by the officer) into Matti.
merged_with_history
customer_call c5 2026-11-06T10:00:00Z "Liisa Korhonen" "+358401234569"
rid5=$(id_at 2026-11-06T10:00:00Z)
Y=$(handle_of "$rid5")
[ -n "$Y" ] && [ "$Y" != "$handle" ] && [ "$Y" != "$other" ] || t_abort "setup" "Liisa is no subject of her own"

assert_ok "control: audit show --subject of Matti" "$RECCTL" audit show -R "$REG" --subject "$handle"
assert_contains "... lists the opens of Maija's erased call (merged into him)" "$T_OUT" "$rid4"
assert_ok "control: audit show --subject of Liisa" "$RECCTL" audit show -R "$REG" --subject "$Y"
assert_not_contains "... lists none of Maija's" "$T_OUT" "$rid4"

# root's entries
"$T_BUILD/test/put_audit" "$REG" split-subject "$Y" ok "from=$handle merged-handle=$other" ||
	t_abort "put_audit" "failed"
"$T_BUILD/test/put_audit" "$REG" split-subject "$handle" ok "into=$Y recordings=0 restricted=0 merged=1" ||
	t_abort "put_audit" "failed"
assert_ok "audit verify --verify-key says the log with the entries is intact" \
	"$RECCTL" audit verify -R "$REG" --verify-key "$VKEY"

assert_ok "audit show --subject of Liisa" "$RECCTL" audit show -R "$REG" --subject "$Y"
assert_not_contains "a forged split entry brings no open of Maija's erased call into Liisa's" "$T_OUT" "$rid4"
assert_not_contains "... nor the read of Maija's card" "$T_OUT" "subject-show $other"
assert_ok "audit show --subject of Matti" "$RECCTL" audit show -R "$REG" --subject "$handle"
assert_contains "a forged split entry takes no open of Maija's erased call out of Matti's" "$T_OUT" "$rid4"

# Liisa's card made by an older recfs (no list): her export walks the log
"$T_BUILD/test/put_card" "$REG" "$PK" "$Y" merged_from || t_abort "put_card" "failed"
rm -rf "$T_TMP/ey"
"$RECCTL" subject export -R "$REG" "$Y" "$T_TMP/ey" --level-keyring "$PK" >"$T_TMP/export.out" 2>&1 ||
	t_abort "subject export of $Y" "$(cat "$T_TMP/export.out")"
assert_not_contains "Liisa's export (older card) lists no open of Maija's erased call" \
	"$(jq -r '.accesses[] | "\(.action) \(.recording // "-") \(.object // "-")"' "$T_TMP/ey/$Y/export.json")" "$rid4"
t_done
