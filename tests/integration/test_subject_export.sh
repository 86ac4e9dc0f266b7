#!/bin/bash
# The data subject's export (issue 16): --portability (Art. 20) takes only
# the recordings whose basis is consent or contract and says, on stdout,
# in LEFT_OUT.txt and in export.json, which it left out and why; a
# password-protected recording goes into the subject's own export with
# the rights level's keyring and its passphrase (--passphrase-file), and
# is withheld, and listed as withheld, without them or with a wrong one.
# The audit entries say so and name no person.  A recorder's comment tags
# that hold a C1 control, a bidirectional override, an ESC or a line
# separator are JSON escapes in the vCon, which cat shows as text.  The
# card of a subject whose every recording is restricted goes to no
# recipient.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
make_register "$T_TMP/a"
spool=$T_TMP/spool
mkdir -p "$spool"
cp "$T_ROOT/tests/fixtures/mono.opus" "$spool/a.opus"
NAME=Exporttestperson
PHONE=+358401220001

# manifest FILE WHEN PURPOSE [BASIS]: a call of the person.
manifest()
{
	local basis=""
	[ -n "${4:-}" ] && basis="\"legal_basis\": \"$4\","
	cat >"$spool/$1.json" <<EOF
{ "recorded_at": "$2", "source": "customer-service", "purpose": "$3", $basis
  "subjects": [{"role": "customer", "name": "$NAME", "phone": "$PHONE"}], "audio": "a.opus" }
EOF
}
rc() { "$RECCTL" "$@" -R "$REG"; }
id_at() { q "SELECT id FROM recording WHERE recorded_at = $(date -u -d "$1" +%s)"; }
manifest con 2026-11-05T10:00:00Z consent			# consent: portable
manifest qua 2026-11-05T11:00:00Z quality			# contract: portable
manifest sl 2026-11-05T12:00:00Z service-level			# legitimate interests: not portable
manifest trc 2026-11-05T13:00:00Z training consent		# training on consent: portable
manifest tr 2026-11-05T14:00:00Z training			# training on legitimate interests: not
manifest prot 2026-11-05T15:00:00Z quality			# contract, protected below
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$spool"/*.json >"$T_TMP/ingest.out" 2>&1 ||
	t_abort "ingest" "$(tail -n 3 "$T_TMP/ingest.out")"
con=$(id_at 2026-11-05T10:00:00Z) qua=$(id_at 2026-11-05T11:00:00Z) sl=$(id_at 2026-11-05T12:00:00Z)
trc=$(id_at 2026-11-05T13:00:00Z) tr=$(id_at 2026-11-05T14:00:00Z) prot=$(id_at 2026-11-05T15:00:00Z)
H=$(q "SELECT DISTINCT handle FROM link")
assert_match "one subject" "$H" '^S-[0-9A-Z]{6}$'
PRIV=$KEYS/privacy.keyring

# --- portability ----------------------------------------------------------------
assert_ok "subject export --portability" rc subject export "$H" "$T_TMP/p1" --level-keyring "$PRIV" --portability
out=$T_OUT
d=$T_TMP/p1/$H
assert_contains "it counts what it left out" "$out" "4 recordings"
assert_contains "(and says where)" "$out" "2 left out as not portable (see LEFT_OUT.txt)"
assert_match "stdout names the service-level call and why" "$out" \
	"^left out: $sl .*purpose=service-level: legal basis legitimate_interests, not portable"
assert_match "stdout names the training call on legitimate interests" "$out" "^left out: $tr "
assert_eq "LEFT_OUT.txt lists exactly those two" "$(printf '%s\n' "$sl" "$tr" | sort | paste -sd' ')" \
	"$(cut -d' ' -f1 "$d/LEFT_OUT.txt" | sort | paste -sd' ')"
assert_eq "export.json lists them as left out, with their basis" \
	"$(printf '%s legitimate_interests\n' "$sl" "$tr" | sort | paste -sd' ')" \
	"$(jq -r '.left_out[] | "\(.id) \(.legal_basis)"' "$d/export.json" | sort | paste -sd' ')"
assert_eq "export.json says it is a portability export" "true" "$(jq .portability "$d/export.json")"
assert_eq "the consent and contract calls are exported" \
	"$(printf '%s\n' "$con" "$qua" "$trc" "$prot" | sort | paste -sd' ')" \
	"$(jq -r '.recordings[].id' "$d/export.json" | sort | paste -sd' ')"
assert_eq "no file of a left-out call is in the export" "" "$(find "$d" -name "*_${sl:0:8}*" -o -name "*_${tr:0:8}*")"
assert_match "the audit entry says portability=yes and counts" "$(rc audit show --object "$H")" \
	"export $H ok recipient=data-subject recordings=4 withheld=0 portability=yes left_out=2"
# Who disclosed, with which level's keys: the highest level of the
# keyrings it was given (here the rights level's alone).
assert_eq "the export entry names the level whose keys opened the data" "privacy" \
	"$(rc audit show --object "$H" --action export --json | jq -r '.[-1].level')"
