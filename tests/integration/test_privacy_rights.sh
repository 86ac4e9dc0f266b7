#!/bin/bash
# Issue 10, the rights side: what a rectification leaves behind.  Each
# rectification stores a sealed record of the old and new value; erasing
# the subject (rm -r by-subject/H) erases those records with the card
# (rows, seals, no byte left in catalog.db or its WAL), and recctl fsck
# reports sealed records whose owner is gone and --repair erases them.
# A rectified phone number or e-mail moves in the blind index: recctl
# subject find finds the new value and not the old one, and after an
# erasure neither.  Restriction and legal-hold reasons are free text:
# they are sealed for the rights level (the catalog keeps a reference and
# the date, the audit entry the reference), shown only to the rights
# level, and no byte of them is left under the register, also after the
# upgrade of a register that kept them in the clear.
# A subject goes with its last recording, whatever erases it, unless a
# request of it is open; fsck reports a subject with no recording.  A
# rectified name replaces the old one in the recordings' details too.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 12 --seed 23
ingest_spool "$spool"
trainer=$(make_level_user training)
analyst=$(make_level_user analysis)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

# Sealed records that neither a recording (details) nor a subject (card) names.
unnamed() {
	q "SELECT id FROM record WHERE id NOT IN (SELECT details_id FROM recording)
	   AND id NOT IN (SELECT card FROM subject) ORDER BY id"
}
# in_catalog HEX...: how many of these byte strings catalog.db and its WAL hold.
in_catalog() {
	python3 - "$REG/catalog.db" "$REG/catalog.db-wal" "$@" <<'PY'
import sys, binascii
data = b""
for p in sys.argv[1:3]:
    try: data += open(p, "rb").read()
    except FileNotFoundError: pass
print(sum(1 for h in sys.argv[3:] if binascii.unhexlify(h) in data))
PY
}

# --- rectification records go with the subject ---------------------------------
h=$(as_user "$dpo" ls "$MNT/by-subject" | head -n 1)
[ -n "$h" ] || t_abort "data" "no subject"
before=$(unnamed)
assert_ok "privacy: rectify a phone number" \
	as_user "$dpo" setfattr -n user.recfs.phone -v "+358 50 999 0001" "$MNT/by-subject/$h"
assert_ok "privacy: rectify a name" \
	as_user "$dpo" setfattr -n user.recfs.name -v "Rectimarker Person" "$MNT/by-subject/$h"
hist=$(comm -13 <(echo "$before") <(unnamed))
assert_eq "each rectification stored one sealed record" "2" "$(echo "$hist" | grep -c .)"
cts=""
seals=""
for id in $hist; do
	cts+=" $(q "SELECT hex(ct) FROM record WHERE id = '$id'")"
	seals+=" $(q "SELECT hex(box) FROM seal WHERE object = '$id'" | tr '\n' ' ')"
done
[ -n "${seals// }" ] && pass "the records are sealed" || fail "the records are sealed" "no seal"

assert_ok "privacy: rm -r by-subject/<handle>" as_user "$dpo" rm -r "$MNT/by-subject/$h"
assert_eq "the subject is gone" "0" "$(q "SELECT count(*) FROM subject WHERE handle = '$h'")"
left=0
for id in $hist; do
	left=$((left + $(q "SELECT count(*) FROM record WHERE id = '$id'")))
	left=$((left + $(q "SELECT count(*) FROM seal WHERE object = '$id'")))
done
assert_eq "its rectification records and their seals are erased" "0" "$left"
# shellcheck disable=SC2086
assert_eq "no byte of catalog.db or its WAL holds them" "0" "$(in_catalog $cts $seals)"
assert_ok "fsck is clean after the erasure" "$RECCTL" fsck -R "$REG"

# --- fsck reports and repairs orphaned sealed records ---------------------------
# What an erasure by an older recfs left behind: a record and its seal
# whose owner no longer exists.
orphan=0123456789abcdef0123456789abcdef
q "INSERT INTO record (id, ct) VALUES ('$orphan', x'c0ffee0123456789');
   INSERT INTO seal (object, level, box) VALUES ('$orphan', 'privacy', x'abad1dea0123456789');"
