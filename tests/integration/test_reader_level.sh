#!/bin/bash
# A read is decided for the process making it, not only at the open
# (recfs(8), "Open files"): a descriptor opened while its user had a level
# reads nothing new once the user has lost it (taken out of the level's
# group), nor once its process has changed its uid to a user without a
# level or with a level that does not see the file; each such read is
# EACCES, the first of each descriptor logged.  A reader whose level
# still sees the file reads on, and a level that sees the file through a
# descriptor another level opened reads it too.  fstat(2) of a descriptor
# whose user lost the level is not ENOENT (bb6 F1): cat(1) and cp(1)
# fstat their input first, and must go on to the read that is refused
# and logged.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 12 --seed 41
ingest_spool "$spool"
make_group recfs-analysis
make_group recfs-training
dpo=$(make_level_user privacy)
trainer=$(make_level_user training)
mover=$(make_plain_user mover)
nobody=$(make_plain_user nolevel)
usermod -a -G recfs-analysis "$mover" || t_abort "usermod" "cannot add $mover to recfs-analysis"
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

# A .wav view the analysis level sees and the training level does not
# (some hundreds of KiB: room for reads the kernel has not cached).
wav=""
while read -r f; do
	as_user "$trainer" test -e "$f" && continue
	wav=$f
	break
done < <(as_user "$mover" find "$MNT/by-date" -name '*.wav' -size +200k | sort)
[ -n "$wav" ] || t_abort "data" "no .wav of 200 KiB the analysis level sees and training does not"
stem=${wav##*/}
rid=$(q "SELECT id FROM recording WHERE id LIKE '$(printf '%s' "${stem%.wav}" | sed 's/.*_//')%'")
[ -n "$rid" ] || t_abort "data" "no id for $stem"

# The reader: no read-ahead (POSIX_FADV_RANDOM), so a pread reaches the
# mount unless that very page was read before.  Commands:
#   read OFF        "ok N" or "err ERRNO" (4 KiB at OFF)
#   euid USER       become USER (its groups too; from root)
cat >"$T_TMP/reader.py" <<'EOF'
import errno, os, pwd, sys
def become(name):
    os.seteuid(0)
    pw = pwd.getpwnam(name)
    os.setgroups(os.getgrouplist(name, pw.pw_gid))
    os.setegid(pw.pw_gid)
    os.seteuid(pw.pw_uid)
if len(sys.argv) > 2:
    become(sys.argv[2])
fd = os.open(sys.argv[1], os.O_RDONLY)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
print("open", flush=True)
for line in sys.stdin:
    cmd = line.split()
    if cmd[0] in ("read", "fstat", "cat"):
        try:
            if cmd[0] == "fstat":
                print("ok", os.fstat(fd).st_size, flush=True)
                continue
            if cmd[0] == "cat":
                os.fstat(fd)	# as cat(1) does before it reads
            print("ok", len(os.pread(fd, 4096, int(cmd[1]))), flush=True)
        except OSError as e:
            print("err", errno.errorcode[e.errno], flush=True)
    elif cmd[0] == "euid":
        become(cmd[1])
        print("ok", flush=True)
    elif cmd[0] == "quit":
        break
EOF

# --- a user taken out of the level's group -----------------------------------
start_reader gone "$mover" "$wav"
ask gone "read 0"
assert_eq "the analyst reads the .wav it opened" "ok 4096" "$T_ANS"
gpasswd -d "$mover" recfs-analysis >/dev/null || t_abort "gpasswd" "cannot take $mover out of recfs-analysis"
# The mount keeps a user's level for 5 s (fs/caller.c, CALLER_TTL).
sleep 6
# fstat twice (the kernel may answer one from its cache).
ask gone "fstat"
assert_not_contains "out of the group, fstat of the open descriptor is not ENOENT" "$T_ANS" "ENOENT"
ask gone "fstat"
assert_not_contains "nor the next fstat" "$T_ANS" "ENOENT"
ask gone "cat 65536"
assert_eq "out of the group, cat's fstat and read of a page never read is EACCES" "err EACCES" "$T_ANS"
ask gone "read 131072"
assert_eq "and the next one too" "err EACCES" "$T_ANS"
# refusals_of USER: refused reads (EACCES) of the recording logged for USER,
# once the mount's entries have reached the catalog (written every 250 ms).
refusals_of()
{
	local sql="SELECT count(*) FROM audit WHERE action = 'read' AND outcome = 'refused' AND reason = 'EACCES'
		AND object = '$rid' AND uid = $(id -u "$1")"
	for _ in $(seq 1 30); do
		[ "$(q "$sql")" -gt 0 ] && break
		sleep 0.1
	done
	q "$sql"
}
assert_eq "the refused read is logged once for the descriptor" "1" "$(refusals_of "$mover")"
usermod -a -G recfs-analysis "$mover" || t_abort "usermod" "cannot add $mover back"
sleep 6
ask gone "read 196608"
assert_eq "back in the group, it reads again" "ok 4096" "$T_ANS"
stop_reader gone

# --- a process that changes its uid ------------------------------------------
# A root process opens as the analyst, then takes the uid of a user with no
# level, of one whose level does not see the file, and of the privacy
# officer, whose level sees it (through the analysis level's key).
mkfifo "$T_TMP/sw.in" "$T_TMP/sw.out"
/usr/bin/python3 "$T_TMP/reader.py" "$wav" "$mover" <"$T_TMP/sw.in" >"$T_TMP/sw.out" 2>"$T_TMP/sw.err" &
R_PID[sw]=$!
exec {fd}>"$T_TMP/sw.in"
R_IN[sw]=$fd
exec {fd}<"$T_TMP/sw.out"
R_OUT[sw]=$fd
read -r -t 20 line <&"${R_OUT[sw]}"
[ "$line" = open ] || t_abort "reader sw" "cannot open: $(cat "$T_TMP/sw.err")"
ask sw "read 0"
assert_eq "opened as the analyst, it reads" "ok 4096" "$T_ANS"
ask sw "euid $nobody"
ask sw "read 65536"
assert_eq "as a user with no level, EACCES" "err EACCES" "$T_ANS"
ask sw "euid $trainer"
ask sw "read 131072"
assert_eq "as a training user, whose level does not see it, EACCES" "err EACCES" "$T_ANS"
ask sw "euid $dpo"
ask sw "read 196608"
assert_eq "as the privacy officer, whose level sees it, it reads" "ok 4096" "$T_ANS"
ask sw "euid $mover"
ask sw "read 262144"
assert_eq "as the analyst again, it reads" "ok 4096" "$T_ANS"
stop_reader sw
assert_eq "no refused read is logged for the privacy officer" "0" \
	"$(q "SELECT count(*) FROM audit WHERE action = 'read' AND outcome = 'refused' AND uid = $(id -u "$dpo")")"

# The descriptor of the switching process was refused twice, logged once
# (under the first uid refused).
assert_eq "the switching descriptor's refusal is logged once" "1" "$(refusals_of "$nobody")"
assert_eq "and not again for the training user" "0" "$(refusals_of "$trainer")"

unmount_recfs "$MNT"
assert_ok "the audit log verifies at the end" "$RECCTL" audit verify -R "$REG"
t_done
