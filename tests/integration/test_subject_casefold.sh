#!/bin/bash
# One person is one subject however their e-mail or reference is cased,
# also in letters beyond ASCII (recfs-manifest(5): "match without regard
# to case").  Four manifests of one source each name the customer by a
# differently cased e-mail or reference: "Öystilä@Kylä.fi" with "ÅSA-1",
# "öystilä@kylä.fi", "åsa-1" and "ÖYSTILÄ@KYLÄ.FI" are one subject on the
# mount.  `recctl subject find` finds a reference and a rectified e-mail by
# a differently cased non-ASCII spelling, in any locale.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
# The tests run with LANG unset (as CI does): folding must not need a locale.
unset LANG LC_ALL LC_CTYPE

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
cp "$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/a.opus"

# manifest NAME HOUR SUBJECT-JSON: a call of customer-service with one customer.
manifest()
{
	cat >"$SPOOL/$1.json" <<JSON
{"recorded_at": "2026-05-04T$2:00:00Z", "source": "customer-service",
 "subjects": [{"role": "customer", $3}], "audio": "a.opus"}
JSON
}

make_register "$T_TMP/a"
manifest e1 10 '"email": "Öystilä@Kylä.fi", "ref": "ÅSA-1"'
manifest e2 11 '"email": "öystilä@kylä.fi"'
manifest e3 12 '"ref": "åsa-1"'
manifest e4 13 '"email": "ÖYSTILÄ@KYLÄ.FI"'
manifest e5 14 '"name": "Toinen Asiakas", "ref": "CRM-ÄÄ-1"'
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL"/e[1-5].json >"$T_TMP/ingest.out" 2>&1 ||
	t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
assert_eq "five recordings are ingested" "5" "$(q "SELECT count(*) FROM recording")"
assert_eq "they have two subjects" "2" "$(q "SELECT count(*) FROM subject")"

dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

# The subjects of each recording, one line each, as "COUNT HANDLE", the
# most named first.
subjects=$(for f in $(as_user "$dpo" find "$MNT/by-date" -name '*.opus'); do
	as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.subjects "$f"
	echo
done | sort | uniq -c | sort -rn)
assert_eq "the five recordings name two subjects" "2" "$(printf '%s\n' "$subjects" | grep -c .)"
assert_eq "four recordings of one customer name one subject" "4" "$(printf '%s\n' "$subjects" | awk 'NR == 1 { print $1 }')"
H=$(printf '%s\n' "$subjects" | awk 'NR == 1 { print $2 }')
H5=$(printf '%s\n' "$subjects" | awk 'NR == 2 { print $2 }')	# e5's
assert_match "it is a handle" "$H" '^S-[0-9A-Z]{6}$'
assert_eq "by-subject lists two subjects" "2" "$(as_user "$dpo" ls "$MNT/by-subject" | grep -c .)"

# --- subject find by a differently cased non-ASCII value ----------------------
by_index() { "$RECCTL" subject find "$1" -R "$REG" --keyring "$KEYS/ingest.keyring" --json; }
handle() { jq -r '.[0].handle // empty' 2>/dev/null; }
for text in "öystilä@kylä.fi" "ÖYSTILÄ@KYLÄ.FI" "Öystilä@kylä.FI" "ÅSA-1" "åsa-1"; do
	assert_ok "subject find '$text'" by_index "$text"
	assert_eq "'$text' finds the one subject" "$H" "$(printf '%s' "$T_OUT" | handle)"
done
assert_ok "subject find 'crm-ää-1'" by_index "crm-ää-1"
assert_eq "'crm-ää-1' finds the subject of CRM-ÄÄ-1" "$H5" "$(printf '%s' "$T_OUT" | handle)"
assert_exit "an address without its diacritics is another address" 1 by_index "oystila@kyla.fi"

# --- a rectified e-mail is found by its folded case ---------------------------
assert_ok "privacy: rectify the e-mail to Ülla.Ö@Esimerkki.fi" \
	as_user "$dpo" setfattr -n user.recfs.email -v "Ülla.Ö@Esimerkki.fi" "$MNT/by-subject/$H5"
assert_ok "subject find 'ülla.ö@esimerkki.fi'" by_index "ülla.ö@esimerkki.fi"
assert_eq "it finds the rectified subject" "$H5" "$(printf '%s' "$T_OUT" | handle)"

# --- reindex keeps what the fold finds ---------------------------------------
assert_ok "subject reindex" "$RECCTL" subject reindex -R "$REG" --level-keyring "$KEYS/privacy.keyring"
assert_ok "after the reindex 'ÖYSTILÄ@kylä.fi'" by_index "ÖYSTILÄ@kylä.fi"
assert_eq "finds the one subject" "$H" "$(printf '%s' "$T_OUT" | handle)"
assert_ok "after the reindex 'ÜLLA.Ö@ESIMERKKI.FI'" by_index "ÜLLA.Ö@ESIMERKKI.FI"
assert_eq "finds the rectified subject" "$H5" "$(printf '%s' "$T_OUT" | handle)"

unmount_recfs "$MNT"
t_done