out=$("$RECCTL" fsck -R "$REG" 2>&1)
assert_exit "fsck fails on an orphaned sealed record" 1 "$RECCTL" fsck -R "$REG"
assert_match "fsck names the orphaned record" "$out" "$orphan"
assert_ok "fsck --repair erases it" "$RECCTL" fsck -R "$REG" --repair
assert_eq "its row and seal are gone" "0" \
	"$(q "SELECT (SELECT count(*) FROM record WHERE id = '$orphan') + (SELECT count(*) FROM seal WHERE object = '$orphan')")"
assert_eq "no byte of catalog.db or its WAL holds it" "0" "$(in_catalog c0ffee0123456789 abad1dea0123456789)"
assert_match "the repair is logged" "$("$RECCTL" audit show -R "$REG" 2>&1)" "fsck-repair.*$orphan"
assert_ok "fsck is clean after the repair" "$RECCTL" fsck -R "$REG"

# --- the blind index follows a rectification --------------------------------
# find TEXT: the handles recctl subject find prints (blind index only).
find_h() {
	"$RECCTL" subject find -R "$REG" --keyring "$KEYS/ingest.keyring" "$1" 2>/dev/null | cut -f1
}
h2=""
for c in $(as_user "$dpo" ls "$MNT/by-subject"); do
	p=$(as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.phone "$MNT/by-subject/$c" 2>/dev/null)
	e=$(as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.email "$MNT/by-subject/$c" 2>/dev/null)
	if [ -n "$p" ] && [ -n "$e" ] && [ "$(find_h "$p")" = "$c" ] && [ "$(find_h "$e")" = "$c" ]; then
		h2=$c old_phone=$p old_email=$e
		break
	fi
done
[ -n "$h2" ] || t_abort "data" "no subject with a phone and an e-mail the index finds"
assert_ok "privacy: rectify the phone number" \
	as_user "$dpo" setfattr -n user.recfs.phone -v "+358 40 777 6655" "$MNT/by-subject/$h2"
assert_ok "privacy: rectify the e-mail" \
	as_user "$dpo" setfattr -n user.recfs.email -v "Rectified.Person@example.org" "$MNT/by-subject/$h2"
assert_eq "find NEW phone finds the subject" "$h2" "$(find_h "+358407776655")"
assert_eq "find NEW e-mail finds the subject" "$h2" "$(find_h "rectified.person@example.org")"
assert_eq "find OLD phone finds nobody" "" "$(find_h "$old_phone")"
assert_eq "find OLD e-mail finds nobody" "" "$(find_h "$old_email")"
assert_exit "subject find of the old phone exits 1" 1 \
	"$RECCTL" subject find -R "$REG" --keyring "$KEYS/ingest.keyring" "$old_phone"
# The rights keyring carries the index key (recctl init and keys export
# put it there); the analysis level's does not.
assert_ok "keys export of the rights level" "$RECCTL" keys export -R "$REG" privacy -o "$T_TMP/ws-dpo.keyring" \
	--keyrings "$KEYS" --no-passphrase
assert_eq "its keyring finds by the blind index" "$h2" \
	"$("$RECCTL" subject find -R "$REG" --keyring "$T_TMP/ws-dpo.keyring" "+358407776655" 2>/dev/null | cut -f1)"
assert_ok "keys export of the analysis level" "$RECCTL" keys export -R "$REG" analysis -o "$T_TMP/ws-an.keyring" \
	--keyrings "$KEYS" --no-passphrase
assert_fails_with "which holds no index key" "blind-index" \
	"$RECCTL" subject find -R "$REG" --keyring "$T_TMP/ws-an.keyring" "+358407776655"
# A rights keyring written before it carried the index key: the mount
# refuses to rectify a phone number or e-mail rather than leave the index
# behind (ENOKEY, logged), and still rectifies a name.
python3 - "$KEYS/privacy.keyring" "$T_TMP/old-privacy.keyring" <<'PY'
import os, struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"RECFSKR1" and b[9] == 0, "a raw keyring"
n, = struct.unpack_from("<I", b, 12)
p, keep = 16, []
for _ in range(n):
    t, nl = b[p], b[p + 1]
    kl = b[p + 2 + nl]
    e = b[p:p + 3 + nl + kl]
    p += len(e)
    if t == 1:
        keep.append(e)
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
os.write(fd, b[:12] + struct.pack("<I", len(keep)) + b"".join(keep))
os.close(fd)
PY
MNT_OLD=$T_TMP/mnt-old
mount_recfs "$REG" "$MNT_OLD" "$KEYS/training.keyring" "$KEYS/analysis.keyring" "$T_TMP/old-privacy.keyring" ||
	t_abort "mount" "cannot mount with the old rights keyring"
