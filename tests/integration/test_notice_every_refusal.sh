#!/bin/bash
# The register notice (README.txt / README.en.txt on the mount) tells data
# subjects "Every access and every refusal is logged."  A trainer who knows
# the file name of an analysis-only recording (from a colleague's screen, a
# ticket) and tries to open it gets ENOENT, and recfs(8) says such a lookup
# is not logged.  Either the attempt is in the log, or the notice does not
# promise that every refusal is (bb13).
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
subject_call '{"role": "customer", "name": "Åsa Öberg", "phone": "+358 40 123 4567"}' \
	'"source": "customer-service", "purpose": "service-level"'
trainer=$(make_level_user training)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
F=$MNT/by-date/2026/11/01/20261101T100000Z_customer-service_${R:0:8}.opus
assert_fails_with "the trainer cannot open the analysis-only recording" "No such file" as_user "$trainer" cat "$F"
sleep 1.5
logged=$(q "SELECT count(*) FROM audit WHERE uid = $(id -u "$trainer")")
notice=$(as_user "$trainer" cat "$MNT/README.en.txt")
if [ "$logged" -gt 0 ]; then
	pass "the trainer's attempt is in the audit log"
else
	assert_not_contains "the attempt is not logged: the notice does not say every refusal is" \
		"$notice" "every refusal is logged"
	assert_contains_text "and it says such an attempt is not logged" "$notice" \
		"an attempt to open it by its name is not logged"
fi

t_done
