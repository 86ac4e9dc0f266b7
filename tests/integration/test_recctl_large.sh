#!/bin/bash
# test_recctl_large.sh - recctl on a register of 1,000 recordings: ingest
# with progress on a terminal, duplicates, fsck authenticating every blob,
# a policy apply that reseals hundreds of recordings, audit verify, and
# the "nothing personal in the clear" scan over every byte.  Kept under
# two minutes (about 30 s on a laptop); RECFS_LARGE_COUNT changes the size.
. "$(dirname "$0")/lib.sh"

COUNT=${RECFS_LARGE_COUNT:-1000}
START=$SECONDS
sql() { sqlite3 "$REG/catalog.db" "$@"; }

have_generator || t_abort "tests/gen/gen_register.py exists" "missing"
POL=$T_TMP/policy.conf
cp "$POLICY_EXAMPLE" "$POL"
LEVELS=$(sed -n 's/^\[level \(.*\)\]$/\1/p' "$POL")
LOW=$(printf '%s\n' $LEVELS | head -n 1)
MID=$(printf '%s\n' $LEVELS | sed -n 2p)
RIGHTS=$(awk '/^\[level /{l=$2; sub(/\]/,"",l)} /^rights *= *yes/{print l}' "$POL")
make_register "$T_TMP/r" "$POL"
IN=$T_TMP/in
gen_manifests "$IN" "$COUNT" --bad
assert_eq "generated $COUNT + 7 manifests" $((COUNT + 7)) "$(ls "$IN"/*.json | wc -l)"

# Progress on a terminal: script(1) gives the command a pty.
t0=$SECONDS
script -qec "$RECCTL ingest -R $REG --keyring $KEYS/ingest.keyring $IN/*.json" /dev/null >"$T_TMP/tty.out" 2>&1
rc=$?
assert_eq "ingest of $COUNT exits 1 (7 quarantined)" 1 "$rc"
echo "  ingest of $COUNT took $((SECONDS - t0)) s"
OUT=$(tr '\r' '\n' <"$T_TMP/tty.out")
# Progress moves once a group (INGEST_GROUP_MAX, 32 manifests) is durable.
assert_contains "progress counts up on a terminal" "$OUT" "[32/$((COUNT + 7))] ingested"
assert_contains "progress counts up a group at a time" "$OUT" "[64/$((COUNT + 7))] ingested"
assert_contains "progress reaches the end" "$OUT" "[$((COUNT + 7))/$((COUNT + 7))] ingested $COUNT, duplicates 0, quarantined 7"
assert_contains "summary line" "$OUT" "ingested $COUNT, duplicate 0, quarantined 7"
assert_eq "catalog has every good recording" "$COUNT" "$(sql 'SELECT count(*) FROM recording')"
assert_eq "7 in quarantine" 7 "$(ls -d "$REG"/quarantine/*/ | wc -l)"

