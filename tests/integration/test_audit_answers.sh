#!/bin/bash
# The audit log answers (issue 11): every entry about a recording names the
# recording id the mount shows and the artifact; `recctl audit show
# --recording X --action open` is the "who listened" report, and lists
# exactly the users who opened the recording, through any artifact and any
# way of reading (cat, mmap, sendfile); each filter on its own and
# combined.  And it stays readable: reading the sealed details is logged
# once per caller and recording per ten minutes, whatever tool reads them
# (getfattr -d, getfattr -R -d, rsync -X, Samba with EAs on).
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
# 58 recordings: 140 files in by-date for the analysis level.
gen_manifests "$T_TMP/spool" 58 --seed 11
ingest_spool "$T_TMP/spool"

trainer=$(make_level_user training)
analyst=$(make_level_user analysis)
analyst2=$(make_plain_user analysis2)
usermod -g recfs-analysis "$analyst2" || t_abort "usermod" "cannot put $analyst2 in recfs-analysis"
dpo=$(make_level_user privacy)
nobody=$(make_plain_user nolevel)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

show() { "$RECCTL" audit show -R "$REG" "$@" 2>&1; }
# The users (column 3, without the uid) of show's lines, sorted, unique.
users_of() { awk '{ sub(/\(.*/, "", $3); print $3 }' | sort -u | tr '\n' ' '; }

# A meeting with a customer that the analysis level reads: audio, its WAV
# view and a chat.
handle=
for chat in $(as_user "$analyst" find "$MNT/by-date" -name '*.chat.txt'); do
	stem=${chat%.chat.txt}
	handle=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.subjects "$stem.opus" | cut -d, -f1)
	[ -n "$handle" ] && break
done
id8=${stem##*_}
rid=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.id "$stem.opus")
other=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' ! -name "${stem##*/}.opus" | head -n 1)
[ -n "$rid" ] && [ -n "$handle" ] && [ -n "$other" ] || t_abort "data" "id '$rid', subject '$handle', other '$other'"

# --- who opens what, and how ------------------------------------------------
t0=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sleep 1
as_user "$analyst" cat "$stem.opus" >/dev/null || fail "analysis reads the audio with cat" "cat failed"
as_user "$analyst2" /usr/bin/python3 -c '
import mmap, sys
with open(sys.argv[1], "rb") as f:
    m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
    assert m[:4] == b"RIFF"
    m.close()' "$stem.wav" || fail "a second analyst maps the WAV view" "mmap failed"
# The privacy officer, logged in as the analyst and switched to the
# privacy user (su): the log keeps who logged in.
ana_uid=$(id -u "$analyst")
sh -c 'echo "$1" >/proc/self/loginuid && shift && exec "$@"' sh "$ana_uid" \
	setpriv --reuid="$dpo" --regid="$(id -g "$dpo")" --init-groups -- /usr/bin/python3 -c '
import os, sys
with open(sys.argv[1], "rb") as f, open(os.devnull, "wb") as out:
    n = os.sendfile(out.fileno(), f.fileno(), 0, os.fstat(f.fileno()).st_size)
    assert n > 0' "$chat" || fail "privacy sends the chat with sendfile" "sendfile failed"
as_user "$analyst" cat "$other" >/dev/null
as_user "$analyst" getfattr -n user.recfs.title "$stem.opus" >/dev/null 2>&1
as_user "$analyst" getfattr -n user.recfs.name "$MNT/by-subject/$handle" >/dev/null 2>&1
as_user "$trainer" cat "$stem.opus" >/dev/null 2>&1
as_user "$nobody" cat "$stem.opus" >/dev/null 2>&1
sleep 1

# --- the who-listened report ------------------------------------------------
report=$(show --recording "$rid" --action open)
echo "$report" | sed 's/^/   /'
assert_eq "who listened: exactly the three users who opened it" \
	"$(printf '%s\n' "$analyst" "$analyst2" "$dpo" | sort | tr '\n' ' ')" "$(printf '%s\n' "$report" | users_of)"
assert_eq "who listened: one line per open" 3 "$(printf '%s\n' "$report" | grep -c .)"
assert_match "the cat of the audio: user, level, tool, recording and artifact" "$report" \
	"^[0-9]+ [0-9T:.Z-]+ $analyst\\([0-9]+\\) login=[^ ]+ analysis [0-9]+ cat open $rid/opus ok"
