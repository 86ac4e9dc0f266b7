#!/bin/bash
# Opens of a call while the catalog's write lock is held by another
# writer and the officer's restriction of the call waits for it: no open
# answered after the restriction returned may read (recfs(8): an open
# that raced with the change is refused with EACCES).  Here the write lock is held for a second
# by another writer (as a policy apply, an ingest or a sweep hold it) while
# the officer's chmod 0 on another mount and a training reader's opens
# queue behind it.  Counts the reader's opens that ended after chmod 0
# returned and read.  (The log's order is not the order of the decisions:
# a mount journals its entries and moves them into the log in batches.)
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 8 --seed 37 --meetings 0
ingest_spool "$T_TMP/spool"
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
MNT2=$T_TMP/mnt2
mount_recfs "$REG" "$MNT2" "$KEYS/privacy.keyring" || t_abort "mount" "m2"
cat >"$T_TMP/loop.py" <<'PY'
import errno, os, sys, time
path, end = sys.argv[1], time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    t0 = time.time_ns()
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            k = "ok" if len(os.read(fd, 4096)) > 0 else "empty"
        except OSError as e:
            k = "open-" + errno.errorcode.get(e.errno, str(e.errno))
        os.close(fd)
    except OSError as e:
        k = errno.errorcode.get(e.errno, str(e.errno))
    print(t0, time.time_ns(), k, flush=True)
PY
chmod 0644 "$T_TMP/loop.py"
mapfile -t files < <(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | sort)
TOTAL=0
for i in 0 1 2; do
	f=${files[$i]}
	rid=$(rid_of "$f")
	pids=()
	for k in 1 2 3 4; do
		as_user "$trainer" /usr/bin/python3 "$T_TMP/loop.py" "$f" 3 >"$T_TMP/l.$i.$k" 2>&1 &
		pids+=("$!")
	done
	sleep 0.5
	sqlite3 "$REG/catalog.db" >/dev/null 2>&1 <<SQL &
.timeout 10000
BEGIN IMMEDIATE;
.shell sleep 1
COMMIT;
SQL
	h=$!
	sleep 0.3
	as_user "$dpo" chmod 0 "${f/#$MNT/$MNT2}" || fail "chmod 0" "refused"
	t_ret=$(now_ns)
	wait "$h" "${pids[@]}"
	cat "$T_TMP"/l.$i.* >"$T_TMP/l.$i"
	rd=$(awk -v t="$t_ret" '$2 > t && $3 == "ok"' "$T_TMP/l.$i" | wc -l)
	echo "# call $i: $rd opens that ended after chmod 0 returned read 4 KiB; outcomes: $(awk '{print $3}' "$T_TMP/l.$i" | sort | uniq -c | tr '\n' ' ')"
	TOTAL=$((TOTAL + rd))
done
assert_eq "no open of a restricted call that ends after its restriction returned reads" 0 "$TOTAL"
unmount_recfs "$MNT2"
unmount_recfs "$MNT"
assert_ok "the audit log verifies" "$RECCTL" audit verify -R "$REG"
t_done
