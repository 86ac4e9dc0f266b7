#!/bin/bash
# test_recctl.sh - every recctl subcommand against a real register: init,
# policy check/apply, keys export, register, ingest (good, bad, duplicate),
# audit show/verify (and tampering with the sqlite3 CLI), fsck (orphans,
# missing and damaged blobs, --repair), and that nothing personal is left
# in the clear in the catalog, its WAL or the blobs.
. "$(dirname "$0")/lib.sh"

# No controlling terminal: a passphrase prompt fails instead of hanging.
no_tty() { setsid -w "$@" </dev/null; }

sql() { sqlite3 "$REG/catalog.db" "$@"; }

# --- the command line itself ---------------------------------------------

assert_ok "recctl --version" "$RECCTL" --version
assert_contains "--version names recctl" "$T_OUT" "recctl"
assert_ok "recctl --help" "$RECCTL" --help
HELP=$T_OUT
for c in init policy keys ingest register audit fsck; do
	assert_contains "--help lists $c" "$HELP" "  $c "
	assert_ok "recctl help $c" "$RECCTL" help "$c"
	assert_contains "help $c prints its usage" "$T_OUT" "usage: recctl $c"
	assert_ok "recctl $c --help" "$RECCTL" "$c" --help
done
for c in $(printf '%s\n' "$HELP" | awk '/^Commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }'); do
	assert_ok "every listed command has help: $c" "$RECCTL" help "$c"
done
assert_exit "unknown command is a usage error" 2 "$RECCTL" frobnicate
assert_exit "no command is a usage error" 2 "$RECCTL"
assert_exit "init without --policy is a usage error" 2 "$RECCTL" init "$T_TMP/x"
assert_exit "unknown option is a usage error" 2 "$RECCTL" fsck --frobnicate
assert_fails_with "a missing register is one clear line" "not a recfs register" \
	"$RECCTL" fsck -R "$T_TMP/nothing"
assert_eq "a missing register fails with one line" 1 "$(printf '%s\n' "$T_OUT" | wc -l)"
assert_exit "a usage error is one before the register is opened" 2 "$RECCTL" ingest -R "$T_TMP/nothing"
# A usage error keeps its line in sight: the line, the synopsis and where
# the usage is, not the 44 lines of the audit usage (bb6 F3).
out=$("$RECCTL" audit show -R "$T_TMP/nothing" --since yesterday 2>&1)
assert_eq "a bad option value is three lines" 3 "$(printf '%s\n' "$out" | wc -l)"
assert_contains "... the first says what was wrong" "$(printf '%s\n' "$out" | head -n 1)" "--since yesterday"
assert_contains "... the last where the usage is" "$out" "Try 'recctl audit --help'"
out=$("$RECCTL" request answer -R "$T_TMP/nothing" 2>&1)
assert_contains "the synopsis is the subcommand's, not its group's first (atk21)" "$out" "usage: recctl request answer ID"
out=$("$RECCTL" audit verify --bogus 2>&1)
assert_contains "... after an unknown option too" "$out" "usage: recctl audit verify "
# getopt's own line names the whole command, not the bare subcommand
assert_contains "getopt's line names the command and subcommand" "$(printf '%s\n' "$out" | head -n 1)" \
	"recctl audit verify: unrecognized option '--bogus'"
for cmd in "init" "policy check" "protect" "fsck"; do
	# shellcheck disable=SC2086 # the words are the command's
	out=$("$RECCTL" $cmd --bogus 2>&1)
	assert_contains "... of recctl $cmd too" "$(printf '%s\n' "$out" | head -n 1)" \
		"recctl $cmd: unrecognized option"
done

# --- init ------------------------------------------------------------------

POL=$T_TMP/policy.conf
cp "$POLICY_EXAMPLE" "$POL"
LEVELS=$(sed -n 's/^\[level \(.*\)\]$/\1/p' "$POL")
RIGHTS=$(awk '/^\[level /{l=$2; sub(/\]/,"",l)} /^rights *= *yes/{print l}' "$POL")

assert_ok "init with raw keyrings" "$RECCTL" init "$T_TMP/a/reg" --policy "$POL" --keyrings "$T_TMP/a/keys" --no-passphrase
REG=$T_TMP/a/reg
KEYS=$T_TMP/a/keys
for l in $LEVELS ingest; do
	assert_contains "init says it wrote $l.keyring" "$T_OUT" "$KEYS/$l.keyring"
	assert_mode "$l.keyring is mode 0600" 600 "$KEYS/$l.keyring"
done
for l in $LEVELS; do
	assert_file "public key of $l" "$REG/keys/$l.pub"
done
assert_mode "keyring dir is mode 0700" 700 "$KEYS"
assert_mode "register dir is mode 0700" 700 "$REG"
assert_mode "catalog is mode 0600" 600 "$REG/catalog.db"
assert_ok "policy installed" cmp "$POL" "$REG/policy.conf"
assert_match "init is in the audit log" "$("$RECCTL" audit show -R "$REG")" '^1 .* init .* ok'
assert_match "--register=DIR names the register too" "$("$RECCTL" audit show --register="$REG")" '^1 .* init .* ok'
assert_match "and so does RECFS_REGISTER" "$(RECFS_REGISTER="$REG" "$RECCTL" audit show)" '^1 .* init .* ok'
# -R before the command, as recctl --help says "The register is -R DIR"
# (bb15 L8: "unknown option '-R'")
assert_match "-R DIR before the command names the register" "$("$RECCTL" -R "$REG" audit show)" '^1 .* init .* ok'
assert_match "... --register=DIR too" "$("$RECCTL" --register="$REG" audit show)" '^1 .* init .* ok'
assert_match "... and the command's own -R wins" \
	"$("$RECCTL" -R "$T_TMP/nothing" audit show -R "$REG")" '^1 .* init .* ok'
assert_exit "-R without a folder is a usage error" 2 "$RECCTL" -R
assert_fails_with "init refuses existing keyrings" "exists" \
	"$RECCTL" init "$T_TMP/b/reg" --policy "$POL" --keyrings "$KEYS" --no-passphrase
assert_no_file "and creates no register then" "$T_TMP/b/reg/catalog.db"
assert_fails_with "init refuses a non-empty directory" "not empty" \
	"$RECCTL" init "$T_TMP/a" --policy "$POL" --keyrings "$T_TMP/c/keys" --no-passphrase
assert_no_file "and leaves no keyrings then" "$T_TMP/c/keys/ingest.keyring"
assert_fails_with "init says a non-empty directory before it asks for a passphrase (bb6 F4)" "not empty" \
	"$RECCTL" init "$T_TMP/a" --policy "$POL" --keyrings "$T_TMP/c/keys" </dev/null

