#!/bin/bash
# "Who opened the call after it was restricted?"  audit show prints each
# entry's time to the microsecond (2026-12-04T03:40:06.868964Z) and
# recctl(1) says --since takes "a time as the log prints it".  Given the
# restriction's time as printed, --since accepts it (exit 0, no warning)
# but drops the fraction and compares the entry's second: a coach's open
# made a few milliseconds BEFORE the restriction, in the same second, is
# listed as at or after it; --until the open's printed time likewise lists
# the restriction.  Expected: the microseconds are compared (or a time
# with a fraction is refused).  Seen on main: the open is listed.
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
# Open and restrict early in one second, so both have the same second.
for i in $(seq 1 40); do [ "$(date +%N | cut -c1)" -lt 3 ] && break; sleep 0.05; done
as_user "$trainer" cat "$f" >/dev/null || t_abort "read" "the trainer cannot read the call"
"$RECCTL" subject object "$H" --purpose training -R "$REG" >"$T_TMP/object.out" 2>&1 ||
	t_abort "object" "$(cat "$T_TMP/object.out")"
sleep 2
log=$("$RECCTL" audit show -R "$REG" --recording "$rid" 2>&1)
printf '%s\n' "$log" | sed 's/^/    /'
open_line=$(printf '%s\n' "$log" | awk -v u="$trainer" '$3 ~ "^"u"\\(" && $8 == "open" && $10 == "ok" { print; exit }')
restrict_line=$(printf '%s\n' "$log" | awk '$8 == "restrict" && $10 == "ok" { print; exit }')
open_t=$(printf '%s\n' "$open_line" | awk '{ print $2 }')
restrict_t=$(printf '%s\n' "$restrict_line" | awk '{ print $2 }')
[ -n "$open_t" ] && [ -n "$restrict_t" ] || t_abort "log" "no open or no restrict entry"
[[ "$open_t" < "$restrict_t" ]] || t_abort "order" "the open ($open_t) is not before the restriction ($restrict_t)"
[ "${open_t:0:19}" = "${restrict_t:0:19}" ] || t_abort "timing" "open and restriction in different seconds; run again"
echo "   open at $open_t, restriction at $restrict_t"

after=$("$RECCTL" audit show -R "$REG" --recording "$rid" --action open --since "$restrict_t" 2>&1)
echo "   --since $restrict_t --action open:"; printf '%s\n' "$after" | sed 's/^/      /'
assert_not_contains "--since the restriction's printed time does not list the open made before it" \
	"$after" "$open_line"
before=$("$RECCTL" audit show -R "$REG" --recording "$rid" --until "$open_t" 2>&1)
assert_not_contains "--until the open's printed time does not list the later restriction" \
	"$before" "$restrict_line"
t_done
