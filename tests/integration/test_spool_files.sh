#!/bin/bash
# The recorder's spool cannot hang `recctl watch` or make it read what is
# not a recording (issue 12).  Every file from the spool is opened
# O_NONBLOCK|O_NOFOLLOW and checked on its descriptor, so:
#  1. a FIFO as manifest is skipped, a FIFO as attachment and a symbolic
#     link to /etc/shadow as audio are quarantined, each with a clear
#     error, and nothing is read through the link;
#  2. attachments and a manifest swapped between a regular file and a FIFO
#     while the daemon works through 30 manifests never block it;
#  3. a careless recorder: a chat still open for writing when its manifest
#     lands is waited for (a read lease), not stored in part; a manifest's
#     name reused while the first manifest of that name is ingested takes
#     neither the second one nor its audio with the first one's inputs; a
#     refused manifest whose audio's mtime is years ahead is quarantined,
#     and one refused takes no audio of a recording whose manifest is still
#     to come;
# and after each, the daemon still ingests the next good manifest.  The
# spool is on a file system of its own (tmpfs), so quarantine copies
# rather than renames: it copies no FIFO and follows no link.
. "$(dirname "$0")/lib.sh"

FIX=$T_ROOT/tests/fixtures
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
LOG=$T_TMP/watch.log
t_tmpfs "$SPOOL" 64m 0700
WATCH_PID=
cleanup()
{
	# SIGKILL: a daemon hung in open(2) has SIGTERM blocked (signalfd).
	[ -n "$WATCH_PID" ] && kill -9 "$WATCH_PID" 2>/dev/null && wait "$WATCH_PID" 2>/dev/null
	[ -n "${FLIP_PID:-}" ] && kill "$FLIP_PID" 2>/dev/null
	t_cleanup
}
trap cleanup EXIT

