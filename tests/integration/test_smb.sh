#!/bin/bash
# Samba over a recfs mount (issue 13): smbd with the shipped
# packaging/examples/smb.conf on a loopback port, smbclient as users of two
# levels and the rights level.  Each sees over SMB exactly its local view,
# reads the local bytes, is named in the audit log; a higher level's path
# is "not found" to a lower one; the rights level's `del` erases, a lower
# level's and a held recording's `del` are "access denied" and logged with
# the refusing user; two users by turns on one smbd keep their views; a
# listing with extended attributes decrypts and logs nothing.
. "$(dirname "$0")/lib.sh"

if ! have_samba; then
	echo "skipped: smbd, smbclient or smbpasswd missing (apt-get install samba smbclient)"
	t_done
	exit 0
fi

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 30 --seed 13 --meetings 0.3
ingest_spool "$spool"
trainer=$(make_level_user training)
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

# --- smbd ------------------------------------------------------------------
start_smbd "$MNT" "$trainer" "$analyst" "$dpo"
assert_match "the share refuses a client that speaks no SMB3" \
	"$(smbclient //127.0.0.1/register -p "$SMB_PORT" -U "$analyst%$SMB_PW" -m SMB2_10 -s /dev/null -c ls 2>&1)" \
	'NT_STATUS_(CONNECTION_RESET|INVALID_NETWORK_RESPONSE|NOT_SUPPORTED|CONNECTION_DISCONNECTED)|protocol negotiation failed'

# smb_tree USER: the paths USER's `recurse; ls` of the share lists, one a
# line, relative, with /.
smb_tree()
{
	smb "$1" "recurse; ls" | awk '
		/^\\/ { dir = substr($0, 2); gsub(/\\/, "/", dir); next }
		/^  / && $1 != "." && $1 != ".." { print (dir == "" ? "" : dir "/") $1 }' | sort
}
# local_tree USER: the same of the mount, by a local find as USER.
local_tree()
{
	as_user "$1" find "$MNT" -mindepth 1 -printf '%P\n' | sort
}
# sums DIR: "sha256 path" of the files under DIR, by path.
sums()
{
	(cd "$1" && find . -type f -printf '%P\0' | sort -z | xargs -0 -r sha256sum)
}
entries() { q "SELECT count(*) FROM audit"; }
# The mount writes its audit entries in batches: wait for them.
settle() { sleep 0.6; }

# --- listing with extended attributes decrypts and logs nothing -----------
# First: a read of sealed details is logged once per user, recording and
# ten minutes (quiet.h), so only a first listing would show one.
settle
n0=$(entries)
smb "$analyst" "recurse; ls" >/dev/null
smb "$dpo" "recurse; ls" >/dev/null
settle
assert_eq "the first listings of the whole tree over SMB (ea support = yes) write no audit entry" "$n0" "$(entries)"
# --- each level sees its own view, reads the local bytes ------------------
for u in "$trainer" "$analyst" "$dpo"; do
	want=$(local_tree "$u")
	got=$(smb_tree "$u")
	[ -n "$want" ] || fail "$u sees something locally" "empty"
	if [ "$want" = "$got" ]; then
		pass "$u over SMB lists exactly its local view ($(printf '%s\n' "$got" | wc -l) names)"
	else
		fail "$u over SMB lists exactly its local view" "$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -n 8)"
	fi
	d=$T_TMP/dl/$u
	mkdir -p "$d"
	smb "$u" "lcd $d; cd by-date; prompt off; recurse on; mget *" >"$T_TMP/mget.$u" 2>&1
	want=$(as_user "$u" sh -c 'cd "$1/by-date" && find . -type f -printf "%P\0" | sort -z | xargs -0 -r sha256sum' sh "$MNT")
	n=$(printf '%s\n' "$want" | grep -c .)
	if [ "$n" -gt 0 ] && [ "$want" = "$(sums "$d")" ]; then
		pass "$u's downloads over SMB equal its local reads ($n files)"
	else
		fail "$u's downloads over SMB equal its local reads" \
			"$(diff <(printf '%s\n' "$want") <(sums "$d") | head -n 4) $(grep -m 2 NT_STATUS "$T_TMP/mget.$u")"
	fi
done
settle
for u in "$trainer" "$analyst" "$dpo"; do
	assert_match "the audit log names $u for its opens through smbd" \
		"$(q "SELECT count(*) FROM audit WHERE user = '$u' AND comm = 'smbd' AND action = 'open' AND outcome = 'ok'")" '^[1-9]'
done

