#!/bin/bash
# policy check looks for [register] time_zone under /usr/share/zoneinfo,
# but the letters set TZ to the bare name, which glibc looks up under
# $TZDIR when the environment has it.  A recctl run with a TZDIR that
# lacks the zone (a bundled or an old tz tree) writes the call made at
# 12:00 in Helsinki as "10:00 Europe": glibc read "Europe/Helsinki" as a
# POSIX TZ string of zone "Europe" at UTC, and nothing warns.
# Expected: the letter gives "12:00 EET" (TZ=":/usr/share/zoneinfo/NAME",
# the file the check looked at), or refuses to write.
. "$(dirname "$0")/lib.sh"
unset LANG LC_ALL LC_CTYPE
POL=$T_TMP/policy.conf
sed 's|^\[register\]$|[register]\ntime_zone = Europe/Helsinki|' "$POLICY_EXAMPLE" >"$POL"
make_register "$T_TMP/r" "$POL"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL" "$T_TMP/tzdir"
customer_call winter 2026-01-15T10:00:00Z "Aino Aikavyöhyke" "+358 40 765 0001"
H=$(handle_of "$(id_at 2026-01-15T10:00:00Z)")
[ -n "$H" ] || t_abort "data" "no subject"
"$RECCTL" request new --type access --subject "$H" -R "$REG" >"$T_TMP/rq.out" 2>&1 || t_abort "request" "$(cat "$T_TMP/rq.out")"
N=$(sed -n 's/^request \([0-9]*\):.*/\1/p' "$T_TMP/rq.out")
if TZDIR=$T_TMP/tzdir "$RECCTL" request answer "$N" --lang en --templates "$T_ROOT/packaging/templates" \
	--out "$T_TMP/a.txt" -R "$REG" >"$T_TMP/an.out" 2>&1; then
	assert_eq "with TZDIR lacking the zone, the letter still gives 12:00 EET" 1 \
		"$(grep -c '2026-01-15 at 12:00 EET' "$T_TMP/a.txt")"
	assert_eq "... and never a time in zone 'Europe'" 0 "$(grep -c ' Europe\b' "$T_TMP/a.txt")"
else
	pass "with TZDIR lacking the zone, request answer refuses to write a letter"
fi
t_done
