#!/bin/bash
# `recctl audit show --by-time` lists the entries a filter selects in the
# order of their events (time_us), where the log's order (seq) is the
# order of writing and a mount writes its entries up to a second late.
# It reads the log again a run at a time (entries that follow each other
# in both orders), not an entry at a time (atk44 F3: a query an entry).
# Here 3,000 entries of two actions and ten objects, one in thirteen
# written 1.5 s after the event, some of no time_us (written before
# schema 28), are put straight into the catalog; each listing, whole and
# filtered, must hold the entries of the listing in seq order, no more
# and no fewer, in the order of (event time, seq).
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

make_register "$T_TMP/a"
q "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000)
   INSERT INTO audit (time, uid, user, level, pid, comm, action, object, outcome, reason, hash, time_us)
   SELECT 1790000000 + i / 10, 1000, 'u', 'analysis', 42, 'cat', CASE WHEN i % 7 = 0 THEN 'restrict' ELSE 'open' END,
          'rec' || (i % 10), 'ok', NULL, x'00',
          CASE WHEN i % 101 = 0 THEN NULL
               ELSE (1790000000 + i / 10) * 1000000 + (i % 10) * 100000 - CASE WHEN i % 13 = 0 THEN 1500000 ELSE 0 END END
   FROM c;" || t_abort "data" "cannot fill the log"

# the seqs of a listing, and whether they are in (event time, seq) order
seqs() { jq -r '.[].seq' | sort -n; }
in_time_order()
{
	jq -e '[.[] | [(.time_us // ((.time | fromdateiso8601) * 1000000)), .seq]] as $k | $k == ($k | sort)' >/dev/null
}
for filter in "" "--action restrict" "--object rec3" "--since 2026-09-21T14:15:00.25Z --until 2026-09-21T14:16:40Z"; do
	# shellcheck disable=SC2086
	plain=$("$RECCTL" audit show -R "$REG" --json $filter) || t_abort "show" "audit show $filter failed"
	# shellcheck disable=SC2086
	bytime=$("$RECCTL" audit show -R "$REG" --json --by-time $filter) || t_abort "show" "--by-time $filter failed"
	n=$(jq length <<<"$plain")
	[ "$n" -gt 50 ] || t_abort "data" "audit show $filter selects $n entries"
	assert_eq "--by-time $filter lists the $n entries the log order lists" "$(seqs <<<"$plain")" "$(seqs <<<"$bytime")"
	in_time_order <<<"$bytime"
	assert_eq "... in the order of their events" 0 "$?"
	in_time_order <<<"$plain"
	assert_eq "... which the log order is not (the test's late entries)" 1 "$?"
done
t_done
