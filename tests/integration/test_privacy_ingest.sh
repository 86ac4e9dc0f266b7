#!/bin/bash
# test_privacy_ingest.sh - the privacy promises of ingest (issue 10), as
# real users of each level on a real mount and with the real recctl:
#
#  1. Chats and shared files are sealed from the purpose's chat_level and
#     attachment_level (by default details_level): with the shipped policy
#     the training level hears a meeting picked for training but cannot see
#     or open its chat or slides (ENOENT), the analysis level can; the
#     notice says so; policy check reports a bad level by line; policy
#     apply reseals when the levels change.
#  2. A subject's role, kept in the clear, is one of the format's words:
#     a manifest with free text there is quarantined with a clear
#     error.txt, and the text is nowhere under the register but in
#     quarantine.
#  3. A manifest named with a newline or a terminal's escape sequence
#     forges no line in recctl watch's log, recctl ingest's output, the
#     audit log or error.txt.  The watch log names no manifest by its file
#     name: an ingested one by a pseudonym (m-<8 hex>) and its recording.
#     A quarantined manifest is named by a pseudonymous id (q-<8 hex>) in
#     its folder's name, the watch log and the audit log; its name is
#     kept, escaped, in its folder alone, and printed escaped on the
#     operator's terminal (recctl ingest, fsck).
#  4. A manifest's legal_basis is its purpose's, or one the purpose allows
#     (allowed_bases): another is quarantined with a clear error.txt.
#  5. jansson's memory is wiped before it is freed: with a free() hook
#     preloaded into recctl ingest and the mount, no block that jansson
#     frees holds a subject's name or a title (the hook reports which
#     library freed each block holding one).
#  6. Quarantined manifests and their files are personal data in the clear:
#     recctl fsck lists them with their age, and recctl retention sweep
#     erases those kept past quarantine_retention (30 days), counted and
#     logged, and leaves the younger ones.
. "$(dirname "$0")/lib.sh"

for tool in python3 sqlite3 getfattr; do
	command -v "$tool" >/dev/null || t_abort "needs $tool" "not installed"
done
export LC_ALL=C.UTF-8
FIX=$T_ROOT/tests/fixtures

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
trainer=$(make_level_user training)
analyst=$(make_level_user analysis)

# stamp TIME: the form of TIME in the mount's file names.
stamp() { date -u -d "$1" +%Y%m%dT%H%M%SZ; }

# ingest_ok NAME...: recctl ingest of SPOOL/NAME.json, which must succeed.
ingest_ok()
{
	local n args=()
	for n in "$@"; do args+=("$SPOOL/$n.json"); done
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "${args[@]}" >"$T_TMP/ingest.out" 2>&1 ||
		t_abort "ingest $*" "$(tail -n 3 "$T_TMP/ingest.out")"
}

# --- 1. chats and shared files are read where names are ---------------------

T_MEET=$(date -u -d '-2 days' +%Y-%m-%dT09:00:00Z)
T_CALL=$(date -u -d '-2 days' +%Y-%m-%dT09:30:00Z)
CHAT_TEXT="[09:01:12] Kaisa Kurssilainen: Jaan diat nyt."
PDF_TEXT="%PDF-1.4 slides of the induction course"
cp "$FIX/stereo.opus" "$SPOOL/meet.opus"
printf '%s\n' "$CHAT_TEXT" >"$SPOOL/meet-chat.txt"
printf '%s\n' "$PDF_TEXT" >"$SPOOL/meet-slides.pdf"
# A customer meeting picked as training material (purpose training, whose
# min_level is training), and a customer-service call with a chat.
cat >"$SPOOL/meet.json" <<EOF
{"recorded_at": "$T_MEET", "source": "customer-meetings", "purpose": "training",
 "title": "Induction course example", "audio": "meet.opus",
 "subjects": [{"role": "participant", "name": "Kaisa Kurssilainen", "phone": "+358401234001"}],
 "attachments": [{"file": "meet-chat.txt", "kind": "chat"},
                 {"file": "meet-slides.pdf", "kind": "presentation"}]}
EOF
cp "$FIX/mono.opus" "$SPOOL/call.opus"
printf 'agent: hello\n' >"$SPOOL/call-chat.txt"
cat >"$SPOOL/call.json" <<EOF
{"recorded_at": "$T_CALL", "source": "customer-service", "audio": "call.opus",
 "subjects": [{"role": "customer", "phone": "+358401234002"}],
 "attachments": [{"file": "call-chat.txt", "kind": "chat"}]}
