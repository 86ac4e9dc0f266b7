#!/bin/bash
# The erasure letter after rm -r of a subject's folder (black-box report
# bb10): rm -r unlinks the meeting's chat and shared file before its audio,
# each an erasure of its own, and the letter then lists them a second time
# under "Files erased from your recordings" ("Aus Ihren Aufzeichnungen
# gelöschte Dateien"), beside the meeting it already counts as erased with
# "their audio, chat and shared files".  The data subject reads that files
# of recordings the register still holds were erased.  (The shipped policy
# has no German; bb10 saw the same in answer.de.txt.)  A recording erased
# whole is now listed once, with its files (drop_parts_of_erased).
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
printf '[13:01] Dr. Krause: Befund Knie rechts\n' >"$SPOOL/m1-chat.txt"
printf '%%PDF-1.1\n%%%%EOF\n' >"$SPOOL/m1-gutachten.pdf"
ingest_json m1 '{"recorded_at": "2026-11-27T13:00:00Z", "source": "customer-meetings",
 "subjects": [{"role": "customer", "name": "Sabine Weiß", "ref": "B987654321"}],
 "audio": "m1.opus", "attachments": [{"file": "m1-chat.txt", "kind": "chat"},
 {"file": "m1-gutachten.pdf", "kind": "presentation"}]}'
rid=$(id_at 2026-11-27T13:00:00Z)
h=$(handle_of "$rid")
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
"$RECCTL" request new -R "$REG" --type erasure --subject "$h" >/dev/null 2>&1 || t_abort "request" "request new failed"
assert_ok "privacy: rm -r of the subject's folder" as_user "$dpo" rm -r "$MNT/by-subject/$h"
assert_eq "the meeting is erased" "" "$(id_at 2026-11-27T13:00:00Z)"
for lang in en; do
	"$RECCTL" request answer -R "$REG" 1 --lang "$lang" --templates "$T_ROOT/packaging/templates" \
		--out "$T_TMP/letter.$lang" >/dev/null 2>&1 || t_abort "answer" "request answer --lang $lang failed"
done
assert_contains "the letter counts the meeting as erased" "$(cat "$T_TMP/letter.en")" "Recordings erased: 1"
assert_not_contains "the letter does not list the erased meeting's files again as files erased from recordings" \
	"$(cat "$T_TMP/letter.en")" "Files erased from your recordings"

t_done
