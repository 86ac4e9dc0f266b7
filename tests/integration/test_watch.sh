#!/bin/bash
# tests/integration/test_watch.sh - `recctl watch`, the inotify ingest daemon.
#
#  1. 500 manifests (480 good, 20 corrupt) dropped by 4 writers at once, some
#     half-written when first seen (write half, close, 0.5 s, the rest), some
#     moved in with mv: every good one in the catalog, every corrupt one in
#     quarantine/<id>/error.txt, the spool empty, and (when build/recfs
#     mounts) the recordings in a running mount within seconds.
#  2. SIGKILL at 20 random moments during the ingest of 300 manifests, with a
#     restart each time: exactly 300 in the catalog, nothing quarantined,
#     fsck --repair then fsck clean, the spool empty.
#  3. SIGTERM finishes the recording in hand and exits 0; the rest waits.
#  4. A bad policy.conf is refused and the old policy kept (ingest goes on);
#     a good change is reloaded and audited.
#  5. The log names no manifest by its file name, which the recorder chose
#     and which may name a person: manifests named after one (ingested,
#     duplicate, skipped, quarantined) appear by pseudonym and recording
#     id alone, in the log and in the audit log that syslog mirrors.
#
# Manifests come from tests/gen/gen_register.py when it exists, else from a
# small generator here (fixture audio, synthetic people).
. "$(dirname "$0")/lib.sh"

FIX=$T_ROOT/tests/fixtures
HELPER=$T_TMP/watch_helper.py
cat >"$HELPER" <<'EOF'
# gen OUT COUNT PREFIX: good manifests (fallback generator).
# bad OUT FIXTURE_OPUS: 20 corrupt manifests bad-01..bad-20 of four kinds.
# write SPOOL STAGE MANIFEST...: act as a recorder: copy the files a manifest
#   names, then the manifest; every 8th half-written, every 8th moved in.
import json, os, shutil, sys, time

