#!/bin/bash
# tests/integration/test_request_lifecycle.sh - issue 16's requests, with
# the real recctl (no mount): a request received earlier than today is due
# a month after that day; it waits for the requester's identity and a
# written clarification, and the month restarts when the answer arrives;
# it is extended once, shows up as overdue, and closes with an outcome (a
# refusal with its legal ground); a transition the lifecycle does not have
# is refused with exit status 1.  A request from someone not (yet) in the
# register keeps the requester's description sealed for the rights level,
# is linked to a subject later, or closes with no data.  Every change is in
# the audit log by request number, state and handle, with no personal data.
# The answer letter, in Finnish and in English, names the recordings'
# dates, their sources and the recipients the data was disclosed to earlier
# (export --recipient) with the safeguard of a transfer, each in the
# letter's language, is written with mode 0600, and for an access request
# exports the data first; a requester not in the register is told that
# the register holds nothing of theirs.
# The retention sweep drops closed requests past the policy's
# request_retention (30 days here) with their sealed requesters, counted in
# its own audit entry; open ones stay.
# The answer to an erasure request says what was done on a mount for it,
# while an access request of the subject is open too: how many recordings
# were erased, their days, the one kept under a legal hold and why (not
# the hold's text), and the recipient the erasure is told to (Art. 19); a
# restriction's answer lists the restricted recording; an access letter
# has none of it.  The rm of a call two people are in answers both their
# erasure requests, in both letters; a chat and a shared file erased alone
# are in the erasure letter, by kind and day erased.
# A requester's description takes up to 4096 bytes, as recctl(1) says
# (a newline after them too), and one more is refused naming the limit.

. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
command -v jq >/dev/null || t_abort "jq" "the jq command is needed"

sed 's/^\[register\]$/[register]\nrequest_retention = 30d/' "$POLICY_EXAMPLE" >"$T_TMP/policy.conf"
make_register "$T_TMP/r" "$T_TMP/policy.conf"
export RECFS_NOW=2026-06-10T09:00:00Z
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/a.opus"
rc() { "$RECCTL" "$@" -R "$REG"; }
sql() { sqlite3 -batch "$REG/catalog.db" "$@"; }
field() { rc request show "$1" --json | jq -r ".$2"; }

for i in 1 2; do
	cat >"$SPOOL/m$i.json" <<JSON
{"recorded_at": "2026-05-0${i}T10:15:00Z", "source": "customer-service",
 "title": "Tilaus $i", "subjects": [{"role": "customer", "name": "Matti Meikäläinen",
 "phone": "+358 40 765 4321", "email": "matti@example.fi"}], "audio": "a.opus"}
JSON
done
assert_ok "ingest two recordings of one subject" rc ingest --keyring "$KEYS/ingest.keyring" "$SPOOL"/m[12].json
H=$(rc subject find "+358407654321" --keyring "$KEYS/ingest.keyring" | cut -f1 | head -n 1)
assert_match "the subject has a handle" "$H" '^S-[0-9A-Z]{6}$'

# --- received earlier than today, by e-mail
assert_fails_with "a request received in the future is refused" "in the future" \
	rc request new --type access --subject "$H" --received 2026-06-11
assert_fails_with "an unknown channel is refused" "channel" \
	rc request new --type access --subject "$H" --channel pigeon
assert_fails_with "an unknown type is refused" "request type" rc request new --type delete --subject "$H"
assert_ok "request new, received three weeks ago" \
	rc request new --type access --subject "$H" --received 2026-05-20 --channel email
assert_contains "due one month after it was received" "$T_OUT" "due 2026-06-20"
assert_eq "its state is received" "received" "$(field 1 state)"
assert_eq "its channel is kept" "email" "$(field 1 channel)"
assert_ok "request new of every other right of the notice" rc request new --type direct-marketing-ban --subject "$H"
assert_ok "and consent withdrawal" rc request new --type consent-withdrawal --subject "$H" --channel phone

