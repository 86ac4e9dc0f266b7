#!/bin/bash
# test_privacy_scan.sh - the privacy scan of issue 10: a register taken
# through its whole life with unique marker strings in every place a
# recorder or the privacy officer can put personal data, and then searched
# byte by byte for them.
#
# Markers go into: Opus comment tags (opusenc --title/--artist/--comment,
# an ENCODER and an ENCODER_OPTIONS tag of the recorder's, not of opusenc's
# form) and the OpusTags vendor string,
# the manifest's title, staff and subjects (name, phone, e-mail,
# organisation, reference), chat text and a shared file, the names of
# audio and attachment files, legal-hold and restriction reasons and
# rectifications (old and new values) given with setfattr through the
# mount, and quarantined manifests: a subject role and a source that are
# free text, a manifest that is not JSON, and one named after a person
# (in its name, its JSON and its media).  The register is fed by
# `recctl watch`.
#
# Before any erasure the training level (below details_level) reads the
# recordings with opusinfo, cat, getfattr -d and ls and meets no marker;
# the analysis level meets them where it should (the control that they
# went in).  Then the marked subjects are erased (rm -r by-subject/H), a
# retention sweep runs with the clock a year and more ahead (RECFS_NOW),
# which also expires the quarantine, and no marker is found with grep -a in
# any file under the register (catalog.db, its -wal and -shm, quarantine,
# blobs), in recctl watch's log, in the mount's own log, or in what reached
# syslog.  One recording of a subject who is not erased keeps its markers
# sealed and must not show them either.  What the keys can still open is
# read back too: the privacy level's cat and getfattr -d of everything the
# mount shows, and recctl subject find by name, phone and e-mail, find
# none of the erased.
#
# syslog: the test runs in a mount namespace of its own (it re-executes
# itself under unshare) whose /dev is a copy of the machine's with a
# catcher's datagram socket as /dev/log, so what the mount and recctl
# mirror to syslog is read here, the machine's /dev/log (if any) is never
# touched, and other tests running at the same time see nothing of it.
#
# Assertions about legal-hold and restriction reasons are named
# "[reasons] ...", those about the name of a quarantined manifest "[file
# names] ...", so that they are easy to find.
if [ -z "${RECFS_SCAN_NS:-}" ]; then
	command -v unshare >/dev/null || { echo "FAIL needs unshare: not installed"; echo "0 passed, 1 failed"; exit 1; }
	RECFS_SCAN_NS=1 exec unshare --mount --propagation private bash "$(readlink -f "$0")" "$@"
fi
. "$(dirname "$0")/lib.sh"

for tool in opusenc opusinfo sox getfattr setfattr python3 sqlite3 jq logger; do
	command -v "$tool" >/dev/null || t_abort "needs $tool" "not installed"
done
export LC_ALL=C.UTF-8
FIX=$T_ROOT/tests/fixtures

# --- a /dev of our own with a syslog catcher --------------------------------

SYSLOG=$T_TMP/syslog.out
syslog_catcher "$SYSLOG"

# --- markers ----------------------------------------------------------------