assert_fails_with "an old rights keyring: rectifying the phone is ENOKEY" "Required key not available" \
	as_user "$dpo" setfattr -n user.recfs.phone -v "+358 40 111 0000" "$MNT_OLD/by-subject/$h2"
assert_match "the refusal is logged" "$("$RECCTL" audit show -R "$REG" --subject "$h2" 2>&1)" \
	"rectify.*refused.*blind-index key"
assert_eq "and the index still finds the rectified phone" "$h2" "$(find_h "+358407776655")"
assert_ok "an old rights keyring still rectifies a name" \
	as_user "$dpo" setfattr -n user.recfs.name -v "Renamed Person" "$MNT_OLD/by-subject/$h2"
unmount_recfs "$MNT_OLD"
# recctl subject reindex (for rectifications made before they moved the
# index) needs the rights keyring and keeps what the cards say.
assert_fails_with "subject reindex with the analysis keyring is refused" "blind-index key" \
	"$RECCTL" subject reindex -R "$REG" --level-keyring "$KEYS/analysis.keyring" --keyring "$KEYS/ingest.keyring"
assert_ok "subject reindex with the rights keyring" "$RECCTL" subject reindex -R "$REG" --level-keyring "$KEYS/privacy.keyring"
assert_eq "after the reindex find NEW phone finds the subject" "$h2" "$(find_h "+358407776655")"
assert_eq "after the reindex find OLD phone finds nobody" "" "$(find_h "$old_phone")"
assert_eq "after the reindex find OLD e-mail finds nobody" "" "$(find_h "$old_email")"
assert_ok "privacy: rm -r the rectified subject" as_user "$dpo" rm -r "$MNT/by-subject/$h2"
assert_eq "after the erasure find NEW phone finds nobody" "" "$(find_h "+358407776655")"
assert_eq "after the erasure find NEW e-mail finds nobody" "" "$(find_h "rectified.person@example.org")"
assert_eq "after the erasure find OLD phone finds nobody" "" "$(find_h "$old_phone")"
assert_eq "after the erasure no index entry names the handle" "0" \
	"$(q "SELECT count(*) FROM subject_index WHERE handle = '$h2'")"