# Passphrase-sealed keyrings.
printf 'correct horse battery\n' >"$T_TMP/pass"
printf 'wrong horse\n' >"$T_TMP/wrongpass"
assert_ok "init with --passfile" "$RECCTL" init "$T_TMP/p/reg" --policy "$POL" --keyrings "$T_TMP/p/keys" --passfile "$T_TMP/pass"
assert_contains "init says the keyrings are sealed" "$T_OUT" "passphrase-sealed"
assert_mode "sealed keyring is mode 0600" 600 "$T_TMP/p/keys/$RIGHTS.keyring"
assert_fails_with "a sealed keyring needs its passphrase" "passphrase" \
	no_tty "$RECCTL" fsck -R "$T_TMP/p/reg" --keyring "$T_TMP/p/keys/$RIGHTS.keyring"
assert_fails_with "a wrong passphrase is refused" "wrong passphrase" \
	"$RECCTL" fsck -R "$T_TMP/p/reg" --keyring "$T_TMP/p/keys/$RIGHTS.keyring" --passfile "$T_TMP/wrongpass"
assert_ok "the right passphrase opens it" \
	"$RECCTL" fsck -R "$T_TMP/p/reg" --keyring "$T_TMP/p/keys/$RIGHTS.keyring" --passfile "$T_TMP/pass"
assert_ok "RECFS_PASSFILE works too" \
	env RECFS_PASSFILE="$T_TMP/pass" "$RECCTL" fsck -R "$T_TMP/p/reg" --keyring "$T_TMP/p/keys/$RIGHTS.keyring"
assert_fails_with "init without a passphrase source and no terminal fails" "terminal" \
	no_tty "$RECCTL" init "$T_TMP/q/reg" --policy "$POL" --keyrings "$T_TMP/q/keys"
assert_no_file "and creates nothing" "$T_TMP/q/reg/catalog.db"

# --- policy check ---------------------------------------------------------

# Its levels' groups exist (a missing one is a warning: test_refusals.sh).
for g in $(awk -F' *= *' '/^group *=/{print $2}' "$POL"); do make_group "$g"; done
assert_ok "policy check of the example" "$RECCTL" policy check "$POL"
assert_eq "policy check says ok" "$POL: ok" "$T_OUT"
cat >"$T_TMP/bad.conf" <<'EOF'
[register]
name = Test register
controller = Test Oy
contact = test
privacy_contact = privacy@example.com
details_level = nosuch
[level low]
group = recfs-low
colour = blue
[level top]
group = recfs-top
rights = yes
[purpose p]
description = p
legal_basis = gossip
min_level = low
retention = 12m
max_retention = 24m
[source s]
kind = call
purpose = p
data_source = phone
EOF
assert_exit "policy check of a bad policy exits 1" 1 "$RECCTL" policy check "$T_TMP/bad.conf"
assert_contains "names line 6 (unknown details_level)" "$T_OUT" "bad.conf:6:"
assert_contains "names line 9 (unknown key)" "$T_OUT" "bad.conf:9:"
assert_contains "names line 15 (bad legal basis)" "$T_OUT" "bad.conf:15:"
assert_contains "counts the errors" "$T_OUT" "3 errors"
assert_fails_with "policy check of a missing file" "nosuch.conf" "$RECCTL" policy check "$T_TMP/nosuch.conf"
# A file that cannot be read has no errors: it is said once, as what it is
# (bb8 LOW 12: apply said "cannot read" and then "the policy has errors").
assert_eq "... said once, as a file that cannot be read" \
	"recctl: $T_TMP/nosuch.conf: cannot read the policy: No such file or directory" "$T_OUT"
assert_fails_with "policy apply of a missing file" "nosuch.conf: cannot read the policy: No such file or directory; nothing was changed" \
	"$RECCTL" policy apply -R "$REG" "$T_TMP/nosuch.conf"
assert_not_contains "... not that it has errors" "$T_OUT" "has errors"
assert_fails_with "policy check of a folder says what it is" "cannot read the policy: not a regular file" \
	"$RECCTL" policy check "$T_TMP"
assert_fails_with "init with a missing policy" "nosuch.conf: cannot read the policy: No such file or directory; nothing was created" \
	"$RECCTL" init "$T_TMP/nosuch-reg" --policy "$T_TMP/nosuch.conf" --no-passphrase
assert_not_contains "... not that it has errors" "$T_OUT" "has errors"
# A register name holding a NUL byte, or text that is not UTF-8: that
# line's error alone, not also the name reported missing.
sed -e 's/^details_level = nosuch$/details_level = top/' -e '/^colour = blue$/d' \
	-e 's/^legal_basis = gossip$/legal_basis = contract/' "$T_TMP/bad.conf" >"$T_TMP/mended.conf"
assert_ok "(bad.conf mended is valid)" "$RECCTL" policy check "$T_TMP/mended.conf"
for bad in 'NUL byte in line:\0' 'not valid UTF-8:\0344'; do
	{ head -n 1 "$T_TMP/mended.conf"; printf 'name = Test%b register\n' "${bad#*:}"
	  tail -n +3 "$T_TMP/mended.conf"; } >"$T_TMP/badname.conf"
	assert_exit "policy check of a name with ${bad%%:*} exits 1" 1 "$RECCTL" policy check "$T_TMP/badname.conf"
	assert_contains "and says so at its line" "$T_OUT" "badname.conf:2: ${bad%%:*}"
	assert_contains "as its one error" "$T_OUT" "badname.conf: 1 error"
	assert_not_contains "not also the name as missing" "$T_OUT" "lacks the required key"
done
# Warnings are FILE:LINE: message too (recfs-policy(5)): the line of the
# group or users key this host does not know, of [register] for the keys
# it lacks.
sed -e "s/^group = recfs-low\$/group = ${T_USER_PREFIX}nosuchgroup\nusers = ${T_USER_PREFIX}nosuchuser/" \
	"$T_TMP/mended.conf" >"$T_TMP/warn.conf"
assert_ok "policy check of a policy with warnings" "$RECCTL" policy check "$T_TMP/warn.conf"
assert_contains "the unknown group's warning gives its line" "$T_OUT" \
	"recctl: warning: $T_TMP/warn.conf:8: level low: group '${T_USER_PREFIX}nosuchgroup' does not exist on this host"
assert_contains "the unknown user's warning gives its line" "$T_OUT" \
	"recctl: warning: $T_TMP/warn.conf:9: level low: user '${T_USER_PREFIX}nosuchuser' does not exist on this host"
assert_contains "the missing authority's warning gives the line of [register]" "$T_OUT" \
	"recctl: warning: $T_TMP/warn.conf:1: [register] sets neither supervisory_authority nor phone_country_code"

# --- register ----------------------------------------------------------------