EOF
ingest_ok meet call

MNT=$T_TMP/mnt
mount_all_levels "$MNT"
meet=$(as_user "$analyst" find "$MNT/by-date" -name "$(stamp "$T_MEET")_*.opus")
call=$(as_user "$analyst" find "$MNT/by-date" -name "$(stamp "$T_CALL")_*.opus")
[ -n "$meet" ] && [ -n "$call" ] || t_abort "find" "analysis does not see both recordings"
meet=${meet%.opus}
call=${call%.opus}

assert_ok "training hears the meeting picked for training" as_user "$trainer" sh -c "cat '$meet.opus' >/dev/null"
assert_fails_with "training: cat of the meeting's chat is ENOENT" "No such file or directory" \
	as_user "$trainer" cat "$meet.chat.txt"
assert_fails_with "training: stat of the meeting's chat is ENOENT" "No such file or directory" \
	as_user "$trainer" stat "$meet.chat.txt"
assert_fails_with "training: cat of the meeting's slides is ENOENT" "No such file or directory" \
	as_user "$trainer" cat "$meet.1.pdf"
assert_fails_with "training: stat of the meeting's slides is ENOENT" "No such file or directory" \
	as_user "$trainer" stat "$meet.1.pdf"
assert_fails_with "training: the call's chat (quality) is ENOENT too" "No such file or directory" \
	as_user "$trainer" cat "$call.chat.txt"
