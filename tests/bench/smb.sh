#!/bin/bash
# tests/bench/smb.sh - recfs served over SMB3 (issue 13): figures, not a test.
#
#   tests/bench/smb.sh [RUNS] [RECORDINGS] [BIG_MB]      (as root; default 3 500 50)
#
# Builds a register of RECORDINGS synthetic recordings and one of about
# BIG_MB MiB, mounts it with the three levels' keyrings, starts smbd with
# the shipped packaging/examples/smb.conf on a loopback port (the
# integration tests' lib.sh: start_smbd) and, as the analysis user, takes
# in turns RUNS times (page cache dropped before each measurement):
#   - the download of the big recording with smbclient over SMB3, encrypted
#     (`get`), and a local `cat` of it, in MB/s (10^6 bytes);
#   - a listing of the whole tree over SMB (`recurse; ls`), the same on a
#     share with `ea support = no`, and a local `ls -lR`, in seconds;
#   - the audit entries and sealed-record decryptions one SMB listing
#     causes (decryptions counted with a perf uprobe on dek_read_record
#     when perf can place one, else left out).
# Prints every run and the medians.  Asserts nothing; exit 0 when it ran.
. "$(dirname "$0")/../integration/lib.sh"

RUNS=${1:-3}
COUNT=${2:-500}
BIG_MB=${3:-50}
have_samba || { echo "smbd, smbclient or smbpasswd missing (apt-get install samba smbclient)" >&2; exit 1; }
have_generator || { echo "tests/gen/gen_register.py is missing" >&2; exit 1; }

make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" "$COUNT" --seed 21
ingest_spool "$T_TMP/spool"
gen_manifests "$T_TMP/spool-big" 0 --big-mb "$BIG_MB"
ingest_spool "$T_TMP/spool-big"
analyst=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
start_smbd "$MNT" "$analyst"
# The same share with EAs off, for the listing's cost of EAs.
printf '[noea]\n\tpath = %s\n\tea support = no\n\tread only = yes\n' "$MNT" >>"$SMB_CONF"

big=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' -size +$((BIG_MB / 2))M | head -n 1)
[ -n "$big" ] || { echo "the big recording is not in the analyst's view" >&2; exit 1; }
bytes=$(as_user "$analyst" stat -c %s "$big")
rel=${big#"$MNT"/}
win=${rel//\//\\}
echo "recfs over SMB3 (encrypted): $COUNT recordings + one of $bytes bytes, $RUNS runs, as analysis"

drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }
# secs CMD...: wall time of CMD in seconds (3 decimals).
secs()
{
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	t1=$(date +%s%N)
	echo "scale=3; ($t1 - $t0) / 1000000000" | bc
}
mbps() { echo "scale=1; $bytes / $1 / 1000000" | bc; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

smb_get() { smb "$analyst" "get \"$win\" /dev/null"; }
local_cat() { as_user "$analyst" cat "$big"; }
smb_list() { smb "$analyst" "recurse; ls"; }
local_list() { as_user "$analyst" ls -lR "$MNT"; }
smb_list_noea()
{
	smbclient "//127.0.0.1/noea" -p "$SMB_PORT" -U "$analyst%$SMB_PW" -m SMB3 --client-protection=encrypt \
		-s /dev/null -c "recurse; ls"
}

printf '%-6s %13s %13s %13s %13s %13s\n' run "SMB get MB/s" "cat MB/s" "SMB list s" "(EAs off) s" "ls -lR s"
: >"$T_TMP/r"
for r in $(seq 1 "$RUNS"); do
	drop; a=$(secs smb_get)
	drop; b=$(secs local_cat)
	drop; c=$(secs smb_list)
	drop; e=$(secs smb_list_noea)
	drop; d=$(secs local_list)
	printf '%-6s %13s %13s %13s %13s %13s\n' "$r" "$(mbps "$a")" "$(mbps "$b")" "$c" "$e" "$d"
	echo "$(mbps "$a") $(mbps "$b") $c $e $d" >>"$T_TMP/r"
done
printf '%-6s %13s %13s %13s %13s %13s\n' median "$(cut -d' ' -f1 "$T_TMP/r" | median)" \
	"$(cut -d' ' -f2 "$T_TMP/r" | median)" "$(cut -d' ' -f3 "$T_TMP/r" | median)" \
	"$(cut -d' ' -f4 "$T_TMP/r" | median)" "$(cut -d' ' -f5 "$T_TMP/r" | median)"

# What one listing over SMB costs the audit log and the key path.  The
# details of a recording are logged once per user and ten minutes (quiet.h):
# a new user, so that the count is that of a first listing.
lister=${T_USER_PREFIX}lister
useradd -M -N -d / -s /bin/sh -g recfs-analysis "$lister" && printf '%s\n' "$lister" >>"$T_USER_LIST"
printf '%s\n%s\n' "$SMB_PW" "$SMB_PW" | smbpasswd -c "$SMB_CONF" -a -s "$lister" >/dev/null 2>&1
sleep 1
n0=$(q "SELECT count(*) FROM audit")
probe=
if command -v perf >/dev/null && perf probe -q -x "$RECFS" dek_read_record >/dev/null 2>&1; then
	probe=$(perf probe -l 2>/dev/null | awk '/dek_read_record/ { print $1; exit }')
fi
if [ -n "$probe" ]; then
	perf stat -x, -e "$probe" -p "${T_MOUNT_PID[$MNT]}" -o "$T_TMP/perf" 2>/dev/null &
	pp=$!
	sleep 1
	smb "$lister" "recurse; ls" >/dev/null
	sleep 1
	kill -INT "$pp"
	wait "$pp"
	dec=$(awk -F, '/dek_read_record/ { print $1 }' "$T_TMP/perf")
	[ -n "$dec" ] || dec="(perf: $(tail -n 2 "$T_TMP/perf" | tr '\n' ' '))"
	perf probe -q -d "$probe" >/dev/null 2>&1
else
	smb "$lister" "recurse; ls" >/dev/null
	dec="(no perf uprobe)"
fi
sleep 1
echo "one first SMB listing of the tree: $(($(q "SELECT count(*) FROM audit") - n0)) audit entries, $dec sealed-record decryptions"
stop_smbd
unmount_recfs "$MNT"
