#!/bin/bash
# A subject's reference (a customer, case or personal identity number,
# "ref" in the manifest) is read by its letters, digits and symbols: the
# separators a recorder or a privacy officer writes between them (white
# space, a no-break space, '-', an en dash, '.', '/', '_') are no part of
# it (bb7 F8).  Ingest links the calls whose references differ only so to
# one subject, and `recctl subject find` finds the subject however the
# requester's letter writes the number: a "no subject matches" there leads
# to a wrong "no data" answer (Art. 15).  '+', the century of a Swedish
# or Finnish personal identity number, is no separator: 121212+1212 and
# 121212-1212 are two people.  A reference rectified with setfattr
# user.recfs.ref is found by its other written forms too; one of
# separators alone is no reference, refused (EINVAL, logged).  A register
# from before catalog schema 18, whose index holds a reference with its
# separators, finds the subject by that written form still, is told to
# run `recctl subject reindex`, and after it finds it by every form; a
# subject that rule split off (a call that wrote the number without
# separators) is found beside it, both marked shared=["ref"], for the
# officer to merge.
# Real recctl, real Opus audio, the real mount.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
# The tests run with LANG unset (as CI does): the rule needs no locale.
unset LANG LC_ALL LC_CTYPE

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
PUT_INDEX=$T_BUILD/test/put_index

# ref_call STEM WHEN NAME REF: one customer, named when NAME is not empty.
ref_call()
{
	local name=""
	[ -n "$3" ] && name="\"name\": \"$3\", "
	ingest_call "$1" "$2" "{\"role\": \"customer\", $name\"ref\": \"$4\"}"
}
by_index() { "$RECCTL" subject find "$1" -R "$REG" --keyring "$KEYS/ingest.keyring" --json; }
found() { by_index "$1" 2>/dev/null | jq -r '.[].handle' 2>/dev/null | sort | paste -sd' '; }
h_at() { handle_of "$(id_at "$1")"; }

# --- ingest: one person however the number is written ----------------------
ref_call p1 2026-06-01T10:00:00Z "Tolvan Tolvansson" "19121212-1212"
ref_call p2 2026-06-02T10:00:00Z "Tolvan Tolvansson" "191212121212"
ref_call p3 2026-06-03T10:00:00Z "Tolvan Tolvansson" "19121212 1212"
ref_call p4 2026-06-04T10:00:00Z "" "19121212–1212"
H=$(h_at 2026-06-01T10:00:00Z)
[ -n "$H" ] || t_abort "data" "no subject for the first call"
assert_eq "ingest: '191212121212' is the subject of '19121212-1212'" "$H" "$(h_at 2026-06-02T10:00:00Z)"
assert_eq "ingest: '19121212 1212' (a no-break space) is the same subject" "$H" "$(h_at 2026-06-03T10:00:00Z)"
assert_eq "ingest: '19121212–1212' (an en dash) is the same subject" "$H" "$(h_at 2026-06-04T10:00:00Z)"
ref_call p5 2026-06-05T10:00:00Z "" "121212+1212"
ref_call p6 2026-06-06T10:00:00Z "" "121212-1212"
P5=$(h_at 2026-06-05T10:00:00Z) P6=$(h_at 2026-06-06T10:00:00Z)
assert_match "ingest: '121212+1212' is a subject" "$P5" '^S-[0-9A-Z]{6}$'
assert_ok "ingest: '121212-1212' is another ('+' is a century, no separator)" \
	test -n "$P6" -a "$P6" != "$P5" -a "$P6" != "$H"
ref_call c1 2026-06-07T10:00:00Z "Aino Asiakas" "123456782"
ref_call k1 2026-06-08T10:00:00Z "Kalle Kotka" "AB-12/2024"
HC=$(h_at 2026-06-07T10:00:00Z) HK=$(h_at 2026-06-08T10:00:00Z)
assert_eq "five subjects" "5" "$(q "SELECT count(*) FROM subject")"

# --- subject find: as the requester's letter writes it -----------------------
for text in "19121212-1212" "191212121212" "19121212 1212" " 1912 1212 1212" "19121212–1212" \
	"1912.12.12-1212" "19121212 1212"; do
	assert_eq "subject find '$text'" "$H" "$(found "$text")"
done
for text in "123.456.782" "123 456 782" "123-456-782"; do
	assert_eq "subject find '$text' (a customer number)" "$HC" "$(found "$text")"
done
for text in "ab 12 2024" "AB12-2024" "ab_12_2024" "AB 12/2024"; do
	assert_eq "subject find '$text' (a case number)" "$HK" "$(found "$text")"
done
assert_eq "subject find '121212+1212' finds its one subject" "$P5" "$(found "121212+1212")"
assert_eq "subject find '121212 1212' the other" "$P6" "$(found "121212 1212")"
assert_exit "subject find of separators alone finds no one" 1 by_index "/ – . /"
assert_contains "... and says so" "$T_OUT" "no subject matches"

