#!/bin/bash
# Issue 15, "clear refusals": `recctl subject find` finds a subject however
# its name or number is typed.  Names are compared with case and diacritics
# folded (subject_fold_name), in any locale: Vaisanen and VÄISÄNEN find
# Väisänen.  Phone numbers are compared by the policy's phone_country_code
# (tamro.conf: 358): 0402642312 and "040 264 2312" find +358402642312, a
# manifest with the national form names the same subject, and an export
# gives the number in E.164 form; a policy without the key does not match
# the national form.  A register whose subjects were indexed before the key
# was set finds them by the new rule after `recctl subject reindex`, with
# the old entries gone.  `recctl policy check` names a malformed code at its
# line.  The search text never reaches the audit log.  A phone number two
# subjects gave (a household's line) finds both, each marked shared, in
# text and JSON; a register from before catalog schema 10 (one holder per
# entry) keeps its entries when it is upgraded, and `recctl subject
# reindex` indexes the second holder.  No mount needed.

. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
command -v jq >/dev/null || t_abort "jq" "the jq command is needed"

# The tests run with LANG unset (as CI does): folding must not need a locale.
unset LANG LC_ALL LC_CTYPE

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/a.opus"

# manifest FILE NAME PHONE: a call with one customer, a minute after the
# last one (one audio for all: at one time, the same audio is one recording).
MINUTE=0
manifest()
{
	local at
	at=$(printf '2026-05-04T10:%02d:00Z' "$MINUTE")
	MINUTE=$((MINUTE + 1))
	cat >"$1" <<JSON
{"recorded_at": "$at", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "$2", "phone": "$3"}], "audio": "a.opus"}
JSON
}

make_register "$T_TMP/a"
manifest "$SPOOL/v.json" "Aino Väisänen" "+358402642312"
manifest "$SPOOL/o.json" "Nils Øster" "+4722334455"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/v.json" "$SPOOL/o.json" >"$T_TMP/ingest.out" 2>&1 ||
	t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
by_name() { "$RECCTL" subject find "$1" -R "$REG" --level-keyring "$KEYS/analysis.keyring" --json; }
# (its JSON alone: what it says on stderr, such as the advice to reindex,
# is checked apart)
by_index() { "$RECCTL" subject find "$1" -R "$REG" --keyring "$KEYS/ingest.keyring" --json 2>"$T_TMP/by_index.err"; }
handle() { jq -r '.[0].handle // empty' 2>/dev/null; }
audit_reasons() { sqlite3 -batch "$REG/catalog.db" "SELECT group_concat(coalesce(object,'') || ' ' || coalesce(reason,''), '|') FROM audit"; }

assert_ok "subject find by the phone as ingested" by_index "+358402642312"
HV=$(printf '%s' "$T_OUT" | handle)
assert_match "a handle is printed" "$HV" '^S-[0-9A-Z]{6}$'

# --- names: case and diacritics folded -------------------------------------
for text in "Väisänen" "Vaisanen" "VAISANEN" "VÄISÄNEN" "aino vaisa"; do
	assert_ok "subject find '$text' by name" by_name "$text"
	assert_eq "'$text' finds Väisänen" "$HV" "$(printf '%s' "$T_OUT" | handle)"
done
assert_ok "subject find 'Oster' by name" by_name "Oster"
HO=$(printf '%s' "$T_OUT" | handle)
assert_match "Oster finds Øster (ø folds to o)" "$HO" '^S-[0-9A-Z]{6}$'
assert_eq "Oster finds only Øster" "1" "$(printf '%s' "$T_OUT" | jq length)"
assert_exit "subject find 'Virtanen' by name finds no one" 1 by_name "Virtanen"
assert_fails_with "a search text that is not UTF-8 is refused" "not valid UTF-8" by_name $'V\xe4is\xe4nen'
reasons=$(audit_reasons)
for text in Vaisanen VAISANEN Oster Virtanen; do
	assert_not_contains "the search text $text is not in the audit log" "$reasons" "$text"
done
assert_match "each find is logged with counts only" \
	"$("$RECCTL" audit show -R "$REG" --action subject-find 2>&1 | grep matches= | tail -n 1)" \
	'subject-find.*matches=[0-9]+ by=name'
