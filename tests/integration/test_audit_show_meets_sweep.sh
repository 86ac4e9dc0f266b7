#!/bin/bash
# recctl audit show reads the log a page (256 entries) at a time and holds
# no read snapshot between pages, so that an officer reading it in a pager
# keeps no checkpoint back (atk26 F1).  A retention sweep that runs while
# such a listing waits may drop entries it has not reached yet; the listing
# then went on from the entries after them and said nothing (atk28 F6), so
# the officer took it for the whole log.  Now it says on stderr which
# entries were dropped before it reached them.  Here a listing blocks on a
# full pipe (a pager not read) while a sweep drops the log's old entries.
. "$(dirname "$0")/lib.sh"

T0=1798761600	# 2027-01-01T00:00:00Z
make_register "$T_TMP/a"
sed -i 's/^audit_retention = .*/audit_retention = 1d/' "$REG/policy.conf"
grep -q '^audit_retention = 1d' "$REG/policy.conf" || t_abort "audit_retention" "sed failed"
gen_manifests "$T_TMP/spool" 1200 --seed 3
RECFS_NOW=$T0 ingest_spool "$T_TMP/spool"
old=$(sqlite3 "$REG/catalog.db" 'SELECT count(*) FROM audit')
[ "$old" -ge 1200 ] || t_abort "entries" "only $old audit entries after 1200 ingests"
LATER=$((T0 + 2 * 86400))

# 1. a listing with nothing dropped meanwhile has no note
RECFS_NOW=$LATER "$RECCTL" audit show -R "$REG" >"$T_TMP/all.out" 2>"$T_TMP/all.err" ||
	t_abort "audit show" "$(cat "$T_TMP/all.err")"
assert_eq "a listing shows every entry" "$old" "$(grep -c . "$T_TMP/all.out")"
assert_not_contains "and no note when nothing was dropped" "$(cat "$T_TMP/all.err")" "dropped"

# 2. a listing held on a full pipe while the sweep drops what it has not reached
mkfifo "$T_TMP/pipe"
RECFS_NOW=$LATER "$RECCTL" audit show -R "$REG" >"$T_TMP/pipe" 2>"$T_TMP/held.err" &
show=$!
exec {rd}<"$T_TMP/pipe"
# The listing fills the pipe (64 KiB, a few hundred entries) and waits.
for _ in $(seq 1 100); do
	[ "$(awk '/^wchar:/ { print $2 }' "/proc/$show/io" 2>/dev/null)" -ge 65536 ] 2>/dev/null && break
	sleep 0.1
done
sleep 0.3
assert_ok "the retention sweep runs while the listing waits" env RECFS_NOW=$LATER "$RECCTL" retention sweep -R "$REG" --json
dropped=$(jq .audit_dropped <<<"$T_OUT")
[ "${dropped:-0}" -ge 1200 ] && pass "it drops the old entries ($dropped)" || fail "it drops the old entries" "$T_OUT"
cat <&"$rd" >"$T_TMP/held.out"
exec {rd}<&-
wait "$show"
assert_eq "the listing ends well" 0 "$?"
shown=$(grep -c . "$T_TMP/held.out")
if [ "$shown" -lt "$old" ]; then
	pass "the listing missed entries the sweep dropped ($shown lines of $old entries)"
else
	fail "the listing missed entries the sweep dropped" "$shown lines: the listing did not wait for the sweep"
fi
first_kept=$(sqlite3 "$REG/catalog.db" 'SELECT min(seq) FROM audit')
assert_match "and says on stderr which entries were dropped before it reached them" "$(cat "$T_TMP/held.err")" \
	"^recctl: note: the retention sweep dropped entries [0-9]+ to $((first_kept - 1)) of the audit log while this listing ran"
t_done
