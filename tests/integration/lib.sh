# tests/integration/lib.sh - sourced by every tests/integration/test_*.sh.
#
# Gives a test: a private temporary directory ($T_TMP), registers made with
# the real `recctl init` (raw keyrings in the temp directory), synthetic
# manifests from tests/gen/gen_register.py, assertions that count and print
# "ok   NAME" / "FAIL NAME: why", real Unix users and groups per level, and
# mount helpers for the recfs daemon.  Everything a test creates (users,
# groups, mounts, files) is removed by the EXIT trap, also when it fails.
# A test ends with `t_done`, which prints "N passed, N failed" (the line
# run.sh adds up) and sets the exit status.
#
# Argon2id is cheap in the test build the tests run (build/test/, made by
# make with -DRECFS_TEST_CHEAP_PWHASH; see the Makefile); $T_REAL_RECFS and
# $T_REAL_RECCTL are the binaries make install installs, for the tests of
# what they do.

set -u

T_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GEN=${RECFS_TEST_GEN:-$T_ROOT/tests/gen/gen_register.py}
POLICY_EXAMPLE=$T_ROOT/packaging/examples/tamro.conf
# The catalog schema this tree writes (meta/catalog.h).
T_SCHEMA=$(sed -n 's/^#define CATALOG_SCHEMA_VERSION \([0-9]*\)$/\1/p' "$T_ROOT/meta/catalog.h")

unset RECFS_REGISTER RECFS_KEYRING RECFS_PASSFILE

T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/recfs-it.XXXXXX")
chmod 0755 "$T_TMP"	# level users must reach their mount points under it
# Private copies of the binaries: a rebuild while the test runs ("Text file
# busy") must not change what is under test.
# RECFS_BUILD names another build directory (make B=... passes it).  The
# test build when there is one, else (an older build tree) the installed
# one, which only costs Argon2id time.
T_BUILD=${RECFS_BUILD:-$T_ROOT/build}
mkdir -p "$T_TMP/bin" "$T_TMP/bin/real"
for b in recctl recfs; do
	if [ -x "$T_BUILD/test/$b" ]; then
		cp "$T_BUILD/test/$b" "$T_TMP/bin/$b"
	elif [ -x "$T_BUILD/$b" ]; then
		cp "$T_BUILD/$b" "$T_TMP/bin/$b"
	fi
	[ -x "$T_BUILD/$b" ] && cp "$T_BUILD/$b" "$T_TMP/bin/real/$b"
done
RECCTL=${RECCTL:-$T_TMP/bin/recctl}
RECFS=${RECFS:-$T_TMP/bin/recfs}
T_REAL_RECCTL=$T_TMP/bin/real/recctl
T_REAL_RECFS=$T_TMP/bin/real/recfs
T_PASSED=0
T_FAILED=0
# Users made by a test are called <prefix><level>; the prefix is per run so
# that a leftover of a killed run never collides.  RECFS_TEST_USER_PREFIX
# replaces "rt" (a developer's own prefix on a shared machine).
T_USER_PREFIX="${RECFS_TEST_USER_PREFIX:-rt}$$"
T_USERS=()
T_GROUPS=()
T_MOUNTS=()
T_DAEMONS=()
T_TMPFS=()
declare -A T_MOUNT_PID

# --- results ---------------------------------------------------------------

pass()
{
	T_PASSED=$((T_PASSED + 1))
	printf 'ok   %s\n' "$1"
}

fail()
{
	T_FAILED=$((T_FAILED + 1))
	printf 'FAIL %s: %s\n' "$1" "$2"
}

# Print the summary line run.sh reads, and return the status.
t_done()
{
	printf '%d passed, %d failed\n' "$T_PASSED" "$T_FAILED"
	[ "$T_FAILED" -eq 0 ]
}

# Stop the test here (a precondition failed); the EXIT trap cleans up.
t_abort()
{
	fail "${1:-abort}" "${2:-cannot go on}"
	t_done
	exit 1
}

# --- assertions ------------------------------------------------------------

# assert_eq NAME EXPECTED ACTUAL
assert_eq()
{
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}

# assert_contains NAME TEXT NEEDLE
assert_contains()
{
	case "$2" in
	*"$3"*) pass "$1" ;;
	*) fail "$1" "'$3' not in: $(printf '%s' "$2" | head -c 600)" ;;
	esac
}

# assert_contains_text NAME HAYSTACK NEEDLE: as assert_contains, every run
# of spaces and newlines in either read as one space (the notice wraps a
# long line where it falls).
assert_contains_text()
{
	local h n
	h=$(printf '%s' "$2" | tr -s ' \n' ' ')
	n=$(printf '%s' "$3" | tr -s ' \n' ' ')
	assert_contains "$1" "$h" "$n"
}

# assert_not_contains NAME TEXT NEEDLE
assert_not_contains()
{
	case "$2" in
	*"$3"*) fail "$1" "'$3' found in: $(printf '%s' "$2" | head -c 600)" ;;
	*) pass "$1" ;;
	esac
}

# assert_match NAME TEXT ERE
assert_match()
{
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		pass "$1"
	else
		fail "$1" "no line matches /$3/ in: $(printf '%s' "$2" | head -c 600)"
	fi
}

# assert_ok NAME CMD...: the command exits 0.  Its output is in $T_OUT.
assert_ok()
{
	local name=$1 rc
	shift
	T_OUT=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then pass "$name"; else fail "$name" "exit $rc: $(printf '%s' "$T_OUT" | head -c 800)"; fi
}

# assert_exit NAME STATUS CMD...: the command exits with STATUS; output in $T_OUT.
assert_exit()
{
	local name=$1 want=$2 rc
	shift 2
	T_OUT=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ]; then pass "$name"; else fail "$name" "exit $rc, expected $want: $(printf '%s' "$T_OUT" | head -c 800)"; fi
}

# assert_fails_with NAME MESSAGE CMD...: the command fails and says MESSAGE
# (e.g. "Permission denied") on stdout or stderr; output in $T_OUT.
assert_fails_with()
{
	local name=$1 msg=$2 rc
	shift 2
	T_OUT=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		fail "$name" "succeeded, expected failure with '$msg'"
	else
		case "$T_OUT" in
		*"$msg"*) pass "$name" ;;
		*) fail "$name" "exit $rc without '$msg': $(printf '%s' "$T_OUT" | head -c 800)" ;;
		esac
	fi
}

# assert_mode NAME OCTAL PATH
assert_mode()
{
	local m
	m=$(stat -c '%a' "$3" 2>/dev/null || echo missing)
	assert_eq "$1" "$2" "$m"
}

# assert_file NAME PATH
assert_file()
{
	if [ -e "$2" ]; then pass "$1"; else fail "$1" "$2 does not exist"; fi
}

# assert_no_file NAME PATH
assert_no_file()
{
	if [ -e "$2" ]; then fail "$1" "$2 exists"; else pass "$1"; fi
}

# now_ns: the clock in nanoseconds, for poll_since.
now_ns()
{
	date +%s%N
}

# poll_since START_NS MAX_MS CMD...: run CMD every 50 ms until it succeeds
# or MAX_MS have passed since START_NS (from now_ns).  T_MS is the time from
# START_NS to CMD's last run; the status is CMD's last.  A test that claims
# a bound polls well past it and compares T_MS, so that a failure says how
# long it really took.
poll_since()
{
	local start=$1 max=$2 rc
	shift 2
	while :; do
		"$@"
		rc=$?
		T_MS=$((($(now_ns) - start) / 1000000))
		if [ "$rc" -eq 0 ] || [ "$T_MS" -ge "$max" ]; then
			return "$rc"
		fi
		sleep 0.05
	done
}

# wait_for SECONDS CMD...: poll_since from now.
wait_for()
{
	local max=$(($1 * 1000))
	shift
	poll_since "$(now_ns)" "$max" "$@"
}

# watchdog_of PID: the pid of the daemon PID's recfs-watchdog child, once it
# is there (up to 10 s): the mount is visible before the daemon forks it
# (fs/main.c), so a test that looks at once may look too early.
watchdog_child() { WD_PID=$(pgrep -P "$1" -x recfs-watchdog | head -n 1); [ -n "$WD_PID" ]; }
watchdog_of()
{
	WD_PID=
	wait_for 10 watchdog_child "$1"
	echo "$WD_PID"
}