# Who looked a subject up shows in that subject's own report: one entry
# per subject found, under its handle, with how (never the text).
found_o=$("$RECCTL" audit show -R "$REG" --subject "$HO" --action subject-find 2>&1)
assert_eq "Øster's report has the one find of Øster" 1 "$(grep -c 'matched by=\["name"\]' <<<"$found_o")"
assert_contains "under Øster's handle" "$found_o" " $HO "
assert_eq "and no find of others" 0 "$("$RECCTL" audit show -R "$REG" --subject "$HO" --action subject-find 2>&1 |
	grep -vc " $HO ")"

# --- phone numbers: the national form, by the policy's country code --------
for text in "0402642312" "040 264 2312" "(040) 264-2312" "+358 40 264 2312" "00358402642312" \
	"tel:+358-40-264-2312" "sip:+358402642312@pbx.example" "+358 (0)40 264 2312"; do
	assert_ok "subject find '$text' by phone" by_index "$text"
	assert_eq "'$text' finds +358402642312" "$HV" "$(printf '%s' "$T_OUT" | handle)"
done
manifest "$SPOOL/v2.json" "Aino Väisänen" "040 264 2312"
sed -i 's/2026-05-04T10/2026-05-05T10/' "$SPOOL/v2.json"
assert_ok "ingest a second call with the national form" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/v2.json"
assert_eq "it names the same subject (no third subject)" "2" \
	"$(sqlite3 -batch "$REG/catalog.db" 'SELECT count(*) FROM subject')"
assert_eq "the subject has both calls" "2" \
	"$(sqlite3 -batch "$REG/catalog.db" "SELECT count(*) FROM link WHERE handle = '$HV'")"
assert_ok "subject export" "$RECCTL" subject export "$HV" "$T_TMP/x" -R "$REG" --level-keyring "$KEYS/privacy.keyring"
assert_eq "the export gives the number in E.164 form" "+358402642312" \
	"$(cat "$T_TMP/x/$HV"/*.vcon.json | jq -r '.parties[] | select(.handle == "'"$HV"'") | .tel' | sort -u)"
reasons=$(audit_reasons)
for text in 0402642312 "264 2312" 358402642312 "264-2312"; do
	assert_not_contains "the number $text is not in the audit log" "$reasons" "$text"
done
assert_match "a find by phone is logged with counts only" \
	"$("$RECCTL" audit show -R "$REG" --action subject-find 2>&1 | grep 'matches=.* by=index' | tail -n 1)" \
	'subject-find.*matches=1 by=index'
assert_contains "and under the handle it found" \
	"$("$RECCTL" audit show -R "$REG" --subject "$HV" --action subject-find 2>&1 | tail -n 1)" "subject-find $HV ok matched by="

# --- policy check: a malformed code is named at its line -------------------
line=$(grep -n '^phone_country_code' "$POLICY_EXAMPLE" | cut -d: -f1)
[ -n "$line" ] || t_abort "tamro.conf" "the example policy sets no phone_country_code"
for bad in 0358 3581 +35a; do
	sed "s/^phone_country_code = .*/phone_country_code = $bad/" "$POLICY_EXAMPLE" >"$T_TMP/bad.conf"
	assert_fails_with "policy check refuses phone_country_code = $bad at its line" \
		"bad.conf:$line: phone_country_code '$bad' is not a country calling code" \
		"$RECCTL" policy check "$T_TMP/bad.conf"
done
sed "s/^phone_country_code = .*/phone_country_code = +46/" "$POLICY_EXAMPLE" >"$T_TMP/se.conf"
assert_ok "policy check takes phone_country_code = +46" "$RECCTL" policy check "$T_TMP/se.conf"

# --- a policy without the key: numbers are compared as written -------------
grep -v '^phone_country_code' "$POLICY_EXAMPLE" >"$T_TMP/nocc.conf"
make_register "$T_TMP/b" "$T_TMP/nocc.conf"
manifest "$SPOOL/k.json" "Kalle Ääninen" "050 123 4567"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/v.json" "$SPOOL/k.json" >"$T_TMP/ingest.out" 2>&1 ||
	t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
assert_ok "without the key: found by the number as ingested" by_index "+358402642312"
HB=$(printf '%s' "$T_OUT" | handle)
assert_exit "without the key: the national form 0402642312 finds no one" 1 by_index "0402642312"
assert_ok "without the key: a national number is found as written" by_index "0501234567"
HK=$(printf '%s' "$T_OUT" | handle)
assert_exit "without the key: its international form finds no one" 1 by_index "+358501234567"