assert_ok "recctl register" "$RECCTL" register -R "$REG"
assert_contains "notice names the register" "$T_OUT" "$(sed -n 's/^name = //p' "$POL" | head -n 1)"
assert_contains "notice names the privacy contact" "$T_OUT" "$(sed -n 's/^privacy_contact = //p' "$POL" | head -n 1)"
assert_ok "RECFS_REGISTER is the default register" env RECFS_REGISTER="$REG" "$RECCTL" register
plain=$(make_plain_user noreader)
assert_fails_with "a user who cannot read the policy is told so" "Permission denied" \
	as_user "$plain" "$RECCTL" register -R "$REG"
assert_not_contains "... not that it has errors (bb7 F8)" "$T_OUT" "has errors"

# --- ingest ----------------------------------------------------------------

if ! have_generator; then
	fail "tests/gen/gen_register.py exists" "missing; ingest tests skipped"
	t_done
	exit
fi
IN=$T_TMP/in
gen_manifests "$IN" 50 --bad
BAD="corrupt-audio missing-audio invalid-json unknown-source unknown-purpose future huge"
TOTAL=$(ls "$IN"/*.json | wc -l)
assert_eq "generator wrote 50 good and 7 bad manifests" 57 "$TOTAL"

# Everything personal the manifests and chats hold, to look for later:
# names (non-ASCII too), phones, e-mails, organisations, staff, titles, chat.
python3 - "$IN" >"$T_TMP/secrets" <<'PY'
import json, os, re, sys
d = sys.argv[1]
out = set()
def add(v):
    if isinstance(v, str) and len(v.strip()) >= 6:
        out.add(v.strip())
for f in sorted(os.listdir(d)):
    p = os.path.join(d, f)
    if f.endswith(".json") and not f.startswith("bad-"):
        m = json.load(open(p, encoding="utf-8"))
        add(m.get("title"))
        for s in m.get("staff") or []:
            add(s.get("name"))
        for s in m.get("subjects") or []:
            for k in ("name", "phone", "email", "organisation", "ref"):
                add(s.get(k))
            add((s.get("phone") or "").lstrip("+"))
    elif f.endswith("-chat.txt"):
        for line in open(p, encoding="utf-8"):
            add(re.sub(r"^\[[0-9:]+\] ", "", line.strip()))
for s in sorted(out):
    print(s)
PY
assert_match "some secrets to look for" "$(wc -l <"$T_TMP/secrets")" '^[1-9][0-9]+$'
assert_match "secrets include non-ASCII names" "$(cat "$T_TMP/secrets")" '[ÄÖÅäöå]'
assert_match "secrets include chat lines" "$(cat "$T_TMP/secrets")" ': '

assert_exit "ingest with bad manifests exits 1" 1 "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$IN"/*.json
INGEST_OUT=$T_OUT
GOOD=50
assert_eq "summary line" "ingested $GOOD, duplicate 0, quarantined 7" "$(printf '%s\n' "$T_OUT" | grep '^ingested ')"
assert_eq "catalog has the good recordings" "$GOOD" "$(sql 'SELECT count(*) FROM recording')"
# Quarantine folders are named by a pseudonymous id: QB[x] is bad-x's.
declare -A QB
for b in $BAD; do
	QB[$b]=$(quarantine_of "bad-$b.json")
	assert_file "bad-$b quarantined with error.txt" "${QB[$b]}/error.txt"
	assert_file "bad-$b manifest moved to quarantine" "${QB[$b]}/bad-$b.json"
	assert_no_file "bad-$b manifest gone from the input" "$IN/bad-$b.json"
	assert_contains "stderr names bad-$b.json" "$T_OUT" "bad-$b.json: quarantined"
done
assert_file "corrupt audio moved along" "${QB[corrupt-audio]}/bad-corrupt-audio.opus"
assert_eq "what quarantine keeps is readable by the owner only (the recorder wrote 0644)" "" \
	"$(find "$REG/quarantine" -mindepth 2 \( -type f ! -perm 0600 \) -printf '%m %P\n')"
# What error.txt says, per kind of damage.
assert_match "error.txt: corrupt audio" "$(cat "${QB[corrupt-audio]}/error.txt")" '[Oo]pus|audio'
assert_match "error.txt: missing audio" "$(cat "${QB[missing-audio]}/error.txt")" 'audio|bad-missing-audio.opus'
assert_match "error.txt: invalid JSON" "$(cat "${QB[invalid-json]}/error.txt")" 'JSON|json'
assert_match "error.txt: unknown source" "$(cat "${QB[unknown-source]}/error.txt")" 'source'
assert_match "error.txt: unknown purpose" "$(cat "${QB[unknown-purpose]}/error.txt")" 'purpose'
assert_match "error.txt: future date" "$(cat "${QB[future]}/error.txt")" 'future|recorded_at'
assert_match "error.txt: huge manifest" "$(cat "${QB[huge]}/error.txt")" 'large|big|size|bytes|MiB'
assert_eq "good manifests stay in the input" "$GOOD" "$(ls "$IN"/*.json | wc -l)"
assert_eq "ingests are in the audit log" "$GOOD" "$("$RECCTL" audit show -R "$REG" | grep -c ' ingest [0-9a-f]\{32\} ok')"
assert_eq "quarantines are in the audit log" 7 "$("$RECCTL" audit show -R "$REG" | grep -c ' quarantine q-[0-9a-f]\{8\} refused ')"

assert_ok "second ingest run" "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$IN"/*.json
assert_eq "second run: all duplicates" "ingested 0, duplicate $GOOD, quarantined 0" "$(printf '%s\n' "$T_OUT" | grep '^ingested ')"
assert_eq "second run adds nothing" "$GOOD" "$(sql 'SELECT count(*) FROM recording')"
assert_ok "ingest --json" "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" --json "$IN"/*.json
assert_eq "--json summary" "0 $GOOD 0 $GOOD" \
	"$(printf '%s' "$T_OUT" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["ingested"], j["duplicate"], j["quarantined"], len(j["manifests"]))')"
assert_fails_with "ingest without the ingest keyring" "keyring" \
	"$RECCTL" ingest -R "$REG" --keyring "$T_TMP/none.keyring" "$IN"/*.json
# (the lowest level's: the rights level's keyring carries the index key,
# which rectifying a phone number or e-mail needs)
assert_fails_with "ingest with a level keyring has no index key" "blind-index" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/$(printf '%s\n' $LEVELS | head -n 1).keyring" "$IN"/*.json
assert_ok "RECFS_KEYRING is the default ingest keyring" \
	env RECFS_KEYRING="$KEYS/ingest.keyring" "$RECCTL" ingest -R "$REG" "$IN/rec000001.json"
assert_not_contains "recordings within their retention are ingested without a warning" "$INGEST_OUT" \
	"retention ended"

assert_fails_with "ingest of a missing manifest" "No such file or directory" \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/nosuch.json"
assert_contains "counts it as failed" "$T_OUT" "failed 1"
assert_eq "and quarantines nothing" "" "$(quarantine_of nosuch.json)"
# A terminal's control characters in a manifest's text (an OSC title, a
# right-to-left override): refused and quarantined, naming the field, not
# the value (recfs-manifest(5)).
mkdir -p "$T_TMP/ctl"
cp "$IN/rec000003.opus" "$T_TMP/ctl/esc.opus"
python3 - "$T_TMP/ctl/esc.json" <<'PY'
import json, sys
json.dump({"recorded_at": "2026-11-28T09:00:00Z", "source": "customer-service", "audio": "esc.opus",
           "title": "Order", "staff": ["Maija"],
           "subjects": [{"role": "customer", "name": "Eve Esc", "organisation": "Org\u202eexe.txt\u001b]0;pwned\u0007"}]},
          open(sys.argv[1], "w"))
PY
assert_exit "a manifest with control characters is refused" 1 \
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$T_TMP/ctl/esc.json"
assert_contains "and quarantined" "$T_OUT" "esc.json: quarantined"
QC=$(quarantine_of esc.json)
assert_eq "error.txt names the field and the character" \
	"subject 1: organisation holds control character U+202E: a manifest's text is one line without control characters or bidirectional overrides" \
	"$(cat "$QC/error.txt" 2>/dev/null)"
assert_not_contains "stderr shows no value" "$T_OUT" "pwned"
assert_eq "nothing of it is ingested" "$GOOD" "$(sql 'SELECT count(*) FROM recording')"
mkdir -p "$T_TMP/rm"
cp "$IN"/rec000002[.-]* "$T_TMP/rm/"
assert_ok "ingest --remove-inputs" "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" --remove-inputs "$T_TMP/rm/rec000002.json"
assert_eq "--remove-inputs removes the manifest and its files" "" "$(ls "$T_TMP/rm")"

# --- nothing personal in the clear -----------------------------------------

sync
LEAKS=$(python3 - "$T_TMP/secrets" "$REG" <<'PY'
import os, sys
secrets = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
reg = sys.argv[2]
files = [os.path.join(reg, f) for f in ("catalog.db", "catalog.db-wal", "catalog.db-shm")]
for root, dirs, names in os.walk(os.path.join(reg, "blobs")):
    files += [os.path.join(root, n) for n in names]
for f in files:
    if not os.path.exists(f):
        continue
    data = open(f, "rb").read()
    for s in secrets:
        for enc in ("utf-8", "utf-16-le", "latin-1"):
            try:
                b = s.encode(enc)
            except UnicodeEncodeError:
                continue
            if b in data:
                print("found %r (%s) in %s" % (s, enc, os.path.relpath(f, reg)))
PY
)
assert_eq "nothing personal in catalog, WAL or blobs" "" "$LEAKS"
NBLOBS=$(find "$REG/blobs" -type f | wc -l)
assert_eq "one blob per artifact" "$(sql 'SELECT count(*) FROM artifact')" "$NBLOBS"
# grep -a as an operator would, on the raw files, for a few of them.
for s in "$(grep -m1 '^+358' "$T_TMP/secrets")" "$(grep -m1 '@example' "$T_TMP/secrets")" \
	"$(grep -m1 '[ÄÖÅäöå]' "$T_TMP/secrets")"; do
	assert_exit "grep -a finds no '$s'" 1 grep -rlaF -- "$s" "$REG/catalog.db" "$REG/blobs"
done
printed=0
out_all="$INGEST_OUT
$("$RECCTL" audit show -R "$REG")"
while IFS= read -r s; do
	case "$out_all" in *"$s"*) printed=$((printed + 1)) ;; esac
done <"$T_TMP/secrets"
assert_eq "nothing personal in recctl output or the audit log" 0 "$printed"

# --- audit ---------------------------------------------------------------

assert_ok "audit verify" "$RECCTL" audit verify -R "$REG"
N=$(sql 'SELECT count(*) FROM audit')
assert_eq "audit verify counts the entries" "audit log intact: $N entries" "$(printf '%s\n' "$T_OUT" | head -n 1)"
assert_ok "audit seal (as its timer does)" "$RECCTL" audit seal -R "$REG"
assert_ok "audit verify with the key from init" "$RECCTL" audit verify -R "$REG" --verify-key "$KEYS/audit-verify.key"
assert_contains "checks the seals" "$T_OUT" "sealed: "
assert_eq "audit show prints every entry" "$N" "$("$RECCTL" audit show -R "$REG" | wc -l)"
assert_match "audit show line format" "$("$RECCTL" audit show -R "$REG" | head -n 1)" \
	'^1 [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z [^ ]+\([0-9]+\) login=([0-9]+|-) [^ ]+ [0-9]+ [^ ]+ init [^ ]+ ok'
REC1=$(sql 'SELECT id FROM recording ORDER BY recorded_at LIMIT 1')
assert_ok "audit show --object" "$RECCTL" audit show -R "$REG" --object "$REC1"
assert_match "--object shows that recording's ingest" "$T_OUT" " ingest $REC1 ok"
assert_eq "--object shows only that object" "" "$(printf '%s\n' "$T_OUT" | grep -v " $REC1 ")"
assert_ok "audit show --json" "$RECCTL" audit show -R "$REG" --json
assert_eq "--json is a JSON array of every entry" "$N" \
	"$(printf '%s' "$T_OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"

cp -a "$REG" "$T_TMP/edited"
sqlite3 "$T_TMP/edited/catalog.db" "UPDATE audit SET reason='x' WHERE seq=3"
assert_exit "audit verify after an edit exits 1" 1 "$RECCTL" audit verify -R "$T_TMP/edited"
assert_contains "and names entry 3" "$T_OUT" "audit log broken at entry 3"
cp -a "$REG" "$T_TMP/deleted"
sqlite3 "$T_TMP/deleted/catalog.db" "DELETE FROM audit WHERE seq=4"
assert_exit "audit verify after a deletion exits 1" 1 "$RECCTL" audit verify -R "$T_TMP/deleted"
assert_match "and names the gap" "$T_OUT" "^audit log broken at entry (4|5)"

# --- fsck ----------------------------------------------------------------

assert_ok "fsck of a clean register" "$RECCTL" fsck -R "$REG"
assert_contains "fsck: 0 problems" "$T_OUT" "; 0 problems"
assert_ok "fsck with every keyring" "$RECCTL" fsck -R "$REG" $(for l in $LEVELS; do printf -- '--keyring %s ' "$KEYS/$l.keyring"; done)
ARTS=$(sql 'SELECT count(*) FROM artifact')
assert_contains "fsck authenticates every blob" "$T_OUT" "$ARTS blobs and"

# Plaintext left behind: a spool file of two days ago, a manifest the
# watch skips (a dot file), a quarantine folder an older recfs left
# without error.txt, and one cut short while it copied (kill -9 of watch:
# the recorder's files, part of one, and no manifest, which goes in last;
# atk20 F5).  Problems, counted and never named.
SP=$T_TMP/fsck-spool
cp -a "$REG" "$SP"
mkdir -p "$SP/spool" "$SP/quarantine/q-0badc0de" "$SP/quarantine/q-00c0ffee"
printf 'OggS' >"$SP/spool/Kalle Virtanen.opus"
printf '{}' >"$SP/spool/.Kalle.json"
printf 'young' >"$SP/spool/now.opus"
touch -d '2 days ago' "$SP/spool/Kalle Virtanen.opus" "$SP/spool/.Kalle.json"
printf 'OggS' >"$SP/quarantine/q-0badc0de/x.opus"
printf '{}' >"$SP/quarantine/q-0badc0de/x.json"
printf 'unknown source nosuch\n' >"$SP/quarantine/q-00c0ffee/error.txt"
printf 'big.json\n' >"$SP/quarantine/q-00c0ffee/manifest-name.txt"
printf 'OggS' >"$SP/quarantine/q-00c0ffee/big.opus"
# and a whole one whose manifest is not named *.json (recctl ingest takes
# any name): no problem (atk21)
mkdir -p "$SP/quarantine/q-0a4a4a4a"
printf 'unknown source nosuch\n' >"$SP/quarantine/q-0a4a4a4a/error.txt"
printf 'a4.manifest\n' >"$SP/quarantine/q-0a4a4a4a/manifest-name.txt"
printf 'OggS' >"$SP/quarantine/q-0a4a4a4a/a4.opus"
printf '{}' >"$SP/quarantine/q-0a4a4a4a/a4.manifest"
assert_exit "fsck: plaintext left in the spool and half quarantines are problems" 1 "$RECCTL" fsck -R "$SP"
assert_contains "the spool's old files are counted" "$T_OUT" "the spool holds 2 files older than a day (the oldest 2 days)"
assert_contains "the quarantine without error.txt is named by its id" "$T_OUT" \
	"quarantined q-0badc0de has no error.txt"
assert_contains "the quarantine cut short is named by its id" "$T_OUT" \
	"quarantined q-00c0ffee (big.json) holds the recorder's files but not its manifest"
assert_contains "three problems" "$T_OUT" "; 3 problems"
assert_not_contains "a whole quarantine of a manifest named otherwise is none of them" "$T_OUT" "q-0a4a4a4a (a4.manifest) holds"
assert_not_contains "no file name is printed" "$T_OUT" "Kalle"
rm -r "$SP/spool/Kalle Virtanen.opus" "$SP/spool/.Kalle.json" "$SP/quarantine/q-0badc0de" "$SP/quarantine/q-00c0ffee" \
	"$SP/quarantine/q-0a4a4a4a"
assert_ok "fsck once they are gone (a young spool file is no problem)" "$RECCTL" fsck -R "$SP"

FS=$T_TMP/fsck
cp -a "$REG" "$FS"
ART=$(sqlite3 "$FS/catalog.db" "SELECT id FROM artifact WHERE role='audio' LIMIT 1")
ART2=$(sqlite3 "$FS/catalog.db" "SELECT id FROM artifact WHERE role='audio' LIMIT 1 OFFSET 1")
ORPHAN=0123456789abcdef0123456789abcdef
mkdir -p "$FS/blobs/01"
cp "$FS/blobs/${ART:0:2}/$ART" "$FS/blobs/01/$ORPHAN"
printf 'partial' >"$FS/blobs/01/$ORPHAN.tmp.4242"
touch -d '1 hour ago' "$FS/blobs/01/$ORPHAN" "$FS/blobs/01/$ORPHAN.tmp.4242"
rm -f "$FS/blobs/${ART2:0:2}/$ART2"
assert_exit "fsck finds problems" 1 "$RECCTL" fsck -R "$FS"
assert_contains "reports the orphan blob" "$T_OUT" "orphan blob $FS/blobs/01/$ORPHAN"
assert_contains "reports the temporary file" "$T_OUT" "temporary file $FS/blobs/01/$ORPHAN.tmp.4242"
assert_contains "reports the missing blob" "$T_OUT" "blob of artifact $ART2"
assert_contains "three problems" "$T_OUT" "; 3 problems"
assert_exit "fsck --repair still fails (a blob is lost)" 1 "$RECCTL" fsck -R "$FS" --repair
assert_contains "--repair says what it fixed" "$T_OUT" "2 repaired"
assert_no_file "--repair removed the orphan" "$FS/blobs/01/$ORPHAN"
assert_no_file "--repair removed the temporary file" "$FS/blobs/01/$ORPHAN.tmp.4242"
assert_file "--repair kept the good blobs" "$FS/blobs/${ART:0:2}/$ART"
assert_match "fsck-repair is in the audit log" "$("$RECCTL" audit show -R "$FS")" " fsck-repair $ORPHAN ok"
assert_exit "fsck after --repair: only the lost blob" 1 "$RECCTL" fsck -R "$FS"
assert_contains "one problem left" "$T_OUT" "; 1 problem"
assert_ok "audit log still intact after repair" "$RECCTL" audit verify -R "$FS"
cp "$REG/blobs/${ART:0:2}/$ART" "$FS/blobs/01/$ORPHAN"
assert_exit "a fresh unreferenced blob is left alone" 1 "$RECCTL" fsck -R "$FS" --repair
assert_contains "and reported as young" "$T_OUT" "younger than"
assert_file "and kept" "$FS/blobs/01/$ORPHAN"

# A blob in the wrong directory is reported, never removed.
MV=$T_TMP/misplaced
cp -a "$REG" "$MV"
mkdir -p "$MV/blobs/zz"
mv "$MV/blobs/${ART:0:2}/$ART" "$MV/blobs/zz/$ART"
touch -d '1 hour ago' "$MV/blobs/zz/$ART"
assert_exit "fsck finds a misplaced blob" 1 "$RECCTL" fsck -R "$MV" --repair
assert_contains "says it is in the wrong directory" "$T_OUT" "wrong directory (belongs in blobs/${ART:0:2}/)"
assert_file "--repair keeps a misplaced blob" "$MV/blobs/zz/$ART"

# A damaged chunk: found only with a key.
DM=$T_TMP/damaged
cp -a "$REG" "$DM"
f="$DM/blobs/${ART:0:2}/$ART"
chmod u+w "$f"
printf '\x5a' | dd of="$f" bs=1 seek=200 conv=notrunc status=none
assert_ok "fsck without keys cannot see a flipped byte" "$RECCTL" fsck -R "$DM"
assert_exit "fsck with the rights keyring finds it" 1 "$RECCTL" fsck -R "$DM" --keyring "$KEYS/$RIGHTS.keyring"
assert_contains "names the damaged artifact" "$T_OUT" "blob of artifact $ART"
assert_contains "as failing authentication" "$T_OUT" "fails authentication"

# --- keys export ----------------------------------------------------------

LOW=$(printf '%s\n' $LEVELS | head -n 1)
assert_ok "keys export of two levels" "$RECCTL" keys export -R "$REG" "$LOW" "$RIGHTS" -o "$T_TMP/ws.keyring" --keyrings "$KEYS" --no-passphrase
assert_mode "exported keyring is mode 0600" 600 "$T_TMP/ws.keyring"
assert_ok "the exported keyring opens the blobs" "$RECCTL" fsck -R "$REG" --keyring "$T_TMP/ws.keyring"
assert_contains "and authenticates them" "$T_OUT" "$ARTS blobs and"
assert_match "keys-export is in the audit log" "$("$RECCTL" audit show -R "$REG")" " keys-export - ok levels $LOW,$RIGHTS"
assert_fails_with "keys export will not overwrite" "exists" \
	"$RECCTL" keys export -R "$REG" "$LOW" -o "$T_TMP/ws.keyring" --keyrings "$KEYS" --no-passphrase
assert_fails_with "keys export of an unknown level" "no level nosuch" \
	"$RECCTL" keys export -R "$REG" nosuch -o "$T_TMP/ws2.keyring" --keyring "$KEYS/$LOW.keyring" --no-passphrase
# The level is checked against the policy before it names a keyring file
# (--keyrings DIR/<LEVEL>.keyring): a level not in the policy, or a name
# that climbs out of DIR, is refused as such.
for lvl in nosuch ../../etc/passwd "$LOW/../$RIGHTS"; do
	assert_exit "keys export of level '$lvl' exits 1" 1 \
		"$RECCTL" keys export -R "$REG" "$lvl" -o "$T_TMP/ws2.keyring" --keyrings "$KEYS" --no-passphrase
	assert_contains "and says it is no level of the policy" "$T_OUT" "no level $lvl in the policy of $REG"
	assert_not_contains "before any keyring file is looked for" "$T_OUT" ".keyring"
	assert_no_file "and writes nothing" "$T_TMP/ws2.keyring"
done
assert_fails_with "keys export of a level the sources lack" "no key of level $RIGHTS" \
	"$RECCTL" keys export -R "$REG" "$RIGHTS" -o "$T_TMP/ws2.keyring" --keyring "$KEYS/$LOW.keyring" --no-passphrase
assert_fails_with "keys export refuses another register's key" "keys/training.pub is not the public key of level training that the keyring holds" \
	"$RECCTL" keys export -R "$REG" "$LOW" -o "$T_TMP/ws2.keyring" --keyring "$T_TMP/p/keys/$LOW.keyring" \
	--source-passfile "$T_TMP/pass" --no-passphrase
assert_no_file "nothing written on refusal" "$T_TMP/ws2.keyring"
assert_ok "keys export with a passphrase" "$RECCTL" keys export -R "$REG" "$RIGHTS" -o "$T_TMP/ws3.keyring" \
	--keyring "$KEYS/$RIGHTS.keyring" --passfile "$T_TMP/pass"
assert_fails_with "the sealed export needs the passphrase" "passphrase" \
	no_tty "$RECCTL" fsck -R "$REG" --keyring "$T_TMP/ws3.keyring"
assert_ok "and opens with it" "$RECCTL" fsck -R "$REG" --keyring "$T_TMP/ws3.keyring" --passfile "$T_TMP/pass"
assert_ok "keys export --index" "$RECCTL" keys export -R "$REG" "$RIGHTS" --index -o "$T_TMP/ws4.keyring" --keyrings "$KEYS" --no-passphrase
assert_ok "an --index keyring works for ingest" "$RECCTL" ingest -R "$REG" --keyring "$T_TMP/ws4.keyring" "$IN"/*.json
assert_contains "(as duplicates)" "$T_OUT" "ingested 0, duplicate $GOOD"

# --- policy apply ------------------------------------------------------------

# The purpose with most recordings goes down to the lowest level and back.
P=$(sql 'SELECT purpose FROM recording GROUP BY purpose ORDER BY count(*) DESC LIMIT 1')
set_min() # set_min OUT PURPOSE LEVEL: the policy with that purpose's min_level,
{          # chat_level and attachment_level LEVEL
	awk -v p="[purpose $2]" -v l="$3" '
		/^\[/ { inp = ($0 == p) }
		inp && /^(chat|attachment)_level *=/ { next }
		inp && /^min_level *=/ {
			print "min_level = " l; print "chat_level = " l; print "attachment_level = " l; next }
		{ print }' "$POL" >"$1"
}
low_seals() # seals of LOW on the artifacts of P's recordings
{
	sql "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object JOIN recording r ON r.id = a.recording
	     WHERE r.purpose = '$P' AND s.level = '$LOW'"
}
P_ARTS=$(sql "SELECT count(*) FROM artifact a JOIN recording r ON r.id = a.recording WHERE r.purpose = '$P'")
MID=$(printf '%s\n' $LEVELS | sed -n 2p)
set_min "$T_TMP/hi.conf" "$P" "$MID"
set_min "$T_TMP/lo.conf" "$P" "$LOW"

assert_ok "policy apply raising $P to $MID" "$RECCTL" policy apply -R "$REG" "$T_TMP/hi.conf" --keyrings "$KEYS"
assert_eq "no $LOW seals left on $P" 0 "$(low_seals)"
assert_ok "the new policy is in force" cmp "$T_TMP/hi.conf" "$REG/policy.conf"
assert_fails_with "lowering it needs the rights keyring" "--keyring" \
	"$RECCTL" policy apply -R "$REG" "$T_TMP/lo.conf" --keyrings "$KEYS"
assert_ok "and changes nothing then" cmp "$T_TMP/hi.conf" "$REG/policy.conf"
assert_eq "(still no $LOW seals)" 0 "$(low_seals)"
assert_ok "policy apply --dry-run" "$RECCTL" policy apply -R "$REG" "$T_TMP/lo.conf" --keyrings "$KEYS" --keyring "$KEYS/$RIGHTS.keyring" --dry-run
assert_eq "(dry run: still no $LOW seals)" 0 "$(low_seals)"
assert_ok "policy apply lowering $P to $LOW" "$RECCTL" policy apply -R "$REG" "$T_TMP/lo.conf" --keyrings "$KEYS" --keyring "$KEYS/$RIGHTS.keyring"
assert_eq "every artifact of $P sealed for $LOW" "$P_ARTS" "$(low_seals)"
assert_ok "the $LOW key opens them" "$RECCTL" fsck -R "$REG" --keyring "$KEYS/$LOW.keyring"
assert_contains "(authenticated with $LOW)" "$T_OUT" \
	"$(sql "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object WHERE s.level = '$LOW'") blobs and"
assert_match "reseal logged" "$("$RECCTL" audit show -R "$REG")" " reseal [0-9a-f]{32} ok"
assert_match "policy-apply logged" "$("$RECCTL" audit show -R "$REG")" " policy-apply - ok"
assert_ok "policy apply raising it again" "$RECCTL" policy apply -R "$REG" "$T_TMP/hi.conf" --keyrings "$KEYS"
assert_eq "$LOW seals removed again" 0 "$(low_seals)"
assert_ok "fsck clean after the reseals" "$RECCTL" fsck -R "$REG" --keyring "$KEYS/$RIGHTS.keyring"

# Refusals: a level removed, the rights level moved, a bad policy.
awk -v low="[level $LOW]" -v mid="$MID" '
	/^\[/ { skip = ($0 == low) }
	/^min_level *=/ { print "min_level = " mid; next }
	/^details_level *=/ { print "details_level = " mid; next }
	!skip { print }' "$POL" >"$T_TMP/nolow.conf"
assert_ok "(the policy without $LOW is valid)" "$RECCTL" policy check "$T_TMP/nolow.conf"
assert_fails_with "policy apply refuses to remove a level" "level $LOW is missing" \
	"$RECCTL" policy apply -R "$REG" "$T_TMP/nolow.conf" --keyrings "$KEYS"
awk '/^rights *= *yes/ { next }
     /^\[purpose / && !done { print "[level boss]\ngroup = recfs-boss\nrights = yes\n"; done = 1 }
     { print }' "$POL" >"$T_TMP/boss.conf"
assert_ok "(the policy with a new rights level is valid)" "$RECCTL" policy check "$T_TMP/boss.conf"
assert_fails_with "policy apply refuses to move the rights level" "rights level changes" \
	"$RECCTL" policy apply -R "$REG" "$T_TMP/boss.conf" --keyrings "$KEYS" --no-passphrase
assert_no_file "and writes no keyring for it" "$KEYS/boss.keyring"
assert_fails_with "policy apply refuses a bad policy" "bad.conf:6:" \
	"$RECCTL" policy apply -R "$REG" "$T_TMP/bad.conf" --keyrings "$KEYS"
assert_ok "the policy in force is unchanged" cmp "$T_TMP/hi.conf" "$REG/policy.conf"

# A new level just below the rights level: key pair, keyring, and seals on
# everything (every purpose's min_level is below it).
awk -v top="[level $RIGHTS]" '$0 == top { print "[level extra]\ngroup = recfs-extra\n" } { print }' \
	"$T_TMP/hi.conf" >"$T_TMP/extra.conf"
assert_ok "(the policy with a new level is valid)" "$RECCTL" policy check "$T_TMP/extra.conf"
assert_ok "policy apply adding a level" "$RECCTL" policy apply -R "$REG" "$T_TMP/extra.conf" --keyrings "$KEYS" \
	--keyring "$KEYS/$RIGHTS.keyring" --no-passphrase
assert_contains "says it wrote the new keyring" "$T_OUT" "$KEYS/extra.keyring"
assert_mode "new keyring is mode 0600" 600 "$KEYS/extra.keyring"
assert_file "new public key" "$REG/keys/extra.pub"
assert_eq "every artifact sealed for the new level" "$ARTS" \
	"$(sql "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object WHERE s.level = 'extra'")"
assert_ok "the new level's key opens them" "$RECCTL" fsck -R "$REG" --keyring "$KEYS/extra.keyring"
assert_contains "(authenticated with extra)" "$T_OUT" "$ARTS blobs and"
assert_ok "new level's keys export" "$RECCTL" keys export -R "$REG" extra -o "$T_TMP/ws-extra.keyring" --keyrings "$KEYS" --no-passphrase
assert_ok "register notice with the new policy" "$RECCTL" register -R "$REG"
assert_ok "audit log intact after everything" "$RECCTL" audit verify -R "$REG"

# --- a manifest's files are never a manifest -----------------------------------
# A manifest's file named *.json (another manifest, B.json) or that is the
# manifest itself (C.json naming C.json; E.json under another name, a hard
# link) is refused: a manifest is never stored, and B's data would sit in
# A's recording, not linked to B's subject, while B is never ingested.
# Refusing A takes none of B's files into A's quarantine, nor refusing K
# (its first attachment missing) L.json that it names, nor refusing H
# those of H-2.json, which share H's stem.  A register of its own.
make_register "$T_TMP/mf"
MF=$T_TMP/mf/spool
mkdir -p "$MF"
# mf_manifest NAME N [ATTACHMENTS]: NAME.json, a good manifest (its N-th
# minute) of NAME.opus (the fixture) and the JSON list ATTACHMENTS.
mf_manifest()
{
	cp "$T_ROOT/tests/fixtures/mono.opus" "$MF/$1.opus"
	python3 - "$MF" "$1" "$2" "${3:-[]}" <<'PY'
import json, os, sys
spool, name, n, att = sys.argv[1:5]
m = {"recorded_at": "2026-05-07T10:%02d:00Z" % int(n), "source": "customer-meetings",
     "title": "Spool file %s" % name, "subjects": [{"role": "customer", "name": "Person %s" % name}],
     "audio": name + ".opus", "attachments": json.loads(att)}
json.dump(m, open(os.path.join(spool, name + ".json"), "w"))
PY
}
mf_ingest() { "$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$@"; }
mf_manifest A 1 '[{"file": "B.json", "kind": "doc"}]'
mf_manifest B 2
mf_manifest C 3 '[{"file": "C.json", "kind": "doc"}]'
mf_manifest E 4 '[{"file": "E-notes.txt", "kind": "doc"}]'
ln "$MF/E.json" "$MF/E-notes.txt"
mf_manifest H 7 '[{"file": "H-missing.txt", "kind": "doc"}]'
mf_manifest H-2 8
mf_manifest K 9 '[{"file": "K-missing.txt", "kind": "doc"}, {"file": "L.json", "kind": "doc"}]'
mf_manifest L 10
assert_exit "a manifest naming another manifest is refused" 1 mf_ingest "$MF/A.json"
QA=$(quarantine_of A.json)
assert_file "and quarantined" "$QA/error.txt"
assert_contains "error.txt says the attachment has a manifest's name" "$(cat "$QA/error.txt" 2>&1)" \
	"attachment 1 is named *.json: that is a manifest's name in the spool; rename it"
assert_file "its audio goes with it" "$QA/A.opus"
assert_no_file "the other manifest is not taken into its quarantine" "$QA/B.json"
assert_no_file "nor its audio" "$QA/B.opus"
assert_file "the other manifest stays in the spool" "$MF/B.json"
assert_file "and its audio" "$MF/B.opus"
assert_ok "the other manifest is ingested on its own" mf_ingest "$MF/B.json"
assert_contains "(ingested)" "$T_OUT" "ingested 1, duplicate 0, quarantined 0"
assert_exit "a manifest naming itself is refused" 1 mf_ingest "$MF/C.json"
QC=$(quarantine_of C.json)
assert_contains "error.txt says it is the manifest itself" "$(cat "$QC/error.txt" 2>&1)" \
	"attachment 1 is the manifest itself: a manifest is not stored"
assert_file "its audio quarantined with it" "$QC/C.opus"
assert_exit "a manifest naming itself under another name is refused" 1 mf_ingest "$MF/E.json"
QE=$(quarantine_of E.json)
assert_contains "error.txt says it is the manifest itself" "$(cat "$QE/error.txt" 2>&1)" \
	"attachment 1 is the manifest itself: a manifest is not stored"
assert_exit "a manifest whose attachment is missing is refused" 1 mf_ingest "$MF/H.json"
QH=$(quarantine_of H.json)
assert_file "its audio quarantined with it" "$QH/H.opus"
assert_no_file "not the manifest sharing its stem" "$QH/H-2.json"
assert_no_file "nor that one's audio" "$QH/H-2.opus"
assert_ok "which is ingested on its own" mf_ingest "$MF/H-2.json"
assert_exit "a manifest naming a missing file and a manifest is refused" 1 mf_ingest "$MF/K.json"
QK=$(quarantine_of K.json)
assert_contains "(for the missing file)" "$(cat "$QK/error.txt" 2>&1)" "missing"
assert_no_file "the manifest it names is not taken into its quarantine" "$QK/L.json"
assert_ok "and is ingested on its own" mf_ingest "$MF/L.json"
assert_eq "three recordings: B's, H-2's and L's" 3 "$(sql 'SELECT count(*) FROM recording')"
assert_eq "no manifest stored as a file" 0 "$(sql "SELECT count(*) FROM artifact WHERE ext = 'json'")"


# --- audio with a length its bytes cannot carry ---------------------------------
# F.opus, the fixture with its last page's granule position set to 2^62
# (its CRC made anew), is refused: an Opus packet lasts at most 120 ms and
# takes at least 2 bytes with its lacing, 60 ms a byte.  G.opus, the same
# unforged, is ingested.
mf_manifest F 5
mf_manifest G 6
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$T_ROOT/tests/integration" python3 - "$MF/F.opus" <<'PY'
import struct, sys
from oggpages import fix, pages
ps = pages(open(sys.argv[1], "rb").read())
ps[-1][6:14] = struct.pack("<q", 1 << 62)
fix(ps[-1])
open(sys.argv[1], "wb").write(b"".join(ps))
PY
assert_exit "audio with a forged length is refused" 1 mf_ingest "$MF/F.json"
QF=$(quarantine_of F.json)
assert_match "error.txt says its length cannot be held in its bytes" "$(cat "$QF/error.txt" 2>&1)" \
	"^audio's length \([0-9]+ s\) cannot be held in its $(stat -c %s "$QF/F.opus" 2>/dev/null) bytes: its last timestamp is damaged$"
assert_ok "the same audio unforged is ingested" mf_ingest "$MF/G.json"
assert_eq "one more recording: G's" 4 "$(sql 'SELECT count(*) FROM recording')"
assert_eq "no length over 60 ms a stored byte" 0 \
	"$(sql "SELECT count(*) FROM recording r JOIN artifact a ON a.recording = r.id AND a.role = 'audio'
		WHERE r.duration_ms > 60 * a.size")"
assert_not_contains "a recording within its retention is ingested without a warning" "$T_OUT" "retention ended"

# --- a recording whose retention ended before it came ----------------------------
# It is ingested (what to do with it is the sweep's), with a word saying so.
mf_manifest X 11
sed -i 's/"2026-05-07T10:11:00Z"/"2015-03-02T10:00:00Z"/' "$MF/X.json"
assert_ok "an expired recording is ingested" mf_ingest "$MF/X.json"
assert_contains "with a warning of the day its retention ended" "$T_OUT" \
	'X.json: ingested, but its retention ended on 2018-03-02: the next `recctl retention sweep` erases it'
# The dry run counts the subjects the sweep erases with their last
# recording, as the sweep does (by the same rule).
subjects=$(sql 'SELECT count(*) FROM subject')
dry=$("$RECCTL" retention sweep -R "$REG" --dry-run --json | jq -r '"\(.would_erase) \(.subjects_would_erase)"')
assert_ok "the sweep" "$RECCTL" retention sweep -R "$REG"
assert_eq "erases it" 4 "$(sql 'SELECT count(*) FROM recording')"
gone=$((subjects - $(sql 'SELECT count(*) FROM subject')))
assert_eq "and its subject, whose last recording it was" 1 "$gone"
assert_contains "which the sweep says" "$T_OUT" "erased 1 (and $gone subjects with their last recording)"
assert_eq "the dry run said as much" "1 $gone" "$dry"

# --- a quarantined manifest, mended where it lies ---------------------------------
# F's audio made good in its quarantine folder and ingested from there
# with --remove-inputs: the folder, left with its own files only, goes.
qf=${QF##*/}
cp "$T_ROOT/tests/fixtures/mono.opus" "$QF/F.opus"
assert_ok "the mended manifest is ingested from its quarantine folder" mf_ingest --remove-inputs "$QF/F.json"
assert_contains "which says its folder is erased" "$T_OUT" "F.json: ingested from quarantine; its folder $qf is erased"
assert_no_file "the folder is gone" "$QF"
assert_eq "one more recording: F's" 5 "$(sql 'SELECT count(*) FROM recording')"
assert_match "the erasure is in the audit log" "$("$RECCTL" audit show -R "$REG")" " quarantine-erase $qf ok ingested"
assert_ok "fsck" "$RECCTL" fsck -R "$REG"
assert_not_contains "no longer lists it as quarantined" "$T_OUT" "$qf"
# Without --remove-inputs too: a manifest in the register's quarantine is
# its plaintext, not the recorder's (test_quarantine_mend.sh).
QA=$(quarantine_of A.json)
sed -i 's/"file": "B.json"/"file": "A-notes.txt"/' "$QA/A.json"
echo notes >"$QA/A-notes.txt"
assert_ok "a mended manifest ingested without --remove-inputs" mf_ingest "$QA/A.json"
assert_contains "says its folder is erased" "$T_OUT" "A.json: ingested from quarantine; its folder ${QA##*/} is erased"
assert_no_file "and takes its folder with it" "$QA"

t_done