# --- restriction and legal-hold reasons are sealed ------------------------------
HOLD_MARK="Holdmarker Quxbertsson"
RESTR_MARK="Restrictmarker Zyvannelli"
LEGACY_HOLD="Legacyholdmarker Ybbestad"
LEGACY_RESTR="Legacyrestrmarker Wuorinen"
# markers_under DIR: the marker strings grep -a finds in any file under DIR.
markers_under() {
	grep -a -r -o -h -e "$HOLD_MARK" -e "$RESTR_MARK" -e "$LEGACY_HOLD" -e "$LEGACY_RESTR" \
		-e "Holdmarker" -e "Restrictmarker" -e "Legacyholdmarker" -e "Legacyrestrmarker" "$1" 2>/dev/null |
		sort -u | paste -sd, -
}
mapfile -t calls < <(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | sort)
[ ${#calls[@]} -ge 4 ] || t_abort "data" "too few recordings the training level sees"
held=${calls[0]} restr=${calls[1]}
rid_held=$(rid_of "$held")
rid_restr=$(rid_of "$restr")
assert_ok "privacy: a legal hold with a reason naming a person" \
	as_user "$dpo" setfattr -n user.gdpr.legal_hold -v "$HOLD_MARK v. Tamro" "$held"
assert_ok "privacy: a restriction with a reason naming a person" \
	as_user "$dpo" setfattr -n user.gdpr.restricted -v "$RESTR_MARK contests it" "$restr"
assert_eq "the rights level reads the hold's reason" "$HOLD_MARK v. Tamro" \
	"$(as_user "$dpo" getfattr --absolute-names --only-values -n user.gdpr.legal_hold "$held")"
assert_match "the rights level reads the restriction's date and reason" \
	"$(as_user "$dpo" getfattr --absolute-names --only-values -n user.gdpr.restricted "$restr")" \
	"^yes since=[0-9]{4}-[0-9]{2}-[0-9]{2} reason=$RESTR_MARK contests it\$"
assert_match "analysis sees that there is a hold and since when, not why" \
	"$(as_user "$analyst" getfattr --absolute-names --only-values -n user.gdpr.legal_hold "$held")" \
	'^yes since=[0-9]{4}-[0-9]{2}-[0-9]{2}$'
assert_match "training sees the same" \
	"$(as_user "$trainer" getfattr --absolute-names --only-values -n user.gdpr.legal_hold "$held")" \
	'^yes since=[0-9]{4}-[0-9]{2}-[0-9]{2}$'
assert_not_contains "getfattr -d of analysis shows no reason" \
	"$(as_user "$analyst" getfattr -d --absolute-names "$held" 2>&1)" "Holdmarker"
assert_fails_with "privacy: rm under the hold is EPERM" "Operation not permitted" as_user "$dpo" rm -f "$held"
log=$("$RECCTL" audit show -R "$REG" 2>&1)
assert_match "the hold's audit entry names a sealed record" "$log" "hold.*$rid_held.*ok.*sealed=[0-9a-f]{32}"
assert_match "the restriction's audit entry names a sealed record" "$log" "restrict.*$rid_restr.*ok.*sealed=[0-9a-f]{32}"
assert_eq "no reason text in the audit log (nor so in its syslog mirror)" "" \
	"$(printf '%s\n' "$log" | grep -o -e Holdmarker -e Restrictmarker | sort -u)"
assert_eq "the catalog keeps no reason in the clear" "0" \
	"$(q "SELECT count(*) FROM recording WHERE legal_hold LIKE '%marker%' OR restricted_reason LIKE '%marker%'")"
assert_eq "grep -a finds no reason under the register" "" "$(markers_under "$REG")"
assert_eq "nor in the mount's log" "" "$(markers_under "$MNT.err")"
assert_ok "fsck is clean with the sealed reasons" "$RECCTL" fsck -R "$REG"

# Released and lifted: the sealed reasons go with them.
owned() { q "SELECT count(*) FROM record WHERE owner = '$1'"; }
[ "$(owned "$rid_held")" -ge 1 ] && pass "the hold's reason is a record the recording owns" ||
	fail "the hold's reason is a record the recording owns" "none"
assert_ok "privacy: release the hold" as_user "$dpo" setfattr -x user.gdpr.legal_hold "$held"
assert_eq "its sealed reason is erased" "0" "$(owned "$rid_held")"
assert_ok "privacy: lift the restriction" as_user "$dpo" setfattr -x user.gdpr.restricted "$restr"
assert_eq "the restriction's sealed reason is erased" "0" "$(owned "$rid_restr")"
assert_ok "privacy: hold again, then erase after the release" \
	as_user "$dpo" setfattr -n user.gdpr.legal_hold -v "$HOLD_MARK again" "${calls[2]}"
rid3=$(rid_of "${calls[2]}")
as_user "$dpo" setfattr -x user.gdpr.legal_hold "${calls[2]}"
as_user "$dpo" setfattr -n user.gdpr.restricted -v "$RESTR_MARK again" "${calls[2]}"
assert_ok "privacy: rm of the restricted recording" as_user "$dpo" rm "${calls[2]}"
assert_eq "its reason record went with it" "0" "$(owned "$rid3")"

# A register written before the reasons were sealed (schema 5) keeps them
# in the clear: the first open of the upgraded register seals them.
unmount_recfs "$MNT"
old_held=${calls[3]}
rid_old=$(rid_of "$old_held")
t0=$(date -u -d 2026-06-01 +%s)
sqlite3 "$REG/catalog.db" "UPDATE recording SET legal_hold = '$LEGACY_HOLD case', restricted_since = $t0,
	restricted_reason = '$LEGACY_RESTR disputes' WHERE id = '$rid_old'" ||
	fail "a schema-5 register" "cannot set the reasons"
schema_now=$(q "PRAGMA user_version")
# Schema 5 had none of the later steps' columns either (request lifecycle).
for stmt in "DROP INDEX recording_reasons" "DROP INDEX subject_index_handle" \
	"ALTER TABLE recording DROP COLUMN hold_since" "ALTER TABLE subject_index DROP COLUMN kind" \
	"ALTER TABLE request DROP COLUMN state" "ALTER TABLE request DROP COLUMN channel" \
	"ALTER TABLE request DROP COLUMN requester" "ALTER TABLE request DROP COLUMN ground" \
	"ALTER TABLE request DROP COLUMN note" "ALTER TABLE request DROP COLUMN counted_from"; do
	sqlite3 "$REG/catalog.db" "$stmt" 2>/dev/null
done
sqlite3 "$REG/catalog.db" "PRAGMA user_version = 5"
assert_eq "the schema-5 register holds the legacy reasons in the clear" \
	"$LEGACY_HOLD,$LEGACY_RESTR" "$(grep -a -o -h -e "$LEGACY_HOLD" -e "$LEGACY_RESTR" "$REG/catalog.db" | sort -u | paste -sd, -)"
assert_ok "recctl opens the old register" "$RECCTL" fsck -R "$REG"
assert_eq "the catalog is at the current schema again" "$schema_now" "$(q "PRAGMA user_version")"
assert_eq "no legacy reason is left in any file under the register" "" "$(markers_under "$REG")"
mount_all_levels "$MNT"
old_path=$(as_user "$dpo" find "$MNT/by-date" -name "*_${rid_old:0:8}.opus" | head -n 1)
assert_eq "the rights level reads the migrated hold reason" "$LEGACY_HOLD case" \
	"$(as_user "$dpo" getfattr --absolute-names --only-values -n user.gdpr.legal_hold "$old_path")"
assert_match "and the migrated restriction reason" \
	"$(as_user "$dpo" getfattr --absolute-names --only-values -n user.gdpr.restricted "$old_path")" \
	"^yes since=2026-06-01 reason=$LEGACY_RESTR disputes\$"
assert_eq "still nothing under the register" "" "$(markers_under "$REG")"
# --- a subject goes with its last recording -------------------------------------
# Whatever erases a subject's last recording (rm through the mount, the
# retention sweep, withdrawal of consent) erases the subject with it: its
# card, its index entries and its rectification history, so recctl finds
# it neither by phone nor by name and fsck has nothing to report.  A
# subject with an open request stays until the request is closed (fsck
# says why); one with no recording and no request is a problem fsck
# reports and --repair erases.
LSPOOL=$T_TMP/lspool
mkdir -p "$LSPOOL"
FIX=$T_ROOT/tests/fixtures
stamp() { date -u -d "$1" +%Y%m%dT%H%M%SZ; }
# last_manifest NAME WHEN SUBJECT_NAME PHONE [PURPOSE]: a call with a chat.
last_manifest()
{
	cp "$FIX/mono.opus" "$LSPOOL/$1.opus"
	printf 'hello\n' >"$LSPOOL/$1-chat.txt"
	printf '{"recorded_at": "%s", "source": "customer-service", "purpose": "%s", "audio": "%s.opus",
 "subjects": [{"role": "customer", "name": "%s", "phone": "%s"}],
 "attachments": [{"file": "%s-chat.txt", "kind": "chat"}]}\n' "$2" "${5:-quality}" "$1" "$3" "$4" "$1" >"$LSPOOL/$1.json"
}
find_phone() { "$RECCTL" subject find "$1" -R "$REG" --keyring "$KEYS/ingest.keyring" 2>/dev/null | awk '{ print $1 }'; }
find_name()
{
	"$RECCTL" subject find "$1" -R "$REG" --keyring "$KEYS/ingest.keyring" \
		--level-keyring "$KEYS/privacy.keyring" 2>/dev/null | awk '{ print $1 }'
}
# gone NAME PHONE HANDLE: the subject is erased, whichever way recctl looks.
gone()
{
	assert_eq "$1: recctl subject find by phone finds nobody" "" "$(find_phone "$2")"
	assert_eq "$1: recctl subject find by name finds nobody" "" "$(find_name "$1")"
	assert_exit "$1: recctl subject show fails" 1 "$RECCTL" subject show "$3" -R "$REG" \
		--level-keyring "$KEYS/privacy.keyring"
	assert_eq "$1: no row names the subject, its card or its history" "0" \
		"$(q "SELECT (SELECT count(*) FROM subject WHERE handle = '$3') + (SELECT count(*) FROM subject_index WHERE handle = '$3')
		    + (SELECT count(*) FROM record WHERE owner = '$3')")"
}
T_OLD=$(date -u -d '-13 months' +%Y-%m-%dT10:00:00Z)
T_L=$(date -u -d '-3 days' +%Y-%m-%dT10:00:00Z)
last_manifest sweep "$T_OLD" "Sweepmarker Aino" "+358 40 555 0101"
last_manifest mount "$(date -u -d "$T_L" +%Y-%m-%dT%H:01:00Z)" "Mountmarker Eino" "+358 40 555 0102"
last_manifest consent "$(date -u -d "$T_L" +%Y-%m-%dT%H:02:00Z)" "Consentmarker Ilona" "+358 40 555 0103" consent
last_manifest request "$(date -u -d "$T_L" +%Y-%m-%dT%H:03:00Z)" "Requestmarker Oona" "+358 40 555 0104"
last_manifest twice1 "$(date -u -d "$T_L" +%Y-%m-%dT%H:04:00Z)" "Twicemarker Veikko" "+358 40 555 0105"
last_manifest twice2 "$(date -u -d "$T_L" +%Y-%m-%dT%H:05:00Z)" "Twicemarker Veikko" "+358 40 555 0105"
last_manifest rect1 "$(date -u -d "$T_L" +%Y-%m-%dT%H:06:00Z)" "Rectoldmarker Kaarina" "+358 40 555 0106"
last_manifest rect2 "$(date -u -d "$T_L" +%Y-%m-%dT%H:07:00Z)" "Rectoldmarker Kaarina" "+358 40 555 0106"
ingest_spool "$LSPOOL"
HS=$(find_phone "+358 40 555 0101")
HM=$(find_phone "+358 40 555 0102")
HC=$(find_phone "+358 40 555 0103")
HR=$(find_phone "+358 40 555 0104")
HT=$(find_phone "+358 40 555 0105")
[ -n "$HS" ] && [ -n "$HM" ] && [ -n "$HC" ] && [ -n "$HR" ] && [ -n "$HT" ] || t_abort "subject find" "a subject was not found"
has_dir() { as_user "$dpo" test -d "$MNT/by-subject/$1"; }
poll_since "$(now_ns)" 5000 has_dir "$HS" || t_abort "mount" "the new subjects do not appear"
assert_ok "privacy: rectify the swept subject's name (a history to erase)" \
	as_user "$dpo" setfattr -n user.recfs.name -v "Sweepmarker Aino Uusi" "$MNT/by-subject/$HS"

assert_ok "retention sweep" "$RECCTL" retention sweep -R "$REG"
gone "Sweepmarker Aino" "+358 40 555 0101" "$HS"
assert_match "the subject's erasure is logged" "$("$RECCTL" audit show -R "$REG" --subject "$HS" 2>&1)" \
	"erase-subject $HS ok last recording erased"

path_at() { as_user "$dpo" find "$MNT/by-date" -name "$(stamp "$1")_*.opus"; }
assert_ok "privacy: rm of the subject's only recording through the mount" \
	as_user "$dpo" rm "$(path_at "$(date -u -d "$T_L" +%Y-%m-%dT%H:01:00Z)")"
gone "Mountmarker Eino" "+358 40 555 0102" "$HM"
no_dir() { ! as_user "$dpo" test -e "$MNT/by-subject/$1"; }
poll_since "$(now_ns)" 2000 no_dir "$HM"
assert_eq "its folder is gone from the mount" "" "$(as_user "$dpo" ls "$MNT/by-subject" | grep -x "$HM")"

assert_ok "recctl subject withdraw-consent of the consent-only subject" "$RECCTL" subject withdraw-consent "$HC" -R "$REG"
gone "Consentmarker Ilona" "+358 40 555 0103" "$HC"

assert_ok "privacy: rm -r by-subject/<a subject of two recordings with chats>" as_user "$dpo" rm -r "$MNT/by-subject/$HT"
gone "Twicemarker Veikko" "+358 40 555 0105" "$HT"

req=$("$RECCTL" request new --type access --subject "$HR" --verified-by "passport" -R "$REG" 2>&1 | grep -o '[0-9]\+' | head -n 1)
[ -n "$req" ] || t_abort "request new" "no request number"
assert_ok "privacy: rm of the only recording of a subject with an open request" \
	as_user "$dpo" rm "$(path_at "$(date -u -d "$T_L" +%Y-%m-%dT%H:03:00Z)")"
assert_eq "the subject is kept while its request is open" "$HR" "$(find_phone "+358 40 555 0104")"
assert_ok "recctl subject show still answers about it" "$RECCTL" subject show "$HR" -R "$REG" \
	--level-keyring "$KEYS/privacy.keyring"
assert_ok "recctl fsck: a subject kept for its request is no problem" "$RECCTL" fsck -R "$REG"
assert_contains "and fsck says why it is kept" "$T_OUT" "note: subject $HR has no recording; kept while request $req is open"
assert_ok "recctl request close" "$RECCTL" request close "$req" --outcome granted --note "answered" -R "$REG"
assert_exit "recctl fsck: a subject without recording or request is a problem" 1 "$RECCTL" fsck -R "$REG"
assert_contains "fsck names it" "$T_OUT" "problem: subject $HR has no recording; its card and index entries are kept for no reason"
assert_ok "recctl fsck --repair" "$RECCTL" fsck -R "$REG" --repair
assert_contains "it erased the subject" "$T_OUT" "erased 1 subject without a recording"
gone "Requestmarker Oona" "+358 40 555 0104" "$HR"
assert_match "the repair is logged" "$("$RECCTL" audit show -R "$REG" --subject "$HR" 2>&1)" \
	"erase-subject $HR ok fsck --repair: no recording left"
assert_ok "recctl fsck is clean" "$RECCTL" fsck -R "$REG"
assert_contains "(0 problems)" "$T_OUT" "; 0 problems"

# --- a rectified name reaches the recordings ---------------------------------------
# The analysis level reads a recording's subject names
# (user.recfs.subject_names, from its sealed details): after the privacy
# level rectifies the name on the card, every place shows the new one.
HK=$(find_phone "+358 40 555 0106")
[ -n "$HK" ] || t_abort "subject find" "the subject to rectify was not found"
RK1=$(path_at "$(date -u -d "$T_L" +%Y-%m-%dT%H:06:00Z)")
RK2=$(path_at "$(date -u -d "$T_L" +%Y-%m-%dT%H:07:00Z)")
[ -n "$RK1" ] && [ -n "$RK2" ] || t_abort "mount" "the recordings to rectify do not appear"
assert_eq "(analysis reads the name as ingested)" "Rectoldmarker Kaarina ($HK)" \
	"$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.subject_names "$RK1" 2>&1)"
assert_ok "privacy: rectify the name on the card" \
	as_user "$dpo" setfattr -n user.recfs.name -v "Rectnewmarker Kaarina" "$MNT/by-subject/$HK"
for p in "$RK1" "$RK2"; do
	assert_eq "analysis's subject_names of $(basename "$p") has the new name" "Rectnewmarker Kaarina ($HK)" \
		"$(as_user "$analyst" getfattr --absolute-names --only-values -n user.recfs.subject_names "$p" 2>&1)"
done
all=$(as_user "$analyst" find "$MNT/by-date" "$MNT/by-subject/$HK" -exec getfattr -d {} + 2>&1
	as_user "$dpo" find "$MNT/by-date" "$MNT/by-subject/$HK" -exec getfattr -d {} + 2>&1
	"$RECCTL" subject show "$HK" -R "$REG" --level-keyring "$KEYS/privacy.keyring" 2>&1)
assert_not_contains "no view of the mount nor subject show has the old name" "$all" "Rectoldmarker"
assert_contains "(they have the new one)" "$all" "Rectnewmarker Kaarina"
assert_ok "recctl subject export" "$RECCTL" subject export "$HK" "$T_TMP/export" -R "$REG" \
	--level-keyring "$KEYS/privacy.keyring"
assert_eq "the export has not the old name" "" "$(grep -r -l -F Rectoldmarker "$T_TMP/export")"
assert_match "(it has the new one)" "$(grep -r -l -F "Rectnewmarker Kaarina" "$T_TMP/export")" .

unmount_recfs "$MNT"
assert_ok "the audit log verifies at the end" "$RECCTL" audit verify -R "$REG"
t_done
