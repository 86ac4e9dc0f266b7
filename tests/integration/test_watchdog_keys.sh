#!/bin/bash
# The mount's watchdog child (fs/watchdog.h) is forked from the daemon after
# the keyrings are loaded and lives as long as the mount: it must hold no
# copy of a key (recfs(8): no key stays in a process that does not use it).
# Root reads the whole memory of both processes through /proc/PID/mem and
# looks for every key of the three raw keyrings: each level key must be
# found in the daemon (so the search works), none in the watchdog.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
daemon=${T_MOUNT_PID[$MNT]}
watchdog=$(watchdog_of "$daemon")
[ -n "$watchdog" ] || t_abort "watchdog" "no recfs-watchdog child of the daemon (pid $daemon)"

# find_keys PID KEYRING...: for each secret key of the keyrings,
# "LEVEL_OR_index found|absent" in PID's memory (memscan.py).
find_keys()
{
	local pid=$1 k args=()
	shift
	for k in "$@"; do args+=(--keyring "$k"); done
	python3 "$T_ROOT/tests/integration/memscan.py" "$pid" "${args[@]}"
}

rings=("$KEYS/training.keyring" "$KEYS/analysis.keyring" "$KEYS/privacy.keyring")
in_daemon=$(find_keys "$daemon" "${rings[@]}") || t_abort "search" "cannot read the daemon's memory"
in_watchdog=$(find_keys "$watchdog" "${rings[@]}") || t_abort "search" "cannot read the watchdog's memory"
for level in training analysis privacy; do
	assert_contains "the daemon holds the $level key (the search finds a key)" "$in_daemon" "$level found"
done
assert_eq "the keys searched for" "$(wc -l <<<"$in_daemon")" "$(wc -l <<<"$in_watchdog")"
assert_not_contains "the watchdog holds no key of any keyring" "$in_watchdog" "found"
kill -0 "$watchdog" 2>/dev/null
assert_eq "the watchdog was alive while it was read" 0 "$?"

unmount_recfs "$MNT"
t_done