# opus_retag IN OUT VENDOR keep|set [COMMENT...]: OUT is the Ogg Opus file
# IN (whose OpusTags packet is alone on its second page, as opusenc writes
# it) with that packet's vendor string made VENDOR and its comments kept
# (keep) or made the COMMENTs (set; the bytes as given, UTF-8 or not).
# The page is made anew (its CRC set) and fits the packet; every other page
# is kept as it is.
opus_retag()
{
	PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$T_ROOT/tests/integration" python3 - "$@" <<'EOF'
import os, struct, sys
from oggpages import fix, pages
src, dst, vendor, mode = sys.argv[1:5]
pages = pages(open(src, "rb").read())
old = bytes(pages[1][27 + pages[1][26]:])
assert old[:8] == b"OpusTags", "the second page does not start with OpusTags"
vlen = struct.unpack("<I", old[8:12])[0]
if mode == "keep":
    rest = old[12 + vlen:]
else:
    cs = [os.fsencode(c) for c in sys.argv[5:]]
    rest = struct.pack("<I", len(cs)) + b"".join(struct.pack("<I", len(c)) + c for c in cs)
v = os.fsencode(vendor)
pkt = b"OpusTags" + struct.pack("<I", len(v)) + v + rest
assert len(pkt) < 255 * 255, "the OpusTags packet does not fit one page"
lacing = bytes([255] * (len(pkt) // 255) + [len(pkt) % 255])
pages[1] = fix(bytearray(pages[1][:26]) + bytes([len(lacing)]) + lacing + pkt)
open(dst, "wb").write(b"".join(bytes(x) for x in pages))
EOF
}

# --- registers and manifests ----------------------------------------------

# make_register DIR [POLICY]: a register DIR/reg with raw keyrings in
# DIR/keys.  Sets REG and KEYS.
make_register()
{
	local dir=$1 policy=${2:-$POLICY_EXAMPLE}
	mkdir -p "$dir"
	REG=$dir/reg
	KEYS=$dir/keys
	"$RECCTL" init "$REG" --policy "$policy" --keyrings "$KEYS" --no-passphrase >"$dir/init.out" 2>&1 ||
		t_abort "make_register" "recctl init failed: $(cat "$dir/init.out")"
}

# have_generator: 0 when tests/gen/gen_register.py is there.
have_generator()
{
	[ -f "$GEN" ]
}

# gen_manifests OUT COUNT [--bad] [more generator options]: synthetic
# manifests (OUT/*.json with their audio and attachments).  The encoded
# clip pool is cached in build/test-clips (or $RECFS_TEST_CLIPS) so only
# the first run pays for espeak-ng and opusenc; a new pool is made in the
# test's own directory and moved into place whole, so tests running at the
# same time never see a half-written one.
gen_manifests()
{
	local out=$1 count=$2 cache=${RECFS_TEST_CLIPS:-$T_ROOT/build/test-clips} clips
	shift 2
	if compgen -G "$cache/pool-*" >/dev/null; then clips=$cache; else clips=$T_TMP/clips; fi
	python3 "$GEN" "$out" --count "$count" --clips "$clips" "$@" >"$T_TMP/gen.out" 2>&1 ||
		t_abort "gen_manifests" "gen_register.py failed: $(tail -n 5 "$T_TMP/gen.out")"
	if [ "$clips" != "$cache" ] && [ ! -e "$cache" ]; then
		mkdir -p "$(dirname "$cache")"
		cp -r "$clips" "$cache.$$" && mv -T "$cache.$$" "$cache" 2>/dev/null
		rm -rf "$cache.$$"
	fi
}

# ingest_spool DIR: recctl ingest of every manifest in DIR into $REG; the
# test stops when it fails.
ingest_spool()
{
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$1"/*.json >"$T_TMP/ingest.out" 2>&1 ||
		t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
}

# quarantine_of MANIFEST [REGISTER]: the folder under REGISTER/quarantine/
# (default $REG) that holds the quarantined manifest file MANIFEST; the
# folders are named by a pseudonymous id, not by the manifest (ingest.h).
# Prints nothing and fails when none does.
quarantine_of()
{
	local reg=${2:-$REG} d
	for d in "$reg"/quarantine/*/; do
		[ -e "$d$1" ] && { printf '%s\n' "${d%/}"; return 0; }
	done
	return 1
}

# q SQL: a query on the catalog of $REG.
q()
{
	sqlite3 "$REG/catalog.db" "$1"
}

# ingest_json STEM MANIFEST-JSON: ingest the manifest STEM.json with its
# own copy of the test audio, STEM.opus (the manifest names it), through
# $SPOOL (made by the caller) and the ingest keyring of make_register;
# aborts the test when it is not ingested.
ingest_json()
{
	cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/$1.opus"
	printf '%s\n' "$2" >"$SPOOL/$1.json"
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/$1.json" >"$T_TMP/ingest.out" 2>&1 ||
		t_abort "ingest $1" "$(tail -n 3 "$T_TMP/ingest.out")"
}
# ingest_call STEM WHEN SUBJECTS-JSON: ingest_json of one call of
# customer-service at WHEN.
ingest_call()
{
	ingest_json "$1" "{\"recorded_at\": \"$2\", \"source\": \"customer-service\",
 \"subjects\": [$3], \"audio\": \"$1.opus\"}"
}
# need_unset_loginuid: aborts the test when this shell's login uid is set
# (the test gives its users login uids of their own).
need_unset_loginuid()
{
	[ "$(cat /proc/self/loginuid 2>/dev/null)" = 4294967295 ] ||
		t_abort "loginuid" "this shell's login uid is set already; the test needs it unset"
}
# customer_call STEM WHEN NAME PHONE: ingest_call of one customer.
customer_call()
{
	ingest_call "$1" "$2" "{\"role\": \"customer\", \"name\": \"$3\", \"phone\": \"$4\"}"
}
# numbered_call NAME PHONE: the next customer call of a numbered series
# (c1, c2, ...; NCALL counts them), one a day from 2026-11-01 10:00 UTC.
NCALL=0
numbered_call()
{
	NCALL=$((NCALL + 1))
	customer_call "c$NCALL" "$(call_day "$NCALL")" "$1" "$2"
}
call_day() { echo "2026-11-$(printf %02d "$1")T10:00:00Z"; }
# subject_call SUBJECTS [FIELDS]: the next call of the numbered series
# naming SUBJECTS (JSON objects, comma-separated), with FIELDS (more
# members of the manifest, '"source": "es-line"') when given, else from
# ingest_call's source; its recording id in R.
subject_call()
{
	local when
	NCALL=$((NCALL + 1))
	when=$(call_day "$NCALL")
	if [ -n "${2:-}" ]; then
		ingest_json "c$NCALL" "{\"recorded_at\": \"$when\", $2, \"subjects\": [$1], \"audio\": \"c$NCALL.opus\"}"
	else
		ingest_call "c$NCALL" "$when" "$1"
	fi
	R=$(id_at "$when")
	[ -n "$R" ] || t_abort "call $NCALL" "not ingested"
}
# need_subuid_tools: a user acts as its subordinate uids with newuidmap
# and `unshare --map-auto` (packaging/deps.txt has uidmap): without them
# the test fails, as a missing dependency should.
need_subuid_tools()
{
	command -v newuidmap >/dev/null && unshare --help 2>/dev/null | grep -q -- '--map-auto' ||
		t_abort "newuidmap and unshare --map-auto" "missing: apt-get install uidmap"
}

# es_line_register [DIR]: a register of the Irish airline's Spanish-language
# line (tests/fixtures/policy-aerlinte-es-line.conf) in DIR ($T_TMP/a), a
# spool of its own, and the calls numbered from 1 again; es_call SUBJECTS:
# the next call on the line (subject_call), its recording id in R.  Used by
# the Spanish name tests (test_name_forms_spanish_*, _short_*).
es_line_register()
{
	local dir=${1:-$T_TMP/a}

	mkdir -p "$dir"
	make_register "$dir" "$T_ROOT/tests/fixtures/policy-aerlinte-es-line.conf"
	SPOOL=$T_TMP/spool-$(basename "$dir")
	mkdir -p "$SPOOL"
	NCALL=0
}
es_call() { subject_call "$1" '"source": "es-line"'; }
# es_ids HANDLE DIR: export_ids by the line's rights level (dpo).
es_ids() { export_ids "$1" "$2" "$KEYS/dpo.keyring"; }
# same_rec_subject / two_rec_subjects LABEL RID1 RID2: the two recordings
# name one subject / two subjects.
same_rec_subject()
{
	local a b
	a=$(handle_of "$2")
	b=$(handle_of "$3")
	if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "$1"; else fail "$1" "two subjects: $a and $b"; fi
}
two_rec_subjects()
{
	local a b
	a=$(handle_of "$2")
	b=$(handle_of "$3")
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]; then pass "$1"; else fail "$1" "one subject: $a and $b"; fi
}
# same_subject LABEL / two_subjects LABEL: the last two numbered calls name
# one subject / two subjects.
same_subject()
{
	same_rec_subject "$1" "$(id_at "$(call_day $((NCALL - 1)))")" "$(id_at "$(call_day "$NCALL")")"
}
two_subjects()
{
	two_rec_subjects "$1" "$(id_at "$(call_day $((NCALL - 1)))")" "$(id_at "$(call_day "$NCALL")")"
}
# id_at WHEN: the id of the recording made at WHEN.
id_at() { q "SELECT id FROM recording WHERE recorded_at = $(date -u -d "$1" +%s)"; }
# handle_of RID: the handles of the subjects linked to recording RID.
handle_of() { q "SELECT group_concat(handle) FROM link WHERE recording = '$1'"; }
# export_ids HANDLE DIR [KEYRING]: the ids of the recordings in HANDLE's
# export (by KEYRING, else the privacy keyring of make_register), sorted,
# on one line.
export_ids()
{
	"$RECCTL" subject export -R "$REG" "$1" "$2" --level-keyring "${3:-$KEYS/privacy.keyring}" >/dev/null \
		2>"$T_TMP/export.err" || { echo "export failed: $(cat "$T_TMP/export.err")"; return; }
	jq -r '.recordings[].id' "$2/$1/export.json" | sort | paste -sd' '
}

# rid_of FILE: the id of the recording FILE (any of its views, its chat) is
# of, in $REG, by the 8 hex digits that end its stem.
rid_of()
{
	local s=${1%.*}
	s=${s%.chat}
	s=${s##*_}
	q "SELECT id FROM recording WHERE id LIKE '${s:0:8}%'"
}

# refused_reads ID: how many refused reads of recording ID the audit log
# of $REG holds; refused_reads_are ID N succeeds when that is N (to poll).
refused_reads()
{
	q "SELECT count(*) FROM audit WHERE action = 'read' AND outcome = 'refused' AND object = '$1'"
}

refused_reads_are()
{
	[ "$(refused_reads "$1")" = "$2" ]
}

# mount_all_levels MOUNTPOINT: mount $REG with the keyrings of the three
# levels of the shipped policy; the test stops when it fails.
mount_all_levels()
{
	mount_recfs "$REG" "$1" "$KEYS/training.keyring" "$KEYS/analysis.keyring" "$KEYS/privacy.keyring" ||
		t_abort "mount" "cannot mount"
}

# sealed_open_log DIR: the setting of the who-listened tests.  A register
# in DIR (REG, KEYS, VKEY; sealing epochs of 1 s) with two calls, rid and
# rid2, that an analysis user ($analyst) read through the mount, and the
# epoch of those opens sealed.  Sets seq (the entry of rid's open),
# listing (its line in the plain listing), anchor (an anchor taken then,
# as one kept off the host), index_sql (the definition of the log's index)
# and handle (rid's subject).
# two_calls_one_subject DIR: a register in DIR (make_register, the
# example policy) with two customer calls of one person, $rid (2 Nov) and
# $rid2 (3 Nov), of subject $H; PK is the rights level's keyring.
two_calls_one_subject()
{
	make_register "$1"
	SPOOL=$1/spool
	mkdir -p "$SPOOL"
	PK=$KEYS/privacy.keyring
	customer_call c1 2026-11-02T10:00:00Z "Matti Meikäläinen" "+358401234567"
	customer_call c2 2026-11-03T10:00:00Z "Matti Meikäläinen" "+358401234567"
	rid=$(id_at 2026-11-02T10:00:00Z)
	rid2=$(id_at 2026-11-03T10:00:00Z)
	H=$(handle_of "$rid")
	[ -n "$H" ] && [ "$(handle_of "$rid2")" = "$H" ] || t_abort "setup" "the two calls are not one subject's"
}

# bsg_register DIR: a register in DIR under the bronze-silver-gold policy
# of tests/fixtures with a recipient "group" added ($pol, its file); SPOOL
# made, PK the rights level's (gold) keyring.
bsg_register()
{
	pol=$T_TMP/policy.conf
	cp "$T_ROOT/tests/fixtures/policy-bronze-silver-gold.conf" "$pol"
	printf '[recipient group]\nname = Group companies\neea = yes\n' >>"$pol"
	make_register "$1" "$pol"
	SPOOL=$T_TMP/spool
	mkdir -p "$SPOOL"
	PK=$KEYS/gold.keyring
}

# restrict_first_call MNT: the officer ($dpo, a privacy user, made when
# unset) restricts $rid with chmod 0 through a mount at MNT, unmounted
# again; $tf is the call's path there.
restrict_first_call()
{
	[ -n "${dpo:-}" ] || dpo=$(make_level_user privacy)
	mount_all_levels "$1"
	tf=$(as_user "$dpo" find "$1/by-date" -name "*_${rid:0:8}.opus" | head -n 1)
	[ -n "$tf" ] || t_abort "mount" "the officer does not see the call"
	assert_ok "privacy: chmod 0 restricts the first call" as_user "$dpo" chmod 0 "$tf"
	unmount_recfs "$1"
}

# unheard MNT READER NAME: READER cannot read the .opus of $rid that the
# officer $dpo sees through a mount at MNT (mounted here, unmounted after):
# a check named NAME.
unheard()
{
	local f

	mount_all_levels "$1"
	f=$(as_user "$dpo" find "$1/by-date" -name "*_${rid:0:8}.opus" | head -n 1)
	[ -n "$f" ] || t_abort "mount" "the officer does not see the call"
	if as_user "$2" cat "$f" >/dev/null 2>&1; then
		fail "$3" "it reads $f"
	else
		pass "$3"
	fi
	unmount_recfs "$1"
}

# to_recipient REG DIR [RECIPIENT]: $H's export to RECIPIENT (tamro-group),
# made with $PK, into DIR (emptied first).  exported DIR: the ids its
# export.json carries, on one line; withheld_why DIR ID: why it withheld
# recording ID.
to_recipient()
{
	rm -rf "$2"
	"$RECCTL" subject export -R "$1" "$H" "$2" --level-keyring "$PK" --recipient "${3:-tamro-group}"
}
exported() { jq -r '[.recordings[].id] | join(" ")' "$1/$H/export.json"; }
withheld_why() { jq -r --arg id "$2" '.withheld[] | select(.id == $id) | .reason' "$1/$H/export.json"; }

sealed_open_log()
{
	mkdir -p "$1"
	REG=$1/reg
	KEYS=$1/keys
	VKEY=$KEYS/audit-verify.key
	"$RECCTL" init "$REG" --policy "$POLICY_EXAMPLE" --keyrings "$KEYS" --no-passphrase --audit-epoch 1 \
		>"$1/init.out" 2>&1 || t_abort "init --audit-epoch 1" "$(cat "$1/init.out")"
	SPOOL=$1/spool
	mkdir -p "$SPOOL"
	customer_call c1 2026-11-02T10:00:00Z "Matti Meikäläinen" "+358401234567"
	customer_call c2 2026-11-03T10:00:00Z "Maija Virtanen" "+358401234568"
	rid=$(id_at 2026-11-02T10:00:00Z)
	rid2=$(id_at 2026-11-03T10:00:00Z)
	[ -n "$rid" ] && [ -n "$rid2" ] || t_abort "ingest" "no recording"
	analyst=$(make_level_user analysis)
	mount_all_levels "$1/mnt"
	local calls f
	calls=$(as_user "$analyst" find "$1/mnt/by-date" -name '*.opus')
	[ "$(printf '%s\n' "$calls" | grep -c .)" -eq 2 ] || t_abort "mount" "the analyst does not see the two calls"
	for f in $calls; do
		as_user "$analyst" cat "$f" >/dev/null || t_abort "cat" "the analyst cannot read $f"
	done
	unmount_recfs "$1/mnt"
	sleep 1.5
	"$RECCTL" audit seal -R "$REG" >/dev/null 2>&1 || t_abort "audit seal" "failed"
	seq=$(q "SELECT seq FROM audit WHERE action = 'open' AND object = '$rid' AND outcome = 'ok'")
	[ -n "$seq" ] || t_abort "log" "no open entry for $rid"
	listing=$("$RECCTL" audit show -R "$REG" 2>&1 | grep "^$seq ")
	anchor=$("$RECCTL" audit head -R "$REG" 2>/dev/null | grep '^recfs-audit-anchor ')
	[ -n "$anchor" ] || t_abort "audit head" "no anchor"
	index_sql=$(q "SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'audit'")
	case "$index_sql" in
	"CREATE INDEX audit_block_object ON audit("*) ;;
	*) t_abort "schema" "the audit table's index is not the one this test knows: $index_sql" ;;
	esac
	handle=$(handle_of "$rid")
	[ -n "$handle" ] || t_abort "link" "no handle for $rid"
}

# maija_second_call: after sealed_open_log, rid2's subject (Maija, $other)
# gets a second call ($rid4).  PK is the privacy keyring.
maija_second_call()
{
	PK=$KEYS/privacy.keyring
	other=$(handle_of "$rid2")
	[ -n "$other" ] && [ "$other" != "$handle" ] || t_abort "setup" "the two calls are one subject's"
	customer_call c4 2026-11-05T10:00:00Z "Maija Virtanen" "+358401234568"
	rid4=$(id_at 2026-11-05T10:00:00Z)
	[ "$(handle_of "$rid4")" = "$other" ] || t_abort "setup" "the third call is not Maija's: $(handle_of "$rid4")"
}

# heard_and_erased: the analyst hears $rid4 through a mount, then a
# privacy user ($dpo, made) erases it (rm).
heard_and_erased()
{
	local f mnt=$T_TMP/mnt-heard
	dpo=$(make_level_user privacy)
	mount_all_levels "$mnt"
	f=$(as_user "$analyst" find "$mnt/by-date" -name "*_${rid4:0:8}.opus")
	[ -n "$f" ] || t_abort "mount" "the analyst does not see Maija's second call"
	as_user "$analyst" cat "$f" >/dev/null || t_abort "cat" "the analyst cannot read it"
	sleep 1
	as_user "$dpo" rm "$f" || t_abort "rm" "the officer cannot erase Maija's second call"
	unmount_recfs "$mnt"
}

# merged_with_history: after sealed_open_log, Maija's second call is
# heard and erased, and her card read, before the officer merges her into
# $handle: a merged person with a history of her own (a card's read, an
# erased call's opens).
merged_with_history()
{
	maija_second_call
	heard_and_erased
	"$RECCTL" subject show -R "$REG" "$other" --level-keyring "$PK" >/dev/null 2>&1 || t_abort "subject show" "failed"
	"$RECCTL" subject merge -R "$REG" "$handle" "$other" --level-keyring "$PK" >/dev/null 2>&1 ||
		t_abort "subject merge" "failed"
}

# three_subjects NAME1 PHONE1 NAME2 PHONE2 NAME3 PHONE3: a register in
# $T_TMP/r with a call of each on 2, 3 and 4 Nov, three subjects (else
# the test aborts).  Sets PK (the rights keyring), r1 r2 r3 (the calls'
# ids) and h1 h2 h3 (their handles).
three_subjects()
{
	make_register "$T_TMP/r"
	SPOOL=$T_TMP/r/spool
	mkdir -p "$SPOOL"
	PK=$KEYS/privacy.keyring
	customer_call c1 2026-11-02T10:00:00Z "$1" "$2"
	customer_call c2 2026-11-03T10:00:00Z "$3" "$4"
	customer_call c3 2026-11-04T10:00:00Z "$5" "$6"
	r1=$(id_at 2026-11-02T10:00:00Z) r2=$(id_at 2026-11-03T10:00:00Z) r3=$(id_at 2026-11-04T10:00:00Z)
	h1=$(handle_of "$r1") h2=$(handle_of "$r2") h3=$(handle_of "$r3")
	[ -n "$h1" ] && [ -n "$h2" ] && [ -n "$h3" ] && [ "$h1" != "$h2" ] && [ "$h2" != "$h3" ] && [ "$h1" != "$h3" ] ||
		t_abort "setup" "not three subjects: $h1 $h2 $h3"
}

# three_people: three_subjects of Matti, Liisa and Maija; A, C and D are
# their handles (h1, h2, h3).
three_people()
{
	three_subjects "Matti Meikäläinen" "+358401234567" "Liisa Korhonen" "+358409999998" \
		"Maija Virtanen" "+358401234568"
	A=$h1 C=$h2 D=$h3
}

# call_of_two STEM WHEN NAME1 PHONE1 NAME2 PHONE2: ingest_call of a call of
# two people at WHEN, the first a customer, the second a participant.
call_of_two()
{
	ingest_call "$1" "$2" "{\"role\": \"customer\", \"name\": \"$3\", \"phone\": \"$4\"},
 {\"role\": \"participant\", \"name\": \"$5\", \"phone\": \"$6\"}"
}

# linked RID: the handles linked to recording RID, sorted, joined by
# commas; handles H...: the handles given in that form.
linked() { q "SELECT group_concat(handle) FROM (SELECT handle FROM link WHERE recording = '$1' ORDER BY handle)"; }
handles() { printf '%s\n' "$@" | sort | paste -sd,; }

# fourth_subject: after three_subjects, a call of a fourth person on 5
# Nov; sets h4 (its handle; else the test aborts).
fourth_subject()
{
	customer_call c4 2026-11-05T10:00:00Z "Pekka Virtanen" "+358401234599"
	h4=$(handle_of "$(id_at 2026-11-05T10:00:00Z)")
	[ -n "$h4" ] && [ "$h4" != "$h1" ] && [ "$h4" != "$h2" ] && [ "$h4" != "$h3" ] ||
		t_abort "setup" "no fourth subject: $h4"
}

# reads_of HANDLE: the reads of $D's card that HANDLE's export lists (a
# count), then " walk" when audit show --subject HANDLE lists one: whether
# the keyed export and the keyless walk give $D's history to HANDLE.
reads_of()
{
	export_of "$REG" "$1" "$T_TMP/e-$1"
	echo -n "$(jq '[.accesses[] | select(.action == "subject-show")] | length' "$T_TMP/e-$1/$1/export.json")"
	case "$("$RECCTL" audit show -R "$REG" --subject "$1" 2>&1)" in *"subject-show $D"*) echo " walk" ;; *) echo ;; esac
}

# accessed DIR HANDLE: "ACTION RECORDING" of each access HANDLE's
# export.json in DIR lists.
accessed() { jq -r '.accesses[] | "\(.action) \(.recording // "-")"' "$1/$2/export.json"; }

# sweep_one RECORDING: its retention set to end on its day, then the
# retention sweep, which must erase it (else the test aborts).
sweep_one()
{
	"$RECCTL" retention set -R "$REG" "$1" "$(date -u -d @"$(q "SELECT recorded_at FROM recording WHERE id = '$1'")" +%F)" \
		>"$T_TMP/ret.out" 2>&1 || t_abort "retention set" "$(cat "$T_TMP/ret.out")"
	"$RECCTL" retention sweep -R "$REG" >"$T_TMP/sweep.out" 2>&1 || t_abort "sweep" "$(cat "$T_TMP/sweep.out")"
	[ -z "$(q "SELECT id FROM recording WHERE id = '$1'")" ] || t_abort "sweep" "$1 not erased: $(cat "$T_TMP/sweep.out")"
}

# export_of REG HANDLE DIR: HANDLE's export into DIR (made anew) with the
# rights keyring $PK; the test aborts when it fails.
export_of()
{
	rm -rf "$3"
	"$RECCTL" subject export -R "$1" "$2" "$3" --level-keyring "$PK" >"$T_TMP/export.out" 2>&1 ||
		t_abort "subject export of $2" "$(cat "$T_TMP/export.out")"
}

# listed_by OPENER LISTER DIR...: each DIR opened (a descriptor) by user
# OPENER, then listed through it by user LISTER, in one process that
# changes its uid between (as su does, or a descriptor passed on): one
# line a DIR, the names sorted (none: an empty line), or the error.
listed_by()
{
	/usr/bin/python3 - "$@" <<'PY'
import os, pwd, sys
def become(user):
    os.seteuid(0)
    pw = pwd.getpwnam(user)
    os.setgroups(os.getgrouplist(user, pw.pw_gid)); os.setegid(pw.pw_gid); os.seteuid(pw.pw_uid)
become(sys.argv[1])
fds = [os.open(p, os.O_RDONLY | os.O_DIRECTORY) for p in sys.argv[3:]]
become(sys.argv[2])
for fd in fds:
    try:
        print(" ".join(sorted(os.listdir(fd))))
    except OSError as e:
        print(e.strerror)
PY
}

# merged_chain: three_subjects of Matti (A) and two handles of Maija's (C,
# D, two phones); D's card is read, D merged into C, then C into Matti's
# by mistake: A's card lists C and D.  Sets A, C, D.
merged_chain()
{
	local x
	three_subjects "Matti Meikäläinen" "+358401234567" "Maija Virtanen" "+358409999998" \
		"Maija Virtanen" "+358401234568"
	A=$h1 C=$h2 D=$h3
	"$RECCTL" subject show -R "$REG" "$D" --level-keyring "$PK" >/dev/null 2>&1 || t_abort "subject show" "of D"
	for x in "$C $D" "$A $C"; do
		# shellcheck disable=SC2086 # two handles, kept then merged
		"$RECCTL" subject merge -R "$REG" $x --level-keyring "$PK" >/dev/null 2>&1 || t_abort "merge" "$x"
	done
}

# held_at FUNCTION OTHER -- ARGS...: recctl ARGS (with -R $REG and the
# rights keyring $PK), stopped by gdb at its transaction's begin (the first
# after FUNCTION is entered) while the shell command OTHER runs (its output
# in $T_TMP/other.out, its exit status in $T_TMP/other.rc); recctl's
# output in $T_TMP/held.out.  The test aborts when OTHER failed or did not
# run.  The window is small in real use (a setfattr beside a recctl); gdb
# only makes it certain.
held_at()
{
	local fn=$1 other=$2
	shift 3
	command -v gdb >/dev/null || t_abort "gdb" "gdb is needed to stop a command at its transaction"
	rm -f "$T_TMP/other.rc"
	cat >"$T_TMP/gdb.cmds" <<G
set pagination off
break $fn
run
break catalog_begin
continue
shell $other >"$T_TMP/other.out" 2>&1; echo \$? >"$T_TMP/other.rc"
delete
continue
G
	gdb -q -batch -x "$T_TMP/gdb.cmds" --args "$RECCTL" "$@" -R "$REG" --level-keyring "$PK" \
		>"$T_TMP/held.out" 2>&1 </dev/null
	[ "$(cat "$T_TMP/other.rc" 2>/dev/null)" = 0 ] ||
		t_abort "held" "the command beside $fn failed or did not run: $(cat "$T_TMP/other.out" 2>/dev/null; tail -n 5 "$T_TMP/held.out")"
}

# card_of HANDLE FILTER: jq -c FILTER of HANDLE's card (its export's
# subject.json, with $PK).
card_of() { export_of "$REG" "$1" "$T_TMP/e-$1"; jq -c "$2" "$T_TMP/e-$1/$1/subject.json"; }

# verify_finds_tampering PREFIX [TEXT]: audit verify of the tampered copy
# $X of sealed_open_log's register exits 1 and says "audit log broken" (and
# TEXT), without the key and with it, and with the anchor too.  PREFIX
# starts each check's name.
verify_finds_tampering()
{
	local with
	for with in "" "--verify-key $VKEY"; do
		# shellcheck disable=SC2086 # $with: no option, or one and its file
		assert_exit "${1}audit verify ${with:+--verify-key }of the copy exits 1" 1 \
			"$RECCTL" audit verify -R "$X" $with
		assert_contains "$1... saying the log is broken" "$T_OUT" "audit log broken"
		[ -z "${2:-}" ] || assert_contains "$1... $2" "$T_OUT" "$2"
	done
	assert_exit "${1}audit verify --anchor of the copy exits 1" 1 \
		"$RECCTL" audit verify -R "$X" --verify-key "$VKEY" --anchor "$anchor"
}

# listing_as_before PREFIX: the plain listing of the copy $X prints entry
# $seq as the register's did (sealed_open_log).
listing_as_before()
{
	assert_eq "${1}the plain listing prints the entry as before" "$listing" \
		"$("$RECCTL" audit show -R "$X" 2>&1 | grep "^$seq ")"
}

# The SQL that puts a view named audit in place of the log's table, once
# renamed audit_r, with the trigger that keeps writers writing through it
# (the view-shadow attacks of test_atk49_*).
AUDIT_VIEW_SQL="CREATE VIEW audit AS SELECT * FROM audit_r;
	CREATE TRIGGER audit_w INSTEAD OF INSERT ON audit BEGIN
		INSERT INTO audit_r VALUES (NEW.seq, NEW.time, NEW.uid, NEW.user, NEW.level, NEW.pid, NEW.comm,
			NEW.action, NEW.object, NEW.outcome, NEW.reason, NEW.hash, NEW.artifact, NEW.loginuid,
			NEW.time_us);
	END;"

# reports_leave_out_the_open PREFIX: on the tampered copy $X, who listened
# does not name the analyst and the export's accesses have no open of $rid
# (sealed_open_log): the attack worked.
reports_leave_out_the_open()
{
	local acc
	assert_not_contains "${1}the who-listened report leaves the analyst out" "$(who_listened "$X")" "$analyst("
	acc=$(open_accesses "$X")
	assert_not_contains "${1}the export of the copy runs" "$acc" "export failed"
	assert_not_contains "${1}the export's accesses leave the open out" "$acc" "$rid"
}

# second_call_setting: after sealed_open_log, a third call of the subject
# ($rid3), so that its card keeps a recording when $rid's link goes; checks
# that fsck with the rights keyring ($PK) finds nothing and the export's
# accesses list the open.
second_call_setting()
{
	customer_call c3 2026-11-04T10:00:00Z "Matti Meikäläinen" "+358401234567"
	rid3=$(id_at 2026-11-04T10:00:00Z)
	[ "$(handle_of "$rid3")" = "$handle" ] || t_abort "setup" "the third call is not the subject's: $(handle_of "$rid3")"
	assert_ok "fsck with the rights keyring finds nothing on the genuine register" "$RECCTL" fsck -R "$REG" --keyring "$PK"
	assert_contains "the export's accesses list the open" "$(open_accesses "$REG")" "$rid"
}

# copy_checked: audit verify of the tampered copy $X says intact (its log
# is as it was), and fsck of it with $PK runs: its exit in $fsck_rc, its
# words in $T_TMP/fsck.out.
copy_checked()
{
	assert_ok "audit verify says intact (the log is as it was)" "$RECCTL" audit verify -R "$X" --verify-key "$VKEY"
	"$RECCTL" fsck -R "$X" --keyring "$PK" >"$T_TMP/fsck.out" 2>&1
	fsck_rc=$?
}

# who_listened REGISTER: the who-listened report of $rid (sealed_open_log).
who_listened() { "$RECCTL" audit show -R "$1" --recording "$rid" --action open 2>&1; }

# open_accesses REGISTER: the recordings of the opens among the accesses in
# the export of $handle (sealed_open_log), or "export failed: ...".
open_accesses()
{
	rm -rf "$T_TMP/exp"
	mkdir -p "$T_TMP/exp"
	"$RECCTL" subject export -R "$1" "$handle" "$T_TMP/exp" --level-keyring "$KEYS/privacy.keyring" \
		>"$T_TMP/exp.out" 2>&1 || { echo "export failed: $(cat "$T_TMP/exp.out")"; return; }
	jq -r '.accesses[] | select(.action == "open") | .recording' "$T_TMP/exp/$handle/export.json" 2>&1
}

# --- Unix users and groups per level ----------------------------------------

# Users and groups made are listed in files, not only in arrays: the
# helpers are usually called in $(...), a subshell whose arrays are lost.
T_USER_LIST=$T_TMP/.users
T_GROUP_LIST=$T_TMP/.groups
: >"$T_USER_LIST"
: >"$T_GROUP_LIST"

# make_group NAME: create it unless it exists; remembered for removal.
make_group()
{
	if ! getent group "$1" >/dev/null; then
		groupadd -f "$1" || t_abort "make_group" "groupadd $1 failed"
		T_GROUPS+=("$1")
		printf '%s\n' "$1" >>"$T_GROUP_LIST"
	fi
}

# unit_caps UNIT [CAP...]: setpriv's --bounding-set value for the
# CapabilityBoundingSet of packaging/systemd/UNIT, less the CAPs named
# (lower case, without cap_): a command run with it has what the unit
# gives, as root with no ambient capabilities.
unit_caps()
{
	local unit=$T_ROOT/packaging/systemd/$1 c set=-all
	shift
	for c in $(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr 'A-Z' 'a-z' | sed 's/cap_//g'); do
		case " $* " in *" $c "*) continue ;; esac
		set="$set,+$c"
	done
	printf '%s\n' "$set"
}

# make_level_user LEVEL [GROUP...]: a user <prefix><level> whose primary
# group is recfs-LEVEL, plus the extra groups.  Prints the user name.
make_level_user()
{
	local level=$1 user="${T_USER_PREFIX}${1}" extra=""
	shift
	make_group "recfs-$level"
	for g in "$@"; do
		make_group "$g"
		extra="${extra:+$extra,}$g"
	done
	useradd -M -N -d / -s /bin/sh -g "recfs-$level" ${extra:+-G "$extra"} "$user" ||
		t_abort "make_level_user" "useradd $user failed"
	T_USERS+=("$user")
	printf '%s\n' "$user" >>"$T_USER_LIST"
	printf '%s\n' "$user"
}

# make_plain_user NAME: a user with no level.
make_plain_user()
{
	local user="${T_USER_PREFIX}$1"
	useradd -M -N -d / -s /bin/sh "$user" || t_abort "make_plain_user" "useradd $user failed"
	T_USERS+=("$user")
	printf '%s\n' "$user" >>"$T_USER_LIST"
	printf '%s\n' "$user"
}

# with_pwd_lock CMD...: CMD under the lock of the user and group files
# that useradd, groupadd and userdel take (lckpwdf: /etc/.pwd.lock), for a
# test that writes an entry useradd refuses into /etc/passwd or /etc/group
# by hand; CMD's exit status.
with_pwd_lock()
{
	python3 -c 'import fcntl, subprocess, sys
with open("/etc/.pwd.lock", "a") as f:
    fcntl.lockf(f, fcntl.LOCK_EX)
    sys.exit(subprocess.call(sys.argv[1:]))' "$@"
}

# as_user USER CMD...: run a command as USER (no shell interpretation).
as_user()
{
	local user=$1
	shift
	setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups -- "$@"
}

# --- readers that hold a file open ------------------------------------------

# A reader is a python3 script the test writes to $T_TMP/reader.py: it
# opens argv[1], prints "open", then answers one line on stdout for each
# command line on stdin, the commands being the test's own ("quit" ends
# it).  The pipes of one reader are inherited by the readers started after
# it, so a reader is told to quit rather than sent EOF.
declare -A R_PID R_IN R_OUT
# start_reader NAME USER PATH: a reader as USER with PATH open; the test
# stops when it cannot open it.
start_reader()
{
	local name=$1 fd line=""
	mkfifo "$T_TMP/$name.in" "$T_TMP/$name.out"
	as_user "$2" /usr/bin/python3 "$T_TMP/reader.py" "$3" <"$T_TMP/$name.in" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err" &
	R_PID[$name]=$!
	exec {fd}>"$T_TMP/$name.in"
	R_IN[$name]=$fd
	exec {fd}<"$T_TMP/$name.out"
	R_OUT[$name]=$fd
	read -r -t 20 line <&"${R_OUT[$name]}"
	[ "$line" = open ] || t_abort "reader $name" "cannot open $3: $(cat "$T_TMP/$name.err")"
}

# ask NAME COMMAND: the reader's answer in $T_ANS ("(none)" when it died).
ask()
{
	T_ANS="(none)"
	# In a subshell: a dead reader's pipe is SIGPIPE, which must not end the test.
	(printf '%s\n' "$2" >&"${R_IN[$1]}") 2>/dev/null || return 0
	read -r -t 30 T_ANS <&"${R_OUT[$1]}" || T_ANS="(none)"
}

# stop_reader NAME: tell it to quit, close its pipes and wait; its exit
# status in $T_RC.
stop_reader()
{
	local in=${R_IN[$1]} out=${R_OUT[$1]}
	(printf 'quit\n' >&"$in") 2>/dev/null
	exec {in}>&- {out}<&-
	wait "${R_PID[$1]}"
	T_RC=$?
}

# protected_call_request SUBJECT-JSON PASSPHRASE: in a new register ($REG),
# one call of SUBJECT-JSON (its id in RID, its subject's handle in HANDLE),
# protected by a user of the rights level on a mount (recctl protect) with
# PASSPHRASE, which $T_TMP/pass holds, and access request 1 of the subject
# open: what request answer --export is tried on.
protected_call_request()
{
	local dpo f mnt=$T_TMP/mnt-protect
	make_register "$T_TMP/a"
	SPOOL=$T_TMP/spool
	mkdir -p "$SPOOL"
	ingest_call c1 2026-11-01T10:00:00Z "$1"
	RID=$(id_at 2026-11-01T10:00:00Z)
	HANDLE=$(handle_of "$RID")
	[ -n "$HANDLE" ] || t_abort "ingest" "no subject"
	dpo=$(make_level_user privacy)
	mount_all_levels "$mnt"
	f=$(as_user "$dpo" find "$mnt/by-date" -name "*_${RID:0:8}.opus" | head -n 1)
	[ -n "$f" ] || t_abort "mount" "the call to protect is not on the mount"
	printf '%s\n' "$2" >"$T_TMP/pass"
	chmod 0644 "$T_TMP/pass"
	as_user "$dpo" "$RECCTL" protect --passfile "$T_TMP/pass" "$f" >/dev/null 2>&1 || t_abort "protect" "failed"
	unmount_recfs "$mnt"
	"$RECCTL" request new -R "$REG" --type access --subject "$HANDLE" >/dev/null 2>&1 ||
		t_abort "request new" "failed"
}

# --- the subject split tests' household ----------------------------------

# split_register: what the tests of `recctl subject split` start from: the
# C locale, a new register ($REG) and its spool ($SPOOL), the privacy
# keyring in PK, FIELDS (a customer-service call for service-level) and LINE
# (the phone and booking a father and his son share) for subject_call, and
# the functions rc CMD... (recctl CMD on $REG), restricted RID (1 when the
# recording is restricted) and call NAME (the next numbered call of NAME on
# LINE; its id in R).
split_register()
{
	unset LANG LC_ALL LC_CTYPE
	make_register "$T_TMP/r"
	SPOOL=$T_TMP/spool
	mkdir -p "$SPOOL"
	PK=$KEYS/privacy.keyring
	FIELDS='"source": "customer-service", "purpose": "service-level"'
	LINE='"phone": "+34 912 345 678", "ref": "BK-4471"'
	rc() { "$RECCTL" "$@" -R "$REG"; }
	restricted() { q "SELECT restricted_since <> 0 FROM recording WHERE id = '$1'"; }
	call() { subject_call "{\"role\": \"customer\", \"name\": \"$1\", $LINE}" "$FIELDS"; }
}

# split_household [EMAIL [FATHER_EMAIL]]: after split_register, the
# mistake a split repairs: José Luis Martínez Soto's call (L1, with his
# e-mail EMAIL on it when given), his father José Martínez Soto's (M1,
# with FATHER_EMAIL when given) and José Luis's again (L2), all on LINE,
# which the register takes for one person: subject H
# (test_subject_split.sh checks that it does).
split_household()
{
	if [ -n "${1:-}" ]; then
		subject_call "{\"role\": \"customer\", \"name\": \"José Luis Martínez Soto\", \"email\": \"$1\", $LINE}" "$FIELDS"
	else
		call "José Luis Martínez Soto"
	fi
	L1=$R
	if [ -n "${2:-}" ]; then
		subject_call "{\"role\": \"customer\", \"name\": \"José Martínez Soto\", \"email\": \"$2\", $LINE}" "$FIELDS"
	else
		call "José Martínez Soto"
	fi
	M1=$R
	call "José Luis Martínez Soto"; L2=$R
	H=$(handle_of "$L1")
}

# split_off [LABEL]: the check LABEL (default: the officer splits the
# father's call off) that `recctl subject split H M1` succeeds; the new
# subject's handle in N.
split_off()
{
	local label="the officer splits the father's call off"
	[ $# -eq 0 ] || label=$1
	assert_ok "$label" rc subject split "$H" "$M1" --level-keyring "$PK"
	N=$(handle_of "$M1")
}

# --- the spool daemon ----------------------------------------------------

# run_watch REGISTER LOG [ARG...]: `recctl watch` as root on REGISTER with
# the ingest keyring of $KEYS and ARGs (a spool), in the background, its
# stderr appended to LOG; its pid in WATCH_PID (t_cleanup stops it).  A
# variable set before the call reaches the daemon: X=1 run_watch ...
# While a watch runs, wait for another background job by its pid
# (wait "$pid"), never with a bare `wait`: that waits for the watch too,
# which runs until stopped, and the test hangs.
WATCH_PID=
run_watch()
{
	local reg=$1 log=$2
	shift 2
	"$RECCTL" watch -R "$reg" --keyring "$KEYS/ingest.keyring" "$@" 2>>"$log" &
	WATCH_PID=$!
	T_DAEMONS+=("$WATCH_PID")
}

# start_watch REGISTER LOG [ARG...]: run_watch, then wait (10 s at most)
# until the daemon says in LOG that it is watching.  1 when it exits first
# or does not say so; WATCH_RC is then its exit status, WATCH_PID empty.
start_watch()
{
	local before
	before=$(grep -c '^watching ' "$2" 2>/dev/null)
	run_watch "$@"
	wait_for 10 watch_up "$2" "${before:-0}"
	[ "$(grep -c '^watching ' "$2")" -gt "${before:-0}" ] && return 0
	kill "$WATCH_PID" 2>/dev/null
	wait "$WATCH_PID" 2>/dev/null
	WATCH_RC=$?
	WATCH_PID=
	return 1
}

# watch_up LOG N: 0 once LOG has more than N "watching" lines or the
# daemon has gone.
watch_up()
{
	[ "$(grep -c '^watching ' "$1")" -gt "$2" ] || ! kill -0 "$WATCH_PID" 2>/dev/null
}

# stop_watch: SIGTERM to the daemon and wait; its exit status in WATCH_RC.
stop_watch()
{
	[ -n "$WATCH_PID" ] || return 0
	kill -TERM "$WATCH_PID" 2>/dev/null
	wait "$WATCH_PID" 2>/dev/null
	WATCH_RC=$?
	WATCH_PID=
}

# --- mounting the daemon ---------------------------------------------------

# mount_recfs REGISTER MOUNTPOINT [KEYRING...]: start build/recfs in the
# foreground (its stderr in MOUNTPOINT.err, for sanitizer reports) and wait
# until the mount is up.  T_MOUNT_OPTS adds -o options; T_MOUNT_WRAP (an
# array) is a command that runs the daemon, e.g. (prlimit --nofile=1024:4096);
# it must exec it, so that the pid is the daemon's.
T_MOUNT_OPTS=""
T_MOUNT_WRAP=()
mount_recfs()
{
	local reg=$1 mnt=$2 opts="allow_other${T_MOUNT_OPTS:+,$T_MOUNT_OPTS}" k i
	shift 2
	for k in "$@"; do opts="$opts,keyring=$k"; done
	mkdir -p "$mnt"
	"${T_MOUNT_WRAP[@]}" "$RECFS" -f -o "$opts" "$reg" "$mnt" 2>"$mnt.err" &
	T_DAEMONS+=("$!")
	T_MOUNTS+=("$mnt")
	T_MOUNT_PID[$mnt]=$!
	for i in $(seq 1 100); do
		mountpoint -q "$mnt" && return 0
		kill -0 "$!" 2>/dev/null || break
		sleep 0.05
	done
	fail "mount $mnt" "recfs did not mount: $(head -c 800 "$mnt.err")"
	return 1
}

# sanitizer_report FILE: 0 when FILE holds an ASan/UBSan/LSan report.
sanitizer_report()
{
	grep -Eq 'ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error:|SUMMARY: .*Sanitizer' "$1" 2>/dev/null
}

# sanitizer_excerpt FILE: what a failure shows of the report in FILE: its
# headings and the first frames of each stack (a CI log keeps no files).
sanitizer_excerpt()
{
	grep -E 'Sanitizer|runtime error|(Direct|Indirect) leak of|^ +#[0-7] ' "$1" 2>/dev/null | head -n 80
}

# mount_holders MOUNTPOINT: the processes whose working directory or an
# open file is under MOUNTPOINT, as "pid:comm" (what keeps it busy).
mount_holders()
{
	local out
	out=$(find /proc/[0-9]*/cwd /proc/[0-9]*/fd -maxdepth 1 \( -lname "$1" -o -lname "$1/*" \) 2>/dev/null |
		cut -d/ -f3 | sort -un | while read -r p; do printf ' %s:%s' "$p" "$(cat "/proc/$p/comm" 2>/dev/null)"; done)
	echo "${out:- none found}"
}

# thread_states PID: each thread of PID as "name:wchan", counted.
thread_states()
{
	local t
	for t in /proc/"$1"/task/*; do
		echo "$(cat "$t/comm" 2>/dev/null):$(cat "$t/wchan" 2>/dev/null)"
	done | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }'
}

# unmount_recfs MOUNTPOINT: unmount, wait for the daemon, and fail when it
# printed a sanitizer report.  A daemon that does not exit within 15 s
# fails with what held the mount and where its threads wait.
unmount_recfs()
{
	local mnt=$1 pid=${T_MOUNT_PID[$1]:-} i busy=""
	if mountpoint -q "$mnt"; then
		if ! fusermount3 -u "$mnt" 2>/dev/null; then
			# Busy: who holds it, for the failure below, then lazily.
			busy="; the mount was busy, unmounted lazily; held by:$(mount_holders "$mnt")"
			fusermount3 -uz "$mnt" 2>/dev/null
		fi
	fi
	if [ -n "$pid" ]; then
		for i in $(seq 1 300); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		if kill -0 "$pid" 2>/dev/null; then
			fail "recfs exits after unmount of $mnt" "still running after 15 s$busy; its threads: $(thread_states "$pid"); its last words: $(tail -n 3 "$mnt.err" 2>/dev/null | tr '\n' '|')"
			kill "$pid" 2>/dev/null
		fi
		wait "$pid" 2>/dev/null
		unset "T_MOUNT_PID[$mnt]"
	fi
	if sanitizer_report "$mnt.err"; then
		fail "no sanitizer report from recfs on $mnt" "$(sanitizer_excerpt "$mnt.err")"
	fi
}

# --- Samba -------------------------------------------------------------------

SMBD=$(command -v smbd || echo /usr/sbin/smbd)
SMBD_PID=

# have_samba: 0 when smbd, smbpasswd and smbclient are installed.
have_samba()
{
	[ -x "$SMBD" ] && command -v smbclient >/dev/null && command -v smbpasswd >/dev/null
}

# start_smbd MOUNTPOINT USER...: smbd with the shipped
# packaging/examples/smb.conf as it is, its share's path set to MOUNTPOINT,
# and after it the test's own loopback port ($SMB_PORT), folders (under
# $T_TMP/samba: $SMB_CONF, log/smbd.log) and password database, in which
# each USER has the password $SMB_PW.  The test stops when smbd does not
# listen; stop_smbd (also run at exit) stops it.
start_smbd()
{
	local mnt=$1 s=$T_TMP/samba u
	shift
	SMB_PORT=${RECFS_TEST_SMB_PORT:-$((4450 + $$ % 500))}
	SMB_PW=Rt-$$-pw
	SMB_CONF=$s/smb.conf
	mkdir -p "$s/private" "$s/lock" "$s/state" "$s/cache" "$s/pid" "$s/log" "$s/ncalrpc"
	sed "s|^\([[:space:]]*path = \)/mnt/recfs$|\1$mnt|" "$T_ROOT/packaging/examples/smb.conf" >"$SMB_CONF"
	grep -q "path = $mnt\$" "$SMB_CONF" || t_abort "smb.conf" "the example's share path was not found"
	cat >>"$SMB_CONF" <<CONF

# --- the test's own settings ---
[global]
	smb ports = $SMB_PORT
	interfaces = 127.0.0.1
	bind interfaces only = yes
	private dir = $s/private
	lock directory = $s/lock
	state directory = $s/state
	cache directory = $s/cache
	pid directory = $s/pid
	ncalrpc dir = $s/ncalrpc
	log file = $s/log/smbd.log
	log level = 1
	passdb backend = tdbsam:$s/private/passdb.tdb
	full_audit:syslog = false
CONF
	for u in "$@"; do
		printf '%s\n%s\n' "$SMB_PW" "$SMB_PW" | smbpasswd -c "$SMB_CONF" -a -s "$u" >/dev/null 2>&1 ||
			t_abort "smbpasswd" "cannot add $u"
	done
	# A session of its own: smbd signals its whole process group when
	# it stops.
	setsid "$SMBD" --foreground --no-process-group -s "$SMB_CONF" </dev/null >"$s/smbd.out" 2>&1 &
	SMBD_PID=$!
	T_DAEMONS+=("$SMBD_PID")
	for _ in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$SMB_PORT") 2>/dev/null && return 0
		kill -0 "$SMBD_PID" 2>/dev/null || break
		sleep 0.1
	done
	t_abort "smbd" "not listening on $SMB_PORT: $(tail -n 5 "$s/smbd.out" "$s/log/smbd.log" 2>/dev/null)"
}

# stop_smbd: stop the smbd of start_smbd, before the mount goes (its
# sessions sit in the mount).
stop_smbd()
{
	[ -n "${SMBD_PID:-}" ] || return 0
	kill "$SMBD_PID" 2>/dev/null
	wait "$SMBD_PID" 2>/dev/null
	SMBD_PID=
}

# smb USER COMMANDS: smbclient as USER on the share of start_smbd, SMB3,
# encrypted; its output (stdout and stderr).
smb()
{
	smbclient "//127.0.0.1/register" -p "$SMB_PORT" -U "$1%$SMB_PW" -m SMB3 --client-protection=encrypt \
		-s /dev/null -c "$2" 2>&1
}

# t_tmpfs DIR SIZE [MODE]: a tmpfs of SIZE (mount's size=, e.g. 48m) at
# DIR (made if missing), mode MODE (default 0755): a disk of its own that a
# test fills.  Unmounted by the EXIT trap, after the mounts and daemons
# that could hold it.  Aborts the test when it cannot be mounted.
t_tmpfs()
{
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2,mode=${3:-0755}" recfs-test-disk "$1" || t_abort "tmpfs" "cannot mount a tmpfs at $1"
	T_TMPFS+=("$1")
}

# --- syslog ----------------------------------------------------------------

# syslog_catcher FILE: for a test that runs in a mount namespace of its own
# (it re-executes itself under `unshare --mount --propagation private`, see
# test_privacy_scan.sh): /dev becomes a copy of the machine's whose /dev/log
# is a catcher's datagram socket, and every message that reaches it is
# appended to FILE, one a line.  What recfs and recctl mirror to syslog is
# read there; the machine's /dev/log (if any) is never touched, and tests
# running beside it see nothing of it.  DELAY (seconds, default 0) is how
# long the catcher waits after each message: a busy journald.  Aborts the
# test when it cannot.
syslog_catcher()
{
	local out=$1 delay=${2:-0} newdev=$T_TMP/dev e n

	mkdir -p "$newdev"
	mount -t tmpfs -o mode=0755,size=1m recfs-test-dev "$newdev" || t_abort "private /dev" "cannot mount a tmpfs"
	for e in /dev/* /dev/.[!.]*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		n=${e#/dev/}
		[ "$n" = log ] && continue
		if [ -d "$e" ] && [ ! -L "$e" ]; then
			# Only the file systems mounted there (pts, shm, mqueue ...).
			if mountpoint -q "$e"; then
				mkdir "$newdev/$n" && mount --rbind "$e" "$newdev/$n"
			fi
		else
			cp -a "$e" "$newdev/$n"
		fi
	done
	: >"$out"
	python3 - "$newdev/log" "$out" "$delay" <<'EOF_CATCHER' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
delay = float(sys.argv[3])
with open(sys.argv[2], "ab", buffering=0) as f:
    f.write(b"catcher ready\n")
    while True:
        f.write(s.recv(65536) + b"\n")
        if delay:
            time.sleep(delay)
EOF_CATCHER
	T_DAEMONS+=("$!")
	for _ in $(seq 1 100); do [ -s "$out" ] && break; sleep 0.05; done
	mount --move "$newdev" /dev || { umount -R "$newdev"; t_abort "private /dev" "cannot move it over /dev"; }
	[ -S /dev/log ] || t_abort "private /dev" "no syslog catcher at /dev/log"
	logger -t recfs-test "catcher check" 2>/dev/null
	for _ in $(seq 1 40); do grep -q 'catcher check' "$out" && break; sleep 0.05; done
	grep -q 'catcher check' "$out" || t_abort "syslog catcher" "logger's line did not arrive"
}

# --- cleanup ---------------------------------------------------------------

t_cleanup()
{
	local m p u g
	stop_smbd
	for m in "${T_MOUNTS[@]}"; do
		mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || fusermount3 -uz "$m" 2>/dev/null; }
	done
	for p in "${T_DAEMONS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for m in "${T_TMPFS[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	# A test user's process left behind (a reader a test killed the setpriv
	# of, whose child sleeps on) would keep userdel from removing the user.
	for u in "${T_USERS[@]}" $(cat "$T_USER_LIST" 2>/dev/null); do
		getent passwd "$u" >/dev/null || continue
		pkill -KILL -u "$u" 2>/dev/null
		for _ in $(seq 1 40); do
			pgrep -u "$u" >/dev/null || break
			sleep 0.05
		done
		userdel "$u" 2>/dev/null
	done
	for g in "${T_GROUPS[@]}" $(cat "$T_GROUP_LIST" 2>/dev/null); do
		getent group "$g" >/dev/null && groupdel "$g" 2>/dev/null
	done
	# syslog_catcher's copy of /dev, if it was not moved over /dev: its
	# bind mounts (pts, shm) must go before the rm below could reach them.
	mountpoint -q "$T_TMP/dev" 2>/dev/null && umount -R "$T_TMP/dev" 2>/dev/null
	if [ -n "${T_KEEP:-}" ]; then
		echo "kept $T_TMP" >&2
	else
		rm -rf "$T_TMP"
	fi
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

# audit_old_keys: "EPOCH:FILE" for each key of an epoch before the key state's
# that one of the register's files holds; then "current=N".
audit_old_keys()
{
	python3 - "$KEYS/audit-verify.key" "$REG" <<'PY'
import hashlib, os, re, sqlite3, struct, sys
seed = None
for line in open(sys.argv[1]):
    if not line.startswith('#'):
        seed = bytes.fromhex(re.findall(r'\b[0-9a-f]{64}\b', line)[0])
def evolve(k):
    return hashlib.blake2b(b'', digest_size=32, key=k, salt=struct.pack('<Q', 1) + bytes(8),
                           person=b'recfsaud' + bytes(8)).digest()
db = sqlite3.connect('file:%s/catalog.db?mode=ro' % sys.argv[2], uri=True)
epoch, cur = db.execute('SELECT epoch, key FROM audit_key').fetchone()
db.close()
keys, k = [], seed
for i in range(epoch + 1):
    k = evolve(k)
    keys.append(k)
assert keys[epoch] == cur, 'the key state does not follow from the verification key'
for name in ('catalog.db', 'catalog.db-wal'):
    p = os.path.join(sys.argv[2], name)
    data = open(p, 'rb').read() if os.path.exists(p) else b''
    for i in range(epoch):
        if keys[i] in data:
            print('%d:%s' % (i, name))
print('current=%d' % epoch)
PY
}