assert_ok "subject show with the analysis keyring" rc subject show "$H" --level-keyring "$KEYS/analysis.keyring"
assert_eq "its entry names that level" "analysis" \
	"$(rc audit show --object "$H" --action subject-show --json | jq -r '.[-1].level')"
# Another register's keyring of a level of the same name opens nothing
# here, and is not logged as that level.
"$RECCTL" init "$T_TMP/other/reg" --policy "$POLICY_EXAMPLE" --keyrings "$T_TMP/other/keys" --no-passphrase \
	>/dev/null 2>&1 || t_abort "init of another register" "failed"
rc subject show "$H" --level-keyring "$T_TMP/other/keys/privacy.keyring" >/dev/null 2>&1
assert_eq "with another register's privacy keyring, no level is logged" "null" \
	"$(rc audit show --object "$H" --action subject-show --json | jq -r '.[-1].level')"
sum_prot=$(sha256sum "$d"/*_"${prot:0:8}".opus | cut -d' ' -f1)
assert_ok "a plain export" rc subject export "$H" "$T_TMP/p0" --level-keyring "$PRIV"
assert_eq "a plain export leaves nothing out" "6 false" \
	"$(jq -r '"\(.recordings | length) \(.portability)"' "$T_TMP/p0/$H/export.json")"
assert_no_file "and writes no LEFT_OUT.txt" "$T_TMP/p0/$H/LEFT_OUT.txt"

# --- a protected recording ------------------------------------------------------------
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f=$(as_user "$dpo" find "$MNT/by-date" -name "*_${prot:0:8}.opus" | head -n 1)
[ -n "$f" ] || t_abort "mount" "the call to protect is not on the mount"
printf 'export horse battery\n' >"$T_TMP/pass"
printf 'wrong horse battery\n' >"$T_TMP/wrong"
chmod 0644 "$T_TMP/pass" "$T_TMP/wrong"
assert_ok "privacy: recctl protect" as_user "$dpo" "$RECCTL" protect --passfile "$T_TMP/pass" "$f"
unmount_recfs "$MNT"
assert_eq "it is protected" "1" "$(q "SELECT locked FROM recording WHERE id = '$prot'")"

assert_ok "an export without its passphrase" rc subject export "$H" "$T_TMP/e1" --level-keyring "$PRIV"
assert_contains "(one withheld)" "$T_OUT" "1 withheld"
assert_match "it is withheld and listed so" "$(jq -r '.withheld[] | "\(.id) \(.reason)"' "$T_TMP/e1/$H/export.json")" \
	"^$prot password-protected"
assert_eq "no file of it is in the export" "" "$(find "$T_TMP/e1/$H" -name "*_${prot:0:8}*")"

assert_ok "an export with its passphrase and the rights keyring" rc subject export "$H" "$T_TMP/e2" \
	--level-keyring "$PRIV" --passphrase-file "${prot:0:8}=$T_TMP/pass"
assert_contains "(it says one was opened with its passphrase)" "$T_OUT" "1 password-protected, opened with their passphrase"
assert_eq "nothing is withheld" "0" "$(jq '.withheld | length' "$T_TMP/e2/$H/export.json")"
assert_eq "the protected call's audio is exported, the bytes it had before" "$sum_prot" \
	"$(sha256sum "$T_TMP/e2/$H"/*_"${prot:0:8}".opus 2>/dev/null | cut -d' ' -f1)"
assert_match "its export entry says protected=yes" "$(rc audit show --object "$prot")" \
	"export $prot ok recipient=data-subject subject=$H protected=yes"

assert_ok "an export with a wrong passphrase" rc subject export "$H" "$T_TMP/e3" \
	--level-keyring "$PRIV" --passphrase-file "$prot=$T_TMP/wrong"
assert_match "it is withheld: the passphrase does not open it" \
	"$(jq -r '.withheld[] | "\(.id) \(.reason)"' "$T_TMP/e3/$H/export.json")" "^$prot .*does not open it"
assert_ok "an export with the passphrase but no rights keyring" rc subject export "$H" "$T_TMP/e4" \
	--level-keyring "$KEYS/analysis.keyring" --passphrase-file "${prot:0:8}=$T_TMP/pass"
assert_match "it is withheld: needs the rights level's keyring" \
	"$(jq -r '.withheld[] | "\(.id) \(.reason)"' "$T_TMP/e4/$H/export.json")" "^$prot .*rights level's keyring"
assert_ok "to a recipient, a passphrase opens nothing" rc subject export "$H" "$T_TMP/e5" \
	--level-keyring "$PRIV" --recipient tamro-group --passphrase-file "${prot:0:8}=$T_TMP/pass"
assert_match "(withheld)" "$(jq -r '.withheld[] | .id' "$T_TMP/e5/$H/export.json")" "^$prot$"
assert_contains "... saying the passphrase file is for the subject's own export (bb6 F11)" "$T_OUT" \
	"--passphrase-file is used for the subject's own export only"
assert_match "... and why, in the export" "$(jq -r '.withheld[] | .reason' "$T_TMP/e5/$H/export.json")" \
	"never disclosed to a recipient"
assert_fails_with "a --passphrase-file that names no recording" "no such recording" \
	rc subject export "$H" "$T_TMP/e6" --level-keyring "$PRIV" --passphrase-file "00000000=$T_TMP/pass"
assert_fails_with "a --passphrase-file without RECORDING=" "RECORDING=FILE" \
	rc subject export "$H" "$T_TMP/e6" --level-keyring "$PRIV" --passphrase-file "$T_TMP/pass"
assert_ok "portability with the passphrase" rc subject export "$H" "$T_TMP/e7" --level-keyring "$PRIV" \
	--portability --passphrase-file "${prot:0:8}=$T_TMP/pass"
assert_eq "(the protected contract call is in it)" "1" \
	"$(jq --arg p "$prot" '[.recordings[] | select(.id == $p)] | length' "$T_TMP/e7/$H/export.json")"

# --- a recorder's comment tags with what acts on a terminal ----------------------------
# (atk14 F4): a C1 CSI, a right-to-left override, an ESC and a line
# separator are JSON escapes in the vCon, so that cat shows them as text.
tags=("$(printf 'NOTE=a\302\23331mRED')" "$(printf 'RLO=\342\200\256gnp.exe')" "$(printf 'ESC=\033[31mx')"
	"$(printf 'LS=a\342\200\250b')")
opus_retag "$T_ROOT/tests/fixtures/mono.opus" "$spool/t.opus" "libopus 1.3.1" set "${tags[@]}"
cat >"$spool/t.json" <<EOF
{ "recorded_at": "2026-11-06T10:00:00Z", "source": "customer-service", "purpose": "quality",
  "subjects": [{"role": "customer", "name": "Tagtestperson J\u00e4rvinen", "phone": "+358401220002"}],
  "audio": "t.opus" }
EOF
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$spool/t.json" >"$T_TMP/ingest-t.out" 2>&1 ||
	t_abort "ingest of the tagged call" "$(tail -n 3 "$T_TMP/ingest-t.out")"
H2=$(rc subject find +358401220002 --keyring "$KEYS/ingest.keyring" | cut -f1 | head -n 1)
assert_ok "an export of the call whose tags hold control characters" rc subject export "$H2" "$T_TMP/t1" \
	--level-keyring "$PRIV"
vcon=$(ls "$T_TMP/t1/$H2"/*.vcon.json 2>/dev/null | head -n 1)
vcon=${vcon:-/dev/null}
assert_eq "cat of its vCon shows no C1, bidi override, line separator or ESC raw" 0 \
	"$(LC_ALL=C grep -c $'\xc2[\x80-\x9f]\\|\xe2\x80[\xa8-\xae]\\|\xe2\x81[\xa6-\xa9]\\|\x1b' "$vcon")"
assert_contains "they are JSON escapes: the C1 CSI" "$(cat "$vcon")" '"NOTE=a\u009B31mRED"'
assert_contains "(the override)" "$(cat "$vcon")" '"RLO=\u202Egnp.exe"'
assert_contains "(the line separator)" "$(cat "$vcon")" '"LS=a\u2028b"'
for t in "${tags[@]}"; do
	assert_eq "jq reads back ${t%%=*} as it came" true \
		"$(jq --arg t "$t" '.recfs.opus_tags | index($t) != null' "$vcon")"
done
assert_contains "a name's letters stay as they are" "$(cat "$T_TMP/t1/$H2/subject.json")" "Tagtestperson Järvinen"

# --- a subject whose every recording is restricted (bb15 L6) ---------------------------
# A recipient got the card alone: the name and number of a person whose
# only call is restricted (Art. 18(2)).  Refused now, and logged.
tid=$(q "SELECT recording FROM link WHERE handle = '$H2'")
mount_all_levels "$MNT"
t_file() { tf=$(as_user "$dpo" find "$MNT/by-date" -name "*_${tid:0:8}.opus" | head -n 1); [ -n "$tf" ]; }
wait_for 10 t_file
assert_ok "privacy: chmod 0 restricts the subject's one call" as_user "$dpo" chmod 0 "$tf"
assert_fails_with "an export of that subject to a recipient is refused" "the card is not disclosed alone" \
	rc subject export "$H2" "$T_TMP/r1" --level-keyring "$PRIV" --recipient tamro-group
assert_eq "... and leaves no package, nor a hidden one" "" "$(ls -A "$T_TMP/r1" 2>/dev/null)"
assert_match "... and the refusal is logged" "$(rc audit show --object "$H2" --action export)" \
	"export $H2 refused .*every recording of the subject is withheld from a recipient"
assert_ok "the subject's own export still holds it" rc subject export "$H2" "$T_TMP/r2" --level-keyring "$PRIV"
assert_eq "(its one recording)" "$tid" "$(jq -r '.recordings[].id' "$T_TMP/r2/$H2/export.json")"

# --- nothing personal or secret in the log -----------------------------------------------
log=$(rc audit show)
assert_not_contains "the audit log does not name the person" "$log" "$NAME"
assert_not_contains "nor the phone number" "$log" "401220001"
assert_not_contains "nor a passphrase" "$log" "horse"
t_done