def gen(out, count, prefix):
    os.makedirs(out, exist_ok=True)
    opus = os.path.join(os.environ["FIX"], "mono.opus")
    sources = ["customer-service", "customer-meetings", "internal-meetings", "internal-briefings"]
    for i in range(count):
        stem = "%s%04d" % (prefix, i)
        shutil.copyfile(opus, os.path.join(out, stem + ".opus"))
        m = {"recorded_at": "2026-%02d-%02dT%02d:%02d:%02dZ" % (1 + i % 9, 1 + i % 27, i % 24, i % 60, (i // 60) % 60),
             "source": sources[i % len(sources)], "title": "Synthetic call %d" % i,
             "staff": [{"name": "Staff Person %d" % (i % 7), "id": "staff%d" % (i % 7)}],
             "subjects": [{"role": "customer", "name": "Testi Henkilö %d" % i,
                           "phone": "+3584000%05d" % (i % 50), "ref": "CRM-%s" % stem}],
             "audio": stem + ".opus"}
        if i % 5 == 0:
            with open(os.path.join(out, stem + "-chat.txt"), "w") as f:
                f.write("10:00 agent: hello %d\n" % i)
            m["attachments"] = [{"file": stem + "-chat.txt", "kind": "chat"}]
        with open(os.path.join(out, stem + ".json"), "w") as f:
            json.dump(m, f, ensure_ascii=False)

def bad(out, opus):
    data = open(opus, "rb").read()
    for k in range(1, 21):
        stem = "bad-%02d" % k
        m = {"recorded_at": "2026-03-%02dT10:00:00Z" % k, "source": "customer-service", "audio": stem + ".opus"}
        audio = data
        if k <= 5:
            text = json.dumps(m)[: 25]            # not JSON
        elif k <= 10:
            m["audio"] = stem + "-missing.opus"   # names a missing file
            text = json.dumps(m)
        elif k <= 15:
            m["source"] = "no-such-source"        # not in the policy
            text = json.dumps(m)
        else:
            audio = data[: len(data) // 3]        # truncated Opus
            text = json.dumps(m)
        with open(os.path.join(out, stem + ".opus"), "wb") as f:
            f.write(audio)
        with open(os.path.join(out, stem + ".json"), "w") as f:
            f.write(text)

def named_files(path):
    try:
        m = json.load(open(path))
    except ValueError:
        stem = os.path.basename(path)[:-5]
        return [stem + ".opus"]
    names = [m["audio"]] if isinstance(m.get("audio"), str) else []
    for a in m.get("attachments") or []:
        if isinstance(a, dict) and isinstance(a.get("file"), str):
            names.append(a["file"])
    return names

def write(spool, stage, manifests):
    for i, src in enumerate(manifests):
        d, name = os.path.split(src)
        for f in named_files(src):
            if os.path.exists(os.path.join(d, f)):
                shutil.copyfile(os.path.join(d, f), os.path.join(spool, f))
        text = open(src, "rb").read()
        dst = os.path.join(spool, name)
        if i % 8 == 3:
            with open(dst, "wb") as f:
                f.write(text[: len(text) // 2])
            time.sleep(0.5)
            with open(dst, "ab") as f:
                f.write(text[len(text) // 2 :])
        elif i % 8 == 5:
            tmp = os.path.join(stage, name)
            with open(tmp, "wb") as f:
                f.write(text)
            os.rename(tmp, dst)
        else:
            with open(dst, "wb") as f:
                f.write(text)

cmd = sys.argv[1]
if cmd == "gen":
    gen(sys.argv[2], int(sys.argv[3]), sys.argv[4])
elif cmd == "bad":
    bad(sys.argv[2], sys.argv[3])
elif cmd == "write":
    write(sys.argv[2], sys.argv[3], sys.argv[4:])
EOF
export FIX

# make_manifests OUT COUNT: COUNT good manifests in OUT, each call with a
# seed of its own (the same seed gives the same, duplicate, manifests).
SEED=0
make_manifests()
{
	SEED=$((SEED + 1))
	if have_generator; then
		gen_manifests "$1" "$2" --seed "$SEED" --clips "$T_TMP/clips"
	else
		python3 "$HELPER" gen "$1" "$2" "r$(basename "$1")-" || t_abort "make_manifests" "generator failed"
	fi
}

catalog_count()
{
	sqlite3 "$1/catalog.db" "PRAGMA busy_timeout=5000; select count(*) from recording" 2>/dev/null | tail -n 1
}

spool_count()
{
	find "$1" -mindepth 1 -maxdepth 1 | wc -l
}

log_has() { grep -q -- "$2" "$1" 2>/dev/null; }

# --- 1. four writers at once ---------------------------------------------------

make_register "$T_TMP/a"
REG_A=$REG
KEYS_A=$KEYS
SRC=$T_TMP/src1
make_manifests "$SRC" 480
python3 "$HELPER" bad "$SRC" "$FIX/mono.opus"
mapfile -t ALL < <(ls "$SRC"/*.json | sort)
GOOD=$((${#ALL[@]} - 20))
assert_eq "500 manifests to drop" 500 "${#ALL[@]}"

MNT=
if [ -x "$RECFS" ] && [ -c /dev/fuse ]; then
	VIEWER=$(make_level_user privacy)
	if mount_recfs "$REG_A" "$T_TMP/mnt" "$KEYS/privacy.keyring"; then
		MNT=$T_TMP/mnt
	fi
fi

LOG1=$T_TMP/watch1.log
mkdir -p "$T_TMP/stage"
run_watch "$REG_A" "$LOG1"
wait_for 5 log_has "$LOG1" "watching" || fail "watch starts" "$(cat "$LOG1")"
start=$SECONDS
for w in 0 1 2 3; do
	share=()
	for ((i = w; i < ${#ALL[@]}; i += 4)); do share+=("${ALL[i]}"); done
	python3 "$HELPER" write "$REG_A/spool" "$T_TMP/stage" "${share[@]}" &
	WRITERS[w]=$!
done
for w in 0 1 2 3; do wait "${WRITERS[w]}" || fail "writer $w" "exit $?"; done

done_a() { [ "$(spool_count "$REG_A/spool")" -eq 0 ] && [ "$(catalog_count "$REG_A")" = "$GOOD" ]; }
wait_for 90 done_a
echo "   (500 manifests in $((SECONDS - start)) s)"
assert_eq "every good manifest is in the catalog" "$GOOD" "$(catalog_count "$REG_A")"
assert_eq "the spool ends empty" 0 "$(spool_count "$REG_A/spool")"
assert_eq "one 'ingested' line per good manifest" "$GOOD" "$(grep -c '^ingested m-[0-9a-f]\{8\} -> [0-9a-f]\{32\}$' "$LOG1")"
assert_eq "and none names the manifest" 0 "$(grep -c '\.json' "$LOG1")"
assert_eq "every corrupt manifest quarantined" 20 "$(ls "$REG_A"/quarantine/*/error.txt 2>/dev/null | wc -l)"
# Quarantine folders are named by an id; the manifest is inside.
assert_eq "nothing good quarantined" 0 \
	"$(for d in "$REG_A"/quarantine/*/; do ls "$d" | grep -q '^bad-[0-9][0-9]\.json$' || echo "$d"; done | wc -l)"
assert_eq "one 'quarantined' line each, naming the id" 20 "$(grep -c '^quarantined q-[0-9a-f]\{8\}: ' "$LOG1")"
assert_eq "and not the manifest" 0 "$(grep -c '^quarantined .*bad-' "$LOG1")"
assert_contains "error.txt says the JSON is bad" "$(cat "$(quarantine_of bad-01.json "$REG_A")/error.txt")" "not valid JSON"
assert_contains "error.txt names the missing file" "$(cat "$(quarantine_of bad-06.json "$REG_A")/error.txt")" "missing"
assert_contains "error.txt names the unknown source" "$(cat "$(quarantine_of bad-11.json "$REG_A")/error.txt")" "unknown source"
assert_contains "error.txt says the audio is bad" "$(cat "$(quarantine_of bad-16.json "$REG_A")/error.txt")" "audio"
assert_file "quarantine keeps the manifest" "$(quarantine_of bad-03.json "$REG_A")/bad-03.json"
assert_file "quarantine keeps the audio" "$(quarantine_of bad-16.json "$REG_A")/bad-16.opus"
assert_not_contains "no phone numbers in the log" "$(cat "$LOG1")" "+3584"
assert_not_contains "no names in the log" "$(cat "$LOG1")" "Henkil"
assert_eq "ingest is audited" "$GOOD" \
	"$(sqlite3 "$REG_A/catalog.db" "select count(*) from audit where action='ingest' and outcome='ok'")"
if [ -n "$MNT" ]; then
	mnt_count() { as_user "$VIEWER" find "$MNT/by-date" -name '*.opus' 2>/dev/null | wc -l; }
	mnt_done() { [ "$(mnt_count)" -eq "$GOOD" ]; }
	wait_for 5 mnt_done
	assert_eq "the recordings appear in a running mount" "$GOOD" "$(mnt_count)"
	unmount_recfs "$MNT"
else
	echo "   (build/recfs not available: mount check skipped)"
fi

# --- 3. SIGTERM: finish the recording in hand, exit 0 --------------------------

kill -TERM "$WATCH_PID"
wait "$WATCH_PID"
assert_eq "SIGTERM when idle: exit 0" 0 "$?"

SRC3=$T_TMP/src3
make_manifests "$SRC3" 60
python3 "$HELPER" write "$REG_A/spool" "$T_TMP/stage" "$SRC3"/*.json
before=$(catalog_count "$REG_A")
waiting=$(ls "$REG_A"/spool/*.json | wc -l)
LOG3=$T_TMP/watch3.log
run_watch "$REG_A" "$LOG3"
wait_for 10 log_has "$LOG3" "^ingested " || fail "watch works off a backlog" "$(tail -n 5 "$LOG3")"
kill -TERM "$WATCH_PID"
wait "$WATCH_PID"
assert_eq "SIGTERM during a backlog: exit 0" 0 "$?"
assert_match "a backlog shows progress" "$(cat "$LOG3")" "^backlog: [0-9]+/$waiting$"
after=$(catalog_count "$REG_A")
left=$(ls "$REG_A"/spool/*.json 2>/dev/null | wc -l)
assert_eq "stopped: every manifest ingested or still waiting" "$waiting" "$((after - before + left))"
assert_eq "stopped: nothing quarantined" 20 "$(ls -d "$REG_A"/quarantine/* | wc -l)"
LOG3B=$T_TMP/watch3b.log
run_watch "$REG_A" "$LOG3B"
# The policy change below must come after the watches are set: with the
# spool already empty nothing else waits for the start-up.
wait_for 20 log_has "$LOG3B" "^watching " || fail "watch starts again" "$(tail -n 3 "$LOG3B")"
done_3() { [ "$(spool_count "$REG_A/spool")" -eq 0 ]; }
wait_for 30 done_3
assert_eq "after a restart the rest is ingested" "$((before + waiting))" "$(catalog_count "$REG_A")"

# --- 4. policy reload -------------------------------------------------------------

cp "$REG_A/policy.conf" "$T_TMP/policy.good"
printf '\n[purpose broken]\nlegal_basis = whim\nmin_level = nobody\n' >>"$REG_A/policy.conf"
wait_for 5 log_has "$LOG3B" "policy.conf rejected" || fail "a bad policy.conf is rejected" "$(tail -n 3 "$LOG3B")"
assert_match "the rejection names the line" "$(grep 'policy.conf rejected' "$LOG3B")" "policy.conf:[0-9]+"
kill -0 "$WATCH_PID" 2>/dev/null && pass "the daemon survives a bad policy" || fail "the daemon survives a bad policy" "it exited"
SRC4=$T_TMP/src4
make_manifests "$SRC4" 2
n0=$(catalog_count "$REG_A")
python3 "$HELPER" write "$REG_A/spool" "$T_TMP/stage" "$SRC4"/*.json
wait_for 10 done_3
assert_eq "ingest goes on under the old policy" "$((n0 + 2))" "$(catalog_count "$REG_A")"

cp "$T_TMP/policy.good" "$T_TMP/policy.new"
printf '\n[source test-line]\nkind = call\npurpose = quality\ndata_source = test line\n' >>"$T_TMP/policy.new"
mv "$T_TMP/policy.new" "$REG_A/policy.conf"
wait_for 5 log_has "$LOG3B" "policy.conf reloaded" || fail "a good policy.conf is reloaded" "$(tail -n 3 "$LOG3B")"
cp "$FIX/mono.opus" "$REG_A/spool/newsrc.opus"
printf '{"recorded_at":"2026-05-05T10:00:00Z","source":"test-line","audio":"newsrc.opus"}' >"$REG_A/spool/newsrc.json"
wait_for 10 done_3
assert_eq "the reloaded policy is in force" "$((n0 + 3))" "$(catalog_count "$REG_A")"
assert_eq "(newsrc.json is not in quarantine)" "" "$(quarantine_of newsrc.json "$REG_A")"

# --- 5. no manifest named in the log by its file name ----------------------------

# A good manifest, the same again (a duplicate), a FIFO and a bad one, each
# named after a person; the log is read from here on.
PERSON="Matti Meikäläinen +358401234567"
mark=$(wc -l <"$LOG3B")
cp "$FIX/mono.opus" "$REG_A/spool/$PERSON.opus"
printf '{"recorded_at":"2026-05-06T10:00:00Z","source":"customer-service","audio":"%s.opus"}' "$PERSON" \
	>"$T_TMP/person.json"
cp "$T_TMP/person.json" "$REG_A/spool/.p" && mv "$REG_A/spool/.p" "$REG_A/spool/$PERSON.json"
wait_for 10 done_3
cp "$FIX/mono.opus" "$REG_A/spool/$PERSON.opus"
cp "$T_TMP/person.json" "$REG_A/spool/.p" && mv "$REG_A/spool/.p" "$REG_A/spool/$PERSON (2).json"
wait_for 10 done_3
mkfifo "$REG_A/spool/.f" && mv "$REG_A/spool/.f" "$REG_A/spool/Maija Mehiläinen.json"
printf 'not json' >"$REG_A/spool/.p" && mv "$REG_A/spool/.p" "$REG_A/spool/Pekka Puupää 0401234567.json"
fifo_only() { [ "$(spool_count "$REG_A/spool")" -eq 1 ] && log_has "$LOG3B" "^skipped "; }
wait_for 10 fifo_only
rm -f "$REG_A/spool/Maija Mehiläinen.json"
LOG5=$(tail -n +"$((mark + 1))" "$LOG3B")
assert_match "the person's manifest is ingested, by pseudonym and id" "$LOG5" \
	"^ingested m-[0-9a-f]{8} -> [0-9a-f]{32}$"
assert_match "its copy is a duplicate, by pseudonym and id" "$LOG5" "^duplicate m-[0-9a-f]{8} -> [0-9a-f]{32}$"
assert_match "the FIFO is skipped, by pseudonym" "$LOG5" "^skipped m-[0-9a-f]{8}: not a regular file$"
assert_match "the bad one is quarantined, by its id" "$LOG5" "^quarantined q-[0-9a-f]{8}: manifest is not valid JSON"
assert_file "(its name is kept in quarantine)" "$(quarantine_of "Pekka Puupää 0401234567.json" "$REG_A")/manifest-name.txt"
# A recording whose retention ended before it came: ingested, and said so.
mark=$(wc -l <"$LOG3B")
cp "$FIX/mono.opus" "$REG_A/spool/old.opus"
printf '{"recorded_at":"2015-03-02T10:00:00Z","source":"customer-service","audio":"old.opus"}' >"$REG_A/spool/.p"
mv "$REG_A/spool/.p" "$REG_A/spool/old.json"
wait_for 10 done_3
assert_match "an expired recording is ingested with the day its retention ended" \
	"$(tail -n +"$((mark + 1))" "$LOG3B")" \
	"^m-[0-9a-f]{8}: its retention ended on 201[5-9]-[0-9]{2}-[0-9]{2}: the next retention sweep erases it$"
for part in Matti Meik 358401234567 Maija Mehil Pekka Puup 0401234567; do
	assert_not_contains "the log does not say '$part'" "$LOG5" "$part"
	assert_eq "nor the audit log (syslog's copy)" 0 \
		"$(sqlite3 "$REG_A/catalog.db" "select count(*) from audit where instr(coalesce(object, '') || ' ' ||
			coalesce(reason, ''), '$part')")"
done
assert_eq "reload and refusal are audited" "ok refused" \
	"$(sqlite3 "$REG_A/catalog.db" "select outcome from audit where action='policy-reload' order by outcome" | tr '\n' ' ' | sed 's/ $//')"
assert_ok "the audit chain holds" "$RECCTL" audit verify -R "$REG_A"
kill -TERM "$WATCH_PID"
wait "$WATCH_PID"
assert_eq "SIGTERM after reloads: exit 0" 0 "$?"

# --- 6. files no manifest names: said by count, never by name -------------------
# An audio whose manifest never came and a hidden leftover of a writer, in
# a spool whose watch starts with the (test build's) clock three days on:
# plaintext nothing will take in or remove.
cp "$FIX/mono.opus" "$REG_A/spool/$PERSON orphan.opus"
printf 'half a manifest' >"$REG_A/spool/.tmp-$PERSON"
LOG6=$T_TMP/watch6.log
RECFS_NOW=$(( $(date +%s) + 3 * 86400 )) run_watch "$REG_A" "$LOG6"
wait_for 5 log_has "$LOG6" "named by no manifest"
assert_match "watch says how many files no manifest names" "$(cat "$LOG6")" \
	"^2 files in the spool, unchanged for over a day, are named by no manifest"
assert_not_contains "and not their names" "$(cat "$LOG6")" "Matti"
assert_eq "and leaves them where they are" 2 "$(spool_count "$REG_A/spool")"
kill -TERM "$WATCH_PID"
wait "$WATCH_PID"
LOG6B=$T_TMP/watch6b.log
run_watch "$REG_A" "$LOG6B"
wait_for 5 log_has "$LOG6B" "watching"
sleep 0.5
assert_eq "files younger than a day are not reported" 0 "$(grep -c "named by no manifest" "$LOG6B")"
kill -TERM "$WATCH_PID"
wait "$WATCH_PID"
rm -f "$REG_A/spool/$PERSON orphan.opus" "$REG_A/spool/.tmp-$PERSON"

# --- 2. SIGKILL at 20 random moments ----------------------------------------------

make_register "$T_TMP/b"
REG_B=$REG
SRC2=$T_TMP/src2
make_manifests "$SRC2" 300
mapfile -t ALL2 < <(ls "$SRC2"/*.json | sort)
LOG2=$T_TMP/watch2.log
kills=0
for round in $(seq 0 19); do
	# 15 more manifests each round, written while the daemon runs (some
	# half-written, some moved in), so that every kill lands in work.
	run_watch "$REG_B" "$LOG2"
	python3 "$HELPER" write "$REG_B/spool" "$T_TMP/stage" "${ALL2[@]:$((round * 15)):15}" &
	writer=$!
	sleep "0.$(printf '%02d' $((RANDOM % 60 + 5)))"
	if kill -KILL "$WATCH_PID" 2>/dev/null; then
		kills=$((kills + 1))
	fi
	wait "$WATCH_PID" 2>/dev/null
	wait "$writer" || fail "writer of round $round" "exit $?"
done
assert_eq "20 kills" 20 "$kills"
mid=$(catalog_count "$REG_B")
echo "   ($mid of 300 in the catalog after the kills)"
run_watch "$REG_B" "$LOG2"
done_b() { [ "$(spool_count "$REG_B/spool")" -eq 0 ]; }
wait_for 60 done_b
kill -TERM "$WATCH_PID"
wait "$WATCH_PID"
assert_eq "exactly the 300 in the catalog" 300 "$(catalog_count "$REG_B")"
assert_eq "each manifest once (one ingest key per recording)" 300 \
	"$(sqlite3 "$REG_B/catalog.db" "select count(distinct recording) from ingest_key")"
assert_eq "the spool is empty after the kills" 0 "$(spool_count "$REG_B/spool")"
assert_eq "nothing quarantined after the kills" 0 "$(find "$REG_B/quarantine" -mindepth 1 | wc -l)"
"$RECCTL" fsck -R "$REG_B" --grace 0 --repair >"$T_TMP/fsck1.out" 2>&1
assert_ok "fsck is clean after --repair" "$RECCTL" fsck -R "$REG_B" --grace 0
assert_ok "the audit chain holds after the kills" "$RECCTL" audit verify -R "$REG_B"

for f in "$T_TMP"/watch*.log; do
	if sanitizer_report "$f"; then
		fail "no sanitizer report in $(basename "$f")" "$(sanitizer_excerpt "$f")"
	fi
done

t_done