# --- identity, then clarification in writing; the month restarts
assert_ok "await the requester's identity" rc request await 1 identity
assert_contains "awaiting identity" "$T_OUT" "awaiting-identity"
assert_exit "extending while waiting is refused" 1 rc request extend 1 --reason "complex"
assert_contains "with a message saying so" "$T_OUT" "cannot become extended"
assert_fails_with "leaving awaiting-identity needs the identity check, named by its option" \
	"request 1 awaits the requester's identity: say how it was checked (--verified-by TEXT)" \
	rc request proceed 1 --on 2026-06-01
assert_ok "await a written clarification" rc request await 1 clarification
assert_eq "awaiting clarification" "awaiting-clarification" "$(field 1 state)"
assert_fails_with "an answer before the request is refused" "before the request was received" \
	rc request proceed 1 --on 2026-05-19 --verified-by "passport seen by Liisa Tarkka"
assert_ok "the clarification arrived on 2026-06-05" \
	rc request proceed 1 --on 2026-06-05 --verified-by "passport seen by Liisa Tarkka"
assert_contains "in progress, the month counted from the clarification" "$T_OUT" "in-progress, due 2026-07-05"
assert_eq "the day counted from is kept" "2026-06-05" "$(field 1 counted_from)"
assert_eq "and the day received too" "2026-05-20" "$(field 1 received)"
assert_exit "an invalid transition is refused with exit status 1" 1 rc request await 1 identity
assert_contains "and says which state the request is in" "$T_OUT" "is in-progress: it cannot become awaiting-identity"
assert_exit "await needs identity or clarification (usage, exit 2)" 2 rc request await 1 lunch

# --- extension and overdue
assert_ok "extend" rc request extend 1 --reason "many recordings to review"
assert_contains "extended by two months" "$T_OUT" "extended, due 2026-09-05"
assert_fails_with "a second extension is refused" "already extended" rc request extend 1 --reason again
assert_eq "request 2 is overdue after its month" "2" \
	"$(RECFS_NOW=2026-07-11 "$RECCTL" request list --overdue --json -R "$REG" | jq '[.[].id] | length')"
assert_eq "the extended one is not" "[2,3]" \
	"$(RECFS_NOW=2026-07-11 "$RECCTL" request list --overdue --json -R "$REG" | jq -c '[.[].id]')"
assert_ok "list shows the states" rc request list
assert_match "list: request 1 extended" "$T_OUT" '1 +access +S-[0-9A-Z]{6} +2026-05-20 +2026-09-05 +extended'

# --- closing
assert_fails_with "a refusal needs its legal ground" "legal ground" rc request close 2 --outcome refused
assert_fails_with "an outcome outside the list is refused" "outcome must be" rc request close 2 --outcome answered
assert_fails_with "no-data is for a requester not in the register" "cannot be no-data" \
	rc request close 2 --outcome no-data
assert_ok "close refused, with its ground" rc request close 2 --outcome refused \
	--ground "Art. 12(5): a repeated request" --note "third identical request this month"
assert_eq "closed" "closed" "$(field 2 state)"
assert_eq "refused" "refused" "$(field 2 outcome)"
assert_eq "ground kept" "Art. 12(5): a repeated request" "$(field 2 ground)"
assert_fails_with "a closed request closes once" "already closed" rc request close 2 --outcome granted
assert_exit "a closed request cannot be extended" 1 rc request extend 2 --reason x
assert_ok "close granted" rc request close 3 --outcome partly-granted

# --- a requester not in the register
assert_fails_with "a request needs a subject or a requester" "--subject or --requester-file" \
	rc request new --type erasure
assert_fails_with "the requester is never taken from the command line" "--requester-file" \
	rc request new --type erasure --requester "Oona Outsider"
printf 'Oona Outsider, Kuja 5, 00100 Helsinki\n' >"$T_TMP/requester.txt"
: >"$T_TMP/requester-empty.txt"
assert_fails_with "an empty requester file is refused" "is empty" \
	rc request new --type erasure --requester-file "$T_TMP/requester-empty.txt"
assert_ok "request new for someone not in the register" rc request new --type erasure --channel post \
	--requester-file "$T_TMP/requester.txt" --received 2026-06-08