x=$(as_user "$trainer" ls "$(dirname "$meet")" 2>&1)
assert_contains "training's listing has the meeting's audio" "$x" "$(basename "$meet").opus"
assert_not_contains "training's listing has no chat" "$x" ".chat.txt"
assert_not_contains "training's listing has no shared file" "$x" ".1.pdf"
assert_eq "training's by-subject folder holds the audio and WAV only" \
	"$(basename "$meet").opus $(basename "$meet").wav" \
	"$(as_user "$trainer" sh -c "ls '$MNT'/by-subject/*/ | grep '^$(basename "$meet")' | tr '\n' ' '" | sed 's/ $//')"
assert_eq "analysis reads the meeting's chat" "$CHAT_TEXT" "$(as_user "$analyst" cat "$meet.chat.txt" 2>&1)"
assert_eq "analysis reads the meeting's slides" "$PDF_TEXT" "$(as_user "$analyst" cat "$meet.1.pdf" 2>&1)"
assert_eq "the chat's group is analysis's" "recfs-analysis" "$(as_user "$analyst" stat -c %G "$meet.chat.txt")"
# A file's group is that of the viewer's level when it may read it (issue 13).
assert_eq "the audio's group is training's to training" "recfs-training" "$(as_user "$trainer" stat -c %G "$meet.opus")"
assert_eq "and analysis's to analysis" "recfs-analysis" "$(as_user "$analyst" stat -c %G "$meet.opus")"

# The shipped policy's notice is Finnish first; these phrases are its English one.
notice=$(cat "$MNT/README.en.txt")
assert_contains "the notice says training reads no chats or shared files" "$notice" \
	"training (group recfs-training)
    Recordings of: quality, training
    Chats and shared files of: none
    Is not shown the names or contact details recorded about the people
    (file names, attributes, cards); the audio it hears may still
    contain them."
assert_contains "recctl register says the same" "$("$RECCTL" register -R "$REG" --lang en)" "Chats and shared files of: none"

# policy check: the levels are checked and reported by line.
awk '/^\[purpose training\]/ { print; print "chat_level = nosuch"; next } { print }' \
	"$POLICY_EXAMPLE" >"$T_TMP/bad1.conf"
line=$(grep -n '^chat_level = nosuch' "$T_TMP/bad1.conf" | cut -d: -f1)
assert_fails_with "policy check: an unknown chat_level is an error at its line" "bad1.conf:$line: chat_level: no level named 'nosuch'" \
	"$RECCTL" policy check "$T_TMP/bad1.conf"
awk '/^\[purpose service-level\]/ { print; print "attachment_level = training"; next } { print }' \
	"$POLICY_EXAMPLE" >"$T_TMP/bad2.conf"
line=$(grep -n '^attachment_level = training' "$T_TMP/bad2.conf" | cut -d: -f1)
assert_fails_with "policy check: attachment_level below min_level is an error at its line" \
	"bad2.conf:$line: attachment_level training in [purpose service-level] is below its min_level analysis" \
	"$RECCTL" policy check "$T_TMP/bad2.conf"

# policy apply: training may read the chats of purpose training, then not.
awk '/^\[purpose training\]/ { print; print "chat_level = training"; next } { print }' \
	"$POLICY_EXAMPLE" >"$T_TMP/chat-training.conf"
assert_ok "policy check of chat_level = training" "$RECCTL" policy check "$T_TMP/chat-training.conf"
assert_ok "policy apply of chat_level = training" "$RECCTL" policy apply -R "$REG" "$T_TMP/chat-training.conf" \
	--keyrings "$KEYS" --keyring "$KEYS/privacy.keyring"
assert_contains "it resealed one recording" "$T_OUT" "1 recordings and subject cards resealed (seals +1 -0)"
poll_since "$(now_ns)" 3000 as_user "$trainer" test -e "$meet.chat.txt"
assert_eq "training then reads the meeting's chat" "$CHAT_TEXT" "$(as_user "$trainer" cat "$meet.chat.txt" 2>&1)"
assert_fails_with "but still not its slides" "No such file or directory" as_user "$trainer" cat "$meet.1.pdf"
assert_contains "the notice says training reads the chats of purpose training" "$("$RECCTL" register -R "$REG" --lang en)" \
	"    Chats of: training
    Shared files of: none"
assert_ok "policy apply of the shipped policy again" "$RECCTL" policy apply -R "$REG" "$POLICY_EXAMPLE" --keyrings "$KEYS"
assert_contains "it took the seal away" "$T_OUT" "(seals +0 -1)"
training_lacks_chat() { ! as_user "$trainer" test -e "$meet.chat.txt"; }
poll_since "$(now_ns)" 3000 training_lacks_chat
assert_fails_with "training's chat is ENOENT again" "No such file or directory" as_user "$trainer" cat "$meet.chat.txt"
assert_eq "no training seal on a chat or shared file" 0 \
	"$(q "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object WHERE s.level = 'training' AND a.role <> 'audio'")"
unmount_recfs "$MNT"

# --- 2. roles are words of the format, not free text -------------------------

T_ROLE=$(date -u -d '-3 days' +%Y-%m-%dT10:00:00Z)
T_ROLES=$(date -u -d '-3 days' +%Y-%m-%dT11:00:00Z)
cp "$FIX/mono.opus" "$SPOOL/role.opus"
cat >"$SPOOL/role.json" <<EOF
{"recorded_at": "$T_ROLE", "source": "customer-service", "audio": "role.opus",
 "subjects": [{"role": "customer", "phone": "+358401234003"},
              {"role": "Roolimerkki Rosamunda (the caller's wife)", "phone": "+358401234004"}]}
EOF
assert_exit "recctl ingest of a manifest with a free-text role exits 1" 1 \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/role.json"
assert_contains "it says the manifest was quarantined" "$T_OUT" "role.json: quarantined in"
assert_not_contains "its output does not echo the role" "$T_OUT" "Rosamunda"
assert_file "the manifest is in quarantine" "$(quarantine_of role.json)/role.json"
assert_eq "error.txt says which subject's role is wrong" \
	"subject 2: role is not one of customer, participant, staff" "$(cat "$(quarantine_of role.json)/error.txt" 2>&1)"
assert_eq "the role is nowhere under the register but in quarantine" "" \
	"$(grep -a -r -l -F --exclude-dir=quarantine -- "Rosamunda" "$REG")"
assert_eq "the catalog's links hold only the format's roles" "" \
	"$(q "SELECT DISTINCT role FROM link WHERE role NOT IN ('customer', 'participant', 'staff')")"
assert_not_contains "the audit log does not echo it" "$("$RECCTL" audit show -R "$REG")" "Rosamunda"
# Each word of the format is taken; no role is a participant.
cp "$FIX/mono.opus" "$SPOOL/roles.opus"
cat >"$SPOOL/roles.json" <<EOF
{"recorded_at": "$T_ROLES", "source": "customer-service", "audio": "roles.opus",
 "subjects": [{"role": "customer", "phone": "+358401234005"}, {"role": "staff", "phone": "+358401234006"},
              {"role": "participant", "phone": "+358401234007"}, {"phone": "+358401234008"}]}
EOF
ingest_ok roles
rid=$(q "SELECT id FROM recording WHERE recorded_at = $(date -u -d "$T_ROLES" +%s)")
assert_eq "customer, staff and participant are taken, and no role is a participant" \
	"customer participant participant staff" \
	"$(q "SELECT role FROM link WHERE recording = '$rid' ORDER BY role" | tr '\n' ' ' | sed 's/ $//')"

# --- 3. a file name forges no line --------------------------------------------

WSPOOL=$T_TMP/wspool
mkdir -p "$WSPOOL"
T_W=$(date -u -d '-3 days' +%Y-%m-%dT12:00:00Z)
# Not JSON, so quarantined; and a good one, so ingested.
BAD_NAME=$'inj\ningested forged.json -> 00000000000000000000000000000000\e[31m.json'
GOOD_NAME=$'good\nquarantined forged.json: all is well.json'
"$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" "$WSPOOL" 2>"$T_TMP/watch.log" &
WPID=$!
T_DAEMONS+=("$WPID")
cp "$FIX/mono.opus" "$WSPOOL/good.opus"
printf '{"recorded_at": "%s", "source": "customer-service", "audio": "good.opus"}\n' "$T_W" >"$WSPOOL/$GOOD_NAME"
printf 'not json\n' >"$WSPOOL/$BAD_NAME"
# Both are done when the spool is empty: one ingested, one quarantined.
spool_empty() { [ -z "$(ls -A "$WSPOOL")" ]; }
poll_since "$(now_ns)" 15000 spool_empty || fail "recctl watch handles both manifests" "$(cat "$T_TMP/watch.log")"
kill -TERM "$WPID"
wait "$WPID"
log=$(cat "$T_TMP/watch.log")
assert_eq "the watch log has no forged 'ingested' line" 0 "$(grep -c '^ingested forged' "$T_TMP/watch.log")"
assert_eq "the watch log has no forged 'quarantined' line" 0 "$(grep -c '^quarantined forged' "$T_TMP/watch.log")"
# The quarantined manifest is named by its pseudonymous id, in the folder's
# name, the watch log and the audit log; its name, which the recorder
# chose and which may name a person, is kept inside the folder alone.
qdir=$(quarantine_of "$BAD_NAME")
QID=${qdir##*/}
assert_match "the quarantine folder is named by an id" "$QID" '^q-[0-9a-f]{8}$'
assert_contains "the watch log names the id" "$log" "quarantined $QID: manifest is not valid JSON"
assert_not_contains "and not the bad manifest's name" "$log" 'inj'
assert_match "the watch log names the good manifest by a pseudonym" "$log" '^ingested m-[0-9a-f]{8} -> [0-9a-f]{32}$'
assert_not_contains "and not by its name" "$log" 'forged'
assert_eq "the watch log holds no escape character" 0 "$(grep -c $'\e' "$T_TMP/watch.log")"
assert_eq "the audit reasons hold no newline or escape character" 0 \
	"$(q "SELECT count(*) FROM audit WHERE instr(reason, char(10)) OR instr(reason, char(27))")"
