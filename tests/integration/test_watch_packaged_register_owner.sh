#!/bin/bash
# The packaged install (packaging/README.md): `recctl init /var/lib/recfs
# --owner recfs`, so that recfs@.service runs the mount as the recfs user,
# then `systemctl enable --now recfs-watch@var-lib-recfs.service`, which
# runs `recctl watch -R REGISTER` as root on the default spool,
# REGISTER/spool.  Since 953cc6c watch refuses a spool with a folder above
# it owned by someone other than root or watch's own user, and the
# register's folder is recfs's: the packaged ingest daemon exits 1 at
# every start (Restart=on-failure), and what the recorders drop in the
# spool, plaintext audio and manifests, stays there, never ingested.
# The register's owner is the one the register is kept for (it may
# already write every file in it); the spool in it should be watched.
# A watch the owner starts beside root's is refused as any second watch.
. "$(dirname "$0")/lib.sh"

owner=$(make_plain_user svc)
mkdir -p "$T_TMP/a"
REG=$T_TMP/a/reg
KEYS=$T_TMP/a/keys
"$RECCTL" init "$REG" --owner "$owner" --policy "$POLICY_EXAMPLE" --keyrings "$KEYS" --no-passphrase \
	>"$T_TMP/a/init.out" 2>&1 || t_abort "init" "recctl init --owner failed: $(cat "$T_TMP/a/init.out")"
assert_eq "recctl init --owner makes the register the owner's" "$owner" "$(stat -c %U "$REG")"
LOG=$T_TMP/watch.log
if start_watch "$REG" "$LOG"; then
	pass "watch (root) starts on the default spool of a register recctl init --owner made"
else
	fail "watch (root) starts on the default spool of a register recctl init --owner made" "$(cat "$LOG")"
fi
assert_not_contains "and does not call the register's owner one who could point the spool elsewhere" \
	"$(cat "$LOG")" "above it is owned by uid"
# The owner, who cannot make root's lock in /run/recfs, is still kept off
# the spool root's watch runs on: both watches take the register's lock.
assert_exit "the owner's own watch on that spool is refused while root's runs: exit 3" 3 \
	as_user "$owner" timeout 10 "$RECCTL" watch -R "$REG" --keyring "$KEYS/ingest.keyring" "$REG/spool"
assert_contains "... and says the spool is watched already" "$T_OUT" "is watched already"
t_done
