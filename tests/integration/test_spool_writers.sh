#!/bin/bash
# A spool shared by two recorders (atk15 F1) (recfs-watch@.service: "recorders
# may drop files owned by their own user").  A manifest of one recorder
# names the audio of the other's recording, which is in the spool before
# its own manifest (recorders write the audio first, the manifest last).
#  1. accepted: the other's internal meeting (purpose internal-meetings,
#     analysis and up) is ingested under the attacker's source, purpose
#     (quality: training reads it) and subjects; the owner's manifest is
#     then quarantined for its missing audio.
#  2. refused: a manifest refused on purpose takes the other's audio into
#     its quarantine, and the other's manifest is quarantined too
#     (recfs-manifest(5): "refusing one manifest takes no other recording
#     with it").
# Expected (what these checks assert): neither happens.  A manifest takes
# its own writer's files only; the refused one is quarantined without them.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
T_USER_PREFIX=a15$$
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
make_group a15rec$$
for r in 1 2; do
	useradd -M -N -d / -s /bin/sh -g a15rec$$ "a15r$r$$" || t_abort "useradd" "recorder $r"
	T_USERS+=("a15r$r$$")
	printf '%s\n' "a15r$r$$" >>"$T_USER_LIST"
done
rec1=a15r1$$ rec2=a15r2$$
S=$REG/spool
chgrp a15rec$$ "$S" && chmod 2770 "$S"
chmod 0755 "$T_TMP/a" "$REG"
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
"$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" >"$T_TMP/watch.log" 2>&1 &
T_DAEMONS+=("$!")
clip=$T_TMP/clip.opus
cp "$(ls "$T_ROOT"/build/test-clips/clip0*.opus | head -1)" "$clip" 2>/dev/null ||
	{ gen_manifests "$T_TMP/g" 1; cp "$(ls "$T_TMP"/g/*.opus | head -1)" "$clip"; }
chmod 0644 "$clip"
H1=$(date -u +%Y-%m-%dT%H:%M:%SZ -d '-2 hour')
H2=$(date -u +%Y-%m-%dT%H:%M:%SZ -d '-1 hour')
# wait_log TEXT: until the watch log holds TEXT (10 s)
wait_log() { for _ in $(seq 1 100); do grep -q "$1" "$T_TMP/watch.log" && return 0; sleep 0.1; done; return 1; }
drop() { as_user "$1" sh -c 'umask 077; cat >"$2.tmp" && mv "$2.tmp" "$2"' sh "$1" "$2"; }

# --- 1: an accepted manifest that names the other recorder's audio ---------
as_user "$rec2" sh -c "umask 077; cp '$clip' '$S/meet-1.opus'"
printf '{"recorded_at":"%s","source":"customer-service","audio":"meet-1.opus","subjects":[{"role":"customer","name":"Eve Other","phone":"+358401230000"}]}' "$H1" |
	drop "$rec1" "$S/a15-evil.json"
wait_log "a15-evil\|m-.*->" || true
sleep 1
printf '{"recorded_at":"%s","source":"internal-meetings","audio":"meet-1.opus","title":"Board meeting","subjects":[{"role":"participant","name":"Victor Board","email":"victor@example.com"}]}' "$H1" |
	drop "$rec2" "$S/meet-1.json"
wait_log "quarantined\|ingested .* -> .*" ; sleep 2
n_int=$(q "SELECT count(*) FROM recording WHERE source = 'internal-meetings'")
n_cs=$(q "SELECT count(*) FROM recording WHERE source = 'customer-service'")
assert_eq "the meeting is ingested under its own manifest (internal-meetings), not the other recorder's" "1 0" "$n_int $n_cs"
readable=0
while IFS= read -r f; do
	as_user "$trainer" cmp -s "$f" "$clip" && readable=1
done < <(as_user "$trainer" find "$MNT/by-date" -name '*.opus')
assert_eq "the training level does not hear the internal meeting" 0 "$readable"
qe=$(quarantine_of a15-evil.json || true)
assert_match "the claiming manifest is quarantined, and says why" "$(cat "$qe/error.txt" 2>/dev/null)" \
	"audio file named in the manifest belongs to another user than the manifest"
assert_eq "its quarantine holds none of the other recorder's files" "" "$(find "$qe" -name 'meet-*' 2>/dev/null)"

# --- 2: a refused manifest that names the other recorder's audio -----------
as_user "$rec2" sh -c "umask 077; cp '$clip' '$S/meet-2.opus'"
printf '{"recorded_at":"%s","source":"no-such-source","audio":"meet-2.opus"}' "$H2" | drop "$rec1" "$S/a15-bad.json"
for _ in $(seq 1 100); do [ -e "$S/a15-bad.json" ] || break; sleep 0.1; done
sleep 1
printf '{"recorded_at":"%s","source":"internal-meetings","audio":"meet-2.opus","title":"Staff meeting"}' "$H2" |
	drop "$rec2" "$S/meet-2.json"
for _ in $(seq 1 100); do [ -e "$S/meet-2.json" ] || break; sleep 0.1; done
sleep 1
assert_eq "the other recorder's meeting is not quarantined by a refusal of someone else's manifest" "" \
	"$(quarantine_of meet-2.json || true)"
assert_eq "and it is in the register" 1 \
	"$(q "SELECT count(*) FROM recording WHERE source = 'internal-meetings' AND recorded_at = $(date -u -d "$H2" +%s)")"

# --- 3: root's file, named by a recorder's manifest -------------------------
# An administrator copies the audio in (root's), the recorder writes the
# manifest: taken, as no recorder can make a file of root's.
H3=$(date -u +%Y-%m-%dT%H:%M:%SZ -d '-3 hour')
install -m 0600 "$clip" "$S/admin-3.opus"
printf '{"recorded_at":"%s","source":"customer-service","audio":"admin-3.opus"}' "$H3" | drop "$rec1" "$S/admin-3.json"
for _ in $(seq 1 100); do [ -e "$S/admin-3.json" ] || break; sleep 0.1; done
assert_eq "a recorder's manifest takes a file of root's" 1 \
	"$(q "SELECT count(*) FROM recording WHERE recorded_at = $(date -u -d "$H3" +%s)")"
t_done