# manifest NAME [ATTACHMENT [FILE...]]: a good manifest NAME.json with
# NAME.opus (the fixture, unless NAME.opus is there already, as whatever it
# is: never written through) and, when given, the named attachment as chat
# and each FILE as a shared file.  The title makes each one new.  The
# manifest comes last, renamed into place.
n_good=0
manifest()
{
	local name=$1 att=${2:-}
	shift $(($# < 2 ? $# : 2))
	n_good=$((n_good + 1))
	[ -e "$SPOOL/$name.opus" ] || [ -L "$SPOOL/$name.opus" ] || cp "$FIX/mono.opus" "$SPOOL/$name.opus"
	python3 - "$SPOOL" "$name" "$att" "$n_good" "$@" <<'PY'
import json, os, sys
spool, name, att, n = sys.argv[1:5]
m = {"recorded_at": "2026-03-%02dT10:%02d:00Z" % (1 + int(n) % 27, int(n) % 60), "source": "customer-service",
     "title": "Spool test %s" % n, "subjects": [{"role": "customer", "name": "Test Person %s" % n}],
     "audio": name + ".opus"}
if att:
    m["attachments"] = [{"file": att, "kind": "chat"}]
for f in sys.argv[5:]:
    m.setdefault("attachments", []).append({"file": f, "kind": "presentation"})
tmp = os.path.join(spool, ".%s.json" % name)
json.dump(m, open(tmp, "w"))
os.rename(tmp, os.path.join(spool, name + ".json"))
PY
}

log_has() { grep -q -- "$1" "$LOG" 2>/dev/null; }
# wait_log SECONDS PATTERN: 0 once the daemon's log has a matching line.
wait_log()
{
	local i
	for i in $(seq 1 $(($1 * 10))); do
		log_has "$2" && return 0
		sleep 0.1
	done
	return 1
}
alive() { kill -0 "$WATCH_PID" 2>/dev/null; }
# quarantined NAME: within 15 s manifest NAME.json is in a quarantine
# folder (named by its pseudonymous id) and the log says so under that id;
# QDIR is the folder, QLINE the log's line.
quarantined()
{
	local i
	QDIR= QLINE=
	for i in $(seq 1 150); do
		QDIR=$(quarantine_of "$1.json") && QLINE=$(grep "quarantined ${QDIR##*/}" "$LOG") && return 0
		sleep 0.1
	done
	return 1
}
# ingested_lines: how many manifests the log says were ingested (by
# pseudonym: the log never names a manifest's file).
ingested_lines() { grep -c '^ingested m-[0-9a-f]\{8\} -> ' "$LOG"; }
# serves NAME: the daemon is alive and ingests a good manifest NAME.
serves()
{
	local before i ok=1
	before=$(ingested_lines)
	manifest "$1"
	for i in $(seq 1 150); do
		[ "$(ingested_lines)" -gt "$before" ] && [ ! -e "$SPOOL/$1.json" ] && ok=0 && break
		sleep 0.1
	done
	if alive && [ "$ok" -eq 0 ] && [ -z "$(quarantine_of "$1.json")" ]; then
		pass "the daemon still ingests the next good manifest ($1)"
	else
		fail "the daemon still ingests the next good manifest ($1)" "$(tail -n 3 "$LOG")"
	fi
}

"$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL" 2>>"$LOG" &
WATCH_PID=$!
wait_log 10 "watching" || t_abort "watch" "the daemon does not start: $(cat "$LOG")"
serves good-0

# --- 1. FIFOs and links as inputs -------------------------------------------------
mkfifo "$SPOOL/.fifo" && mv "$SPOOL/.fifo" "$SPOOL/fifo.json"	# moved in, as a recorder does
wait_log 10 "^skipped " && pass "a FIFO manifest is seen" || fail "a FIFO manifest is seen" "$(tail -n 3 "$LOG")"
assert_match "a FIFO manifest is skipped: not a regular file, named by a pseudonym" "$(grep '^skipped ' "$LOG")" \
	'^skipped m-[0-9a-f]{8}: not a regular file$'
serves good-1

mkfifo "$SPOOL/pipe-chat.txt"
manifest pipe pipe-chat.txt
quarantined pipe && pass "an attachment that is a FIFO is quarantined" ||
	fail "an attachment that is a FIFO is quarantined" "$(tail -n 3 "$LOG")"
assert_contains "its error names the attachment as not a regular file" \
	"$QLINE" "attachment named in the manifest is not a regular file"
assert_no_file "the FIFO is not copied to quarantine" "$QDIR/pipe-chat.txt"
assert_no_file "the FIFO is gone from the spool" "$SPOOL/pipe-chat.txt"
assert_contains "error.txt says a named file was left out" "$(cat "$QDIR/error.txt" 2>&1)" \
	"not regular files"
assert_eq "the copies quarantine keeps are readable by the owner only" "" \
	"$(find "$QDIR" -type f ! -perm 0600 -printf '%m %P\n')"
serves good-2

ln -s /etc/shadow "$SPOOL/shadow.opus"
printf 'root:secret-marker:0:0\n' >"$T_TMP/secret"
touch -a -d '2001-01-01' "$T_TMP/secret"
ln -s "$T_TMP/secret" "$SPOOL/shadow-chat.txt"
manifest shadow shadow-chat.txt
quarantined shadow && pass "audio that is a link to /etc/shadow is quarantined" ||
	fail "audio that is a link to /etc/shadow is quarantined" "$(tail -n 3 "$LOG")"
assert_contains "its error names the link" "$QLINE" "symbolic link"
assert_eq "nothing of /etc/shadow or the linked file is in quarantine" 0 \
	"$(cat "$QDIR"/* 2>/dev/null | grep -c -e '^root:' -e 'secret-marker')"
assert_eq "the linked file was not read (its access time)" "2001-01-01" "$(stat -c %x "$T_TMP/secret" | cut -c1-10)"
serves good-3

# --- sparse files: what ingest refuses, quarantine does not write out ----------------
# A recorder's files take no room in its spool but would be terabytes of
# ciphertext, or of copies in quarantine (the spool is another file system
# here: quarantine copies).
blobs_before=$(du -sk "$REG/blobs" | cut -f1)
truncate -s 5G "$SPOOL/huge-slides.pdf"
manifest huge "" huge-slides.pdf
quarantined huge && pass "a sparse attachment of 5 GiB is quarantined" ||
	fail "a sparse attachment of 5 GiB is quarantined" "$(tail -n 3 "$LOG")"
assert_contains "its error says larger than 4 GiB" "$QLINE" "larger than 4 GiB"
assert_no_file "the 5 GiB file is not copied to quarantine" "$QDIR/huge-slides.pdf"
assert_file "it is left in the spool, the recorder's (atk30 F3: it was removed)" "$SPOOL/huge-slides.pdf"
assert_contains "error.txt says it was left in the spool" "$(cat "$QDIR/error.txt" 2>&1)" "left in the spool: attachment 1)"
rm -f "$SPOOL/huge-slides.pdf"
assert_file "the audio is in quarantine" "$QDIR/huge.opus"
serves good-5

# Audio with a hole (a crashed recorder's preallocated file, or an
# attacker's truncate -s): refused at once, not read for half a minute,
# and its copy in quarantine (another file system) as sparse as it was.
cp "$FIX/mono.opus" "$SPOOL/holey.opus"
truncate -s 3G "$SPOOL/holey.opus"
t0=$(date +%s)
manifest holey
quarantined holey && pass "audio with a hole of 3 GiB is quarantined" ||
	fail "audio with a hole of 3 GiB is quarantined" "$(tail -n 3 "$LOG")"
assert_contains "its error names the hole" "$QLINE" "a hole at byte"
took=$(( $(date +%s) - t0 ))
assert_eq "within seconds (took ${took} s)" 1 "$(( took < 15 ))"
assert_eq "its copy in quarantine takes the room of its data, not 3 GiB" 1 \
	"$(( $(stat -c %b "$QDIR/holey.opus") * 512 < 64 * 1024 * 1024 ))"
serves good-holey

# Two of 3 GiB: each within 4 GiB, not together.  With `recctl ingest`, in
# a folder on the register's file system (quarantine renames: the files
# are kept, nothing is copied).
same=$T_TMP/same
mkdir -p "$same"
cp "$FIX/mono.opus" "$same/big.opus"
truncate -s 3G "$same/big-1.pdf"
truncate -s 3G "$same/big-2.pdf"
printf '%s' '{"recorded_at": "2026-03-02T11:00:00Z", "source": "customer-service", "audio": "big.opus",
  "attachments": [{"file": "big-1.pdf", "kind": "presentation"}, {"file": "big-2.pdf", "kind": "presentation"}]}' \
	>"$same/big.json"
out=$("$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$same/big.json" 2>&1)
assert_match "two sparse attachments of 3 GiB are refused: larger than 4 GiB together" "$out" \
	"larger than 4 GiB together"
QDIR=$(quarantine_of big.json)
assert_file "and quarantined with both files (renamed, not copied)" "$QDIR/big-2.pdf"
rm -rf "$QDIR"
blobs_after=$(du -sk "$REG/blobs" | cut -f1)
[ $((blobs_after - blobs_before)) -lt 65536 ] && pass "no blob of GiBs was written" ||
	fail "no blob of GiBs was written" "the blobs grew by ${blobs_after}-${blobs_before} KiB"
serves good-6

# --- 2. inputs swapped for FIFOs while the daemon works ---------------------------------
# A flipper swaps each race-K-chat.txt and flip.json between a regular file
# and a FIFO (rename over, so every open sees one or the other) as fast as
# it can, while the daemon takes 30 manifests and flip.json.
printf '10:00 agent: hello\n' >"$T_TMP/chat"
for k in $(seq 1 30); do
	cp "$T_TMP/chat" "$SPOOL/race-$k-chat.txt"
done
flipper()
{
	local i=0 k
	while :; do
		i=$((i + 1))
		for k in $(seq 1 30); do
			[ -e "$SPOOL/race-$k.opus" ] || continue	# taken by the daemon
			if [ $((i % 2)) -eq 0 ]; then
				mkfifo "$SPOOL/.f$k" && mv -f "$SPOOL/.f$k" "$SPOOL/race-$k-chat.txt"
			else
				cp "$T_TMP/chat" "$SPOOL/.r$k" && mv -f "$SPOOL/.r$k" "$SPOOL/race-$k-chat.txt"
			fi
		done
		if [ $((i % 2)) -eq 0 ]; then
			mkfifo "$SPOOL/.fm" && mv -f "$SPOOL/.fm" "$SPOOL/flip.json"
		else
			printf '{"recorded_at": "2026-03-01T10:00:00Z", "source": "customer-service", "audio": "flip.opus"}' \
				>"$SPOOL/.rm" && mv -f "$SPOOL/.rm" "$SPOOL/flip.json"
		fi
	done 2>/dev/null
}
# Racing manifests ingested: recordings but flip.json's (the log names
# none of them).
FLIP_T=$(date -u -d 2026-03-01T10:00:00Z +%s)
not_flip() { q "SELECT count(*) FROM recording WHERE recorded_at != $FLIP_T"; }
race_before=$(not_flip)
cp "$FIX/mono.opus" "$SPOOL/flip.opus"
flipper &
FLIP_PID=$!
for k in $(seq 1 30); do
	manifest "race-$k" "race-$k-chat.txt"
done
# racing_left: how many of the 30 manifests are still in the spool.
racing_left()
{
	local k n=0
	for k in $(seq 1 30); do
		[ -e "$SPOOL/race-$k.json" ] && n=$((n + 1))
	done
	echo "$n"
}
# While the flipper runs, a manifest that met a FIFO waits for its files to
# settle (INGEST_SETTLE_MS) and is tried again: it may meet one again, as
# often as the flipper is quicker, which on a slow machine (the sanitizer
# build, the flipper's processes on both cores) can take longer than any
# bound.  So the flipper runs for at most 30 s; what is left then must be
# dealt with within 20 s of its end (its files settle in 2 s), and a
# manifest the daemon dropped or hung on would still be there.
for i in $(seq 1 300); do
	[ "$(racing_left)" -eq 0 ] && break
	alive || break
	sleep 0.1
done
left_racing=$(racing_left)
kill "$FLIP_PID" 2>/dev/null
wait "$FLIP_PID" 2>/dev/null
FLIP_PID=
rm -f "$SPOOL/.fm" "$SPOOL"/.f[0-9]* "$SPOOL"/.r[0-9]*	# the flipper's, when killed midway
for i in $(seq 1 200); do
	left=$(racing_left)
	[ "$left" -eq 0 ] && break
	alive || break
	sleep 0.1
done
echo "# racing manifests left when the flipper stopped: $left_racing"
if [ "$left" -eq 0 ]; then
	pass "all 30 racing manifests were dealt with, none hung the daemon"
else
	fail "all 30 racing manifests were dealt with, none hung the daemon" \
		"$left left; the log's last lines but ingests: $(grep -v '^\(ingested\|duplicate\|skipped\) ' "$LOG" | tail -n 5)"
fi
ok=$(($(not_flip) - race_before))
quar=$(grep -l '^race-' "$REG"/quarantine/*/manifest-name.txt 2>/dev/null | wc -l)
echo "# racing manifests: $ok ingested, $quar quarantined"
assert_eq "each racing manifest was ingested or quarantined" 30 "$((ok + quar))"
for q in "$REG"/quarantine/*/; do
	[ -d "$q" ] || continue
	for f in "$q"*; do
		[ -f "$f" ] || [ ! -e "$f" ] || { fail "quarantine holds only regular files" "$f"; continue 2; }
	done
done
pass "quarantine holds only regular files"
rm -f "$SPOOL/flip.json" "$SPOOL/flip.opus" "$SPOOL"/race-*
serves good-7

# --- 3. a careless recorder: a file still written, a manifest's name reused ----------
# The chat is still open for writing (and written to) when its manifest
# lands: it was stored as far as it had been written and the rest, written
# to the file watch had removed, was lost.  Now a read lease tells watch
# the file is still open for writing, and it waits.
python3 - "$SPOOL" "$FIX/mono.opus" <<'PY' &
import json, os, shutil, sys, time
spool, opus = sys.argv[1:3]
shutil.copyfile(opus, os.path.join(spool, "open-1.opus"))
f = open(os.path.join(spool, "open-1-chat.txt"), "w")
f.write("10:00 agent: line 0\n"); f.flush()
m = {"recorded_at": "2026-04-01T10:00:00Z", "source": "customer-service", "title": "Still written",
     "audio": "open-1.opus", "attachments": [{"file": "open-1-chat.txt", "kind": "chat"}]}
json.dump(m, open(os.path.join(spool, ".open-1.json"), "w"))
os.rename(os.path.join(spool, ".open-1.json"), os.path.join(spool, "open-1.json"))
for i in range(1, 30):
    time.sleep(0.1)
    f.write("10:00 agent: line %d\n" % i); f.flush()
f.close()
PY
WRITER=$!
wait "$WRITER"
full=$(( $(for i in $(seq 0 29); do printf '10:00 agent: line %d\n' "$i"; done | wc -c) ))
for i in $(seq 1 150); do [ -e "$SPOOL/open-1.json" ] || break; sleep 0.1; done
assert_eq "a chat still open for writing is stored whole, once it is closed" "$full" \
	"$(q "SELECT a.size FROM artifact a JOIN recording r ON a.recording = r.id WHERE a.role = 'chat' AND r.recorded_at = strftime('%s', '2026-04-01T10:00:00Z')")"
log_has "still open for writing" && pass "the log says it waits for the writer" ||
	fail "the log says it waits for the writer" "$(tail -n 5 "$LOG")"

# A manifest's name reused while the manifest of that name is ingested (its
# blob's sync held for 3 s by strace): the inputs were removed by what the
# manifest in place named by then, so the second recording's audio and
# manifest went, never ingested.  Now they stay, and are ingested next.
if command -v strace >/dev/null; then
	cp "$FIX/mono.opus" "$SPOOL/reuse-a.opus"
	cp "$FIX/stereo.opus" "$SPOOL/reuse-b.opus"
	reuse_manifest()
	{
		printf '{"recorded_at": "2026-04-02T10:0%s:00Z", "source": "customer-service", "audio": "%s"}' \
			"$1" "$2" >"$SPOOL/.reuse.json" && mv "$SPOOL/.reuse.json" "$SPOOL/reuse.json"
	}
	kill -STOP "$WATCH_PID"
	reuse_manifest 1 reuse-a.opus
	strace -f -o /dev/null -e trace=fdatasync -e inject=fdatasync:delay_enter=3000000:when=1 \
		"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" --remove-inputs "$SPOOL/reuse.json" \
		>"$T_TMP/reuse.out" 2>&1 &
	RPID=$!
	sleep 1.5
	reuse_manifest 2 reuse-b.opus
	wait "$RPID"
	assert_file "the second recording's audio stays" "$SPOOL/reuse-b.opus"
	assert_contains "the manifest in place is the second one" "$(cat "$SPOOL/reuse.json" 2>/dev/null)" "reuse-b.opus"
	assert_contains "recctl ingest says it left the inputs" "$(cat "$T_TMP/reuse.out")" \
		"the manifest changed after it was read"
	kill -CONT "$WATCH_PID"
	for i in $(seq 1 150); do [ -e "$SPOOL/reuse.json" ] || break; sleep 0.1; done
	assert_eq "both recordings are in the register" "2" \
		"$(q "SELECT count(*) FROM recording WHERE recorded_at IN (strftime('%s', '2026-04-02T10:01:00Z'), strftime('%s', '2026-04-02T10:02:00Z'))")"
	rm -f "$SPOOL/reuse-a.opus"	# the first one's, no manifest names it now
else
	echo "skip: strace is not installed"
fi
serves good-8

# A refused manifest took every file sharing its stem: steal-ext7.opus, the
# audio of steal-ext7.json written (as the contract says) before its
# manifest, went into steal.json's quarantine, and steal-ext7.json was then
# quarantined for its missing audio.
cp "$FIX/mono.opus" "$SPOOL/steal-ext7.opus"
cp "$FIX/stereo.opus" "$SPOOL/steal.opus"
printf '{"recorded_at": "2026-04-04T10:00:00Z", "source": "no-such-source", "audio": "steal.opus"}' \
	>"$SPOOL/.steal.json" && mv "$SPOOL/.steal.json" "$SPOOL/steal.json"
quarantined steal || fail "the refused manifest is quarantined" "$(tail -n 3 "$LOG")"
assert_no_file "its quarantine holds no file of another recording" "$QDIR/steal-ext7.opus"
assert_file "its own audio went with it" "$QDIR/steal.opus"
assert_file "the other recording's audio waits in the spool for its manifest" "$SPOOL/steal-ext7.opus"
serves steal-ext7

# A refused manifest whose audio's mtime is in the future (a recorder's
# clock years ahead) was "changed in the last 2 s" at every try: tried
# every 2 s for good, never quarantined, nothing logged.  Now one period.
cp "$FIX/mono.opus" "$SPOOL/future.opus"
touch -d '2035-01-01' "$SPOOL/future.opus"
printf '{"recorded_at": "2026-04-03T10:00:00Z", "source": "no-such-source", "audio": "future.opus"}' \
	>"$SPOOL/.future.json" && mv "$SPOOL/.future.json" "$SPOOL/future.json"
if quarantined future; then
	pass "a refused manifest with a file from the future is quarantined"
else
	fail "a refused manifest with a file from the future is quarantined" "still in the spool: $(ls "$SPOOL" | head)"
fi

kill "$WATCH_PID"
for i in $(seq 1 100); do
	alive || break
	sleep 0.1
done
if alive; then
	fail "the daemon stops cleanly on SIGTERM" "still running 10 s later (hung in an open?)"
else
	wait "$WATCH_PID"
	assert_eq "the daemon stops cleanly on SIGTERM" 0 "$?"
	WATCH_PID=
fi
t_done
