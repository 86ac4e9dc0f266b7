#!/bin/bash
# A letter to a data subject gives the times of the calls it lists in the
# controller's time zone when the policy names it ([register] time_zone,
# recfs-policy(5)), with the zone's abbreviation at that instant, and its
# days by that zone: a Finnish caller reads "12:00 EET" for a call at
# 10:00 UTC in winter, "13:00 EEST" in summer, and a call at 23:30 UTC on
# 1 March on 2 March.  Without the key the letter stays in UTC (the other
# letter tests).  `policy check` refuses a zone the tz database lacks, and
# `request answer` warns when a controller's own template does not name
# the zone.  Black-box customers bb7, bb8, bb12 and bb13 read UTC times in
# their letters as wrong for their callers.
. "$(dirname "$0")/lib.sh"
unset LANG LC_ALL LC_CTYPE

POL=$T_TMP/policy.conf
sed 's|^\[register\]$|[register]\ntime_zone = Europe/Helsinki|' "$POLICY_EXAMPLE" >"$POL"
grep -q '^time_zone = Europe/Helsinki$' "$POL" || t_abort "policy" "no [register] section to add time_zone to"
assert_ok "policy check takes time_zone = Europe/Helsinki" "$RECCTL" policy check "$POL"
for bad in "../../../etc/passwd" "/usr/share/zoneinfo/UTC" "right/Europe/Helsinki" "localtime" "posixrules"; do
	sed "s|^time_zone = .*|time_zone = $bad|" "$POL" >"$T_TMP/bad.conf"
	assert_fails_with "policy check refuses time_zone '$bad'" "is no zone name of the tz database" \
		"$RECCTL" policy check "$T_TMP/bad.conf"
done
for bad in "Mars/Olympus_Mons" "Europe" "Europe/Helsinkii"; do
	sed "s|^time_zone = .*|time_zone = $bad|" "$POL" >"$T_TMP/bad.conf"
	assert_fails_with "policy check refuses time_zone '$bad'" "is not in this machine's tz database" \
		"$RECCTL" policy check "$T_TMP/bad.conf"
done
sed "s|^time_zone = .*|time_zone = UTC|" "$POL" >"$T_TMP/utc.conf"
assert_ok "policy check takes time_zone = UTC" "$RECCTL" policy check "$T_TMP/utc.conf"

make_register "$T_TMP/r" "$POL"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
customer_call winter 2026-01-15T10:00:00Z "Aino Aikavyöhyke" "+358 40 765 0001"
customer_call summer 2026-07-15T10:00:00Z "Aino Aikavyöhyke" "+358 40 765 0001"
customer_call late 2026-03-01T23:30:00Z "Aino Aikavyöhyke" "+358 40 765 0001"
H=$(handle_of "$(id_at 2026-01-15T10:00:00Z)")
[ -n "$H" ] || t_abort "data" "no subject"
assert_ok "an access request" "$RECCTL" request new --type access --subject "$H" -R "$REG"
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "its answer" "$RECCTL" request answer "$N" --lang en --templates "$T_ROOT/packaging/templates" \
	--out "$T_TMP/answer.txt" -R "$REG"
letter=$(cat "$T_TMP/answer.txt")
assert_contains "the winter call at 12:00 Helsinki time" "$letter" "2026-01-15 at 12:00 EET"
assert_contains "the summer call at 13:00 Helsinki summer time" "$letter" "2026-07-15 at 13:00 EEST"
assert_contains "the call at 23:30 UTC on 1 March is on 2 March" "$letter" "2026-03-02 at 01:30 EET"
assert_not_contains "no time is said to be UTC" "$letter" "UTC"
assert_contains "the letter's date is today's in Helsinki" "$letter" "$(TZ=Europe/Helsinki date +%Y-%m-%d)"

# A controller's own template that writes UTC after the time.
mkdir -p "$T_TMP/own"
sed 's/{{time}} {{zone}}/{{time}} UTC/g' "$T_ROOT/packaging/templates/answer.en.txt" >"$T_TMP/own/answer.en.txt"
grep -q '{{zone}}' "$T_TMP/own/answer.en.txt" && t_abort "template" "the own template still names the zone"
assert_ok "an answer with a template that does not name the zone" "$RECCTL" request answer "$N" --lang en \
	--templates "$T_TMP/own" --out "$T_TMP/own.txt" -R "$REG"
assert_contains "... warns that its UTC would be wrong" "$T_OUT" \
	"the policy gives letters the times of Europe/Helsinki, and the letter's template"
t_done
