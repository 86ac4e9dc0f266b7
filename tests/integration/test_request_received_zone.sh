#!/bin/bash
# The day a rights request was received is one day, the controller's, in
# the request book and in the answer letter.  With [register] time_zone =
# Europe/Helsinki (recfs-policy(5): the letters give "the days of the
# letter, of the request, ..." by that zone), a request that reaches a
# Finnish helpline at 01:30 on 5 December (23:30 UTC on 4 December):
#   - `recctl request new --received 2026-12-05` (today, as the officer's
#     calendar says) is taken; on main it is refused as "a request cannot
#     be received in the future";
#   - `recctl request new` without --received is logged so that `request
#     list` / `request show` and the letter say the same day; on main the
#     book says 2026-12-04 (the UTC day, due 2027-01-04) while the letter
#     says "vastaanotettu 2026-12-05".
# And the day an officer types is that day in the letter, whatever the
# zone: with time_zone = Atlantic/Azores (UTC-1, in the EU) `--received
# 2026-12-01` must not come out as "received 2026-11-30".
# Black-box customer bb16 (a municipality's sote helpline, Europe/Helsinki).
. "$(dirname "$0")/lib.sh"

POL=$T_ROOT/tests/fixtures/policy-fi-sote-neuvonta.conf
make_register "$T_TMP/r" "$POL"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
ingest_json c1 '{"recorded_at": "2026-11-02T08:00:00Z", "source": "neuvontapuhelin",
 "subjects": [{"role": "customer", "name": "Sirkka-Liisa Mäkinen-Öhman", "phone": "040 123 4567"}],
 "audio": "c1.opus"}'
H=$(q "SELECT handle FROM link LIMIT 1")
[ -n "$H" ] || t_abort "data" "no subject"
TPL=$T_ROOT/packaging/templates
NOW=$(date -u -d 2026-12-04T23:30:00Z +%s)	# 2026-12-05 01:30 EET

# Today in Helsinki is 2026-12-05.
assert_ok "a request received today (5 December, Helsinki) is taken at 01:30 EET" \
	env RECFS_NOW="$NOW" "$RECCTL" request new --type access --subject "$H" --received 2026-12-05 \
	--channel phone -R "$REG"

# Without --received: the book and the letter agree on the day.
assert_ok "a request received now" env RECFS_NOW="$NOW" "$RECCTL" request new --type access \
	--subject "$H" --channel phone -R "$REG"
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
[ -n "$N" ] || t_abort "request" "no request number: $T_OUT"
book=$(env RECFS_NOW="$NOW" "$RECCTL" request show "$N" --json -R "$REG" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["received"])')
assert_ok "its answer" env RECFS_NOW="$NOW" "$RECCTL" request answer "$N" --lang fi --templates "$TPL" \
	--out "$T_TMP/fi.txt" -R "$REG"
letter=$(sed -n 's/.*, vastaanotettu \([0-9-]*\)$/\1/p' "$T_TMP/fi.txt")
assert_eq "the letter says the day received is today in Helsinki" "2026-12-05" "$letter"
assert_eq "the request book says the day the letter says" "$letter" "$book"

# A day typed by the officer stays that day in a zone west of UTC.
sed 's|^time_zone = .*|time_zone = Atlantic/Azores|' "$POL" >"$T_TMP/azores.conf"
grep -q '^time_zone = Atlantic/Azores$' "$T_TMP/azores.conf" || t_abort "policy" "no time_zone line"
make_register "$T_TMP/a" "$T_TMP/azores.conf"
SPOOL=$T_TMP/spool2
mkdir -p "$SPOOL"
ingest_json c2 '{"recorded_at": "2026-11-02T08:00:00Z", "source": "neuvontapuhelin",
 "subjects": [{"role": "customer", "name": "Aino Äijälä", "phone": "040 765 4321"}],
 "audio": "c2.opus"}'
H=$(q "SELECT handle FROM link LIMIT 1")
assert_ok "a request received on 2026-12-01 (Azores)" "$RECCTL" request new --type access --subject "$H" \
	--received 2026-12-01 -R "$REG"
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "its answer" "$RECCTL" request answer "$N" --lang fi --templates "$TPL" --out "$T_TMP/az.txt" -R "$REG"
assert_contains "the letter says it was received on 2026-12-01" "$(cat "$T_TMP/az.txt")" "vastaanotettu 2026-12-01"
t_done