assert_contains "logged before the person is found" "$T_OUT" "not linked to a subject"
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_eq "it has no subject" "null" "$(field "$N" subject)"
assert_ok "show without a keyring" rc request show "$N"
assert_contains "the requester is sealed" "$T_OUT" "requester: (sealed"
assert_ok "show with the rights level's keyring" rc request show "$N" --level-keyring "$KEYS/privacy.keyring"
assert_contains "opens the requester" "$T_OUT" "requester: Oona Outsider, Kuja 5, 00100 Helsinki"
assert_exit "a level below the rights level cannot open it" 1 \
	rc request show "$N" --level-keyring "$KEYS/analysis.keyring"
assert_eq "no byte of the requester in the catalog or its WAL" "0" \
	"$(cat "$REG"/catalog.db* | grep -ac 'Oona Outsider')"
# While a request is not linked, every subject's card still shows (its
# open requests are its own alone).
assert_ok "subject show while a request is linked to no one" \
	rc subject show "$H" --level-keyring "$KEYS/privacy.keyring"
assert_not_contains "the unlinked request is no subject's" "$T_OUT" "open request $N:"
assert_ok "subject show --json while a request is linked to no one" \
	rc subject show "$H" --json --level-keyring "$KEYS/privacy.keyring"
assert_eq "its open requests leave the unlinked one out" "" \
	"$(printf '%s' "$T_OUT" | jq -r ".open_requests[] | select(.id == $N) | .id")"
assert_exit "link to a subject that does not exist" 1 rc request link "$N" S-ZZZZZZ
assert_ok "link the request to the subject once found" rc request link "$N" "$H"
assert_eq "linked" "$H" "$(field "$N" subject)"
assert_fails_with "linked once" "already linked" rc request link "$N" "$H"
assert_ok "another one, never found, the requester on standard input" \
	sh -c 'printf "Pekka Tuntematon\n" | "$0" request new --type access --requester-file - --channel in-person -R "$1"' \
	"$RECCTL" "$REG"
M=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "closes with no data" rc request close "$M" --outcome no-data --note "nothing by name or number"

# --- the answer letter
TPL=$T_ROOT/packaging/templates
assert_ok "an export to a named recipient" rc subject export "$H" "$T_TMP/x-group" \
	--level-keyring "$KEYS/privacy.keyring" --recipient tamro-group
assert_ok "an export to a recipient outside the EEA" rc subject export "$H" "$T_TMP/x-it" \
	--level-keyring "$KEYS/privacy.keyring" --recipient it-provider
assert_eq "its audit entry records the safeguard as the policy writes it" "1" \
	"$(sql "SELECT count(*) FROM audit WHERE action='export' AND object='$H'
		AND reason LIKE '%recipient=it-provider%safeguard=EU SCCs 2021/914 (Commission standard contractual clauses)%'")"
assert_ok "the answer in Finnish" rc request answer 1 --lang fi --templates "$TPL" --out "$T_TMP/answer.fi.txt"
assert_mode "the letter is the officer's alone" 600 "$T_TMP/answer.fi.txt"
fi_letter=$(cat "$T_TMP/answer.fi.txt")
assert_contains "fi: the request" "$fi_letter" "Vastaus pyyntöönne nro 1, vastaanotettu 2026-05-20"
assert_contains "fi: its type in Finnish" "$fi_letter" "(tarkastusoikeus)"
assert_contains "fi: the first recording's date" "$fi_letter" "2026-05-01 klo 10:15 UTC"
assert_contains "fi: the second recording's date" "$fi_letter" "2026-05-02 klo 10:15 UTC"
assert_contains "fi: the recipient it was disclosed to, with the day, in Finnish" "$fi_letter" "Tamron konserniyhtiöt: 2026-06-10"
assert_contains "fi: the retention of each" "$fi_letter" "säilytetään 2027-05-01 asti"
assert_contains "fi: the purpose in Finnish" "$fi_letter" \
	"Asiakaspalvelun laadun varmistaminen ja asiakaspalvelun kehittäminen (quality)"
assert_contains "fi: its legal basis in Finnish" "$fi_letter" "oikeusperuste: sopimus (6 artiklan 1 kohdan b alakohta)"
assert_contains "fi: a call is a puhelu" "$fi_letter" "UTC: puhelu (customer-service)"
assert_contains "fi: the source in Finnish" "$fi_letter" "   - asiakaspalveluun soitettu puhelu"
assert_not_contains "fi: not the label as recorded" "$fi_letter" "customer-service telephony"
assert_contains "fi: the safeguard of the transfer in Finnish" "$fi_letter" \
	"EU:n/ETA:n ulkopuolella, suojatoimena EU-komission mallilausekkeet (vakiosopimuslausekkeet, päätös (EU) 2021/914): 2026-06-10"
