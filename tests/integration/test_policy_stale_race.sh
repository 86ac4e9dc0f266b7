#!/bin/bash
# A rights action asked while `recctl policy apply` holds the catalog's
# write lock passes the mount's first look at policy.conf (still the old
# text: apply installs its own just before it commits), then waits for the
# lock and ran, once apply had committed, by the old policy: the officer's
# chmod 0440 gave the training level its seal back of a recording the new
# policy keeps from it (atk11).  The mount asks again once its transaction
# holds the lock, and refuses with ESTALE, logged.
#
# apply is played here by a sqlite3 session that does what it does with the
# lock: BEGIN IMMEDIATE, install policy.conf, COMMIT.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" 6 --seed 21 --meetings 0
ingest_spool "$T_TMP/spool"
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
f=$(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | sort | head -n 1)
[ -n "$f" ] || t_abort "data" "training sees no recording"
rid=$(rid_of "$f")
purpose=$(q "SELECT purpose FROM recording WHERE id = '$rid'")
[ -n "$purpose" ] || t_abort "data" "no purpose for $rid"
training_seals() {
	q "SELECT count(*) FROM seal s JOIN artifact a ON a.id = s.object WHERE a.recording = '$rid' AND s.level = 'training'"
}
assert_ok "privacy: chmod 0 restricts it" as_user "$dpo" chmod 0 "$f"
assert_eq "restricted: no training seal left" 0 "$(training_seals)"
awk -v p="[purpose $purpose]" '$0 == p { s = 1; print; next } /^\[/ { s = 0 }
	s && /^min_level *=/ { print "min_level = analysis"; next } { print }' "$POLICY_EXAMPLE" >"$T_TMP/new.conf"

flag=$T_TMP/asked
sqlite3 "$REG/catalog.db" >"$T_TMP/holder.out" 2>&1 <<SQL &
.timeout 10000
BEGIN IMMEDIATE;
.shell touch $T_TMP/locked; while [ ! -e $flag ]; do sleep 0.05; done; sleep 1; cp $T_TMP/new.conf $REG/policy.conf
COMMIT;
SQL
holder=$!
for _ in $(seq 100); do [ -e "$T_TMP/locked" ] && break; sleep 0.05; done
[ -e "$T_TMP/locked" ] || t_abort "lock" "the sqlite3 session did not take the write lock"
touch "$flag"
out=$(as_user "$dpo" chmod 0440 "$f" 2>&1)
st=$?
wait "$holder"
assert_eq "policy.conf was replaced while the chmod waited" 0 "$(cmp -s "$REG/policy.conf" "$T_TMP/new.conf"; echo $?)"
assert_eq "privacy: chmod 0440 that waited for apply's lock is refused" 1 "$st"
assert_contains "with ESTALE" "$out" "Stale file handle"
assert_eq "the recording stays restricted" 1 "$(q "SELECT restricted_since > 0 FROM recording WHERE id = '$rid'")"
assert_eq "and training got no seal back" 0 "$(training_seals)"
assert_match "the refused lift is logged with why" "$("$RECCTL" audit show -R "$REG" --object "$rid" 2>&1)" \
	"lift-restriction $rid refused the register's policy changed since this mount started"
assert_fails_with "the next attempt is refused at once" "Stale file handle" as_user "$dpo" chmod 0440 "$f"
unmount_recfs "$MNT"
assert_ok "the audit log verifies" "$RECCTL" audit verify -R "$REG"
t_done