assert_match "the mmap of the WAV view" "$report" " $analyst2\\([0-9]+\\) login=[^ ]+ analysis [0-9]+ python3 open $rid/wav ok"
assert_match "the sendfile of the chat, with the login uid of who logged in" "$report" \
	" $dpo\\([0-9]+\\) login=$ana_uid privacy [0-9]+ python3 open $rid/chat ok"
assert_not_contains "training, which may not see it, is not in the report" "$report" "$trainer"
assert_not_contains "nor is a user without a level" "$report" "$nobody"
assert_ok "the report as JSON" show --recording "$rid" --action open --json
assert_eq "--json carries user, level, login uid, tool and artifact" \
	"$analyst analysis - cat opus|$analyst2 analysis - python3 wav|$dpo privacy $ana_uid python3 chat|" \
	"$(printf '%s' "$T_OUT" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    print(e["user"], e["level"], "-" if e["loginuid"] is None else e["loginuid"], e["comm"], e["artifact"], end="|")')"
for x in "$rid" "$id8" "${stem##*/}" "${stem##*/}.wav" "$chat"; do
	assert_eq "--recording ${x##*/} gives the same report" "$report" "$(show --recording "$x" --action open)"
done
assert_eq "--object of the recording id finds its opens too" "$report" "$(show --object "$rid" --action open)"
assert_exit "--recording of something that names no recording is a usage error" 2 \
	"$RECCTL" audit show -R "$REG" --recording nothing-here
assert_contains "and says what to give" "$T_OUT" "give a recording id"

# --- a process that names itself to hide its entries -------------------------
# Any user chooses its process's name (prctl): a carriage return, a
# terminal's escape sequences (erase the line, conceal what follows), a
# space and a tab must neither reach the operator's terminal raw nor move
# the columns.
orid=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.id "$other")
as_user "$analyst" /usr/bin/python3 -c '
import ctypes, sys
assert ctypes.CDLL(None).prctl(15, b"\r\x1b[2K\x1b[8m a\tb", 0, 0, 0) == 0
open(sys.argv[1], "rb").read(1)' "$other" || fail "a reader with a hostile process name opens a file" "failed"
sleep 1
hid=$(show --object "$orid" --user "$analyst" --action open | tail -n 1)
echo "   $hid"
assert_eq "audit show prints no control character, whatever a process calls itself" 0 \
	"$(show | tr -d '\n' | LC_ALL=C grep -c '[[:cntrl:]]')"
assert_contains "the name is escaped, its space too" "$hid" ' \r\x1b[2K\x1b[8m\x20a\tb open '"$orid/opus ok"
assert_eq "and the columns stay in place: action and object" "open $orid/opus" "$(printf '%s\n' "$hid" | awk '{ print $8, $9 }')"
# A newline inside the name is the process's too: not where it ends.
as_user "$analyst" /usr/bin/python3 -c '
import ctypes, sys
assert ctypes.CDLL(None).prctl(15, b"cat\nx", 0, 0, 0) == 0
open(sys.argv[1], "rb").read(1)' "$other" || fail "a reader named cat, a newline and more opens a file" "failed"
sleep 1
assert_contains "a newline in the name is written \\n, not cut there" \
	"$(show --object "$orid" --user "$analyst" --action open | tail -n 1)" ' cat\nx open '"$orid/opus ok"
assert_ok "the same entry as JSON" show --object "$orid" --user "$analyst" --action open --json
assert_eq "--json carries the name as the process set it" 1 "$(printf '%s' "$T_OUT" | python3 -c '
import json, sys
print(sum(1 for e in json.load(sys.stdin) if e["comm"] == "\r\x1b[2K\x1b[8m a\tb"))')"

# --- each filter on its own ---------------------------------------------------
all=$(show)
n_all=$(printf '%s\n' "$all" | grep -c .)
mine=$(show --user "$analyst")
# The user's own entries, and what was done after they logged in through
# su or sudo (their login uid: the privacy user's sendfile).
assert_eq "--user NAME: that user's entries and those of their login uid" \
	"$(printf '%s\n' "$analyst" "$dpo" | sort | tr '\n' ' ')" "$(printf '%s\n' "$mine" | users_of)"