# --- the key set later: reindex recomputes the entries ---------------------
assert_ok "policy apply of the policy with phone_country_code = 358" \
	"$RECCTL" policy apply "$POLICY_EXAMPLE" -R "$REG" --keyring "$KEYS/privacy.keyring"
assert_contains "apply says to reindex" "$T_OUT" "run recctl subject reindex"
"$RECCTL" subject find "0402642312" -R "$REG" --keyring "$KEYS/ingest.keyring" >/dev/null 2>"$T_TMP/find.err"
assert_contains "and subject find says so until then" "$(cat "$T_TMP/find.err")" "(phone_country_code changed)"
assert_ok "after apply: the national form finds the subject ingested in international form" by_index "0402642312"
assert_eq "after apply: it is that subject" "$HB" "$(printf '%s' "$T_OUT" | handle)"
assert_exit "before reindex: the old national entry is not found by the new rule" 1 by_index "050 123 4567"
assert_ok "subject reindex" "$RECCTL" subject reindex -R "$REG" --level-keyring "$KEYS/privacy.keyring"
for text in "050 123 4567" "+358501234567" "00358 50 1234567"; do
	assert_ok "after reindex: '$text' finds the subject ingested as 050 123 4567" by_index "$text"
	assert_eq "after reindex: '$text' is that subject" "$HK" "$(printf '%s' "$T_OUT" | handle)"
done
assert_eq "after reindex: one phone entry for the subject (the old form dropped)" "1" \
	"$(sqlite3 -batch "$REG/catalog.db" "SELECT count(*) FROM subject_index WHERE handle = '$HK' AND kind = 'phone'")"
assert_eq "after reindex: no entry of no kind left" "0" \
	"$(sqlite3 -batch "$REG/catalog.db" "SELECT count(*) FROM subject_index WHERE handle = '$HK' AND kind IS NULL")"
reasons=$(audit_reasons)
for text in 0402642312 0501234567 "123 4567" 358501234567 Kalle; do
	assert_not_contains "register b: $text is not in the audit log" "$reasons" "$text"
done

# --- a shared line: every holder found, marked shared ----------------------
make_register "$T_TMP/c"
# household FILE NAME PHONE EMAIL DAY: a call from the household's line.
household()
{
	cat >"$1" <<JSON
{"recorded_at": "2026-05-$5T10:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", "name": "$2", "phone": "$3", "email": "$4"}], "audio": "a.opus"}
JSON
}
household "$SPOOL/h1.json" "Helmi Koti" "+358 40 777 0001" "helmi@koti.example" 06
household "$SPOOL/h2.json" "Oskari Koti" "040 777 0001" "oskari@koti.example" 07
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/h1.json" "$SPOOL/h2.json" >"$T_TMP/ingest.out" 2>&1 ||
	t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
HH=$(by_index "helmi@koti.example" | handle)
HS=$(by_index "oskari@koti.example" | handle)
[ -n "$HH" ] && [ -n "$HS" ] && [ "$HH" != "$HS" ] || t_abort "household" "two subjects expected, got '$HH' '$HS'"
both=$(printf '%s\n' "$HH" "$HS" | sort | paste -sd' ')
holders() { printf '%s' "$T_OUT" | jq -r '.[].handle' | sort | paste -sd' '; }
assert_ok "subject find by the shared line" by_index "040 777 0001"
assert_eq "finds both subjects that gave it" "$both" "$(holders)"
assert_eq "each marked shared by phone" "phone phone" "$(printf '%s' "$T_OUT" | jq -r '.[].shared[]?' | paste -sd' ')"
assert_ok "subject find by the shared line, text" \
	"$RECCTL" subject find "+358 40 777 0001" -R "$REG" --keyring "$KEYS/ingest.keyring"
assert_eq "two lines, each marked shared" 2 "$(grep -c $'\tshared=\\["phone"\\]$' <<<"$T_OUT")"
assert_ok "subject find by one holder's own e-mail" by_index "helmi@koti.example"
assert_eq "finds that one, not marked shared" "$HH 0" \
	"$(printf '%s' "$T_OUT" | jq -r '(.[0].handle // "none") + " " + (.[0].shared | length | tostring)')"
