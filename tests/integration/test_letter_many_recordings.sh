#!/bin/bash
# Anna, a customer-service agent, is a data subject (role staff) of every
# call she takes: 2600 calls, each with its audio, a chat and a shared
# file.  She asks for access (Art. 15).  The answer letter's recipients
# read the log entries about each of her recordings and their
# artifacts (audit_each_about_subject), which a single query of the log
# refuses past CATALOG_AUDIT_OBJECTS_MAX objects (E2BIG): the letter must be
# written, as it was when it read her handle's entries alone, and so must
# the letter with her export (export.json's disclosures read the same
# entries) (atk39).
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
TPL=$T_ROOT/packaging/templates
PK=$KEYS/privacy.keyring
rc() { "$RECCTL" "$@" -R "$REG"; }
python3 - "$SPOOL" "$T_ROOT/tests/fixtures/mono.opus" <<'PY' || t_abort "manifests" "python3 failed"
import datetime, json, os, shutil, sys
spool, audio = sys.argv[1], sys.argv[2]
t0 = datetime.datetime(2026, 1, 1, 8, 0)
for i in range(2600):
    stem = "c%05d" % i
    shutil.copy(audio, os.path.join(spool, stem + ".opus"))
    with open(os.path.join(spool, stem + "-chat.txt"), "w") as f:
        f.write("Hello, how can I help?\n")
    with open(os.path.join(spool, stem + "-file.txt"), "w") as f:
        f.write("price list\n")
    t = (t0 + datetime.timedelta(minutes=7 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(os.path.join(spool, stem + ".json"), "w") as f:
        json.dump({"recorded_at": t, "source": "customer-service", "purpose": "quality",
                   "subjects": [{"role": "staff", "name": "Anna Agent", "email": "anna.agent@tamro.com"}],
                   "audio": stem + ".opus",
                   "attachments": [{"file": stem + "-chat.txt", "kind": "chat"},
                                   {"file": stem + "-file.txt", "kind": "file"}]}, f)
PY
ingest_spool "$SPOOL"
A=$(q "SELECT handle FROM link GROUP BY handle HAVING count(*) = 2600")
[ -n "$A" ] || t_abort "subject" "no subject of all 2600 calls"

assert_ok "Anna asks for access" rc request new --type access --subject "$A"
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "the answer letter is written" rc request answer "$N" --lang en --templates "$TPL" --out "$T_TMP/l.txt"
assert_contains "it lists her recordings" "$(cat "$T_TMP/l.txt" 2>/dev/null)" "3. Your recordings"
assert_ok "the answer with her export is written" rc request answer "$N" --lang en --templates "$TPL" \
	--export "$T_TMP/x" --level-keyring "$PK" --out "$T_TMP/lx.txt"

t_done