# MARK[key]=text: every string that must end up nowhere.  Each is unique
# to its place, so a finding says where the leak came from.
declare -A MARK
MARK[tag_title]="Tagtitle Ulvhildsdottir"
MARK[tag_artist]="Tagartist Brynjulfsson"
MARK[tag_phone]="+358 40 8765 1201"
MARK[tag_note]="Tagnote Gudmundsdottir"
MARK[tag_encoder]="Tagencoder Pirkko Halvorsdottir"
MARK[tag_vendor]="Tagvendor Kalle Sveinsdottir"
MARK[tag_options]="Tagoptions Sigrun Eyvindsdottir"
MARK[title1]="Titlemarker Order of Eldbjorg"
MARK[staff1]="Staffmarker Torfinnsson"
MARK[name1]="Namemarker Åsgerd Hallvardsdottir"
MARK[phone1]="+358 40 8765 1202"
MARK[email1]="emailmarker.hallvard@example.fi"
MARK[org1]="Orgmarker Apteekki Hallvard"
MARK[ref1]="CRM-MARK-818181"
MARK[chat1]="Chatmarker Sigrunsdottir said hello"
MARK[file1]="Filemarker Ragnhildsdottir slides"
MARK[chat2]="Chatmarker Two Jorunnsdottir"
MARK[name1_new]="Rectnewmarker Åsgerd Kolbeinsdottir"
MARK[phone1_new]="+358 40 8765 1203"
MARK[email1_new]="rectnewmarker.kolbein@example.fi"
MARK[tag3]="Tagthree Hrafnhildsdottir"
MARK[name3]="Namemarker Three Vigdisdottir"
MARK[phone3]="+358 40 8765 1204"
MARK[email3]="emailmarker.vigdis@example.fi"
MARK[chat3]="Chatmarker Three Thorgerdsdottir"
MARK[title4]="Titlemarker Four Meeting of Solveig"
MARK[name4]="Namemarker Four Ingeborgsdottir"
MARK[phone4]="+358 40 8765 1205"
MARK[email4]="emailmarker.ingeborg@example.fi"
MARK[chat4]="Chatmarker Four Gunnhildsdottir"
MARK[file4]="Filemarker Four Alfhildsdottir"
MARK[name4_new]="Rectnewmarker Four Geirfinnsdottir"
MARK[phone4_new]="+358 40 8765 1206"
MARK[role_q]="Rolemarker Steinunn the caller's wife"
MARK[name_q1]="Namemarker Quarantine Hjordisdottir"
MARK[phone_q1]="+358 40 8765 1207"
MARK[qfile]="Qnamemarker-Thordisdottir"
MARK[name_q2]="Namemarker Quarantine Two Dagnysdottir"
MARK[qtag]="Qtagmarker Arnbjorgsdottir"
MARK[qchat]="Qchatmarker Herdisdottir"
MARK[source_q]="Sourcemarker Kristinsdottir"
MARK[json_q]="Jsonmarker Torunnsdottir"
MARK[audioname4]="Audionamemarker Ragnvaldsdottir"
MARK[attachname4]="Attachnamemarker Hallgerdsdottir"
MARK[hold1]="Holdmarker complaint of Oddny Eiriksdottir"
MARK[restrict2]="Restrictmarker dispute of Yngvild Bardsdottir"
MARK[hold4]="Holdmarker Four lawsuit of Ragnfrid Sveinsdottir"
MARK[restrict4]="Restrictmarker Four objection of Ingrid Olafsdottir"
# A phone number may be kept in another form: its digits are markers too.
for k in "${!MARK[@]}"; do
	case "$k" in *phone*) MARK[${k}_digits]=$(printf '%s' "${MARK[$k]}" | tr -cd '0-9') ;; esac
done
REASON_KEYS=" hold1 restrict2 hold4 restrict4 "
# The name of a quarantined manifest.
FILE_NAME_KEYS=" qfile "
KEYS_ALL=$(printf '%s\n' "${!MARK[@]}" | sort)

# label KEY: the assertion's name for a marker; reasons and file names
# are named apart.
label()
{
	case "$REASON_KEYS" in
	*" $1 "*) printf '[reasons] %s' "$1" ;;
	*) case "$FILE_NAME_KEYS" in
		*" $1 "*) printf '[file names] %s' "$1" ;;
		*) printf '%s' "$1" ;;
		esac ;;
	esac
}

# The markers of what is erased: all but those of r4 and subject 4.
KEYS_ERASED=$(printf '%s\n' $KEYS_ALL | grep -v 4)

# no_marker_in WHAT TEXT [KEYS]: TEXT holds none of the markers KEYS
# (default all); one assertion, and one failure for each marker found.
no_marker_in()
{
	local what=$1 text=$2 keys=${3:-$KEYS_ALL} k found=0
	for k in $keys; do
		case "$text" in
		*"${MARK[$k]}"*)
			fail "$(label "$k"): not in $what" "'${MARK[$k]}' found"
			found=1
			;;
		esac
	done
	[ "$found" -eq 1 ] || pass "$what: no marker"
}