assert_eq "the two finds by the line are logged with two matches each" 2 \
	"$("$RECCTL" audit show -R "$REG" --action subject-find 2>&1 | grep -c 'subject-find.*matches=2 by=index')"

# --- a register of schema 9: one holder per entry --------------------------
q_c() { sqlite3 -batch "$REG/catalog.db" "$1"; }
q_c "BEGIN;
	CREATE TABLE old_index (mac BLOB PRIMARY KEY,
		handle TEXT NOT NULL REFERENCES subject(handle) ON DELETE CASCADE, kind TEXT) WITHOUT ROWID;
	INSERT OR IGNORE INTO old_index SELECT i.mac, i.handle, i.kind FROM subject_index i
		JOIN subject s ON s.handle = i.handle ORDER BY s.rowid;
	DROP TABLE subject_index;
	ALTER TABLE old_index RENAME TO subject_index;
	CREATE INDEX subject_index_handle ON subject_index(handle);
	COMMIT; PRAGMA user_version = 9;" || t_abort "schema 9" "cannot make the index of schema 9"
entries=$(q_c "SELECT count(*) FROM subject_index")
assert_ok "the schema-9 register: subject find by the line" by_index "+358407770001"
assert_eq "the catalog is upgraded" "$T_SCHEMA" "$(q_c "PRAGMA user_version")"
"$RECCTL" subject find "+358407770001" -R "$REG" --keyring "$KEYS/ingest.keyring" >/dev/null 2>"$T_TMP/find.err"
assert_contains "subject find says to reindex" "$(cat "$T_TMP/find.err")" "run \`recctl subject reindex\` once"
assert_eq "it keeps every entry" "$entries" "$(q_c "SELECT count(*) FROM subject_index")"
assert_eq "finds the holder that register indexed" "$HH" "$(holders)"
assert_ok "and the other holder by its e-mail" by_index "oskari@koti.example"
assert_ok "subject reindex" "$RECCTL" subject reindex -R "$REG" --level-keyring "$KEYS/privacy.keyring"
"$RECCTL" subject find "+358407770001" -R "$REG" --keyring "$KEYS/ingest.keyring" >/dev/null 2>"$T_TMP/find.err"
assert_eq "after reindex subject find says nothing on stderr" "" "$(cat "$T_TMP/find.err")"
assert_ok "after reindex: subject find by the line" by_index "+358407770001"
assert_eq "after reindex: finds both" "$both" "$(holders)"
assert_eq "after reindex: each marked shared" "phone phone" \
	"$(printf '%s' "$T_OUT" | jq -r '.[].shared[]?' | paste -sd' ')"

# A refused manifest stays in quarantine as the recorder sent it, where no
# search reads: a search that finds nothing, and a request closed with "no
# data", say so (bb7 F5).
"$RECCTL" subject find "+358409990000" -R "$REG" --keyring "$KEYS/ingest.keyring" >/dev/null 2>"$T_TMP/find.err"
assert_not_contains "no note of the quarantine while it is empty" "$(cat "$T_TMP/find.err")" "quarantine"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/refused.opus"
printf '{"recorded_at": "2026-11-20T10:00:00Z", "source": "nosuch", "audio": "refused.opus",
 "subjects": [{"role": "customer", "name": "Sven Olund", "phone": "+358409990000"}]}\n' >"$SPOOL/refused.json"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/refused.json" >/dev/null 2>&1
assert_exit "a search of the refused caller finds nothing" 1 \
	"$RECCTL" subject find "+358409990000" -R "$REG" --keyring "$KEYS/ingest.keyring"
assert_contains "... and says the quarantine is not searched" "$T_OUT" "1 manifest in quarantine is not searched"
printf 'Sven Olund, +358409990000\n' >"$T_TMP/requester.txt"
id=$("$RECCTL" request new -R "$REG" --type access --requester-file "$T_TMP/requester.txt" 2>/dev/null | sed -n 's/^request \([0-9]*\).*/\1/p' | head -n 1)
assert_ok "an access request closed with no data" "$RECCTL" request close "$id" -R "$REG" --outcome no-data
assert_contains "... says the quarantine is not searched" "$T_OUT" "1 manifest in quarantine is not searched"
t_done