assert_eq "the audit entry names the id" "manifest is not valid JSON (line 1, column 3)" \
	"$(q "SELECT reason FROM audit WHERE action = 'quarantine' AND object = '$QID'")"
assert_eq "no audit entry holds the name" 0 \
	"$(q "SELECT count(*) FROM audit WHERE instr(coalesce(reason, '') || coalesce(object, ''), 'inj')")"
assert_eq "recctl audit show has no forged line" 0 \
	"$("$RECCTL" audit show -R "$REG" | grep -c -e '^ingested forged' -e '^quarantined forged')"
assert_eq "error.txt is one line" "manifest is not valid JSON (line 1, column 3)" "$(cat "$qdir/error.txt" 2>&1)"
assert_eq "the name is kept in the folder, escaped, one line" \
	'inj\ningested forged.json -> 00000000000000000000000000000000\x1b[31m.json' "$(cat "$qdir/manifest-name.txt" 2>&1)"
# recctl ingest of a manifest so named, from the command line.
printf 'not json either\n' >"$SPOOL/$BAD_NAME"
assert_exit "recctl ingest of the badly named manifest exits 1" 1 \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/$BAD_NAME"
assert_eq "recctl ingest's output is one line for it (and the summary)" 2 "$(printf '%s\n' "$T_OUT" | wc -l)"
assert_contains "and names it escaped" "$T_OUT" \
	'recctl: inj\ningested forged.json -> 00000000000000000000000000000000\x1b[31m.json: quarantined in '