assert_eq "--user NAME: no other entry" "" "$(printf '%s\n' "$mine" | grep -v " $analyst($ana_uid) \| login=$ana_uid ")"
assert_eq "--user NAME: all of them" "$(printf '%s\n' "$all" | grep -c " $analyst(\| login=$ana_uid ")" \
	"$(printf '%s\n' "$mine" | grep -c .)"
assert_eq "--user UID: the same" "$mine" "$(show --user "$ana_uid")"
opens=$(show --action open)
assert_eq "--action open: only opens" "" "$(printf '%s\n' "$opens" | awk '$8 != "open"')"
assert_eq "--action open: all of them" "$(printf '%s\n' "$all" | awk '$8 == "open"' | wc -l)" \
	"$(printf '%s\n' "$opens" | grep -c .)"
assert_match "the open of the other recording is an open too" "$opens" " $analyst\\(.* cat open [0-9a-f]{32}/opus ok"
# (the time column has the event's microseconds: compared by its second,
# as --since and --until compare)
assert_eq "--since a time: only what came after" "$(printf '%s\n' "$all" | awk -v t="$t0" 'substr($2, 1, 19) "Z" >= t' | wc -l)" \
	"$(show --since "$t0" | grep -c .)"
assert_eq "--until a time: only what came before" "$(printf '%s\n' "$all" | awk -v t="$t0" 'substr($2, 1, 19) "Z" <= t' | wc -l)" \
	"$(show --until "$t0" | grep -c .)"
assert_eq "--since today and --until today: everything" "$n_all" \
	"$(show --since "$(date -u +%F)" --until "$(date -u +%F)" | grep -c .)"
assert_eq "--until yesterday: nothing" 0 "$(show --until "$(date -u -d yesterday +%F)" | grep -c .)"
assert_exit "--since of a time without a zone is a usage error" 2 "$RECCTL" audit show -R "$REG" --since "2026-01-01 10:00"
subj=$(show --subject "$handle")
assert_contains "--subject: the opens of the subject's recording" "$subj" " open $rid/opus ok"
assert_contains "--subject: the ingest of it" "$subj" " ingest $rid ok"
theirs=$( (echo "$handle"; q "SELECT recording FROM link WHERE handle = '$handle'") | sort)
assert_eq "--subject: entries about the subject (its card read) and each recording of theirs, no others" "$theirs" \
	"$(printf '%s\n' "$subj" | awk '{ print $9 }' | cut -d/ -f1 | sort -u)"
assert_eq "--subject: all of them" "$(printf '%s\n' "$all" | awk '{ print $9 }' | cut -d/ -f1 |
	grep -cxF -f <(printf '%s\n' "$theirs"))" "$(printf '%s\n' "$subj" | grep -c .)"

# --- combined ---------------------------------------------------------------------
assert_eq "--recording, --user, --action: the one cat" 1 \
	"$(show --recording "$id8" --user "$analyst" --action open | grep -c " cat open $rid/opus ok")"