assert_contains "fi: the complaint authority" "$fi_letter" "Tietosuojavaltuutetun toimisto"
assert_contains "fi: its address" "$fi_letter" "PL 800, 00531 Helsinki"
assert_not_contains "fi: no tag is left" "$fi_letter" "{{"
assert_ok "the answer in English, on stdout" rc request answer 1 --lang en --templates "$TPL"
assert_contains "en: the recipient it was disclosed to, in English" "$T_OUT" "Tamro group companies: 2026-06-10"
assert_contains "en: the purpose in English" "$T_OUT" "Assuring and developing the quality of customer service (quality)"
assert_contains "en: the source in English" "$T_OUT" "   - customer-service telephony"
assert_not_contains "en: not the Finnish one" "$T_OUT" "asiakaspalveluun soitettu puhelu"
assert_contains "en: the safeguard of the transfer in English" "$T_OUT" \
	"outside the EU/EEA under EU SCCs 2021/914 (Commission standard contractual clauses): 2026-06-10"
assert_contains "en: the recordings' dates" "$T_OUT" "2026-05-02 at 10:15 UTC"
assert_contains "en: the authority" "$T_OUT" "Office of the Data Protection Ombudsman"
assert_contains "en: the type in words" "$T_OUT" "(access to your data)"
assert_contains "en: the legal basis in words" "$T_OUT" "legal basis: contract (Art. 6(1)(b))"
assert_not_contains "en: the subject's own exports are no disclosure" "$T_OUT" "data-subject"
mkdir -p "$T_TMP/tpl-none"
assert_fails_with "a language without a template" "no letter template" \
	rc request answer 1 --lang en --templates "$T_TMP/tpl-none"
assert_fails_with "a language the policy has no texts in" "has no language 'sv' (it has fi, en)" \
	rc request answer 1 --lang sv --templates "$TPL"
# Dutch: recfs has no texts in it, so the policy cannot have it either
# (policy check refuses it): the error says which languages there are,
# not to add it to the policy (bb14 F5).
assert_fails_with "a language recfs has no letters in" \
	"recfs has no notice or letters in 'nl': they are written in fi, en, sv, de, fr only" \
	rc request answer 1 --lang nl --templates "$TPL"
assert_exit "a bad language code (usage, exit 2)" 2 rc request answer 1 --lang "../x" --templates "$TPL"
assert_ok "the answer with the export of the data" rc request answer 1 --lang en --templates "$TPL" \
	--export "$T_TMP/x-subject" --level-keyring "$KEYS/privacy.keyring" --out "$T_TMP/answer.en.txt"
assert_match "names the export folder the subject receives" "$(cat "$T_TMP/answer.en.txt")" "^ *$H\$"
assert_not_contains "... not where it lies on this host (bb6 F10)" "$(cat "$T_TMP/answer.en.txt")" "$T_TMP"
assert_eq "which holds the two recordings" "2" "$(find "$T_TMP/x-subject/$H" -name '*.opus' | wc -l)"
assert_fails_with "--export is for access or portability" "access or portability" rc request answer 3 \
	--templates "$TPL" --export "$T_TMP/x3" --level-keyring "$KEYS/privacy.keyring"
assert_ok "the answer to someone not in the register" rc request answer "$M" --lang en --templates "$TPL"
assert_contains "says the register holds nothing of theirs" "$T_OUT" "holds no personal data about you"
assert_not_contains "and lists no recording" "$T_OUT" "UTC:"
assert_eq "each letter is logged by number only" "4" \
	"$(sql "SELECT count(*) FROM audit WHERE action='request-answer' AND reason LIKE 'request=%'")"
# A letter written after a recording's last day says that it is about to
# go, under its "kept until" (bb6 F10).
assert_not_contains "within their periods, no recording is said to be about to go" \
	"$(cat "$T_TMP/answer.en.txt")" "about to be erased"
