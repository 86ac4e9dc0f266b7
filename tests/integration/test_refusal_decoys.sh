#!/bin/bash
# A flood of refusals does not hide which recordings a user tried to get
# at (test_refusals: the mixed flood), whatever the flood is made of.  A
# user of the analysis level tries a protected recording (recctl protect)
# in three rounds, each in a second that they first fill with decoys (a
# round that spills into the next second proves nothing, and another is
# run, up to 8; at least one must stay within its second):
# - unlock: 25 refused chmods, then a wrong passphrase for the protected
#   recording (setfattr user.recfs.unlock): the guess is named;
# - write-opens: 20 opens for writing (EROFS) of 20 recordings they may
#   read, then an open of the protected one (ENOKEY): it is named;
# - caps: with max_handles_per_uid=2 and 2 files held open, 20 opens of
#   recordings they may read (EMFILE), one file closed, then an open of
#   the protected one (ENOKEY): it is named;
# - unlocks of 20 recordings that are not protected (EINVAL), then a
#   wrong passphrase for the protected one: it is named;
# - rights: 25 refused mkdirs (EROFS), then rm, chmod 0 and setfattr of
#   user.gdpr.legal_hold and user.gdpr.retention_until of a recording
#   they may read, which the register refuses below the rights level:
#   each is named;
# - rms: 25 refused mkdirs, then rm of the 20 recordings they may read
#   (each named: rights commands have names of their own), then an open
#   of the protected one: it is still named, the rms took none of its names;
# - other: 25 refused mkdirs, a chmod g+w of a recording and an rmdir of a
#   subject's folder in the user's own view (EPERM, ENOTEMPTY: refusals
#   any reader makes), then a chmod 0 and an rmdir of the same through the
#   privacy officer's descriptors (ENOENT): each of these is named.
# The decoys are counted as before: every call is in the log, one by one
# or in a "refusals" entry.
. "$(dirname "$0")/lib.sh"
users=()
declare -A rounds=()

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 30 --seed 9 --meetings 0
ingest_spool "$T_TMP/spool"
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
T_MOUNT_OPTS="max_handles_per_uid=2"
mount_all_levels "$MNT"
mapfile -t seen < <(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | sort)
prot=${seen[2]}
printf 'correct horse battery\n' >"$T_TMP/pass"
assert_ok "privacy: recctl protect a recording" as_user "$dpo" "$RECCTL" protect --passfile "$T_TMP/pass" "$prot"
prid=$(rid_of "$prot")
# 20 other recordings, one file each, and 2 more to hold open.
declare -A taken=([$prid]=1)
decoys=()
for f in "${seen[@]}"; do
	r=$(rid_of "$f")
	[ -n "${taken[$r]:-}" ] && continue
	taken[$r]=1
	decoys+=("$f")