assert_eq "... and the sendfile made after the analyst logged in (login uid), nothing else" 2 \
	"$(show --recording "$id8" --user "$analyst" --action open | grep -c " $analyst(.* cat open $rid/opus ok\| $dpo(.* login=$ana_uid .* open $rid/chat ok")"
assert_eq "... two lines" 2 "$(show --recording "$id8" --user "$analyst" --action open | grep -c .)"
assert_eq "--subject, --user, --action: the mmap" "$analyst2 " \
	"$(show --subject "$handle" --user "$analyst2" --action open | users_of)"
assert_eq "--recording and --since after everything: nothing" 0 \
	"$(show --recording "$rid" --since "$(date -u -d tomorrow +%F)" | grep -c .)"
assert_eq "--recording with --subject of another person: nothing" 0 \
	"$(show --recording "$rid" --subject S-NOBODY1 | grep -c .)"
assert_contains "--recording, --action details: the details read, naming the attribute" \
	"$(show --recording "$rid" --action details)" " details $rid ok"

# --- the subject's export says whom their data went to (Art. 15(1)(c)) ----------------
sleep 1
assert_ok "an export to a recipient of the policy" "$RECCTL" subject export -R "$REG" "$handle" "$T_TMP/exp1" \
	--level-keyring "$KEYS/privacy.keyring" --recipient tamro-group
assert_ok "the subject's own export" "$RECCTL" subject export -R "$REG" "$handle" "$T_TMP/exp2" \
	--level-keyring "$KEYS/privacy.keyring"
ej=$T_TMP/exp2/$handle/export.json
assert_eq "export.json lists the opens of the recording: pseudonym, level, file" \
	"user-1 analysis opus|user-2 analysis wav|user-3 privacy chat|" \
	"$(/usr/bin/python3 -c '
import json, sys
for a in json.load(open(sys.argv[1]))["accesses"]:
    if a["action"] == "open" and a["recording"] == sys.argv[2]:
        print(a["user"], a["level"], a["artifact"], end="|")' "$ej" "$rid")"
assert_eq "and the disclosure to the recipient" "tamro-group" \
	"$(/usr/bin/python3 -c 'import json, sys; print(" ".join(sorted({d["recipient"] for d in json.load(open(sys.argv[1]))["disclosures"]})))' "$ej")"
for u in "$analyst" "$analyst2" "$dpo"; do
	assert_not_contains "export.json does not name $u" "$(cat "$ej")" "$u"
done

# --- the log's order is that of the events ----------------------------------------
# A read of the details is queued (and may be amended for 500 ms), while a
# rights action writes its entry at once: the restriction that followed
# the read must not come before it in the log.
orid=$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.id "$other")
as_user "$analyst" getfattr -n user.recfs.title "$other" >/dev/null 2>&1
assert_ok "privacy: restrict the recording the analyst just read the details of" as_user "$dpo" chmod 0 "$other"
sleep 1
d_seq=$(q "SELECT max(seq) FROM audit WHERE action = 'details' AND object = '$orid'")
r_seq=$(q "SELECT max(seq) FROM audit WHERE action = 'restrict' AND object = '$orid'")
[ -n "$d_seq" ] && [ -n "$r_seq" ] && [ "$d_seq" -lt "$r_seq" ] &&
	pass "the details read comes before the restriction in the log" ||
	fail "the details read comes before the restriction in the log" "details seq '$d_seq', restrict seq '$r_seq'"
assert_ok "privacy: lift it again" as_user "$dpo" chmod 0440 "$other"

# --- quiet: reading details is logged once per caller, recording, 10 minutes --------
# Each case on a fresh mount, so that no window of an earlier case counts.
fresh() { unmount_recfs "$MNT"; mount_all_levels "$MNT"; as_user "$analyst" find "$MNT/by-date" >/dev/null; }
# Entries written by CMD... (the queue is written within 250 ms).
entries_of() {
	local n0 n1
	sleep 1
	n0=$(q "SELECT max(seq) FROM audit")
	"$@" >/dev/null 2>&1
	sleep 1
	n1=$(q "SELECT max(seq) FROM audit")
	echo $((n1 - n0))
}
fresh
files=$(as_user "$analyst" find "$MNT/by-date" -type f | wc -l)
recs=$(as_user "$analyst" find "$MNT/by-date" -name '*.opus' | wc -l)
assert_eq "the tree has 140 files for the analysis level" 140 "$files"
echo "   by-date: $files files of $recs recordings"
n=$(entries_of as_user "$analyst" getfattr -d "$stem.opus")
echo "   getfattr -d of one file: $n entries (before this change: 6)"
assert_eq "getfattr -d of one file writes one entry" 1 "$n"
assert_eq "which names every attribute read" \
	"details $rid user.recfs.title,user.recfs.staff,user.recfs.subject_names,user.recfs.opus_tags" \
	"$(show --action details | tail -n 1 | awk '{ print $8, $9, $11 }')"
assert_eq "getfattr -d again within ten minutes writes none" 0 "$(entries_of as_user "$analyst" getfattr -d "$stem.opus")"
assert_eq "nor does its WAV view, the same recording" 0 "$(entries_of as_user "$analyst" getfattr -d "$stem.wav")"
assert_eq "another user's read is logged" 1 "$(entries_of as_user "$analyst2" getfattr -n user.recfs.title "$stem.opus")"
assert_eq "listxattr decrypts and logs nothing" 0 \
	"$(entries_of as_user "$analyst" /usr/bin/python3 -c 'import os, sys; os.listxattr(sys.argv[1])' "$other")"
assert_eq "a card read twice: one entry" 1 "$(entries_of sh -c 'for i in 1 2; do
	setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups -- getfattr -d "$2"; done' sh "$analyst" "$MNT/by-subject/$handle")"
n=$(entries_of sh -c 'for i in 1 2 3; do
	setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups -- setfattr -n user.gdpr.legal_hold -v x "$2"; done' \
	sh "$analyst" "$stem.opus")
assert_eq "refusals are logged every time" 3 "$n"
fresh
n=$(entries_of as_user "$analyst" getfattr -R -d "$MNT/by-date")
echo "   getfattr -R -d of the tree: $n entries (before this change: 768)"
assert_eq "getfattr -R -d of 140 files: one entry per recording" "$recs" "$n"
copy=$T_TMP/copy
mkdir -p "$copy" && chown "$analyst" "$copy"
as_user "$analyst" rsync -a --xattrs "$MNT/by-date/" "$copy/" || fail "rsync -a --xattrs copies the tree" "rsync failed"
fresh
n=$(entries_of as_user "$analyst" rsync -a --xattrs "$MNT/by-date/" "$copy/")
echo "   rsync -a --xattrs that copies nothing: $n entries (before this change: 768)"
assert_eq "rsync -a --xattrs that copies nothing: one entry per recording" "$recs" "$n"

# Samba with EAs on (the shipped smb.conf, lib.sh), serving the mount to
# the analyst on a loopback port.
if have_samba; then
	fresh
	start_smbd "$MNT" "$analyst"
	n=$(entries_of smb "$analyst" 'recurse; ls')
	echo "   smbclient recursive listing through Samba: $n entries (of by-date before this change: 384; one per recording, $recs, before issue 13)"
	# smbd reads sealed attributes as "" and nothing is decrypted or
	# logged for it (issue 13, xattr.c).
	assert_eq "a Samba listing with EAs on: no entry (a file server reads no sealed details)" 0 "$n"
	assert_eq "a second listing: none" 0 "$(entries_of smb "$analyst" 'recurse; ls')"
	stop_smbd
else
	echo "   smbd or smbclient is not installed: the Samba case is not measured"
fi

# --- no open is lost: kill -9 right after the last open returns ----------------------
# Each open's entry is in the mount's audit journal before its reply: the
# daemon killed the moment the reader is done loses none of them, and the
# next recctl (or mount) moves the journal into the log.
# kill_after CMD...: on a fresh mount, run CMD, kill -9 the daemon, unmount;
# then journals is the number of journals left, logged the analyst's opens
# in the log as recctl shows it, and left the journals after that.
kill_after() {
	local seq
	fresh
	seq=$(q "SELECT max(seq) FROM audit")
	"$@" || fail "the reads before the kill" "$* failed"
	kill -9 "${T_MOUNT_PID[$MNT]}"
	# A dead connection is no mountpoint to mountpoint(1): unmount it here.
	for _ in $(seq 1 100); do kill -0 "${T_MOUNT_PID[$MNT]}" 2>/dev/null || break; sleep 0.05; done
	fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT"
	unmount_recfs "$MNT"
	journals=$(find "$REG" -maxdepth 1 -name 'audit-journal-*' | wc -l)
	logged=$(show --action open --user "$analyst" --json | /usr/bin/python3 -c '
import json, sys
print(sum(1 for e in json.load(sys.stdin) if e["seq"] > int(sys.argv[1]) and e["outcome"] == "ok"))' "$seq")
	left=$(find "$REG" -maxdepth 1 -name 'audit-journal-*' | wc -l)
}
mapfile -t files < <(as_user "$analyst" find "$MNT/by-date" -type f | sort | head -n 60)
kill_after as_user "$analyst" sh -c 'for f; do cat "$f" >/dev/null || exit 1; done' sh "${files[@]}"
echo "   kill -9 after ${#files[@]} opens in a row: $logged of them in the log"
assert_eq "kill -9 right after ${#files[@]} opens in a row: all are in the log" "${#files[@]}" "$logged"
assert_eq "the killed mount left its audit journal" 1 "$journals"
assert_eq "which recctl moved into the log" 0 "$left"
mount_all_levels "$MNT"
mapfile -t files < <(as_user "$analyst" find "$MNT/by-date" -type f -name '*.opus' | sort | tail -n 48)
kill_after env U="$analyst" sh -c 'printf "%s\0" "$@" | setpriv --reuid="$U" --regid="$(id -g "$U")" \
	--init-groups -- xargs -0 -n 1 -P 4 cat >/dev/null' sh "${files[@]}"
echo "   kill -9 after ${#files[@]} opens by four readers at once: $logged of them in the log"
assert_eq "kill -9 right after ${#files[@]} opens by four readers at once: all are in the log" "${#files[@]}" "$logged"
assert_ok "the audit log verifies after the kills" "$RECCTL" audit verify -R "$REG"
mount_all_levels "$MNT"
assert_eq "a clean unmount leaves no journal" 0 "$(unmount_recfs "$MNT"; find "$REG" -maxdepth 1 -name 'audit-journal-*' | wc -l)"
assert_ok "the audit log verifies" "$RECCTL" audit verify -R "$REG"
t_done