assert_not_contains "with no escape character" "$T_OUT" $'\e'
printf 'x\n' >"$SPOOL/$BAD_NAME"
out=$("$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" --json "$SPOOL/$BAD_NAME" 2>/dev/null)
assert_eq "recctl ingest --json gives the name escaped" \
	'inj\ningested forged.json -> 00000000000000000000000000000000\x1b[31m.json' \
	"$(printf '%s' "$out" | jq -r '.manifests[0].manifest' 2>&1)"

# --- 4. the legal basis is one the purpose allows ---------------------------

T_B1=$(date -u -d '-4 days' +%Y-%m-%dT10:00:00Z)
T_B2=$(date -u -d '-4 days' +%Y-%m-%dT11:00:00Z)
cp "$FIX/mono.opus" "$SPOOL/basis.opus"
cat >"$SPOOL/basis.json" <<EOF
{"recorded_at": "$T_B1", "source": "customer-service", "legal_basis": "consent", "audio": "basis.opus",
 "subjects": [{"role": "customer", "phone": "+358401234011"}]}
EOF
assert_exit "recctl ingest of a call with a basis its purpose does not have exits 1" 1 \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/basis.json"
assert_contains "it says the manifest was quarantined" "$T_OUT" "basis.json: quarantined in"
assert_eq "error.txt says the basis is not the purpose's" \
	"legal_basis consent is not a basis of purpose quality: the policy gives it contract (allowed_bases lists any others)" \
	"$(cat "$(quarantine_of basis.json)/error.txt" 2>&1)"
assert_eq "nothing of it is in the catalog" 0 "$(q "SELECT count(*) FROM recording WHERE recorded_at = $(date -u -d "$T_B1" +%s)")"
# The shipped policy lets a call used in training rest on consent.
cp "$FIX/mono.opus" "$SPOOL/basis2.opus"
cat >"$SPOOL/basis2.json" <<EOF
{"recorded_at": "$T_B2", "source": "customer-service", "purpose": "training", "legal_basis": "consent",
 "audio": "basis2.opus", "subjects": [{"role": "customer", "phone": "+358401234012"}]}
EOF
ingest_ok basis2
assert_eq "a basis in the purpose's allowed_bases is taken" "training consent" \
	"$(q "SELECT purpose || ' ' || legal_basis FROM recording WHERE recorded_at = $(date -u -d "$T_B2" +%s)")"
awk '/^\[purpose training\]/ { print; print "allowed_bases = consent, whim"; next } /^allowed_bases/ { next } { print }' \
	"$POLICY_EXAMPLE" >"$T_TMP/bad3.conf"
line=$(grep -n '^allowed_bases = consent, whim' "$T_TMP/bad3.conf" | cut -d: -f1)
assert_fails_with "policy check: a basis that is none of Art. 6(1) in allowed_bases is an error at its line" \
	"bad3.conf:$line: allowed_bases: 'whim' is not one of consent" "$RECCTL" policy check "$T_TMP/bad3.conf"

# --- 5. what jansson frees is wiped -------------------------------------------

# free() preloaded: a block that holds FREEHOOK_MARKER when freed is
# reported (in FREEHOOK_OUT) with the file of the code that freed it.
cat >"$T_TMP/freehook.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void __libc_free(void *);
static __thread int busy;

void free(void *p)
{
	const char *m = getenv("FREEHOOK_MARKER"), *out = getenv("FREEHOOK_OUT");

	if (p && m && *m && out && !busy) {
		size_t n = malloc_usable_size(p);

		busy = 1;
		if (memmem(p, n, m, strlen(m))) {
			Dl_info info;
			const char *who = dladdr(__builtin_return_address(0), &info) && info.dli_fname ? info.dli_fname : "?";
			int fd = open(out, O_WRONLY | O_APPEND | O_CREAT, 0644);

			if (fd >= 0) {
				if (write(fd, who, strlen(who)) < 0 || write(fd, "\n", 1) < 0)
					;
				close(fd);
			}
		}
		busy = 0;
	}
	__libc_free(p);
}
EOF
if ldd "$RECCTL" | grep -q -e libasan -e libubsan; then
	# The sanitizers own malloc and free: no hook can be preloaded.
	pass "(a sanitizer build: the free() hook of section 5 is not run)"