late=$(RECFS_NOW=2031-01-01T09:00:00Z rc request answer 1 --lang en --templates "$TPL" 2>&1)
assert_match "written after the periods, each recording is said to be about to go" "$late" \
	"kept until [0-9-]+; its retention period has ended and it is about to be erased"
# --- the audit log: numbers, states and handles only
assert_eq "each transition logged" "1" \
	"$(sql "SELECT count(*) FROM audit WHERE action='request-state' AND object='$H'
		AND reason='request=1 state=in-progress due=2026-07-05'")"
assert_eq "the waits logged" "2" \
	"$(sql "SELECT count(*) FROM audit WHERE action='request-state' AND reason LIKE 'request=1 state=awaiting-%'")"
assert_eq "the link logged on the handle" "1" \
	"$(sql "SELECT count(*) FROM audit WHERE action='request-link' AND object='$H' AND reason LIKE 'request=$N %'")"
assert_eq "the closing logged with its outcome" "1" \
	"$(sql "SELECT count(*) FROM audit WHERE action='request-close' AND reason='request=2 state=closed outcome=refused'")"
all=$(sql "SELECT group_concat(coalesce(reason, '') || ' ' || coalesce(object, ''), '|') FROM audit")
for word in Oona Outsider Pekka Liisa passport repeated "third identical" "many recordings" Helsinki; do
	assert_not_contains "no '$word' in the audit log" "$all" "$word"
done
assert_ok "the audit chain holds" rc audit verify
assert_ok "fsck finds no orphaned requester record" rc fsck

# --- the sweep of closed requests (closed on 2026-06-10, kept 30 days)
open_before=$(rc request list --json | jq -c '[.[].id]')
assert_eq "five requests in all" "5" "$(sql 'SELECT count(*) FROM request')"
assert_ok "a sweep within 30 days" env RECFS_NOW=2026-07-09 "$RECCTL" retention sweep --json -R "$REG"
assert_eq "drops no request" "0" "$(jq .requests_dropped <<<"$T_OUT")"
assert_ok "a dry run after 30 days" env RECFS_NOW=2026-07-11 "$RECCTL" retention sweep --dry-run --json -R "$REG"
assert_eq "would drop the three closed ones" "3" "$(jq .requests_would_drop <<<"$T_OUT")"
assert_eq "and drops nothing" "5" "$(sql 'SELECT count(*) FROM request')"
records=$(sql 'SELECT count(*) FROM record')
assert_ok "the sweep after 30 days" env RECFS_NOW=2026-07-11 "$RECCTL" retention sweep --json -R "$REG"
assert_eq "drops the three closed requests" "3" "$(jq .requests_dropped <<<"$T_OUT")"
assert_eq "the open ones stay" "$open_before" "$(rc request list --json | jq -c '[.[].id]')"
assert_eq "no closed request is left" "0" "$(sql 'SELECT count(*) FROM request WHERE closed IS NOT NULL')"
assert_eq "the never-found requester's sealed record went with it" "$((records - 1))" \
	"$(sql 'SELECT count(*) FROM record')"
assert_eq "the sweep's entry counts them" "1" \
	"$(sql "SELECT count(*) FROM audit WHERE action='retention-sweep' AND reason LIKE '% requests=3'")"
assert_ok "the audit chain holds after the sweep" env RECFS_NOW=2026-07-11 "$RECCTL" audit verify -R "$REG"

# --- a portability request answered with its export
assert_ok "a portability request" rc request new --type portability --subject "$H"
P=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
exports_before=$(sql "SELECT count(*) FROM audit WHERE action='export'")
assert_fails_with "a missing template is found before anything is exported" "letter template" \
	rc request answer "$P" --lang en --templates "$T_TMP/tpl-none" --export "$T_TMP/x-none" \
	--level-keyring "$KEYS/privacy.keyring"
assert_eq "so nothing was exported" "$exports_before,no" \
	"$(sql "SELECT count(*) FROM audit WHERE action='export'"),$([ -e "$T_TMP/x-none" ] && echo yes || echo no)"
assert_ok "the portability answer exports what Art. 20 covers" rc request answer "$P" --lang en --templates "$TPL" \
	--export "$T_TMP/x-port" --level-keyring "$KEYS/privacy.keyring" --out "$T_TMP/answer.port.txt"
