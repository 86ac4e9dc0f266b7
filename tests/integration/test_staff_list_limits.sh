#!/bin/bash
# A manifest's staff list (atk20 F3): it had no count limit, and
# user.recfs.staff was built name by name, copying the whole value each
# time: 150,000 names in one manifest made each getxattr cost 5-8 s of the
# daemon's CPU, and a dozen at once held every FUSE worker and stalled the
# other users for 13-77 s.  Ingest now takes at most 256 staff names, and
# the value is built in one pass, cut at what an attribute holds (64 KiB,
# ending in "...") as any long value is.
. "$(dirname "$0")/lib.sh"

FIX=$T_ROOT/tests/fixtures
make_register "$T_TMP/a"
analyst=$(make_level_user analysis)
SP=$T_TMP/in
mkdir -p "$SP"
for s in many full long cut; do cp "$FIX/mono.opus" "$SP/$s.opus"; done
python3 - "$SP" <<'PY'
import json, sys
d = sys.argv[1]
def manifest(stem, day, staff):
    m = {"recorded_at": "2026-11-%02dT10:00:00Z" % day, "source": "customer-service", "title": stem,
         "audio": stem + ".opus", "staff": staff}
    open("%s/%s.json" % (d, stem), "w").write(json.dumps(m, separators=(",", ":")))
manifest("many", 7, ["a"] * 257)
# 256 names of 9 bytes: "Staff 001" ... as they are, joined by ", "
manifest("full", 8, ["Staff %03d" % i for i in range(256)])
# 256 names of 256 bytes: more than an attribute holds
manifest("long", 9, [("%03d" % i) + "x" * 253 for i in range(256)])
# 256 names of 256 bytes whose byte 65,536 starts a two-byte character,
# the first with a backslash (atk21)
manifest("cut", 10, ["A\\Bx" + "\u00e9" * 126] + ["\u00e9" * 128] * 255)
PY
out=$("$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SP/many.json" 2>&1)
assert_contains "a manifest of 257 staff names is refused, saying why" "$out" "staff lists 257 people (at most 256)"
assert_eq "(and not ingested)" 0 "$(q "SELECT count(*) FROM recording")"
assert_ok "256 names are taken" "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SP/full.json" \
	"$SP/long.json" "$SP/cut.json"
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
full=$(as_user "$analyst" find "$MNT/by-date/2026/11/08" -name '*.opus' | head -n 1)
long=$(as_user "$analyst" find "$MNT/by-date/2026/11/09" -name '*.opus' | head -n 1)
[ -n "$full" ] && [ -n "$long" ] || t_abort "mount" "the recordings are not on the mount"
want=$(python3 -c 'print(", ".join("Staff %03d" % i for i in range(256)), end="")')
assert_eq "user.recfs.staff holds the 256 names in order" "$want" \
	"$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.staff "$full")"
as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.staff "$long" >"$T_TMP/long.val"
assert_eq "a list longer than an attribute holds is cut at 64 KiB" 65536 "$(stat -c %s "$T_TMP/long.val")"
assert_eq "... ending in ..." "..." "$(tail -c 3 "$T_TMP/long.val")"
assert_eq "... after the names that fit, in order" "000xxx" "$(head -c 6 "$T_TMP/long.val")"
# A cut inside a character made the whole list malformed UTF-8, and it was
# shown escaped: the first name's backslash came out doubled (atk21).
cut=$(as_user "$analyst" find "$MNT/by-date/2026/11/10" -name '*.opus' | head -n 1)
as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.staff "$cut" >"$T_TMP/cut.val"
assert_eq "a list cut inside a character shows its first name as it is" 'A\Bx' "$(head -c 4 "$T_TMP/cut.val")"
assert_eq "... ends in ..." "..." "$(tail -c 3 "$T_TMP/cut.val")"
assert_ok "... and is UTF-8" iconv -f UTF-8 -t UTF-8 "$T_TMP/cut.val"
unmount_recfs "$MNT"
t_done