done
[ ${#decoys[@]} -ge 22 ] || t_abort "data" "fewer than 22 other recordings: ${#decoys[@]}"
printf '%s\n' "${decoys[@]:0:20}" >"$T_TMP/decoys"
printf '%s\n' "${decoys[@]:20:2}" >"$T_TMP/held"
cat >"$T_TMP/try.py" <<'PY'
import errno, os, sys, time
mode, target, chm = sys.argv[1], sys.argv[2], sys.argv[3]
decoys, held = open(sys.argv[4]).read().split(), open(sys.argv[5]).read().split()
rounds = kept = 0
def refused(fn, *args):
    try:
        fn(*args)
        return 0
    except OSError as e:
        return e.errno
# Three rounds that each stay in their second, in at most 8 tries.
while kept < 3 and rounds < 8:
    rnd = rounds
    rounds += 1
    t = time.time()
    time.sleep(1.02 - (t - int(t)))	# at the start of a second: all of it in that second
    start = int(time.time())
    if mode == "rights" or mode == "rms":
        bad = [refused(os.mkdir, os.path.join(os.path.dirname(target), "new%d" % i)) for i in range(25)]
        want = (errno.EROFS,)
        if mode == "rights":
            f = held[0]
            got = [refused(os.unlink, f), refused(os.chmod, f, 0),
                   refused(os.setxattr, f, "user.gdpr.legal_hold", b"keep"),
                   refused(os.setxattr, f, "user.gdpr.retention_until", b"2027-01-01")]
        else:
            got = [refused(os.unlink, d) for d in decoys]
        if any(g not in (errno.EACCES, errno.EPERM) for g in got):
            sys.exit("a rights command was not refused as meant: %s" % sorted(set(got)))
        if mode == "rms":
            got = refused(lambda p: os.close(os.open(p, os.O_RDONLY)), target)
            if got != errno.ENOKEY:
                sys.exit("the protected recording: errno %d" % got)
    elif mode == "unlock" or mode == "einval":
        if mode == "unlock":
            bad = [refused(os.chmod, chm, 0) for _ in range(25)]
            want = (errno.EPERM,)
        else:
            bad = [refused(os.setxattr, d, "user.recfs.unlock", b"not protected") for d in decoys]
            want = (errno.EINVAL,)
        got = refused(os.setxattr, target, "user.recfs.unlock", b"wrong guess %d" % rnd)
        if got != errno.EACCES:
            sys.exit("the wrong passphrase: errno %d" % got)
    else:
        fds = [os.open(h, os.O_RDONLY) for h in held] if mode == "caps" else []
        bad = [refused(lambda d: os.close(os.open(d, os.O_WRONLY if mode == "wopen" else os.O_RDONLY)), d)
               for d in decoys]
        want = (errno.EROFS,) if mode == "wopen" else (errno.EMFILE,)
        if fds:
            os.close(fds.pop())
            # FUSE sends the release of a closed file after close(2)
            # returns: the open it frees is the mount's once that is read.
            time.sleep(0.1)
        got = refused(lambda p: os.close(os.open(p, os.O_RDONLY)), target)
        for fd in fds:
            os.close(fd)
        if got != errno.ENOKEY:
            sys.exit("the protected recording: errno %d" % got)
    if any(b not in want for b in bad):
        sys.exit("a decoy was not refused as meant: %s" % sorted(set(bad)))
    # A slow machine (a sanitizer build under load) can take more than
    # the second: the try then meets a fresh budget and is named anyway.
    # Such a round proves nothing, and another is run.
    if int(time.time()) == start:
        kept += 1
print("ok %d %d" % (rounds, kept))
PY
tries() {
	local who=$1
	"$RECCTL" audit show -R "$REG" --user "$who" --json |
		jq --arg r "$prid" '[.[] | select(.object == $r and .outcome == "refused" and (.action == "open" or .action == "unlock"))] | length'
}
modes="unlock wopen caps einval rights rms"
for mode in $modes; do
	u=$(make_plain_user "d$mode")
	usermod -a -G recfs-analysis "$u" || t_abort "usermod" "cannot add $u to recfs-analysis"
	out=$(as_user "$u" /usr/bin/python3 "$T_TMP/try.py" "$mode" "$prot" "${seen[1]}" "$T_TMP/decoys" "$T_TMP/held" 2>&1)
	echo "   $mode: $out (rounds, rounds within their second)"
	assert_match "$mode: the decoys and the try are refused" "$out" '^ok [0-9]+ [0-9]+$'
	read -r _ n kept <<<"$out"
	[[ $n =~ ^[0-9]+$ && $kept =~ ^[0-9]+$ ]] || n=0 kept=0
	rounds[$mode]=$n
	# Were none within its second, the test would show nothing.
	assert_ok "$mode: a round stayed within its second" test "${kept:-0}" -ge 1
	users+=("$u")
done
# A refusal any reader makes does not use up the name of a command it
# resembles: a user of the analysis level whose descriptors of a recording
# and of by-subject were opened by the privacy officer (a root process
# that then becomes the user, as in test_other_view_rights) fills a second
# with 25 mkdirs, then makes a chmod g+w of the recording and an rmdir of
# a subject's folder in their own view (EPERM, ENOTEMPTY: anyone can), then
# a chmod 0 and an rmdir through the officer's copy (ENOENT): each of the
# latter is named.
ou=$(make_plain_user dother)
usermod -a -G recfs-analysis "$ou" || t_abort "usermod" "cannot add $ou to recfs-analysis"
users+=("$ou")
of=${decoys[0]}
oh=$(as_user "$ou" ls "$MNT/by-subject" | head -n 1)
[ -n "$oh" ] || t_abort "data" "no subject the analyst sees"
cat >"$T_TMP/other.py" <<'PY'
import errno, os, pwd, sys, time
hi, lo, f, subjects, handle = sys.argv[1:6]
def become(name):
    os.seteuid(0)
    pw = pwd.getpwnam(name)
    os.setgroups(os.getgrouplist(name, pw.pw_gid))
    os.setegid(pw.pw_gid)
    os.seteuid(pw.pw_uid)
def refused(fn, *args, **kw):
    try:
        fn(*args, **kw)
        return 0
    except OSError as e:
        return e.errno
become(hi)
ffd = os.open(f, os.O_RDONLY)
sfd = os.open(subjects, os.O_RDONLY | os.O_DIRECTORY)
become(lo)
rounds = kept = 0
while kept < 3 and rounds < 8:
    rounds += 1
    t = time.time()
    time.sleep(1.02 - (t - int(t)))
    start = int(time.time())
    bad = [refused(os.mkdir, os.path.join(os.path.dirname(f), "new%d" % i)) for i in range(25)]
    own = [refused(os.chmod, f, 0o660), refused(os.rmdir, os.path.join(subjects, handle))]
    become(hi)	# the officer's name of the folder, which the last ENOENT may have dropped
    os.stat(handle, dir_fd=sfd)
    become(lo)
    other = [refused(os.chmod, ffd, 0), refused(os.rmdir, handle, dir_fd=sfd)]
    if any(b != errno.EROFS for b in bad) or own != [errno.EPERM, errno.ENOTEMPTY] or \
       other != [errno.ENOENT, errno.ENOENT]:
        sys.exit("not refused as meant: %s %s %s" % (sorted(set(bad)), own, other))
    if int(time.time()) == start:
        kept += 1
print("ok %d %d" % (rounds, kept))
PY
out=$(/usr/bin/python3 "$T_TMP/other.py" "$dpo" "$ou" "$of" "$MNT/by-subject" "$oh" 2>&1)
echo "   other: $out (rounds, rounds within their second)"
assert_match "other: the decoys and the tries are refused" "$out" '^ok [0-9]+ [0-9]+$'
read -r _ orounds okept <<<"$out"
assert_ok "other: a round stayed within its second" test "${okept:-0}" -ge 1

sleep 1.2
# Each user's next refusal, in a new second, writes what was counted.
for u in "${users[@]}"; do as_user "$u" chmod 0 "${seen[1]}" 2>/dev/null; done
unmount_recfs "$MNT"
for mode in unlock wopen caps einval rms; do
	u=${T_USER_PREFIX}d$mode
	assert_eq "$mode: each try of the protected recording is named" "${rounds[$mode]}" "$(tries "$u")"
done
# named USER ACTION RID...: USER's refused ACTION entries naming one of RIDs.
named() {
	local who=$1 action=$2
	shift 2
	"$RECCTL" audit show -R "$REG" --user "$who" --json |
		jq --arg a "$action" --args '[.[] | select(.action == $a and .outcome == "refused" and
			(.object as $o | $ARGS.positional | index($o)))] | length' "$@"
}
hrid=$(rid_of "$(head -n 1 "$T_TMP/held")")
for action in erase restrict hold retention; do
	assert_eq "rights: each refused $action of the recording is named" "${rounds[rights]}" \
		"$(named "${T_USER_PREFIX}drights" "$action" "$hrid")"