assert_contains "and lists what it left out" "$(cat "$T_TMP/x-port/$H/LEFT_OUT.txt")" "none"
assert_eq "its export is logged as a portability export" "1" \
	"$(sql "SELECT count(*) FROM audit WHERE action='export' AND object='$H' AND reason LIKE '%portability=yes%'")"


# --- what the answer says was done, on a register of its own, on a mount
make_register "$T_TMP/r2"
for i in 1 2 3; do
	cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/e$i.opus"
	cat >"$SPOOL/e$i.json" <<JSON
{"recorded_at": "2026-05-0${i}T10:15:00Z", "source": "customer-service",
 "title": "Poisto $i", "subjects": [{"role": "customer", "name": "Anna Poistaja",
 "phone": "+358 40 111 0001"}], "audio": "e$i.opus"}
JSON
done
for i in 4 5; do
	cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/s$i.opus"
	cat >"$SPOOL/s$i.json" <<JSON
{"recorded_at": "2026-05-0${i}T08:30:00Z", "source": "customer-service",
 "title": "Rajoitus $i", "subjects": [{"role": "customer", "name": "Bertta Rajoittaja",
 "phone": "+358 40 111 0002"}], "audio": "s$i.opus"}
JSON
done
# A call two people are in, and a call with a chat and slides.
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/w6.opus"
cat >"$SPOOL/w6.json" <<JSON
{"recorded_at": "2026-05-06T12:00:00Z", "source": "customer-service",
 "title": "Yhteinen 6", "subjects": [{"role": "customer", "name": "Cecilia Kaksi",
 "phone": "+358 40 111 0003"}, {"role": "participant", "name": "Daniel Kaksi",
 "phone": "+358 40 111 0004"}], "audio": "w6.opus"}
JSON
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/p7.opus"
printf 'hei\n' >"$SPOOL/p7-chat.txt"
printf '%%PDF-1.4\n' >"$SPOOL/p7-slides.pdf"
cat >"$SPOOL/p7.json" <<JSON
{"recorded_at": "2026-05-07T14:00:00Z", "source": "customer-service",
 "title": "Liitteet 7", "subjects": [{"role": "customer", "name": "Eino Liite",
 "phone": "+358 40 111 0005"}], "audio": "p7.opus",
 "attachments": [{"file": "p7-chat.txt", "kind": "chat"}, {"file": "p7-slides.pdf", "kind": "presentation"}]}
JSON
assert_ok "ingest an erasure's and a restriction's subjects" \
	rc ingest --keyring "$KEYS/ingest.keyring" "$SPOOL"/e[123].json "$SPOOL"/s[45].json "$SPOOL"/w6.json \
	"$SPOOL"/p7.json
