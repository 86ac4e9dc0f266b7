#!/bin/bash
# The audit log answers "did anyone hear this recording after it was
# restricted?".  A coach opens a call and, a moment later, the privacy
# officer restricts it with recctl (an objection, Art. 21).  The mount
# writes its entries to the log about a second after the open, recctl at
# once, so the log's order (seq, the order of the hash chain and of `audit
# show`) puts the officer's restriction first and the coach's successful
# open after it, with the same time to the second: read in order, the log
# says the coach heard the call after the restriction.
# Expected: an open that happened before the restriction comes before it
# in the log (or the entries carry a time that tells the order).  Seen on
# main: "restrict ... objection=S-..." then "open .../opus ok" by the coach.
# The chain's order cannot change after the fact (recfs(8), recctl(1): seq
# is the order of writing); what tells is each entry's event time to the
# microsecond (time_us in --json, the fraction of the time column) and
# `audit show --by-time`, which lists in the order the events happened.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
ingest_json c1 '{"recorded_at": "2026-11-20T10:00:00Z", "source": "customer-service",
 "purpose": "training", "subjects": [{"role": "customer", "name": "Marie De Smet",
 "phone": "+358 40 222 3333"}], "audio": "c1.opus"}'
H=$("$RECCTL" subject find "+358 40 222 3333" -R "$REG" --keyring "$KEYS/ingest.keyring" | cut -f1)
[ -n "$H" ] || t_abort "data" "no subject"
trainer=$(make_level_user training)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f=$(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | head -n 1)
[ -n "$f" ] || t_abort "mount" "the trainer sees no call"
rid=$(as_user "$trainer" getfattr --absolute-names --only-values -n user.recfs.id "$f")
as_user "$trainer" cat "$f" >/dev/null || t_abort "read" "the trainer cannot read the call"
"$RECCTL" subject object "$H" --purpose training -R "$REG" >"$T_TMP/object.out" 2>&1 ||
	t_abort "object" "$(cat "$T_TMP/object.out")"
as_user "$trainer" cat "$f" >/dev/null 2>&1 && fail "the call is restricted" "the trainer still reads it"
sleep 2
log=$("$RECCTL" audit show -R "$REG" --recording "$rid" 2>&1)
printf '%s\n' "$log" | sed 's/^/    /'
open_seq=$(printf '%s\n' "$log" | awk -v u="$trainer" '$3 ~ "^"u"\\(" && $8 == "open" && $10 == "ok" { print $1; exit }')
restrict_seq=$(printf '%s\n' "$log" | awk '$8 == "restrict" && $10 == "ok" { print $1; exit }')
[ -n "$open_seq" ] && [ -n "$restrict_seq" ] || t_abort "log" "no open or no restrict entry"
echo "   in the order of writing: open ok is entry $open_seq, the restriction entry $restrict_seq"

# Each entry's event time, to the microsecond: the open's comes first.
"$RECCTL" audit show -R "$REG" --recording "$rid" --json >"$T_TMP/log.json" 2>&1
times=$(python3 - "$T_TMP/log.json" "$open_seq" "$restrict_seq" <<'PY'
import json, sys
e = {x['seq']: x for x in json.load(open(sys.argv[1]))}
print(e[int(sys.argv[2])].get('time_us'), e[int(sys.argv[3])].get('time_us'))
PY
)
read -r open_us restrict_us <<<"$times"
echo "   event times (us): open $open_us, restriction $restrict_us"
case "$open_us$restrict_us" in
*[!0-9]* | "") fail "each entry has its event time to the microsecond (--json time_us)" "open $open_us, restriction $restrict_us" ;;
*) assert_ok "the open's event time is before the restriction's" test "$open_us" -lt "$restrict_us" ;;
esac
assert_match "the time column shows the microseconds" "$(printf '%s\n' "$log" | awk -v s="$open_seq" '$1 == s { print $2 }')" \
	'^[0-9-]*T[0-9:]*\.[0-9]{6}Z$'

# --by-time: the listing in the order the events happened.
bytime=$("$RECCTL" audit show -R "$REG" --recording "$rid" --by-time 2>&1)
first=$(printf '%s\n' "$bytime" | awk -v u="$trainer" '($3 ~ "^"u"\\(" && $8 == "open" && $10 == "ok") || ($8 == "restrict" && $10 == "ok") { print $8; exit }')
assert_eq "audit show --by-time lists the open before the restriction" "open" "$first"
assert_eq "and lists every entry once" "$(printf '%s\n' "$log" | sort)" "$(printf '%s\n' "$bytime" | sort)"
assert_ok "the log verifies" "$RECCTL" audit verify -R "$REG"
t_done