# --- rectified on the mount ----------------------------------------------------
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
S=$MNT/by-subject/$HK
last_rectify() {
	q "SELECT outcome || ' ' || coalesce(reason, '') FROM audit
	   WHERE action = 'rectify' AND object = '$HK' ORDER BY seq DESC LIMIT 1"
}
assert_ok "privacy: setfattr user.recfs.ref 'CRM 4711/B'" \
	as_user "$dpo" setfattr -n user.recfs.ref -v "CRM 4711/B" "$S"
assert_eq "subject find 'crm-4711-b' finds the rectified subject" "$HK" "$(found "crm-4711-b")"
assert_eq "subject find 'CRM4711B' too" "$HK" "$(found "CRM4711B")"
assert_exit "subject find of the old reference finds no one" 1 by_index "ab 12 2024"
assert_fails_with "privacy: setfattr user.recfs.ref '--' is EINVAL" "Invalid argument" \
	as_user "$dpo" setfattr -n user.recfs.ref -v "--" "$S"
assert_eq "the refusal is logged with its reason" \
	"refused not a reference (no letter or digit, only separators)" "$(last_rectify)"
assert_eq "the card keeps its reference" "CRM 4711/B" \
	"$(as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.ref "$S" 2>&1)"
unmount_recfs "$MNT"

# --- a register from before catalog schema 18 -----------------------------------
# Its index holds the reference as that rule wrote it, with its separators,
# and that rule made a second subject of the person's call that wrote the
# number without them (its card and entry: "191212121212").
[ -x "$PUT_INDEX" ] || t_abort "put_index" "$PUT_INDEX is not built"
"$PUT_INDEX" "$REG" "$KEYS/ingest.keyring" "$H" ref "19121212-1212" ||
	t_abort "schema 17" "cannot write the entry of schema 17"
ref_call s2 2026-06-10T10:00:00Z "" "TMP-2"
S2=$(h_at 2026-06-10T10:00:00Z)
"$T_BUILD/test/put_card" "$REG" "$KEYS/privacy.keyring" "$S2" ref "191212121212" &&
	"$PUT_INDEX" "$REG" "$KEYS/ingest.keyring" "$S2" ref "191212121212" ||
	t_abort "schema 17" "cannot write the split subject of schema 17"
q "DELETE FROM meta WHERE key = 'subject_reindex'; PRAGMA user_version = 17" ||
	t_abort "schema 17" "cannot make the register of schema 17"
"$RECCTL" subject find "19121212-1212" -R "$REG" --keyring "$KEYS/ingest.keyring" >"$T_TMP/find.out" \
	2>"$T_TMP/find.err"
both=$(printf '%s\n' "$H" "$S2" | sort | paste -sd' ')
assert_eq "the schema-17 register: subject find '19121212-1212' finds its subject, and the one split off" \
	"$both" "$(cut -f1 "$T_TMP/find.out" | sort | paste -sd' ')"
assert_contains "subject find says to reindex" "$(cat "$T_TMP/find.err")" "run \`recctl subject reindex\` once"
assert_eq "the catalog is upgraded" "$T_SCHEMA" "$(q "PRAGMA user_version")"
assert_eq "before reindex '191212121212' finds the subject split off alone" "$S2" "$(found "191212121212")"
assert_ok "subject reindex" "$RECCTL" subject reindex -R "$REG" --level-keyring "$KEYS/privacy.keyring"
for text in "191212121212" "19121212 1212" "19121212-1212"; do
	assert_eq "after reindex: subject find '$text' finds both" "$both" "$(found "$text")"
done
assert_eq "each marked shared by the reference" "ref ref" \
	"$(by_index "19121212-1212" 2>/dev/null | jq -r '.[].shared[]?' | paste -sd' ')"
assert_eq "after reindex: the subject holds one entry of its reference" "1" \
	"$(q "SELECT count(*) FROM subject_index WHERE handle = '$H' AND kind = 'ref'")"
assert_ok "the officer merges the subject split off into the first" \
	"$RECCTL" subject merge "$H" "$S2" -R "$REG" --level-keyring "$KEYS/privacy.keyring"
assert_eq "after the merge subject find '191212121212' finds the one subject" "$H" "$(found "191212121212")"
"$RECCTL" subject find "191212121212" -R "$REG" --keyring "$KEYS/ingest.keyring" >/dev/null 2>"$T_TMP/find.err"
assert_eq "after reindex subject find says nothing on stderr" "" "$(cat "$T_TMP/find.err")"
ref_call p7 2026-06-09T10:00:00Z "" "1912 1212 1212"
assert_eq "after reindex: ingest of '1912 1212 1212' is the same subject" "$H" "$(h_at 2026-06-09T10:00:00Z)"
assert_eq "still five subjects" "5" "$(q "SELECT count(*) FROM subject")"

# --- no reference in the catalog's clear text -----------------------------------
assert_eq "no reference is in the catalog" "0" \
	"$(grep -c -a -e 191212121212 -e 19121212-1212 -e 123456782 -e 4711/B "$REG/catalog.db" \
		"$REG/catalog.db-wal" 2>/dev/null |
		awk -F: '{ s += $NF } END { print s + 0 }')"
assert_ok "the audit log verifies" "$RECCTL" audit verify -R "$REG"
t_done