# --- what the recorders write -------------------------------------------------

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
ORIG=$T_TMP/orig
mkdir -p "$SPOOL" "$ORIG"
sox -q -n -r 48000 -b 16 -c 1 "$T_TMP/tone.wav" synth 2 sine 300-900 vol 0.3 ||
	t_abort "sox" "cannot make a test tone"
opusenc --quiet --bitrate 16 --title "${MARK[tag_title]}" --artist "${MARK[tag_artist]}" \
	--comment "PHONE=${MARK[tag_phone]}" --comment "NOTE=${MARK[tag_note]}" \
	--comment "ENCODER=${MARK[tag_encoder]}" --comment "ENCODER_OPTIONS=--bitrate 16 ${MARK[tag_options]}" \
	"$T_TMP/tone.wav" "$T_TMP/tagged1.opus" ||
	t_abort "opusenc" "cannot encode"
opus_retag "$T_TMP/tagged1.opus" "$ORIG/tagged1.opus" "${MARK[tag_vendor]}" keep ||
	t_abort "opus_retag" "cannot plant a vendor string"
opusenc --quiet --bitrate 16 --title "${MARK[tag3]}" "$T_TMP/tone.wav" "$ORIG/tagged3.opus" ||
	t_abort "opusenc" "cannot encode"
opusenc --quiet --bitrate 16 --artist "${MARK[qtag]}" "$T_TMP/tone.wav" "$ORIG/qtagged.opus" ||
	t_abort "opusenc" "cannot encode"
assert_contains "(the recorder's file carries the tags)" "$(opusinfo "$ORIG/tagged1.opus")" "${MARK[tag_artist]}"
assert_contains "(and the vendor string)" "$(opusinfo "$ORIG/tagged1.opus")" "${MARK[tag_vendor]}"

T1=$(date -u -d '-2 days' +%Y-%m-%dT10:00:00Z)
T2=$(date -u -d '-2 days' +%Y-%m-%dT11:00:00Z)
T3=$(date -u -d '-2 days' +%Y-%m-%dT12:00:00Z)
T4=$(date -u -d '-2 days' +%Y-%m-%dT13:00:00Z)
TQ=$(date -u -d '-2 days' +%Y-%m-%dT14:00:00Z)
stamp() { date -u -d "$1" +%Y%m%dT%H%M%SZ; }

# r1, r2: two calls of subject 1 (matched by phone), erased with rm -r.
cp "$ORIG/tagged1.opus" "$SPOOL/r1.opus"
printf '[10:01:02] %s\n' "${MARK[chat1]}" >"$SPOOL/r1-chat.txt"
printf '%%PDF-1.4 %s\n' "${MARK[file1]}" >"$SPOOL/r1-slides.pdf"
cat >"$SPOOL/r1.json.tmp" <<EOF
{"recorded_at": "$T1", "source": "customer-service", "title": "${MARK[title1]}", "audio": "r1.opus",
 "staff": [{"name": "${MARK[staff1]}", "id": "staff1"}],
 "subjects": [{"role": "customer", "name": "${MARK[name1]}", "phone": "${MARK[phone1]}",
               "email": "${MARK[email1]}", "organisation": "${MARK[org1]}", "ref": "${MARK[ref1]}"}],
 "attachments": [{"file": "r1-chat.txt", "kind": "chat"}, {"file": "r1-slides.pdf", "kind": "presentation"}]}
EOF
cp "$FIX/mono.opus" "$SPOOL/r2.opus"
printf '[11:01:02] %s\n' "${MARK[chat2]}" >"$SPOOL/r2-chat.txt"
cat >"$SPOOL/r2.json.tmp" <<EOF
{"recorded_at": "$T2", "source": "customer-service", "audio": "r2.opus",
 "subjects": [{"role": "customer", "phone": "${MARK[phone1]}"}],
 "attachments": [{"file": "r2-chat.txt", "kind": "chat"}]}