# A file training may read, read by analysis: its group over SMB is the
# caller's level's, not the lowest level's (Samba's ACL comes from it).
f=$(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | sort | head -n 1)
rel=${f#"$MNT"/}
win=${rel//\//\\}
assert_eq "analysis sees its own group on a file training may read" "${T_GROUP_ANALYSIS:-recfs-analysis}" \
	"$(as_user "$analyst" stat -c %G "$f")"
assert_eq "training sees its own group on it" "recfs-training" "$(as_user "$trainer" stat -c %G "$f")"
assert_contains "analysis downloads a file training may read" \
	"$(smb "$analyst" "get \"$win\" $T_TMP/g.analyst")" "getting file"

# --- a higher level's path is not found to a lower one ---------------------
hi=
for x in $(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | sort); do
	as_user "$trainer" test -e "$x" || { hi=$x; break; }
done
[ -n "$hi" ] || t_abort "data" "no recording training may not see"
hwin=${hi#"$MNT"/}
hwin=${hwin//\//\\}
assert_match "training's get of a higher level's path is not found" \
	"$(smb "$trainer" "get \"$hwin\" $T_TMP/g.hi")" 'NT_STATUS_OBJECT_(NAME|PATH)_NOT_FOUND'
assert_no_file "and nothing was written" "$T_TMP/g.hi"

# --- extended attributes of one file over SMB ---------------------------
# (Samba opens the file to read them: that open is logged as any open.)
details() { q "SELECT count(*) FROM audit WHERE action IN ('details', 'card')"; }
n0=$(details)
x=$(smb "$analyst" "geteas \"$win\"")
assert_contains "the GDPR fields are EAs over SMB" "$x" "gdpr.retention_until"
assert_not_contains "sealed details are not" "$x" "recfs.title"
settle
assert_eq "and reading a file's EAs over SMB logs no read of sealed details" "$n0" "$(details)"

# --- rights over SMB --------------------------------------------------------
id8=${rel##*_}
id8=${id8%.opus}
rid=$(q "SELECT id FROM recording WHERE id LIKE '$id8%'")
[ -n "$rid" ] || t_abort "data" "no recording id for $rel"
refused_by() { q "SELECT count(*) FROM audit WHERE user = '$1' AND action = 'erase' AND object = '$rid' AND outcome = 'refused'"; }
for u in "$trainer" "$analyst"; do
	assert_contains "$u's del over SMB is access denied" "$(smb "$u" "del \"$win\"")" NT_STATUS_ACCESS_DENIED
	settle
	assert_eq "and logged as $u's refused erasure" 1 "$(refused_by "$u")"
done
assert_eq "the recording is still there" 1 "$(q "SELECT count(*) FROM recording WHERE id = '$rid'")"
x=$(smb "$dpo" "setea \"$win\" gdpr.legal_hold \"case 13\"")
settle
assert_eq "the rights level places a legal hold with setea over SMB" 1 \
	"$(q "SELECT count(*) FROM recording WHERE id = '$rid' AND legal_hold IS NOT NULL AND legal_hold != ''")"
[ "$(q "SELECT count(*) FROM recording WHERE id = '$rid' AND legal_hold IS NOT NULL AND legal_hold != ''")" = 1 ] ||
	t_abort "setea" "$x"
assert_contains "the rights level's del of a held recording is access denied" \
	"$(smb "$dpo" "del \"$win\"")" NT_STATUS_ACCESS_DENIED
settle
assert_eq "and logged as the rights level's refused erasure, not root's" 1 "$(refused_by "$dpo")"
assert_eq "no entry of root's for it" 0 "$(q "SELECT count(*) FROM audit WHERE uid = 0 AND object = '$rid' AND action != 'ingest'")"
as_user "$dpo" setfattr -x user.gdpr.legal_hold "$f" || fail "lift the hold" "setfattr -x failed"
x=$(smb "$dpo" "del \"$win\"")
assert_not_contains "the rights level's del over SMB succeeds" "$x" NT_STATUS
settle
assert_eq "and erases the recording" 0 "$(q "SELECT count(*) FROM recording WHERE id = '$rid'")"
assert_eq "the erasure is in the audit log under the rights level's user" 1 \
	"$(q "SELECT count(*) FROM audit WHERE user = '$dpo' AND action = 'erase' AND object = '$rid' AND outcome = 'ok'")"
assert_fails_with "the erased file is gone for the rights level locally" "No such file" as_user "$dpo" stat "$f"

# --- a share with acl_xattr ------------------------------------------------
# vfs_acl_xattr (common on domain members) retries an unlink that failed
# with EACCES or EPERM as root, in the folder the user's walk reached:
# still access denied, and the refusal logged under the user.
printf '[aclx]\n\tpath = %s\n\tread only = no\n\tacl check permissions = no\n\tvfs objects = acl_xattr\n' \
	"$MNT" >>"$SMB_CONF"
f2=$(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | sort | sed -n 2p)
win2=${f2#"$MNT"/}
win2=${win2//\//\\}
id8=${f2##*_}
rid2=$(q "SELECT id FROM recording WHERE id LIKE '${id8%.opus}%'")
x=$(smbclient //127.0.0.1/aclx -p "$SMB_PORT" -U "$trainer%$SMB_PW" -m SMB3 --client-protection=encrypt -s /dev/null \
	-c "del \"$win2\"" 2>&1)
assert_contains "with acl_xattr, training's del is still access denied" "$x" NT_STATUS_ACCESS_DENIED
settle
assert_eq "and logged as training's refused erasure" 1 \
	"$(q "SELECT count(*) FROM audit WHERE user = '$trainer' AND action = 'erase' AND object = '$rid2' AND outcome = 'refused'")"
assert_eq "the recording is still there" 1 "$(q "SELECT count(*) FROM recording WHERE id = '$rid2'")"

# --- two users by turns on one smbd ----------------------------------------
# Two sessions held open, fed through fifos, asked by turns for the same
# folder; each answer is that user's local view of it.
dir=
for x in $(as_user "$trainer" find "$MNT/by-date" -mindepth 2 -type d | sort -r); do
	[ "$(as_user "$trainer" ls "$x")" != "$(as_user "$analyst" ls "$x")" ] && { dir=$x; break; }
done
[ -n "$dir" ] || t_abort "data" "no folder where training and analysis see different things"
drel=${dir#"$MNT"/}
dwin=${drel//\//\\}
start_session()
{
	mkfifo "$T_TMP/in.$1"
	stdbuf -oL -eL smbclient "//127.0.0.1/register" -p "$SMB_PORT" -U "$1%$SMB_PW" -m SMB3 \
		--client-protection=encrypt -s /dev/null <"$T_TMP/in.$1" >"$T_TMP/out.$1" 2>&1 &
	T_DAEMONS+=("$!")
	exec {fd}>"$T_TMP/in.$1"
	eval "FD_$2=$fd"
}
# ask FD USER LISTING: send the ls command LISTING as one line (smbclient
# reads a second line of the same write only after 5 s) and print its
# answer, which ends with the "blocks available" line.
ask()
{
	local fd=$1 u=$2 off i
	off=$(stat -c %s "$T_TMP/out.$u")
	printf '%s\n' "$3" >&"$fd"
	for i in $(seq 1 250); do
		tail -c +"$((off + 1))" "$T_TMP/out.$u" | grep -aq "blocks available" && break
		sleep 0.02
	done
	tail -c +"$((off + 1))" "$T_TMP/out.$u"
}
names_of() { awk '/^  / && $1 != "." && $1 != ".." { print $1 }' | sort; }
start_session "$trainer" T
start_session "$analyst" A
# smbstatus (the test's smbd) lists the two sessions, both encrypted.
for _ in $(seq 1 50); do
	[ "$(smbstatus -s "$SMB_CONF" -b 2>/dev/null | grep -c "$T_USER_PREFIX")" -ge 2 ] && break
	sleep 0.1
done
x=$(smbstatus -s "$SMB_CONF" -b 2>&1 | grep "$T_USER_PREFIX")
assert_eq "two sessions, both SMB3 and encrypted" 2 "$(printf '%s\n' "$x" | grep -c 'SMB3_[0-9]* *AES-')"
want_t=$(as_user "$trainer" ls "$dir" | sort)
want_a=$(as_user "$analyst" ls "$dir" | sort)
[ "$want_t" != "$want_a" ] || fail "the two levels see different things in $drel" "the same"
bad=0
for r in 1 2 3 4 5 6; do
	got=$(ask "$FD_T" "$trainer" "ls \"$dwin\\*\"")
	[ "$(printf '%s\n' "$got" | names_of)" = "$want_t" ] || { bad=$((bad + 1)); why=$got; }
	[ "$(ask "$FD_A" "$analyst" "ls \"$dwin\\*\"" | names_of)" = "$want_a" ] || bad=$((bad + 1))
	# and a local walk of each between the turns
	as_user "$analyst" ls "$dir" >/dev/null
	as_user "$trainer" ls "$dir" >/dev/null
done
assert_eq "two sessions by turns, 6 rounds: each keeps its own view" 0 "$bad${why:+ ($why)}"
exec {FD_T}>&- {FD_A}>&-

stop_smbd
unmount_recfs "$MNT"
t_done