done
mapfile -t drids < <(while read -r f; do rid_of "$f"; done <"$T_TMP/decoys")
assert_eq "rms: each refused rm of the 20 recordings is named" "$((rounds[rms] * 20))" \
	"$(named "${T_USER_PREFIX}drms" erase "${drids[@]}")"
# reason_named USER ACTION OBJECT REASON: USER's refused ACTION entries of OBJECT with REASON.
reason_named() {
	"$RECCTL" audit show -R "$REG" --user "$1" --json |
		jq --arg a "$2" --arg o "$3" --arg r "$4" \
			'[.[] | select(.action == $a and .outcome == "refused" and .object == $o and .reason == $r)] | length'
}
orid=$(rid_of "$of")
assert_eq "other: each chmod 0 through the officer's copy is named, after a chmod g+w of it" "${orounds:-0}" \
	"$(reason_named "${T_USER_PREFIX}dother" chmod "$orid" ENOENT)"
assert_eq "other: each rmdir through it is named, after one in the user's own view" "${orounds:-0}" \
	"$(reason_named "${T_USER_PREFIX}dother" erase-subject "$oh" ENOENT)"
# total USER: the user's refusals in the log, one by one or counted.
total() {
	"$RECCTL" audit show -R "$REG" --user "$1" --json | jq '[.[] | select(.outcome == "refused") |
		if .action == "refusals" then (.reason | capture("^(?<n>[0-9]+) more").n | tonumber) else 1 end] | add'
}
declare -A per=([unlock]=26 [wopen]=21 [caps]=21 [einval]=21 [rights]=29 [rms]=46 [other]=29)	# a round's refusals
rounds[other]=${orounds:-0}
for mode in $modes other; do
	assert_eq "$mode: every refusal is in the log, named or counted" \
		"$((rounds[$mode] * per[$mode] + 1))" "$(total "${T_USER_PREFIX}d$mode")"	# and the last chmod
done
assert_ok "the audit log verifies at the end" "$RECCTL" audit verify -R "$REG"
t_done