EOF
# r3: a call of subject 3, erased by the retention sweep.
cp "$ORIG/tagged3.opus" "$SPOOL/r3.opus"
printf '[12:01:02] %s\n' "${MARK[chat3]}" >"$SPOOL/r3-chat.txt"
cat >"$SPOOL/r3.json.tmp" <<EOF
{"recorded_at": "$T3", "source": "customer-service", "audio": "r3.opus",
 "subjects": [{"role": "customer", "name": "${MARK[name3]}", "phone": "${MARK[phone3]}", "email": "${MARK[email3]}"}],
 "attachments": [{"file": "r3-chat.txt", "kind": "chat"}]}
EOF
# r4: a customer meeting (kept three years) of subject 4, who is not erased.
# Its audio and slides are named after people too.
A4="r4 ${MARK[audioname4]}.opus"
S4="${MARK[attachname4]}.pdf"
cp "$FIX/stereo.opus" "$SPOOL/$A4"
printf '[13:01:02] %s\n' "${MARK[chat4]}" >"$SPOOL/r4-chat.txt"
printf '%%PDF-1.4 %s\n' "${MARK[file4]}" >"$SPOOL/$S4"
cat >"$SPOOL/r4.json.tmp" <<EOF
{"recorded_at": "$T4", "source": "customer-meetings", "title": "${MARK[title4]}", "audio": "$A4",
 "subjects": [{"role": "participant", "name": "${MARK[name4]}", "phone": "${MARK[phone4]}", "email": "${MARK[email4]}"}],
 "attachments": [{"file": "r4-chat.txt", "kind": "chat"}, {"file": "$S4", "kind": "presentation"}]}
EOF
# q1: a role that is free text; quarantined.
cp "$FIX/mono.opus" "$SPOOL/q1.opus"
cat >"$SPOOL/q1.json.tmp" <<EOF
{"recorded_at": "$TQ", "source": "customer-service", "audio": "q1.opus",
 "subjects": [{"role": "${MARK[role_q]}", "name": "${MARK[name_q1]}", "phone": "${MARK[phone_q1]}"}]}
EOF
# q2: named after the caller, of a source the policy does not have;
# quarantined with its tagged audio and its chat.
QF=${MARK[qfile]}
cp "$ORIG/qtagged.opus" "$SPOOL/$QF.opus"
printf '%s\n' "${MARK[qchat]}" >"$SPOOL/$QF-chat.txt"
cat >"$SPOOL/$QF.json.tmp" <<EOF
{"recorded_at": "$TQ", "source": "no-such-source", "audio": "$QF.opus",
 "subjects": [{"role": "customer", "name": "${MARK[name_q2]}"}],
 "attachments": [{"file": "$QF-chat.txt", "kind": "chat"}]}
EOF
# q3: a source that is free text; q4: not JSON.  Neither error message
# may quote what the recorder wrote.
cp "$FIX/mono.opus" "$SPOOL/q3.opus"
printf '{"recorded_at": "%s", "source": "%s", "audio": "q3.opus"}\n' "$TQ" "${MARK[source_q]}" >"$SPOOL/q3.json.tmp"
printf '{"recorded_at": "%s", "title": "%s", [\n' "$TQ" "${MARK[json_q]}" >"$SPOOL/q4.json.tmp"

# --- ingest through recctl watch ----------------------------------------------

WLOG=$T_TMP/watch.log
: >"$WLOG"
"$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL" >"$WLOG" 2>&1 &
WPID=$!
T_DAEMONS+=("$WPID")
for _ in $(seq 1 100); do grep -q watching "$WLOG" && break; sleep 0.05; done
# The manifests last, each whole (the recorder's commit marker).
for m in r1 r2 r3 r4 q1 "$QF" q3 q4; do mv "$SPOOL/$m.json.tmp" "$SPOOL/$m.json"; done
spool_empty() { [ -z "$(ls -A "$SPOOL")" ]; }
poll_since "$(now_ns)" 20000 spool_empty || t_abort "recctl watch empties the spool" "$(cat "$WLOG")"
assert_eq "recctl watch ingested four manifests" 4 "$(grep -c '^ingested ' "$WLOG")"
assert_eq "and quarantined four" 4 "$(grep -c '^quarantined ' "$WLOG")"
Q1=$(quarantine_of q1.json)
assert_contains "the free-text role was the reason for one" "$(cat "$Q1/error.txt" 2>&1)" \
	"role is not one of customer, participant, staff"
