#!/bin/bash
# Readers racing an erasure are told ENOENT, the README's word for what
# is absent, never EACCES, which says their level may not open the file
# (issue 12).  `recctl retention sweep` erases every recording from
# another process; the moment its commit shows in the catalog, an
# analysis-level reader opens every recording it saw, each for the first
# time: until the mount's next look at the catalog (every 200 ms) those
# opens find the name but no seal.  (A key the mount has cached opens the
# blob instead, whose absence is ENOENT already: hence first opens only.)
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 80 --seed 12
ingest_spool "$spool"
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort >"$T_TMP/names"
n=$(wc -l <"$T_TMP/names")
[ "$n" -ge 20 ] || t_abort "data" "the analysis level sees only $n recordings"

cat >"$T_TMP/reader.py" <<'PY'
import errno, os, sys, time
names = [l.strip() for l in open(sys.argv[1]) if l.strip()]
go, counts, end = sys.argv[2], {}, time.monotonic() + 120
while not os.path.exists(go) and time.monotonic() < end:
    time.sleep(0.001)
for p in names:
    try:
        fd = os.open(p, os.O_RDONLY)
        os.read(fd, 1)
        os.close(fd)
        k = "ok"
    except OSError as e:
        k = errno.errorcode.get(e.errno, str(e.errno))
    counts[k] = counts.get(k, 0) + 1
print(" ".join("%s=%d" % kv for kv in sorted(counts.items())))
PY
# Root watches the catalog (read-only) and says go when rows disappear.
cat >"$T_TMP/watcher.py" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=10)
count = lambda: db.execute("SELECT count(*) FROM recording").fetchone()[0]
first, end = count(), time.monotonic() + 120
while count() >= first and time.monotonic() < end:
    time.sleep(0.002)
open(sys.argv[2], "w").close()
PY
chmod 0644 "$T_TMP/names" "$T_TMP/reader.py"
first=$(head -n 1 "$T_TMP/names")
assert_ok "the analysis level opens a recording before the erasure" as_user "$analyst" head -c 1 "$first"
sed -i 1d "$T_TMP/names"
as_user "$analyst" /usr/bin/python3 "$T_TMP/reader.py" "$T_TMP/names" "$T_TMP/go" >"$T_TMP/counts" 2>&1 &
reader=$!
/usr/bin/python3 "$T_TMP/watcher.py" "$REG/catalog.db" "$T_TMP/go" &
watcher=$!
assert_ok "retention sweep erases every recording" env RECFS_NOW=2099-01-01 "$RECCTL" retention sweep -R "$REG"
wait "$watcher"
wait "$reader"
counts=$(cat "$T_TMP/counts")
echo "# the reader's first opens after the sweep's commit: $counts"
assert_match "the reader was told ENOENT" "$counts" 'ENOENT=[0-9]+'
assert_not_contains "never EACCES" "$counts" "EACCES"
t_done
