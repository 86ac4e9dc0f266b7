#!/bin/bash
# Two people of one household whose first names share an initial call from
# the household's line: "Matti Meikäläinen" and "Maija Meikäläinen" have
# one name form ("m meikalainen"), and their whole given names tell them
# apart (subject_given_index).  Each is a subject of their own, so Maija's
# export and her access answer hold her call and not Matti's, and his
# hold his.  A recorder that writes "M. Meikäläinen" with the line names
# Matti, the form's first subject (recfs-manifest(5)); "Mäija" with the
# marks of a keyboard is Maija.  A name rectified on the mount moves its
# whole given name in the blind index; a register from before catalog
# schema 13 is told to run `recctl subject reindex`, which writes them.
# Real recctl, real Opus audio, the real mount.

. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
# The tests run with LANG unset (as CI does): folding must not need a locale.
unset LANG LC_ALL LC_CTYPE

make_register "$T_TMP/r"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
TPL=$T_ROOT/packaging/templates
PRIV=$KEYS/privacy.keyring
rc() { "$RECCTL" "$@" -R "$REG"; }

call() { customer_call "$@"; }
sorted() { printf '%s\n' "$@" | sort | paste -sd' '; }

call matti 2026-05-04T10:00:00Z "Matti Meikäläinen" "+358 9 876 5432"
call maija 2026-05-05T10:00:00Z "Maija Meikäläinen" "09 876 5432"
matti=$(id_at 2026-05-04T10:00:00Z) maija=$(id_at 2026-05-05T10:00:00Z)
HT=$(handle_of "$matti") HJ=$(handle_of "$maija")
assert_match "Matti's call has one subject" "$HT" '^S-[0-9A-Z]{6}$'
assert_match "Maija's call has one subject" "$HJ" '^S-[0-9A-Z]{6}$'
assert_ok "the line finds its holders" rc subject find "+35898765432" --keyring "$KEYS/ingest.keyring" --json
assert_eq "Matti and Maija, two subjects, both hold the line" "$HT $HJ" \
	"$(printf '%s' "$T_OUT" | jq -r '[.[].handle] | join(" ")')"

# --- Maija's export and answer hold her call alone -----------------------
assert_eq "Maija's export holds her call alone" "$maija" "$(export_ids "$HJ" "$T_TMP/x-maija")"
assert_eq "no file of Matti's call is in it" "" "$(find "$T_TMP/x-maija" -name "*_${matti:0:8}*")"
assert_eq "Matti's export holds his call alone" "$matti" "$(export_ids "$HT" "$T_TMP/x-matti")"
assert_ok "Maija's access request" rc request new --type access --subject "$HJ"
N=$(printf '%s' "$T_OUT" | sed -n 's/^request \([0-9]*\):.*/\1/p')
assert_ok "its answer, with the export of her data" rc request answer "$N" --lang en --templates "$TPL" \
	--export "$T_TMP/a-maija" --level-keyring "$PRIV" --out "$T_TMP/answer.txt"
letter=$(cat "$T_TMP/answer.txt")
assert_contains "the letter lists her call" "$letter" "2026-05-05 at 10:00 UTC"
assert_not_contains "and not Matti's" "$letter" "2026-05-04 at 10:00 UTC"
assert_eq "the answer's export holds one recording" "1" "$(find "$T_TMP/a-maija/$HJ" -name '*.opus' | wc -l)"

# --- the initial alone, and the name written otherwise -------------------
call initial 2026-05-06T10:00:00Z "M. Meikäläinen" "+358 9 876 5432"
call marks 2026-05-07T10:00:00Z "Mäija MEIKÄLÄINEN" "+358 9 876 5432"
initial=$(id_at 2026-05-06T10:00:00Z) marks=$(id_at 2026-05-07T10:00:00Z)
assert_eq "M. Meikäläinen with the line is Matti" "$HT" "$(handle_of "$initial")"
assert_eq "Mäija MEIKÄLÄINEN is Maija" "$HJ" "$(handle_of "$marks")"
assert_eq "no third subject" "2" "$(q "SELECT count(*) FROM subject")"
assert_eq "Maija's export now holds her two calls" "$(sorted "$maija" "$marks")" \
	"$(export_ids "$HJ" "$T_TMP/x-maija2")"
assert_eq "and Matti's his two" "$(sorted "$matti" "$initial")" "$(export_ids "$HT" "$T_TMP/x-matti2")"

# --- rectification through the mount moves the whole given name ----------
# Maija's name is rectified to "Maria" (setfattr on her folder by the
# rights level): her next call as Maria is hers; Matti's as Matti his.
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
assert_ok "privacy: rectify Maija's name to Maria" \
	as_user "$dpo" setfattr -n user.recfs.name -v "Maria Meikäläinen" "$MNT/by-subject/$HJ"
call maria 2026-05-08T10:00:00Z "Maria Meikäläinen" "+358 9 876 5432"
call matti2 2026-05-09T10:00:00Z "Matti Meikäläinen" "+358 9 876 5432"
assert_eq "Maria Meikäläinen with the line is the rectified subject" "$HJ" \
	"$(handle_of "$(id_at 2026-05-08T10:00:00Z)")"
assert_eq "and Matti is still Matti" "$HT" "$(handle_of "$(id_at 2026-05-09T10:00:00Z)")"
unmount_recfs "$MNT"

# --- a register from before catalog schema 13 ----------------------------
# Its subjects hold no whole given name: it is marked for reindex, which
# writes them from the cards and from the names each call gave.
q "DELETE FROM subject_index WHERE kind = 'given'; DELETE FROM meta WHERE key = 'subject_reindex';
   PRAGMA user_version = 12" || t_abort "schema 12" "cannot make the register of schema 12"
rc subject find "+35898765432" --keyring "$KEYS/ingest.keyring" >/dev/null 2>"$T_TMP/find.err"
assert_contains "subject find says to reindex" "$(cat "$T_TMP/find.err")" "run \`recctl subject reindex\` once"
assert_eq "the catalog is upgraded" "$T_SCHEMA" "$(q "PRAGMA user_version")"
assert_ok "subject reindex" rc subject reindex --level-keyring "$PRIV"
# (two of each: a name with ä is also indexed with it spelt ae, bb10)
assert_eq "each subject holds its whole given name and its form's mark again" "8" \
	"$(q "SELECT count(*) FROM subject_index WHERE kind = 'given'")"
call maria2 2026-05-10T10:00:00Z "Maria Meikäläinen" "+358 9 876 5432"
call matti3 2026-05-11T10:00:00Z "Matti Meikäläinen" "+358 9 876 5432"
assert_eq "after reindex Maria is hers" "$HJ" "$(handle_of "$(id_at 2026-05-10T10:00:00Z)")"
assert_eq "and Matti his" "$HT" "$(handle_of "$(id_at 2026-05-11T10:00:00Z)")"
assert_eq "still two subjects" "2" "$(q "SELECT count(*) FROM subject")"

# --- no name in the catalog's clear text ----------------------------------
assert_eq "no given name is in the catalog" "0" \
	"$(grep -c -a -i -e maija -e matti -e meik "$REG/catalog.db" "$REG/catalog.db-wal" 2>/dev/null |
		awk -F: '{ s += $NF } END { print s + 0 }')"
t_done