assert_file "the other is in quarantine with its audio" "$(quarantine_of "$QF.json")/$QF.opus"

rid_at() { q "SELECT id FROM recording WHERE recorded_at = $(date -u -d "$1" +%s)"; }
R1=$(rid_at "$T1")
R2=$(rid_at "$T2")
R3=$(rid_at "$T3")
R4=$(rid_at "$T4")
H1=$(q "SELECT handle FROM link WHERE recording = '$R1'")
H3=$(q "SELECT handle FROM link WHERE recording = '$R3'")
H4=$(q "SELECT handle FROM link WHERE recording = '$R4'")
assert_eq "the two calls of subject 1 are linked to one handle" "$H1" "$(q "SELECT handle FROM link WHERE recording = '$R2'")"
[ -n "$H1" ] && [ -n "$H3" ] && [ -n "$H4" ] || t_abort "subjects" "a recording has no subject"
assert_match "(recctl subject find finds subject 1 by its phone number as written)" \
	"$("$RECCTL" subject find "${MARK[phone1]}" -R "$REG" --keyring "$KEYS/ingest.keyring" 2>&1)" "^$H1\b"

# The scan itself finds what is in the clear: the quarantine, before it expires.
assert_eq "(grep -a finds the quarantined manifest's marker in the clear)" "$Q1/q1.json" \
	"$(grep -a -r -l -F -- "${MARK[name_q1]}" "$REG")"

# --- the levels' views ----------------------------------------------------------

trainer=$(make_level_user training)
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
path_of() { as_user "$analyst" find "$MNT/by-date" -name "$(stamp "$1")_*.opus" | sed 's/\.opus$//'; }
P1=$(path_of "$T1")
P2=$(path_of "$T2")
P3=$(path_of "$T3")
P4=$(path_of "$T4")
[ -n "$P1" ] && [ -n "$P2" ] && [ -n "$P3" ] && [ -n "$P4" ] || t_abort "find" "analysis does not see the four recordings"

# Places of the privacy officer, given before training looks: a legal hold
# on r1 (released before the erasure), a restriction of r2 (which training
# then no longer sees), a hold, a restriction and rectifications on r4 and
# subject 4, who stay; rectifications of subject 1, who is erased.
assert_ok "privacy: legal hold on r1 with a reason" as_user "$dpo" setfattr -n user.gdpr.legal_hold -v "${MARK[hold1]}" "$P1.opus"
assert_ok "privacy: restriction of r2 with a reason" as_user "$dpo" setfattr -n user.gdpr.restricted -v "${MARK[restrict2]}" "$P2.opus"
assert_ok "privacy: legal hold on r4" as_user "$dpo" setfattr -n user.gdpr.legal_hold -v "${MARK[hold4]}" "$P4.opus"
assert_ok "privacy: restriction of r4" as_user "$dpo" setfattr -n user.gdpr.restricted -v "${MARK[restrict4]}" "$P4.opus"
for f in name phone email; do
	assert_ok "privacy: rectify subject 1's $f" as_user "$dpo" setfattr -n "user.recfs.$f" -v "${MARK[${f}1_new]}" "$MNT/by-subject/$H1"
done
for f in name phone; do
	assert_ok "privacy: rectify subject 4's $f" as_user "$dpo" setfattr -n "user.recfs.$f" -v "${MARK[${f}4_new]}" "$MNT/by-subject/$H4"
done

