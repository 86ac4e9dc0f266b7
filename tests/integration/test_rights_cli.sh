#!/bin/bash
# tests/integration/test_rights_cli.sh - the recctl side of the data
# subject's rights: retention sweep (with holds and restrictions), subject
# find/show/export/withdraw-consent, rights requests.  No mount needed.
#
# The big sweep: N recordings of which EXP expired, HOLD on legal hold and
# RESTR restricted; the sweep must erase exactly EXP-HOLD-RESTR and log the
# HOLD+RESTR skips.  make check runs 1,000/300/5/5 (ingesting 10,000 takes
# minutes); RECFS_LONG_TESTS=1 runs 10,000/3,000/50/50.  The sweep is timed
# against a plain `rm` of copies of the same ciphertext blobs; both times
# are printed, nothing is asserted about them.
#
# Holds and restrictions are set with sqlite3 straight in the catalog: the
# commands that set them belong to the mount (setfattr, chmod), and the
# sweep only reads the flags.

. "$(dirname "$0")/lib.sh"

if [ "${RECFS_LONG_TESTS:-0}" = 1 ]; then
	N=10000 EXP=3000 HOLD=50 RESTR=50
else
	N=1000 EXP=300 HOLD=5 RESTR=5
fi
ERASE=$((EXP - HOLD - RESTR))

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
command -v jq >/dev/null || t_abort "jq" "the jq command is needed"

make_register "$T_TMP/r"
export RECFS_NOW=2026-06-01T00:00:00Z
NOW_EPOCH=$(date -u -d 2026-06-01 +%s)
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/a.opus"
cp "$T_ROOT/tests/fixtures/stereo.opus" "$SPOOL/s.opus"
rc() { "$RECCTL" "$@" -R "$REG"; }
sql() { sqlite3 -batch "$REG/catalog.db" "$@"; }

