#!/bin/bash
# [register] time_zone takes any TZif file under /usr/share/zoneinfo: the
# "right/" zones count leap seconds, so glibc gives a call made at 10:00:00
# UTC as 11:59 in Helsinki (27 leap seconds early: the letter's minute is
# wrong), and "localtime" is a link to /etc/localtime, the machine's zone,
# which the key is there to fix for the letters.
# Expected: policy check and init refuse both (or the letter gives 12:00 EET).
. "$(dirname "$0")/lib.sh"
unset LANG LC_ALL LC_CTYPE
[ -f /usr/share/zoneinfo/right/Europe/Helsinki ] || t_abort "tzdata" "no right/ zones here"
for z in right/Europe/Helsinki localtime; do
	sed "s|^\[register\]$|[register]\ntime_zone = $z|" "$POLICY_EXAMPLE" >"$T_TMP/p.conf"
	if "$RECCTL" policy check "$T_TMP/p.conf" >/dev/null 2>&1; then
		fail "policy check refuses time_zone = $z" "taken"
	else
		pass "policy check refuses time_zone = $z"
	fi
done
sed "s|^\[register\]$|[register]\ntime_zone = right/Europe/Helsinki|" "$POLICY_EXAMPLE" >"$T_TMP/p.conf"
# so no register is made with it, and no letter puts a 12:00 call at 11:59
assert_fails_with "init refuses a policy whose time_zone is a right/ zone" "is no zone name of the tz database" \
	"$RECCTL" init "$T_TMP/r" --policy "$T_TMP/p.conf" --keyrings "$T_TMP/k" --no-passphrase
t_done