# The control: analysis (details_level) reads the names where they are.
x=$(as_user "$analyst" getfattr -d "$P1.opus" 2>&1)
assert_contains "(analysis's getfattr -d of r1 shows the removed tags)" "$x" "${MARK[tag_artist]}"
assert_contains "(and the recorder's ENCODER tag)" "$x" "ENCODER=${MARK[tag_encoder]}"
assert_contains "(and the recorder's ENCODER_OPTIONS tag)" "$x" "ENCODER_OPTIONS=--bitrate 16 ${MARK[tag_options]}"
assert_contains "(and the vendor string it replaced)" "$x" "VENDOR=${MARK[tag_vendor]}"
assert_contains "(and the title)" "$x" "${MARK[title1]}"
assert_contains "(analysis's card of subject 1 has the new name)" \
	"$(as_user "$analyst" getfattr -d "$MNT/by-subject/$H1" 2>&1)" "${MARK[name1_new]}"
assert_contains "(analysis reads r1's chat)" "$(as_user "$analyst" cat "$P1.chat.txt" 2>&1)" "${MARK[chat1]}"
assert_contains "(analysis's card of subject 1 has the new phone)" \
	"$(as_user "$analyst" getfattr -d "$MNT/by-subject/$H1" 2>&1)" "${MARK[phone1_new]}"

# What training sees, before any erasure: no marker anywhere.
for p in "$P1" "$P3"; do
	n=$(basename "$p")
	assert_ok "training opens $n.opus" as_user "$trainer" sh -c "cat '$p.opus' >/dev/null"
	no_marker_in "training's opusinfo of $n.opus" "$(as_user "$trainer" opusinfo "$p.opus" 2>&1)"
	no_marker_in "training's cat of $n.opus" "$(as_user "$trainer" cat "$p.opus" | tr -c '[:print:]' '\n')"
	no_marker_in "training's cat of $n.wav" "$(as_user "$trainer" cat "$p.wav" | tr -c '[:print:]' '\n')"
	for f in opus wav chat.txt 1.pdf; do
		no_marker_in "training's getfattr -d of $n.$f" "$(as_user "$trainer" getfattr -d "$p.$f" 2>&1)"
	done
	assert_fails_with "training: cat of $n.chat.txt is ENOENT" "No such file or directory" as_user "$trainer" cat "$p.chat.txt"
	no_marker_in "training's cat of $n.chat.txt" "$T_OUT"
done
x=$(as_user "$trainer" opusinfo "$P1.opus" 2>&1)
assert_contains "(training's opusinfo still reads the audio)" "$x" "Playback length"
assert_contains "(and still shows opusenc's ENCODER)" "$x" "ENCODER=opusenc"
assert_fails_with "training no longer sees the restricted r2" "No such file or directory" as_user "$trainer" cat "$P2.opus"
no_marker_in "training's cat of r2" "$T_OUT"
for h in "$H1" "$H3" "$H4"; do
	no_marker_in "training's getfattr -d of by-subject/$h" "$(as_user "$trainer" getfattr -d "$MNT/by-subject/$h" 2>&1)"
done
no_marker_in "training's ls -lR of the mount" "$(as_user "$trainer" ls -lR "$MNT" 2>&1)"
no_marker_in "analysis's ls -lR of the mount" "$(as_user "$analyst" ls -lR "$MNT" 2>&1)"
no_marker_in "training's README.txt" "$(as_user "$trainer" cat "$MNT/README.txt" 2>&1)"

# --- erasure, the sweep, the quarantine's expiry ---------------------------------

assert_ok "privacy: release r1's legal hold" as_user "$dpo" setfattr -x user.gdpr.legal_hold "$P1.opus"
assert_ok "privacy: rm -r by-subject/<subject 1>" as_user "$dpo" rm -r "$MNT/by-subject/$H1"
assert_eq "subject 1 and both calls are gone" 0 \
	"$(q "SELECT (SELECT count(*) FROM subject WHERE handle = '$H1') + (SELECT count(*) FROM recording WHERE id IN ('$R1', '$R2'))")"
LATER=$(date -u -d '+400 days' +%Y-%m-%dT%H:%M:%SZ)
assert_ok "retention sweep 400 days later" env RECFS_NOW="$LATER" "$RECCTL" retention sweep -R "$REG" --json
assert_eq "it erased r3 and kept the held, restricted meeting" "0 1" \
	"$(q "SELECT (SELECT count(*) FROM recording WHERE id = '$R3') || ' ' || (SELECT count(*) FROM recording WHERE id = '$R4')")"