# --- the register: N recordings, EXP of them recorded in 2025-01..03 (12
# months' retention: expired on 2026-06-01), the rest in 2026-01..05.
python3 - "$SPOOL" "$N" "$EXP" <<'PY'
import json, sys
out, n, exp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    if i < exp:
        month, day = 1 + i % 3, 1 + i % 28
        when = "2025-%02d-%02dT%02d:%02d:%02dZ" % (month, day, i // 28 % 24, i // 672 % 60, i % 60)
    else:
        month, day = 1 + i % 5, 1 + i % 28
        when = "2026-%02d-%02dT%02d:%02d:%02dZ" % (month, day, i // 28 % 24, i // 672 % 60, i % 60)
    m = {"recorded_at": when, "source": "customer-service",
         "subjects": [{"role": "customer", "phone": "+35850%07d" % (i % 97)}], "audio": "a.opus"}
    with open("%s/m%05d.json" % (out, i), "w") as f:
        json.dump(m, f)
PY
start=$(date +%s.%N)
find "$SPOOL" -name 'm*.json' -print0 | sort -z |
	xargs -0 "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" >"$T_TMP/ingest.out" 2>&1 ||
	t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
end=$(date +%s.%N)
printf 'ingest of %d recordings: %.1f s\n' "$N" "$(echo "$end - $start" | bc)"
assert_eq "register holds $N recordings" "$N" "$(sql 'SELECT count(*) FROM recording')"
assert_eq "$EXP of them expired" "$EXP" "$(sql "SELECT count(*) FROM recording WHERE retention_until < $NOW_EPOCH")"

sql "UPDATE recording SET legal_hold='litigation' WHERE id IN (SELECT id FROM recording
	WHERE retention_until < $NOW_EPOCH ORDER BY id LIMIT $HOLD)"
sql "UPDATE recording SET restricted_since=$NOW_EPOCH, restricted_reason='contested' WHERE id IN
	(SELECT id FROM recording WHERE retention_until < $NOW_EPOCH AND legal_hold IS NULL ORDER BY id LIMIT $RESTR)"

# --- dry run
assert_ok "retention sweep --dry-run" rc retention sweep --dry-run --json
assert_eq "dry run would erase $ERASE" "$ERASE" "$(printf '%s' "$T_OUT" | jq .would_erase)"
assert_eq "dry run erased nothing" "$N" "$(sql 'SELECT count(*) FROM recording')"

# --- copies of the blobs the sweep will erase, for the rm timing
mkdir -p "$T_TMP/raw"
sql "SELECT a.id FROM artifact a JOIN recording r ON r.id = a.recording WHERE r.retention_until < $NOW_EPOCH
	AND r.legal_hold IS NULL AND r.restricted_since = 0" >"$T_TMP/erase.ids"
while read -r id; do cp "$REG/blobs/${id:0:2}/$id" "$T_TMP/raw/$id"; done <"$T_TMP/erase.ids"
assert_eq "$ERASE blob copies made" "$ERASE" "$(find "$T_TMP/raw" -type f | wc -l)"
sync

# --- the sweep
start=$(date +%s.%N)
assert_ok "retention sweep" rc retention sweep --json
end=$(date +%s.%N)
sweep_s=$(echo "$end - $start" | bc)
assert_eq "sweep erased $ERASE" "$ERASE" "$(printf '%s' "$T_OUT" | jq .erased)"
assert_eq "sweep skipped $HOLD on hold" "$HOLD" "$(printf '%s' "$T_OUT" | jq .skipped_hold)"
assert_eq "sweep skipped $RESTR restricted" "$RESTR" "$(printf '%s' "$T_OUT" | jq .skipped_restricted)"
assert_eq "recordings left" "$((N - ERASE))" "$(sql 'SELECT count(*) FROM recording')"
assert_eq "blobs left" "$((N - ERASE))" "$(find "$REG/blobs" -type f | wc -l)"
assert_eq "skips logged" "$((HOLD + RESTR))" "$(sql "SELECT count(*) FROM audit WHERE action='retention-skip'")"
assert_eq "hold skips say so" "$HOLD" \
	"$(sql "SELECT count(*) FROM audit WHERE action='retention-skip' AND reason='legal hold'")"
assert_eq "erasures logged" "$ERASE" "$(sql "SELECT count(*) FROM audit WHERE action='erase' AND (reason = 'retention' OR reason GLOB 'retention subject=S-*')")"
assert_eq "no seal of an erased artifact" "0" "$(sql "SELECT count(*) FROM seal WHERE object IN
	(SELECT value FROM json_each('[\"' || replace('$(paste -sd, "$T_TMP/erase.ids")', ',', '\",\"') || '\"]'))")"
start=$(date +%s.%N)
rm -f "$T_TMP"/raw/*
sync
end=$(date +%s.%N)
rm_s=$(echo "$end - $start" | bc)
printf 'sweep of %d expired (%d erased): %.3f s; rm of the same %d blob files: %.3f s\n' \
	"$EXP" "$ERASE" "$sweep_s" "$ERASE" "$rm_s"
assert_ok "second sweep" rc retention sweep --json
assert_eq "second sweep erases nothing" "0" "$(printf '%s' "$T_OUT" | jq .erased)"
assert_ok "audit chain intact after the sweep" rc audit verify

# --- a subject with consent-based recordings
for i in 1 2 3; do
	purpose=consent
	[ "$i" = 3 ] && purpose=quality
	cat >"$SPOOL/c$i.json" <<JSON
{"recorded_at": "2026-05-0${i}T10:00:00Z", "source": "customer-service", "purpose": "$purpose",
 "title": "Tilaus $i", "staff": [{"name": "Maija Virtanen"}],
 "subjects": [{"role": "customer", "name": "Matti Meikäläinen", "phone": "+358 40 123 4567",
               "email": "matti@example.fi"}],
 "audio": "s.opus"}
JSON
done
assert_ok "ingest the subject's recordings" rc ingest --keyring "$KEYS/ingest.keyring" "$SPOOL"/c[123].json
assert_ok "subject find by phone" rc subject find "+358401234567" --keyring "$KEYS/ingest.keyring"
H=$(printf '%s' "$T_OUT" | cut -f1 | head -n 1)
assert_match "a handle is printed" "$H" '^S-[0-9A-Z]{6}$'
assert_ok "subject find by e-mail" rc subject find "Matti@Example.fi" --keyring "$KEYS/ingest.keyring" --json
assert_eq "e-mail finds the same subject" "$H" "$(printf '%s' "$T_OUT" | jq -r '.[0].handle')"
assert_ok "subject find by name" rc subject find "meikäläinen" --level-keyring "$KEYS/analysis.keyring"
assert_contains "name finds the subject" "$T_OUT" "$H"
assert_exit "subject find of nobody fails" 1 rc subject find "+358 99 999" --keyring "$KEYS/ingest.keyring"
assert_not_contains "the search text is not logged" "$(sql "SELECT group_concat(reason) FROM audit")" "99 999"
assert_ok "subject show" rc subject show "$H" --level-keyring "$KEYS/privacy.keyring" --json
assert_eq "show lists 3 recordings" "3" "$(printf '%s' "$T_OUT" | jq '.recordings | length')"
assert_eq "show opens the card" "Matti Meikäläinen" "$(printf '%s' "$T_OUT" | jq -r .card.name)"
assert_fails_with "subject show without a level keyring" "level-keyring" rc subject show "$H"
# A name from before ingest refused control characters (put_card writes it
# as it is): subject show prints it escaped, as audit show does, so that it
# cannot act on the reader's terminal.
assert_ok "(a name with an escape sequence and an override, as an older register may hold)" \
	"$T_BUILD/test/put_card" "$REG" "$KEYS/privacy.keyring" "$H" name $'Matti\e]0;pwned\a \xe2\x80\xaeexe'
assert_ok "subject show of it" rc subject show "$H" --level-keyring "$KEYS/privacy.keyring"
assert_contains "shows the name escaped" "$T_OUT" '  name          Matti\x1b]0;pwned\x07 \xe2\x80\xaeexe'
assert_eq "and no control character raw" "" \
	"$(printf '%s' "$T_OUT" | LC_ALL=C grep -naP '[\x00-\x09\x0b-\x1f\x7f]|\xe2\x80\xae')"
assert_ok "(the name as it was)" "$T_BUILD/test/put_card" "$REG" "$KEYS/privacy.keyring" "$H" name "Matti Meikäläinen"

# --- requests
assert_ok "request new" rc request new --type erasure --subject "$H" --verified-by "passport checked"
assert_contains "request is due in a month" "$T_OUT" "due 2026-07-01"
assert_fails_with "request new with a bad type" "request type" rc request new --type delete --subject "$H" \
	--verified-by x
assert_ok "request list" rc request list --json
assert_eq "one open request" "1" "$(printf '%s' "$T_OUT" | jq length)"
assert_ok "request list --overdue" rc request list --overdue --json
assert_eq "none overdue yet" "0" "$(printf '%s' "$T_OUT" | jq length)"
assert_eq "overdue after the due date" "1" \
	"$(RECFS_NOW=2026-07-02 "$RECCTL" request list --overdue --json -R "$REG" | jq length)"
assert_ok "request extend" rc request extend 1 --reason "many recordings"
assert_contains "extended by two months" "$T_OUT" "due 2026-09-01"
assert_fails_with "second extension refused" "already extended" rc request extend 1 --reason again

# --- export
assert_fails_with "export to an unknown recipient" "not in the policy" rc subject export "$H" "$T_TMP/x0" \
	--level-keyring "$KEYS/privacy.keyring" --recipient nosuch
assert_fails_with "export without a details key" "keyring" rc subject export "$H" "$T_TMP/x1" \
	--level-keyring "$KEYS/training.keyring"
assert_ok "subject export" rc subject export "$H" "$T_TMP/x" --level-keyring "$KEYS/privacy.keyring" \
	--recipient tamro-group
assert_eq "three audio files exported" "3" "$(find "$T_TMP/x/$H" -name '*.opus' | wc -l)"
f=$(find "$T_TMP/x/$H" -name '*.opus' | head -n 1)
assert_ok "exported audio equals the original" cmp "$f" "$SPOOL/s.opus"
assert_eq "export.json names the recipient" "tamro-group" "$(jq -r .recipient.name "$T_TMP/x/$H/export.json")"
v=$(find "$T_TMP/x/$H" -name '*.vcon.json' | head -n 1)
assert_eq "vCon dialog is a recording" "recording" "$(jq -r '.dialog[0].type' "$v")"
assert_eq "vCon names the subject's number" "+358401234567" "$(jq -r '.parties[0].tel' "$v")"
assert_eq "export logged with the request" "1" "$(sql "SELECT count(*) FROM audit WHERE action='export'
	AND object='$H' AND reason LIKE 'recipient=tamro-group request=1%'")"

# --- withdrawal of consent
assert_ok "withdraw-consent" rc subject withdraw-consent "$H"
assert_contains "two consent recordings erased" "$T_OUT" "erased 2"
assert_contains "the contract one is kept" "$T_OUT" "1 on other bases kept"
assert_eq "erasures name the request, and the kind of what they erased" "2" \
	"$(sql "SELECT count(*) FROM audit WHERE action='erase'
		AND reason LIKE 'withdraw-consent request=1 kind=%'")"
assert_ok "request close" rc request close 1 --outcome granted --note "consent recordings erased"
assert_ok "request list after closing" rc request list --json
assert_eq "no open request" "0" "$(printf '%s' "$T_OUT" | jq length)"
assert_ok "audit chain intact at the end" rc audit verify

t_done