elif ! cc -shared -fPIC -O1 -o "$T_TMP/freehook.so" "$T_TMP/freehook.c" -ldl 2>"$T_TMP/freehook.err"; then
	fail "the free() hook compiles" "$(cat "$T_TMP/freehook.err")"
else
	M5=Vapautusmerkki
	# The control: the hook sees a block freed as it is.
	printf '#include <stdlib.h>\n#include <string.h>\nint main(int c, char **v) { free(strdup(v[c - 1])); return 0; }\n' \
		>"$T_TMP/control.c"
	cc -o "$T_TMP/control" "$T_TMP/control.c" &&
		env LD_PRELOAD="$T_TMP/freehook.so" FREEHOOK_MARKER="$M5" FREEHOOK_OUT="$T_TMP/freed-control" \
			"$T_TMP/control" "a $M5 b"
	assert_eq "(the free() hook reports a block freed unwiped)" 1 "$(grep -c control "$T_TMP/freed-control" 2>&1)"
	T5=$(date -u -d '-6 days' +%Y-%m-%dT10:00:00Z)
	cp "$FIX/mono.opus" "$SPOOL/mem.opus"
	cat >"$SPOOL/mem.json" <<EOF
{"recorded_at": "$T5", "source": "customer-service", "title": "$M5 title", "audio": "mem.opus",
 "staff": [{"name": "$M5 Staff", "id": "s5"}],
 "subjects": [{"role": "customer", "name": "$M5 Veli-Pekka", "organisation": "$M5 Oy", "phone": "+358401234031"}]}
EOF
	: >"$T_TMP/freed-ingest"
	assert_ok "recctl ingest with the free() hook" env LD_PRELOAD="$T_TMP/freehook.so" FREEHOOK_MARKER="$M5" \
		FREEHOOK_OUT="$T_TMP/freed-ingest" "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/mem.json"
	assert_eq "recctl ingest: no block freed by jansson holds the name" "" \
		"$(grep -i jansson "$T_TMP/freed-ingest" | sort | uniq -c)"
	assert_eq "recctl ingest: no block freed unwiped holds it at all" "" "$(sort "$T_TMP/freed-ingest" | uniq -c)"
	# The mount parses the details for the analysis level's getfattr.
	cat >"$T_TMP/recfs-hooked" <<EOF
#!/bin/sh
LD_PRELOAD="$T_TMP/freehook.so" FREEHOOK_MARKER="$M5" FREEHOOK_OUT="$T_TMP/freed-mount" exec "$RECFS" "\$@"
EOF
	chmod 0755 "$T_TMP/recfs-hooked"
	: >"$T_TMP/freed-mount"
	chmod 0666 "$T_TMP/freed-mount"
	RECFS_REAL=$RECFS
	RECFS=$T_TMP/recfs-hooked
	mount_all_levels "$MNT"
	RECFS=$RECFS_REAL
	mem=$(as_user "$analyst" find "$MNT/by-date" -name "$(stamp "$T5")_*.opus")
	assert_contains "analysis reads the title through the hooked mount" \
		"$(as_user "$analyst" getfattr -n user.recfs.title "$mem" 2>&1)" "$M5 title"
	assert_contains "and the subject's name" "$(as_user "$analyst" getfattr -d "$mem" 2>&1)" "$M5 Veli-Pekka"
	unmount_recfs "$MNT"
	assert_eq "recfs: no block freed by jansson holds the name or title" "" \
		"$(grep -i jansson "$T_TMP/freed-mount" | sort | uniq -c)"
fi

# --- 6. quarantine has a retention --------------------------------------------

Q_MARK="Karanteeni Kerttuliina"
cp "$FIX/mono.opus" "$SPOOL/q6.opus"
cat >"$SPOOL/q6.json" <<EOF
{"recorded_at": "$(date -u -d '-5 days' +%Y-%m-%dT10:00:00Z)", "source": "no-such-source", "audio": "q6.opus",
 "subjects": [{"role": "customer", "name": "$Q_MARK", "phone": "+358401234021"}]}