assert_eq "it erased the four quarantined manifests" "4 4" \
	"$(printf '%s' "$T_OUT" | jq -r '"\(.quarantine_expired) \(.quarantine_erased)"' 2>&1)"
assert_eq "the quarantine is empty" "" "$(ls -A "$REG/quarantine" 2>&1)"
# Subject 3 lost the only recording it had to the sweep; the sweep
# leaves its card (sealed), which the privacy officer erases.
if [ "$(q "SELECT count(*) FROM subject WHERE handle = '$H3'")" != 0 ]; then
	r3_gone() { [ -z "$(as_user "$dpo" ls -A "$MNT/by-subject/$H3" 2>/dev/null)" ]; }
	poll_since "$(now_ns)" 5000 r3_gone
	assert_ok "privacy: rmdir by-subject/<subject 3>, now without recordings" as_user "$dpo" rmdir "$MNT/by-subject/$H3"
fi

# What the keys can still open: the privacy level reads every file, every
# attribute and every card the mount shows (restricted ones included),
# and recctl looks the erased up by name (opening every card) and by
# phone number and e-mail (the blind index).
all=$(as_user "$dpo" find "$MNT/by-date" "$MNT/by-subject" -type f -exec cat {} + 2>&1 | tr -c '[:print:]' '\n'
	as_user "$dpo" find "$MNT/by-date" "$MNT/by-subject" -exec getfattr -d {} + 2>&1)
no_marker_in "what the privacy level reads through the mount after the erasure" "$all" "$KEYS_ERASED"
assert_contains "(it reads the markers of the meeting that is kept)" "$all" "${MARK[chat4]}"
assert_contains "(and subject 4's card)" "$all" "${MARK[name4_new]}"
found=""
for k in name1 name1_new name3 phone1 phone1_new email1 email1_new phone3 email3 name_q1 phone_q1; do
	found+=$("$RECCTL" subject find "${MARK[$k]}" -R "$REG" --keyring "$KEYS/ingest.keyring" \
		--level-keyring "$KEYS/privacy.keyring" 2>/dev/null)
done
assert_eq "recctl subject find finds none of the erased by name, phone or e-mail" "" "$found"
assert_match "(it finds subject 4 by e-mail)" "$("$RECCTL" subject find "${MARK[email4]}" -R "$REG" \
	--keyring "$KEYS/ingest.keyring" 2>&1)" "^$H4\b"
assert_match "(and by the rectified name)" "$("$RECCTL" subject find "${MARK[name4_new]}" -R "$REG" \
	--keyring "$KEYS/ingest.keyring" --level-keyring "$KEYS/privacy.keyring" 2>&1)" "^$H4\b"

# --- the scan --------------------------------------------------------------------

# scan WHEN: grep -a every file under the register, the logs and syslog.
scan()
{
	local when=$1 k hits
	for k in $KEYS_ALL; do
		hits=$(grep -a -r -l -F -- "${MARK[$k]}" "$REG" "$SPOOL" "$WLOG" "$SYSLOG" "$MNT.err" 2>/dev/null |
			sed -e "s|^$REG/|REGISTER/|" -e "s|^$T_TMP/||" | tr '\n' ' ')
		assert_eq "$(label "$k"): no file holds it ($when)" "" "${hits% }"
	done
}
assert_eq "(the catalog is in WAL mode: its -wal is scanned too)" "$REG/catalog.db-wal" "$(ls "$REG/catalog.db-wal" 2>&1)"
scan "mounted"
assert_contains "(syslog got the audit log's mirror)" "$(cat "$SYSLOG")" "action=erase-subject"
unmount_recfs "$MNT"
kill -TERM "$WPID"
wait "$WPID" 2>/dev/null
scan "at rest"
assert_ok "recctl fsck is clean at the end" env RECFS_NOW="$LATER" "$RECCTL" fsck -R "$REG"
assert_ok "the audit log verifies at the end" env RECFS_NOW="$LATER" "$RECCTL" audit verify -R "$REG"
t_done
