#!/bin/bash
# A rights command that reaches another level's copy of the tree
# (recfs(8): a descriptor another level opened, passed on or kept across a
# change of uid) is refused with ENOENT, as every request there, and
# logged as the refusal it is, naming the recording or subject.  A root
# process opens a day's folder, one of its recordings, by-subject and a
# subject's folder as the privacy officer, then becomes a training user
# and through those descriptors tries rm (unlinkat), setfattr of
# user.gdpr.legal_hold, retention_until and restricted, setfattr -x of the
# hold, chmod 0 (fchmod), rmdir of the subject folder and setfattr of its
# user.recfs.name: each is ENOENT and logged.  A caller of no level there
# (Samba's vfs_acl_xattr retrying a removal as root, recfs-smb(7)) still
# gets EACCES, and no entry of its own.  Nothing changed.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 12 --seed 23
ingest_spool "$T_TMP/spool"
make_group recfs-analysis
dpo=$(make_level_user privacy)
trainer=$(make_level_user training)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

f=$(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | sort | head -n 1)
[ -n "$f" ] || t_abort "data" "no recording the privacy officer sees"
rid=$(rid_of "$f")
h=$(as_user "$dpo" ls "$MNT/by-subject" | head -n 1)
[ -n "$h" ] || t_abort "data" "no subject the privacy officer sees"
held_before=$(q "SELECT coalesce(legal_hold, '') || '|' || retention_until || '|' || restricted_since FROM recording WHERE id = '$rid'")

cat >"$T_TMP/switch.py" <<'PY'
import errno, os, pwd, sys
hi, lo, f, subjects, handle = sys.argv[1:6]
def become(name):
    os.seteuid(0)
    if name == "root":
        os.setgroups([])
        os.setegid(0)
        return
    pw = pwd.getpwnam(name)
    os.setgroups(os.getgrouplist(name, pw.pw_gid))
    os.setegid(pw.pw_gid)
    os.seteuid(pw.pw_uid)
def tried(what, fn, *args):
    try:
        fn(*args)
        print(what, "allowed")
    except OSError as e:
        print(what, errno.errorcode[e.errno])
become(hi)
dfd = os.open(os.path.dirname(f), os.O_RDONLY | os.O_DIRECTORY)
ffd = os.open(f, os.O_RDONLY)
sfd = os.open(subjects, os.O_RDONLY | os.O_DIRECTORY)
hfd = os.open(os.path.join(subjects, handle), os.O_RDONLY | os.O_DIRECTORY)
name = os.path.basename(f)
# first, as the kernel forgets a name whose unlink was ENOENT
become("root")
tried("root-unlink", lambda: os.unlink(name, dir_fd=dfd))
become(lo)
tried("unlink", lambda: os.unlink(name, dir_fd=dfd))
tried("hold", os.setxattr, ffd, "user.gdpr.legal_hold", b"case 7")
tried("retention", os.setxattr, ffd, "user.gdpr.retention_until", b"2027-01-01")
tried("restrict", os.setxattr, ffd, "user.gdpr.restricted", b"objection")
tried("release-hold", os.removexattr, ffd, "user.gdpr.legal_hold")
tried("chmod", os.chmod, ffd, 0)
tried("rmdir", lambda: os.rmdir(handle, dir_fd=sfd))
tried("rectify", os.setxattr, hfd, "user.recfs.name", b"Someone Else")
PY
out=$(/usr/bin/python3 "$T_TMP/switch.py" "$dpo" "$trainer" "$f" "$MNT/by-subject" "$h" 2>&1)
printf '%s\n' "$out" | sed 's/^/   /'
for what in unlink hold retention restrict release-hold chmod rmdir rectify; do
	assert_contains "$what through the officer's descriptor, as a training user: ENOENT" "$out" "$what ENOENT"
done
assert_contains "root's retry of the unlink there (no level): EACCES" "$out" "root-unlink EACCES"

# The mount writes its entries in batches: wait for the last one.
logged() { q "SELECT count(*) FROM audit WHERE user = '$trainer' AND outcome = 'refused' AND reason = 'ENOENT'"; }
all_logged() { [ "$(logged)" -ge 8 ]; }
poll_since "$(now_ns)" 5000 all_logged
entry() { q "SELECT count(*) FROM audit WHERE user = '$trainer' AND action = '$1' AND object = '$2' AND outcome = 'refused' AND reason = 'ENOENT'"; }
for action in erase hold retention restrict release-hold chmod; do
	assert_eq "the training user's $action of the recording is logged, refused ENOENT" 1 "$(entry "$action" "$rid")"
done
for action in erase-subject rectify; do
	assert_eq "the training user's $action of the subject is logged, refused ENOENT" 1 "$(entry "$action" "$h")"
done
assert_eq "no entry of root's for the recording" 0 \
	"$(q "SELECT count(*) FROM audit WHERE uid = 0 AND object = '$rid' AND action != 'ingest'")"
assert_eq "the recording is unchanged" "$held_before" \
	"$(q "SELECT coalesce(legal_hold, '') || '|' || retention_until || '|' || restricted_since FROM recording WHERE id = '$rid'")"
assert_eq "the subject's card is still there" 1 "$(q "SELECT count(*) FROM subject WHERE handle = '$h'")"
unmount_recfs "$MNT"
assert_ok "the audit log verifies at the end" "$RECCTL" audit verify -R "$REG"
t_done