EOF
assert_exit "recctl ingest quarantines a manifest of an unknown source" 1 \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/q6.json"
Q6=$(quarantine_of q6.json)
QB=$(quarantine_of basis.json)
assert_file "its audio is in quarantine with it" "$Q6/q6.opus"
assert_eq "the marker is in quarantine, in the clear" "$Q6/q6.json" \
	"$(grep -a -r -l -F -- "$Q_MARK" "$REG")"
n_q=$(find "$REG/quarantine" -mindepth 1 -maxdepth 1 -type d -printf x | wc -c)
[ "$n_q" -ge 4 ] || fail "sections 2 to 6 quarantined at least 4 manifests" "$n_q"
until=$(date -u -d '+30 days' +%Y-%m-%d)
assert_ok "recctl fsck with young quarantined manifests is clean" "$RECCTL" fsck -R "$REG"
assert_contains "it lists one with its age" "$T_OUT" "quarantined: ${Q6##*/} (q6.json), 0 days old, kept until $until"
assert_contains "it lists a badly named one escaped" "$T_OUT" "quarantined: $QID (inj\\ningested forged.json"
assert_contains "it counts them" "$T_OUT" "$n_q manifests in quarantine; 0 problems"
LATER=$(date -u -d '+31 days' +%Y-%m-%dT%H:%M:%SZ)
# One quarantined later than the others (its error.txt 11 days older than
# LATER, to the second: stamped '+20 days' from now, it was 10 days old
# whenever a second began between the two date calls) stays.
touch -d "@$(($(date -u -d "$LATER" +%s) - 11 * 86400))" "$QB/error.txt"
assert_exit "recctl fsck 31 days later finds the old ones overdue" 1 env RECFS_NOW="$LATER" "$RECCTL" fsck -R "$REG"
assert_contains "and says so" "$T_OUT" \
	"problem: quarantined ${Q6##*/} (q6.json) is 31 days old, past quarantine_retention 30d: recctl retention sweep erases it"
assert_contains "the younger one is only listed" "$T_OUT" "quarantined: ${QB##*/} (basis.json), 11 days old, kept until"
assert_ok "retention sweep --dry-run 31 days later" env RECFS_NOW="$LATER" "$RECCTL" retention sweep -R "$REG" --dry-run
assert_contains "it counts the quarantined manifests it would erase" "$T_OUT" \
	"quarantined manifests: expired $((n_q - 1)), would erase $((n_q - 1))"
assert_file "and erases none" "$Q6/q6.json"
assert_ok "retention sweep 31 days later" env RECFS_NOW="$LATER" "$RECCTL" retention sweep -R "$REG" --json
assert_eq "it counts the quarantined manifests it erased" "$((n_q - 1)) $((n_q - 1)) 0" \
	"$(printf '%s' "$T_OUT" | jq -r '"\(.quarantine_expired) \(.quarantine_erased) \(.quarantine_errors)"')"
assert_eq "what is left in quarantine is the younger one" "${QB##*/}" "$(ls "$REG/quarantine")"
assert_eq "the marker is nowhere under the register" "" "$(grep -a -r -l -F -- "$Q_MARK" "$REG")"
assert_match "the erasure is in the audit log with its count" "$("$RECCTL" audit show -R "$REG" --action quarantine-erase)" \
	" quarantine-erase - ok erased=$((n_q - 1)) errors=0\$"
assert_ok "recctl fsck is clean after the sweep" env RECFS_NOW="$LATER" "$RECCTL" fsck -R "$REG"
assert_contains "(one manifest in quarantine)" "$T_OUT" "1 manifest in quarantine; 0 problems"
awk '/^quarantine_retention/ { print "quarantine_retention = soon"; next } { print }' "$POLICY_EXAMPLE" >"$T_TMP/bad4.conf"
line=$(grep -n '^quarantine_retention = soon' "$T_TMP/bad4.conf" | cut -d: -f1)
assert_fails_with "policy check: a bad quarantine_retention is an error at its line" \
	"bad4.conf:$line: bad quarantine_retention 'soon'" "$RECCTL" policy check "$T_TMP/bad4.conf"

t_done
