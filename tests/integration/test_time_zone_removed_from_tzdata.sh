#!/bin/bash
# A register whose policy names a time zone ([register] time_zone, for the
# letters) that the machine's tz database later lacks: tzdata updates move
# and drop names (Debian's trixie moved US/Eastern and the other legacy
# names to tzdata-legacy), and tzdata is only Recommended.  recfs reads the
# policy again at every open and refuses the whole register: no ingest (the
# spool fills), no subject find, no retention sweep (storage limitation),
# no mount, not even `policy apply` of a policy that names another zone
# (only an edit of the register's policy.conf by hand), for a key that
# only the letters' dates read.
# Expected: the register still opens and works; at most the letters say
# that the zone is missing (or fall back to UTC).  The zone's removal is
# made in a private mount namespace (an empty folder bound over
# /usr/share/zoneinfo/US), which the machine does not see.
. "$(dirname "$0")/lib.sh"
command -v unshare >/dev/null || t_abort "unshare" "missing (util-linux)"
[ -f /usr/share/zoneinfo/US/Eastern ] || t_abort "tzdata" "no US/Eastern on this machine"

POL=$T_TMP/policy.conf
sed 's|^\[register\]$|[register]\ntime_zone = US/Eastern|' "$POLICY_EXAMPLE" >"$POL"
make_register "$T_TMP/r" "$POL"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL" "$T_TMP/nozone"
customer_call c1 2026-01-15T10:00:00Z "Aino Aikavyöhyke" "+358 40 765 0001"
H=$(handle_of "$(id_at 2026-01-15T10:00:00Z)")
[ -n "$H" ] || t_abort "data" "no subject"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/c2.opus"
printf '%s\n' '{"recorded_at": "2026-01-16T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "Aino Aikavyöhyke", "phone": "+358 40 765 0001"}], "audio": "c2.opus"}' \
	>"$SPOOL/c2.json"
# without_zone CMD...: CMD where /usr/share/zoneinfo/US is empty
without_zone()
{
	unshare -m --propagation private sh -c 'mount --bind "$1" /usr/share/zoneinfo/US && shift && exec "$@"' \
		sh "$T_TMP/nozone" "$@"
}
out=$(without_zone ls /usr/share/zoneinfo/US)
assert_eq "control: US/Eastern is gone in the namespace" "" "$out"
assert_ok "ingest of the next call still works" \
	without_zone "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/c2.json"
assert_ok "subject find still works" \
	without_zone "$RECCTL" subject find "+358 40 765 0001" -R "$REG" --keyring "$KEYS/ingest.keyring"
assert_ok "retention sweep still works" without_zone "$RECCTL" retention sweep -R "$REG" --dry-run
# The operator's way out, a policy naming a zone the machine has, is
# refused too: policy apply opens the register first.
sed 's|^time_zone = .*|time_zone = America/New_York|' "$POL" >"$T_TMP/fixed.conf"
assert_ok "policy apply of a policy naming America/New_York still works" \
	without_zone "$RECCTL" policy apply "$T_TMP/fixed.conf" -R "$REG" --keyrings "$KEYS" --no-passphrase
t_done