A=$(rc subject find "+358401110001" --keyring "$KEYS/ingest.keyring" | cut -f1 | head -n 1)
B=$(rc subject find "+358401110002" --keyring "$KEYS/ingest.keyring" | cut -f1 | head -n 1)
assert_match "both have handles" "$A $B" '^S-[0-9A-Z]{6} S-[0-9A-Z]{6}$'
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
mapfile -t a_files < <(as_user "$dpo" find "$MNT/by-subject/$A" -name '*.opus' | sort)
mapfile -t b_files < <(as_user "$dpo" find "$MNT/by-subject/$B" -name '*.opus' | sort)
[ ${#a_files[@]} -eq 3 ] && [ ${#b_files[@]} -eq 2 ] || t_abort "data" "files of $A: ${#a_files[@]}, of $B: ${#b_files[@]}"
assert_ok "the data was disclosed to a recipient before" rc subject export "$A" "$T_TMP/x-a" \
	--level-keyring "$KEYS/privacy.keyring" --recipient tamro-group
assert_ok "an access request of the subject is open" rc request new --type access --subject "$A"
ACC=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "and then an erasure request" rc request new --type erasure --subject "$A"
ERA=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "privacy: a legal hold on the third recording" \
	as_user "$dpo" setfattr -n user.gdpr.legal_hold -v "tax audit 2026" "${a_files[2]}"
assert_ok "privacy: rm of the first two" as_user "$dpo" rm "${a_files[0]}" "${a_files[1]}"
assert_fails_with "privacy: rm of the one on hold is EPERM" "Operation not permitted" as_user "$dpo" rm "${a_files[2]}"
assert_eq "the erasures name the erasure request, not the older access one" "2" \
	"$(sql "SELECT count(*) FROM audit WHERE action='erase' AND outcome='ok'
		AND reason LIKE '% request=$ERA kind=call basis=contract purpose=quality subject=$A'")"
assert_ok "the answer to the erasure" rc request answer "$ERA" --lang en --templates "$TPL" --out "$T_TMP/erasure.en.txt"
assert_mode "is the officer's alone" 600 "$T_TMP/erasure.en.txt"
letter=$(cat "$T_TMP/erasure.en.txt")
assert_contains "en: what was done" "$letter" "What was done on your request"
assert_contains "en: the count of recordings erased" "$letter" "Recordings erased: 2"
assert_eq "en: each erased one's kind and the day it was erased" 2 \
	"$(grep -c '^   - call, erased on 2026-06-10$' <<<"$letter")"
assert_eq "no day an erased call was recorded stays in the log" 0 \
	"$(sql "SELECT count(*) FROM audit WHERE reason LIKE '%2026-05-01%' OR reason LIKE '%2026-05-02%'")"
assert_contains "en: the kept one" "$letter" "Recordings that were not erased, and why:
   - 2026-05-03 at 10:15 UTC: call;
     kept under a legal hold: it is needed for the establishment,
     exercise or defence of legal claims (Art. 17(3)(e))"
assert_contains "en: the recipient the erasure is told to (Art. 19)" "$letter" "(Art. 19):
   - Tamro group companies"
assert_not_contains "en: not the hold's text" "$letter" "tax audit"
assert_not_contains "en: no tag is left" "$letter" "{{"
assert_ok "the answer to the erasure in Finnish" rc request answer "$ERA" --lang fi --templates "$TPL"
assert_contains "fi: the count" "$T_OUT" "Poistettuja tallenteita: 2"
assert_contains "fi: the kept one and why" "$T_OUT" "2026-05-03 klo 10:15 UTC: puhelu;
     säilytetään oikeudellisen pidon vuoksi"
assert_contains "fi: Art. 19" "$T_OUT" "(19 artikla):
   - Tamron konserniyhtiöt"
assert_ok "the answer to the access request" rc request answer "$ACC" --lang en --templates "$TPL"
assert_contains "access: the Art. 15 letter" "$T_OUT" "This letter answers as Art. 15 of the General Data Protection Regulation"
assert_not_contains "access: nothing of what the erasure request did" "$T_OUT" "What was done"
assert_not_contains "access: no count of erased recordings" "$T_OUT" "Recordings erased"
assert_ok "a restriction request" rc request new --type restriction --subject "$B"
RES=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "privacy: chmod 0 restricts the first recording" as_user "$dpo" chmod 0 "${b_files[0]}"
assert_ok "the answer to the restriction" rc request answer "$RES" --lang en --templates "$TPL"
assert_contains "en: the restricted recording" "$T_OUT" "Recordings whose processing has been restricted (Art. 18):
   - 2026-05-04 at 08:30 UTC: call, restricted since 2026-06-10"
assert_not_contains "en: not the other one" "$T_OUT" "2026-05-05 at 08:30 UTC: call, restricted"
assert_ok "the answer to the restriction in Finnish" rc request answer "$RES" --lang fi --templates "$TPL"
assert_contains "fi: the restricted recording" "$T_OUT" "   - 2026-05-04 klo 08:30 UTC: puhelu, rajoitettu 2026-06-10 alkaen"
# Two people in one call, each with an open erasure request: one rm
# answers both, and each letter lists it.
C=$(rc subject find "+358401110003" --keyring "$KEYS/ingest.keyring" | cut -f1 | head -n 1)
D=$(rc subject find "+358401110004" --keyring "$KEYS/ingest.keyring" | cut -f1 | head -n 1)
assert_match "both people of the shared call have handles" "$C $D" '^S-[0-9A-Z]{6} S-[0-9A-Z]{6}$'
assert_ok "an erasure request of the first" rc request new --type erasure --subject "$C"
EC=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "and of the second" rc request new --type erasure --subject "$D"
ED=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
shared=$(as_user "$dpo" find "$MNT/by-subject/$D" -name '*.opus' | head -n 1)
assert_ok "privacy: rm of the shared call" as_user "$dpo" rm "$shared"
assert_eq "the erasure names both requests" 1 \
	"$(sql "SELECT count(*) FROM audit WHERE action='erase' AND outcome='ok'
		AND reason = 'rm request=$EC,$ED kind=call basis=contract purpose=quality$(printf ' subject=%s' $(printf '%s\n' "$C" "$D" | sort))'")"
for q in "$EC" "$ED"; do
	assert_ok "the answer to erasure request $q" rc request answer "$q" --lang en --templates "$TPL"
	assert_contains "request $q: the shared call erased" "$T_OUT" "Recordings erased: 1
   - call, erased on 2026-06-10"
	assert_ok "the answer to erasure request $q in Finnish" rc request answer "$q" --lang fi --templates "$TPL"
	assert_contains "request $q, fi: the shared call erased" "$T_OUT" "Poistettuja tallenteita: 1
   - puhelu, poistettu 2026-06-10"
done
# A chat and a shared file erased alone are in the erasure letter.
E=$(rc subject find "+358401110005" --keyring "$KEYS/ingest.keyring" | cut -f1 | head -n 1)
assert_ok "an erasure request of the third" rc request new --type erasure --subject "$E"
EE=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
chat=$(as_user "$dpo" find "$MNT/by-subject/$E" -name '*.chat.txt' | head -n 1)
pdf=$(as_user "$dpo" find "$MNT/by-subject/$E" -name '*.1.pdf' | head -n 1)
assert_match "the call's chat and slides are on the mount" "$chat $pdf" '\.chat\.txt .*\.1\.pdf$'
assert_ok "privacy: rm of the chat and the slides alone" as_user "$dpo" rm "$chat" "$pdf"
assert_ok "the call itself stays" as_user "$dpo" test -e "${chat%.chat.txt}.opus"
assert_ok "the answer to that erasure request" rc request answer "$EE" --lang en --templates "$TPL"
assert_contains "en: the chat and the slides erased" "$T_OUT" "   Files erased from your recordings:
   - the chat of a call, erased on 2026-06-10
   - a shared file of a call, erased on 2026-06-10"
assert_not_contains "en: not 'nothing was done'" "$T_OUT" "records no erasure"
assert_ok "the answer to it in Finnish" rc request answer "$EE" --lang fi --templates "$TPL"
assert_contains "fi: the chat and the slides erased" "$T_OUT" "   Tallenteistanne poistetut tiedostot:
   - puhelun chat-keskustelu, poistettu 2026-06-10
   - puhelun jaettu tiedosto, poistettu 2026-06-10"
assert_eq "no day a call was recorded is in a request's erase entry" 0 \
	"$(sql "SELECT count(*) FROM audit WHERE action='erase' AND reason LIKE '%2026-05-0%'")"

# --- a requester's description: up to 4096 bytes (recctl(1)), not one more
head -c 4096 /dev/zero | tr '\0' 'r' >"$T_TMP/requester-4096.txt"
echo >>"$T_TMP/requester-4096.txt"
head -c 4097 /dev/zero | tr '\0' 'r' >"$T_TMP/requester-4097.txt"
assert_ok "a requester's description of 4096 bytes and a newline is taken" \
	rc request new --type access --requester-file "$T_TMP/requester-4096.txt"
R4=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "it opens" rc request show "${R4:-0}" --level-keyring "$KEYS/privacy.keyring"
assert_eq "whole: 4096 bytes" 4096 "$(printf '%s' "$T_OUT" | sed -n 's/^requester: //p' | tr -d '\n' | wc -c)"
assert_fails_with "4097 bytes are refused, naming the limit" "longer than 4096 bytes" \
	rc request new --type access --requester-file "$T_TMP/requester-4097.txt"
assert_fails_with "on standard input too" "longer than 4096 bytes" \
	sh -c '"$0" request new --type access --requester-file - -R "$1" <"$2"' "$RECCTL" "$REG" "$T_TMP/requester-4097.txt"
assert_ok "the audit chain holds" rc audit verify
unmount_recfs "$MNT"

t_done