t0=$SECONDS
assert_ok "second run" "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$IN"/*.json
assert_contains "second run: all duplicates" "$T_OUT" "ingested 0, duplicate $COUNT, quarantined 0"
assert_not_contains "no progress when stderr is not a terminal" "$T_OUT" "[1/"
echo "  duplicate run took $((SECONDS - t0)) s"

ARTS=$(sql 'SELECT count(*) FROM artifact')
t0=$SECONDS
assert_ok "fsck with the rights keyring" "$RECCTL" fsck -R "$REG" --keyring "$KEYS/$RIGHTS.keyring"
assert_contains "every blob authenticated" "$T_OUT" "$ARTS blobs and"
assert_contains "no problems" "$T_OUT" "; 0 problems"
echo "  fsck took $((SECONDS - t0)) s"

# Move every purpose, its chats and shared files too, down to the lowest
# level and back up: a reseal of every recording (restricted ones excepted;
# there are none here).
awk -v l="$LOW" '/^(chat|attachment)_level *=/ { next }
	/^min_level *=/ { print "min_level = " l; print "chat_level = " l; print "attachment_level = " l; next }
	{ print }' "$POL" >"$T_TMP/low.conf"
awk -v l="$MID" '/^(chat|attachment)_level *=/ { next } /^min_level *=/ { print "min_level = " l; next } { print }' \
	"$POL" >"$T_TMP/mid.conf"
t0=$SECONDS
assert_ok "policy apply: everything to $LOW" "$RECCTL" policy apply -R "$REG" "$T_TMP/low.conf" --keyrings "$KEYS" --keyring "$KEYS/$RIGHTS.keyring"
echo "  reseal up took $((SECONDS - t0)) s"
assert_eq "every artifact sealed for $LOW" "$ARTS" "$(sql "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object WHERE s.level = '$LOW'")"
assert_ok "fsck with the $LOW keyring" "$RECCTL" fsck -R "$REG" --keyring "$KEYS/$LOW.keyring"
assert_contains "$LOW opens every blob" "$T_OUT" "$ARTS blobs and"
assert_ok "policy apply: everything to $MID" "$RECCTL" policy apply -R "$REG" "$T_TMP/mid.conf" --keyrings "$KEYS"
assert_eq "no $LOW seals left" 0 "$(sql "SELECT count(*) FROM seal WHERE level = '$LOW'")"
# Recordings whose purpose was already at LOW did not change on the way
# down, unless they have a chat or shared files (sealed from details_level).
AT_LOW=$(awk -v l="$LOW" '/^\[purpose /{p=$2; sub(/\]/,"",p)} /^min_level *=/ && $3 == l {printf "%s'"'"'%s'"'"'", n++ ? "," : "", p}' "$POL")
ALREADY=$(sql "SELECT count(*) FROM recording r WHERE purpose IN (${AT_LOW:-''})
	AND NOT EXISTS (SELECT 1 FROM artifact a WHERE a.recording = r.id AND a.role <> 'audio')")
assert_eq "one reseal entry per recording and change" $((2 * COUNT - ALREADY)) \
	"$("$RECCTL" audit show -R "$REG" | grep -c ' reseal [0-9a-f]\{32\} ok')"

t0=$SECONDS
assert_ok "audit verify" "$RECCTL" audit verify -R "$REG"
assert_contains "counts every entry" "$T_OUT" "audit log intact: $(sql 'SELECT count(*) FROM audit') entries"
echo "  audit verify took $((SECONDS - t0)) s"

# Nothing personal in the clear, over every byte of catalog, WAL and blobs.
LEAKS=$(python3 - "$IN" "$REG" <<'PY'
import json, os, re, sys
d, reg = sys.argv[1], sys.argv[2]
secrets = set()
def add(v):
    if isinstance(v, str) and len(v.strip()) >= 6:
        secrets.add(v.strip().encode("utf-8"))
for f in os.listdir(d):
    p = os.path.join(d, f)
    if f.endswith(".json") and not f.startswith("bad-"):
        m = json.load(open(p, encoding="utf-8"))
        add(m.get("title"))
        for s in m.get("staff") or []:
            add(s.get("name"))
        for s in m.get("subjects") or []:
            for k in ("name", "phone", "email", "organisation", "ref"):
                add(s.get(k))
    elif f.endswith("-chat.txt"):
        for line in open(p, encoding="utf-8"):
            add(re.sub(r"^\[[0-9:]+\] ", "", line.strip()))
files = [os.path.join(reg, f) for f in ("catalog.db", "catalog.db-wal")]
for root, dirs, names in os.walk(os.path.join(reg, "blobs")):
    files += [os.path.join(root, n) for n in names]
# One regular expression over each file instead of a search per secret.
pat = re.compile(b"|".join(re.escape(s) for s in sorted(secrets, key=len, reverse=True)))
for f in files:
    if os.path.exists(f):
        m = pat.search(open(f, "rb").read())
        if m:
            print("found %r in %s" % (m.group(0), os.path.relpath(f, reg)))
print("%d secrets, %d files" % (len(secrets), len(files)), file=sys.stderr)
PY
)
assert_eq "nothing personal in the clear in $COUNT recordings" "" "$LEAKS"

echo "  total $((SECONDS - START)) s"
assert_match "under two minutes" "$((SECONDS - START))" '^([0-9]|[0-9][0-9]|1[01][0-9])$'
t_done
