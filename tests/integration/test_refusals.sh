#!/bin/bash
# Issue 15, "clear refusals": each refusal a user meets says why, with its
# errno, its message and its audit entry.  A retention date that is not a
# date, before the recording or beyond max_retention is EINVAL on the
# mount and in `recctl retention set`, each logged with its own reason.
# A retention date keeps a recording through that whole day (UTC), whether
# ingest derived it or it was set: `recctl retention sweep --dry-run` on
# that day erases nothing, the first after it does.
# rm -r of a subject folder that holds a recording on legal hold stops at
# that file (EPERM, logged "legal hold"); rmdir of the folder while
# recordings remain is ENOTEMPTY, logged too.  A setfattr value holding a
# NUL byte is refused as a bad value after the level check, and logged.
# `recctl policy check` warns (exit 0) about a level group this host does
# not know.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 12 --seed 15
ingest_spool "$spool"
analyst=$(make_level_user analysis)
make_group recfs-training
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

# log_wait NAME OBJECT PATTERN: the audit log of OBJECT comes to match
# PATTERN (the mount writes its own entries in batches, every 250 ms).
log_wait()
{
	local log
	for _ in $(seq 1 30); do
		log=$("$RECCTL" audit show -R "$REG" --object "$2" 2>&1)
		printf '%s\n' "$log" | grep -Eq -- "$3" && break
		sleep 0.1
	done
	assert_match "$1" "$log" "$3"
}
mapfile -t calls < <(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | sort)
[ ${#calls[@]} -ge 2 ] || t_abort "data" "too few recordings"

# --- retention: each refusal with its reason -------------------------------------
f=${calls[0]}
rid=$(rid_of "$f")
rec_day=$(date -u -d @"$(q "SELECT recorded_at FROM recording WHERE id = '$rid'")" +%Y-%m-%d)
early_day=$(date -u -d "$rec_day - 10 days" +%Y-%m-%d)
late_day=$(date -u -d "$rec_day + 30 months" +%Y-%m-%d)
for bad in 30.06.2027 2027-02-30; do
	assert_fails_with "setfattr retention_until=$bad is EINVAL" "Invalid argument" \
		as_user "$dpo" setfattr -n user.gdpr.retention_until -v "$bad" "$f"
done
log_wait "a malformed date is logged as not a date" "$rid" 'retention.*refused.*not a date \(YYYY-MM-DD\)'
assert_eq "both malformed dates are logged" "2" \
	"$("$RECCTL" audit show -R "$REG" --object "$rid" 2>&1 | grep -c 'not a date')"
assert_fails_with "setfattr retention_until before the recording is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.gdpr.retention_until -v "$early_day" "$f"
log_wait "a date before the recording is logged so" "$rid" 'retention.*refused.*before the recording'
assert_fails_with "setfattr retention_until beyond max_retention is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.gdpr.retention_until -v "$late_day" "$f"
log_wait "a date beyond max_retention is logged with the last allowed date" "$rid" \
	'retention.*refused.*beyond max_retention \([0-9]{4}-[0-9]{2}-[0-9]{2}\)'
assert_eq "no date before the recording is logged as beyond max_retention" "1" \
	"$("$RECCTL" audit show -R "$REG" --object "$rid" 2>&1 | grep -c 'beyond max_retention')"
assert_fails_with "below the rights level a malformed date is EPERM" "Operation not permitted" \
	as_user "$analyst" setfattr -n user.gdpr.retention_until -v 30.06.2027 "$f"
# The same reasons in words from recctl.
assert_fails_with "recctl retention set: not a date" "not a date (YYYY-MM-DD)" \
	"$RECCTL" retention set -R "$REG" "$rid" 30.06.2027
assert_fails_with "recctl retention set: before the recording" "before the recording" \
	"$RECCTL" retention set -R "$REG" "$rid" "$early_day"
assert_fails_with "recctl retention set: beyond max_retention" "beyond max_retention (" \
	"$RECCTL" retention set -R "$REG" "$rid" "$late_day"
ok_day=$(date -u -d "$rec_day + 18 months" +%Y-%m-%d)
assert_fails_with "recctl retention set of a recording not in the register says so" \
	"deadbeef: no such recording in the register" "$RECCTL" retention set -R "$REG" deadbeef "$ok_day"
assert_fails_with "and of a whole id not in it" "no such recording in the register" \
	"$RECCTL" retention set -R "$REG" 0123456789abcdef0123456789abcdef "$ok_day"
assert_ok "recctl retention set by the 8 hex digits of the file name" \
	"$RECCTL" retention set -R "$REG" "${rid:0:8}" "$ok_day"
assert_ok "recctl retention set within max_retention" "$RECCTL" retention set -R "$REG" "$rid" "$ok_day"
# (the mount takes in a change from outside at its next snapshot refresh)
shows_ok_day() { [ "$(as_user "$dpo" getfattr --absolute-names --only-values -n user.gdpr.retention_until "$f")" = "$ok_day" ]; }
poll_since "$(now_ns)" 5000 shows_ok_day
assert_eq "the new date shows on the mount" "$ok_day" \
	"$(as_user "$dpo" getfattr --absolute-names --only-values -n user.gdpr.retention_until "$f")"
assert_match "recctl's change is logged" "$("$RECCTL" audit show -R "$REG" --object "$rid" 2>&1)" \
	"retention.*ok.*until $ok_day"

# --- a retention date keeps the recording through that whole day ------------
# A register whose meetings are kept a day ("kokous", 1d, at most 2d).  A
# meeting recorded at 2026-11-30T23:59:59Z is kept through 2026-12-01
# (UTC), and so it is after the date is set to 2026-12-01: no sweep on that
# day erases it, the first after it does.
make_register "$T_TMP/b"
{ cat "$POLICY_EXAMPLE"; printf '%s\n' "[purpose kokous]" "description = Kokoukset" \
	"legal_basis = legitimate_interests" "min_level = analysis" "retention = 1d" "max_retention = 2d"; } \
	>"$T_TMP/kokous.conf"
assert_ok "a policy with a purpose of a day applies" "$RECCTL" policy apply -R "$REG" "$T_TMP/kokous.conf"
mkdir -p "$T_TMP/bspool"
cp "$T_ROOT/tests/fixtures/mono.opus" "$T_TMP/bspool/k.opus"
printf '{"recorded_at": "2026-11-30T23:59:59Z", "source": "internal-meetings", "purpose": "kokous",
	 "audio": "k.opus"}\n' >"$T_TMP/bspool/k.json"
ingest_spool "$T_TMP/bspool"
kid=$(q "SELECT id FROM recording")
# would_erase NOW: how many recordings a dry run at NOW would erase.
would_erase() { RECFS_NOW=$1 "$RECCTL" retention sweep -R "$REG" --dry-run --json | jq -r '.would_erase'; }
assert_eq "ingest keeps it until 2026-12-01" "2026-12-01" "$(q "SELECT date(retention_until, 'unixepoch') FROM recording")"
assert_eq "ingest stores the day" "$(date -u -d 2026-12-01 +%s)" "$(q "SELECT retention_until FROM recording")"
assert_eq "a sweep at the day's end keeps it" 0 "$(would_erase 2026-12-01T23:59:59Z)"
assert_eq "the first sweep after the day erases it" 1 "$(would_erase 2026-12-02T00:00:00Z)"
assert_ok "recctl retention set to that same day" "$RECCTL" retention set -R "$REG" "$kid" 2026-12-01
assert_eq "a sweep on the morning of the day set keeps it" 0 "$(would_erase 2026-12-01T04:30:00Z)"
assert_eq "a sweep at that day's end keeps it" 0 "$(would_erase 2026-12-01T23:59:59Z)"
assert_eq "the first sweep after the day set erases it" 1 "$(would_erase 2026-12-02T00:00:00Z)"
assert_ok "the day max_retention (2d) ends on is allowed" "$RECCTL" retention set -R "$REG" "$kid" 2026-12-02
assert_fails_with "the day after it is not" "beyond max_retention (2026-12-02)" \
	"$RECCTL" retention set -R "$REG" "$kid" 2026-12-03
assert_fails_with "the day before the recording's is not" "before the recording" \
	"$RECCTL" retention set -R "$REG" "$kid" 2026-11-29
REG=$T_TMP/a/reg
KEYS=$T_TMP/a/keys

# --- a value holding a NUL byte --------------------------------------------------
# No reason, date or card field holds a NUL byte (setfattr -v 0x... sends
# the bytes as they are): the right asked for refuses it after its level
# check, EPERM below the rights level and EINVAL at it, logged either way.
f2=${calls[1]}
rid2=$(rid_of "$f2")
assert_fails_with "below the rights level a hold holding a NUL byte is EPERM" "Operation not permitted" \
	as_user "$analyst" setfattr -n user.gdpr.legal_hold -v 0x4100 "$f2"
log_wait "that refusal is logged: below the rights level" "$rid2" 'hold.*refused.*below the rights level'
assert_fails_with "the rights level: a hold holding a NUL byte is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.gdpr.legal_hold -v 0x4100 "$f2"
log_wait "that refusal is logged: a NUL byte" "$rid2" 'hold.*refused.*NUL byte'
assert_fails_with "the rights level: a date holding a NUL byte is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.gdpr.retention_until -v 0x323032372d30312d303100 "$f2"
log_wait "that refusal is logged as a retention change" "$rid2" 'retention.*refused.*NUL byte'
assert_eq "no hold was placed" "" "$(q "SELECT legal_hold FROM recording WHERE id = '$rid2'")"
h0=$(as_user "$analyst" ls "$MNT/by-subject" | head -n 1)
assert_fails_with "below the rights level a name holding a NUL byte is EPERM" "Operation not permitted" \
	as_user "$analyst" setfattr -n user.recfs.name -v 0x416200 "$MNT/by-subject/$h0"
log_wait "that refusal is logged against the subject" "$h0" 'rectify.*refused.*below the rights level'
assert_fails_with "the rights level: a name holding a NUL byte is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.recfs.name -v 0x416200 "$MNT/by-subject/$h0"
log_wait "that refusal is logged too" "$h0" 'rectify.*refused.*NUL byte'

# --- a subject folder with a recording on legal hold --------------------------------
h=$(as_user "$dpo" ls "$MNT/by-subject" | head -n 1)
mapfile -t hfiles < <(as_user "$dpo" find "$MNT/by-subject/$h" -name '*.opus' | sort)
held=${hfiles[0]}
hrid=$(rid_of "$held")
assert_ok "privacy: hold a recording of the subject" as_user "$dpo" setfattr -n user.gdpr.legal_hold -v keep "$held"
assert_fails_with "rm -r of the folder stops at the held recording: EPERM" "Operation not permitted" \
	as_user "$dpo" rm -r "$MNT/by-subject/$h"
log_wait "the refused erasure names the hold" "$hrid" 'erase.*refused.*legal hold'
assert_fails_with "rmdir of the folder while it holds a recording: ENOTEMPTY" "Directory not empty" \
	as_user "$dpo" rmdir "$MNT/by-subject/$h"
log_wait "the refused rmdir is logged against the subject" "$h" 'erase-subject.*refused.*recordings remain'
assert_eq "the card stays" "1" "$(q "SELECT count(*) FROM subject WHERE handle = '$h'")"

# --- a flood of refusals cannot fill the disk with entries -------------------------
# A user with no level creating files in a loop: each is EROFS and costs
# them nothing.  Twenty a second per user are logged one by one, the rest
# counted in one "refusals" entry (with the user's next refusal, or at
# unmount): the entries stay few, and together they count every attempt.
flooder=$(make_plain_user flood)
tries=3000
secs=$(as_user "$flooder" /usr/bin/python3 -c '
import errno, os, sys, time
t0 = time.monotonic()
for i in range(int(sys.argv[2])):
    try:
        os.close(os.open("%s/flood%d" % (sys.argv[1], i), os.O_CREAT | os.O_WRONLY, 0o600))
        sys.exit("created a file")
    except OSError as e:
        if e.errno != errno.EROFS:
            sys.exit("errno %d" % e.errno)
print(int(time.monotonic() - t0) + 1)' "$MNT" "$tries") || fail "every create of the flood is EROFS" "$secs"
echo "   $tries refused creates in about $secs s"
assert_eq "the mount still answers the analyst" 0 "$(as_user "$analyst" ls "$MNT/by-date" >/dev/null; echo $?)"
# The rights by file commands of a level below the officer's are refused
# by the register (each refusal an entry of its own transaction): a flood
# of rm, chmod 0 and setfattr is counted past 20 a second in the same way.
seq_rm=$(q "SELECT max(seq) FROM audit")
rm_secs=$(as_user "$analyst" /usr/bin/python3 -c '
import errno, os, sys, time
t0 = time.monotonic()
for i in range(int(sys.argv[2])):
    try:
        if i % 3 == 0:
            os.unlink(sys.argv[1])
        elif i % 3 == 1:
            os.chmod(sys.argv[1], 0)
        else:
            os.setxattr(sys.argv[1], "user.gdpr.legal_hold", b"x")
        sys.exit("a right was taken")
    except OSError as e:
        if e.errno not in (errno.EACCES, errno.EPERM):
            sys.exit("errno %d" % e.errno)
print(int(time.monotonic() - t0) + 1)' "${calls[1]}" "$tries") || fail "every rights command of the flood is refused" "$rm_secs"
echo "   $tries refused rm, chmod and setfattr in about $rm_secs s"
assert_ok "the recording is still there" as_user "$dpo" test -e "${calls[1]}"
# A flood does not hide which recordings a user was refused: past the
# 20 entries a second, a refused open of a recording is still named (the
# first of each recording a second).  Another analyst floods refused chmods and
# opens of one protected recording (recctl protect: no open without an
# unlock), and in the middle of it opens a second protected one once: both
# are named in the log.
mapfile -t seen < <(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort)
[ ${#seen[@]} -ge 3 ] || t_abort "data" "too few recordings for the protected ones"
ra=${seen[1]} rb=${seen[2]}
printf 'correct horse battery\n' >"$T_TMP/pass"
for r in "$ra" "$rb"; do
	assert_ok "privacy: recctl protect $(basename "$r")" as_user "$dpo" "$RECCTL" protect --passfile "$T_TMP/pass" "$r"
done
peek=$(make_plain_user peek)
usermod -a -G recfs-analysis "$peek" || t_abort "usermod" "cannot add $peek to recfs-analysis"
assert_fails_with "the other analyst cannot open a protected recording without an unlock" \
	"Required key not available" as_user "$peek" cat "$ra"
peek_secs=$(as_user "$peek" /usr/bin/python3 -c '
import errno, os, sys, time
t0 = time.monotonic()
n = int(sys.argv[4])
for i in range(n):
    try:
        if i == n // 2:
            os.close(os.open(sys.argv[3], os.O_RDONLY))
        elif i == n // 2 + 1:
            os.setxattr(sys.argv[2], "user.recfs.unlock", b"a wrong guess")
        elif i % 10 == 0:
            os.close(os.open(sys.argv[2], os.O_RDONLY))
        else:
            os.chmod(sys.argv[1], 0)
        sys.exit("not refused")
    except OSError as e:
        if e.errno not in (errno.ENOKEY, errno.EPERM, errno.EACCES):
            sys.exit("errno %d" % e.errno)
print(int(time.monotonic() - t0) + 1)' "${calls[1]}" "$ra" "$rb" "$tries") || fail "every call of the mixed flood is refused" "$peek_secs"
echo "   $tries refused chmods and opens in about $peek_secs s"
# --- policy check: a group this host does not know -------------------------------
nogroup="${T_USER_PREFIX}nosuchgroup"
sed "s/^group = recfs-analysis\$/group = $nogroup/" "$POLICY_EXAMPLE" >"$T_TMP/nogroup.conf"
grep -q "^group = $nogroup\$" "$T_TMP/nogroup.conf" || t_abort "policy" "no analysis group line to change"
"$RECCTL" policy check "$T_TMP/nogroup.conf" >"$T_TMP/check.out" 2>"$T_TMP/check.err"
assert_eq "policy check of an unknown group exits 0" "0" "$?"
assert_match "it warns on stderr, naming the group and the level" "$(cat "$T_TMP/check.err")" \
	"warning: .*level analysis: group '$nogroup' does not exist on this host"
assert_contains "it still says ok" "$(cat "$T_TMP/check.out")" "ok"
assert_eq "a known group gives no warning" "" "$("$RECCTL" policy check "$POLICY_EXAMPLE" 2>&1 >/dev/null)"
# A user named by users = that this host does not know, and a policy of
# no country that would name the Finnish authority by default.
awk '/^\[level analysis\]/ { print; print "users = '"${T_USER_PREFIX}"'nosuchuser"; next }
	/^phone_country_code *=/ { next } { print }' "$POLICY_EXAMPLE" >"$T_TMP/nouser.conf"
"$RECCTL" policy check "$T_TMP/nouser.conf" >/dev/null 2>"$T_TMP/check2.err"
assert_eq "policy check of those exits 0" 0 "$?"
assert_contains "it warns of the unknown user" "$(cat "$T_TMP/check2.err")" \
	"level analysis: user '${T_USER_PREFIX}nosuchuser' does not exist on this host"
assert_contains "and that the notice would name the Finnish authority" "$(cat "$T_TMP/check2.err")" \
	"sets neither supervisory_authority nor phone_country_code"

unmount_recfs "$MNT"
"$RECCTL" audit show -R "$REG" --user "$flooder" --json >"$T_TMP/flood.json"
counts=$(python3 -c '
import json, re, sys
es = json.load(open(sys.argv[1]))
one = sum(1 for e in es if e["action"] == "create" and e["outcome"] == "refused")
held = [int(re.match(r"(\d+) more refusals", e["reason"]).group(1)) for e in es if e["action"] == "refusals"]
print(one, len(held), one + sum(held))' "$T_TMP/flood.json")
read -r one n_held total <<<"$counts"
echo "   the flood's entries: $one one by one, $n_held counting the rest"
assert_eq "the flood's entries count every refused create" "$tries" "$total"
assert_eq "at most 20 a second were logged one by one" 1 "$(( one <= 20 * (secs + 1) ))"
assert_eq "the rest in few entries, one a second at most" 1 "$(( n_held >= 1 && n_held <= secs + 1 ))"
"$RECCTL" audit show -R "$REG" --user "$analyst" --json >"$T_TMP/rights-flood.json"
counts=$(python3 -c '
import json, re, sys
es = [e for e in json.load(open(sys.argv[1])) if e["seq"] > int(sys.argv[2])]
one = sum(1 for e in es if e["action"] in ("erase", "restrict", "hold") and e["outcome"] == "refused")
held = [int(re.match(r"(\d+) more refusals", e["reason"]).group(1)) for e in es if e["action"] == "refusals"]
print(one, len(held), one + sum(held))' "$T_TMP/rights-flood.json" "$seq_rm")
read -r one n_held total <<<"$counts"
echo "   the rights flood's entries: $one one by one, $n_held counting the rest"
assert_eq "they count every refused rights command" "$tries" "$total"
assert_eq "at most 20 a second were logged one by one" 1 "$(( one <= 20 * (rm_secs + 1) ))"
"$RECCTL" audit show -R "$REG" --user "$peek" --json >"$T_TMP/peek.json"
counts=$(python3 -c '
import json, re, sys
es = json.load(open(sys.argv[1]))
def opens(rid):
    return sum(1 for e in es if e["action"] == "open" and e["outcome"] == "refused" and e["object"] == rid)
one = sum(1 for e in es if e["action"] in ("open", "restrict") and e["outcome"] == "refused")
held = [int(re.match(r"(\d+) more refusals", e["reason"]).group(1)) for e in es if e["action"] == "refusals"]
unlocks = sum(1 for e in es if e["action"] == "unlock" and e["outcome"] == "refused" and e["object"] == sys.argv[2])
one += unlocks
print(opens(sys.argv[2]), opens(sys.argv[3]), one + sum(held), unlocks)' "$T_TMP/peek.json" "$(rid_of "$ra")" "$(rid_of "$rb")")
read -r opens_a opens_b total unlocks_a <<<"$counts"
echo "   the mixed flood's named refused opens: $opens_a of the one flooded, $opens_b of the other"
assert_eq "the open of the second protected recording in the middle of the flood is named" 1 "$opens_b"
# Within a second's budget of 20 entries every refusal is logged (one in
# ten of the flood is an open of it), past it the first open alone.
assert_eq "the flooded recording is named, at most 3 times a second" 1 \
	"$(( opens_a >= 1 && opens_a <= 3 * (peek_secs + 1) ))"
assert_eq "the wrong passphrase for the flooded recording is named apart from its opens" 1 "$unlocks_a"
assert_eq "the mixed flood's entries count every refusal" "$((tries + 1))" "$total"
assert_ok "the audit log verifies at the end" "$RECCTL" audit verify -R "$REG"
t_done
