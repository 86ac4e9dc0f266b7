#!/bin/bash
# An unmount while the mount's poller holds a new snapshot (the test
# build's RECFS_TEST_SWAP_DELAY_MS, fs/snapshot.c): the daemon ends without
# aborting its connection, and frees the work it queued for the kernel's
# invalidations after the invalidator had already seen the stop (under
# ASan, unmount_recfs fails on the leak report this left before); a mount
# afterwards shows every recording.  Real mount, real ingest.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
spool=$T_TMP/spool
mkdir -p "$spool"
cp "$T_ROOT/tests/fixtures/mono.opus" "$spool/a.opus"
for i in 1 2 3 4 5; do
	cat >"$spool/c$i.json" <<EOF2
{ "recorded_at": "2026-11-02T1$i:00:00Z", "source": "customer-service", "purpose": "quality",
  "subjects": [{"role": "customer", "name": "Stoptestperson", "phone": "+35840222000$i"}], "audio": "a.opus" }
EOF2
done
ingest() { "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$@" >/dev/null; }
dpo=$(make_level_user privacy)
calls() { as_user "$dpo" find "$1/by-date" -name '*.opus' | wc -l; }
assert_ok "ingest of the first call" ingest "$spool/c1.json"

MNT=$T_TMP/mnt
for round in 1 2; do
	RECFS_TEST_SWAP_DELAY_MS=1000 mount_all_levels "$MNT"
	n0=$(calls "$MNT")
	assert_ok "round $round: ingest while mounted" ingest "$spool/c$((2 * round)).json" "$spool/c$((2 * round + 1)).json"
	held() { grep -q "test hook: a new snapshot waits" "$MNT.err"; }
	if poll_since "$(now_ns)" 3000 held; then
		pass "round $round: the poller holds the new snapshot ($T_MS ms after the ingest)"
	else
		fail "round $round: the poller holds the new snapshot" "no hook line in $T_MS ms"
	fi
	# Else the unmount came after the wait and tried nothing.
	if grep -q "test hook: the new snapshot goes in" "$MNT.err"; then
		fail "round $round: the unmount starts while the poller holds it" "the wait was over first"
	else
		pass "round $round: the unmount starts while the poller holds it"
	fi
	start=$(now_ns)
	unmount_recfs "$MNT"
	ms=$((($(now_ns) - start) / 1000000))
	assert_eq "round $round: the mount is gone" "no" "$(mountpoint -q "$MNT" && echo yes || echo no)"
	if grep -q "stuck in the kernel" "$MNT.err"; then
		fail "round $round: the stop waited for the poller, no abort" "$(grep -m 1 stuck "$MNT.err")"
	else
		pass "round $round: the stop waited for the poller, no abort ($ms ms)"
	fi
	assert_eq "round $round: the mount showed the calls before the ingest" "$((2 * round - 1))" "$n0"
done

mount_all_levels "$MNT"
assert_eq "a mount afterwards shows all five calls" 5 "$(calls "$MNT")"
unmount_recfs "$MNT"
t_done
