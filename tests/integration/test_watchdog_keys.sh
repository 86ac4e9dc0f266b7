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
watchdog=$(pgrep -P "$daemon" -x recfs-watchdog | head -1)
[ -n "$watchdog" ] || t_abort "watchdog" "no recfs-watchdog child of the daemon (pid $daemon)"

# find_keys PID KEYRING...: for each key of the keyrings, "LEVEL_OR_index
# found|absent" in PID's memory.  Regions above 256 MiB (a sanitizer's
# shadow) are skipped: the daemon's own keys sit in small guarded mappings.
find_keys()
{
	python3 - "$@" <<'PY'
import sys

def keys_of(path):
    data = open(path, "rb").read()
    if data[:8] != b"RECFSKR1" or data[9] != 0:
        sys.exit("%s is not a raw keyring" % path)
    p = data[12:]
    count, pos, out = int.from_bytes(p[:4], "little"), 4, []
    for _ in range(count):
        kind, nl = p[pos], p[pos + 1]
        name = p[pos + 2:pos + 2 + nl].decode()
        pos += 2 + nl
        kl = p[pos]
        out.append(("index" if kind == 2 else name, p[pos + 1:pos + 1 + kl]))
        pos += 1 + kl
    return out

pid, keys = sys.argv[1], []
for path in sys.argv[2:]:
    for name, key in keys_of(path):
        if key not in [k for _, k in keys]:
            keys.append((name, key))
found = set()
with open("/proc/%s/maps" % pid) as maps, open("/proc/%s/mem" % pid, "rb", 0) as mem:
    for line in maps:
        addr, perms = line.split()[:2]
        lo, hi = (int(x, 16) for x in addr.split("-"))
        if perms[0] != "r" or hi - lo > (256 << 20):
            continue
        tail = b""
        for off in range(lo, hi, 1 << 20):
            try:
                mem.seek(off)
                chunk = mem.read(min(1 << 20, hi - off))
            except OSError:
                tail = b""
                continue
            buf = tail + chunk
            for i, (_, key) in enumerate(keys):
                if key in buf:
                    found.add(i)
            tail = buf[-64:]
for i, (name, _) in enumerate(keys):
    print(name, "found" if i in found else "absent")
PY
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
