#!/bin/bash
# A register sealed from its init whose sealing state root has deleted
# (audit_seal and audit_key emptied) and whose entries were then edited and
# the unkeyed chain recomputed.  Without --verify-key, verify cannot tell
# an edit (recctl(1)); but it must not say what it cannot know: it said
# "not sealed: no verification key was issued for this register", a
# falsehood here (init issued one) that tells the officer there is no key
# to look for, where the seals present but unchecked get "give
# --verify-key FILE".  With the key it is "broken" (exit 1), as
# documented.  Without it, the log's own init entry says a key was issued
# (audit-epoch=N): broken too; with that entry rewritten as well, verify
# says it cannot tell and to verify with the key.
. "$(dirname "$0")/lib.sh"

T0=1798761600		# 2027-01-01T00:00:00Z
VERIFY_AT=$((T0 + 1830))
mkdir -p "$T_TMP/a"
REG=$T_TMP/a/reg KEYS=$T_TMP/a/keys
VKEY=$KEYS/audit-verify.key
RECFS_NOW=$((T0 + 10)) "$RECCTL" init "$REG" --policy "$POLICY_EXAMPLE" --keyrings "$KEYS" --no-passphrase \
	>"$T_TMP/init.out" 2>&1 || t_abort "init" "$(cat "$T_TMP/init.out")"
for o in 20 30 40 905 910 1805 1810; do
	RECFS_NOW=$((T0 + o)) "$RECCTL" subject find "+358 40 $o" -R "$REG" --keyring "$KEYS/ingest.keyring" >/dev/null 2>&1
done
verify() { RECFS_NOW=$VERIFY_AT "$RECCTL" audit verify -R "$REG" "$@"; }
assert_ok "the clean log verifies without the key" verify
assert_contains "and says the seals were not checked" "$T_OUT" "give --verify-key FILE"

# Root strips the sealing state, edits entry 3 and recomputes the chain.
sqlite3 "$REG/catalog.db" "DELETE FROM audit_seal; DELETE FROM audit_key; UPDATE audit SET user = 'someoneelse' WHERE seq = 3" ||
	t_abort "tampering" "sqlite3 failed"
rechain() {
	python3 - "$REG/catalog.db" <<'PY' || t_abort "rechain" "python failed"
import hashlib, sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
def field(b): return struct.pack('<I', 0xffffffff) if b is None else struct.pack('<I', len(b)) + b
def num(v): return field(struct.pack('<q', v))
def text(v): return field(None if v is None else v.encode())
prev = bytes(32)
us = ', time_us' if 'time_us' in [c[1] for c in db.execute('PRAGMA table_info(audit)')] else ', NULL'  # schema 28
rows = db.execute('SELECT seq, time, uid, user, level, pid, comm, action, object, outcome, reason, artifact, loginuid' + us + ' FROM audit ORDER BY seq').fetchall()
for r in rows:
    b = (field(prev) + num(r[0]) + num(r[1]) + num(r[2]) + text(r[3]) + text(r[4]) + num(r[5]) + text(r[6]) +
         text(r[7]) + text(r[8]) + text(r[9]) + text(r[10]))
    if r[11] is not None or r[12] is not None or r[13]:
        b += text(r[11]) + num(-1 if r[12] is None else r[12])
    if r[13]:
        b += num(r[13])
    prev = hashlib.blake2b(b, digest_size=32).digest()
    db.execute('UPDATE audit SET hash = ? WHERE seq = ?', (prev, r[0]))
db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?)", ('%d:%s' % (rows[-1][0], prev.hex()),))
db.commit()
PY
}
rechain
verify >/dev/null 2>&1
echo "   verify without the key: exit $?: $(verify 2>&1 | tr '\n' ' ')"
assert_not_contains "without the key it does not claim no key was issued" "$(verify 2>&1)" \
	"no verification key was issued"
# The log's init entry says the log was sealed from its start (init
# issued the key): no seals and no key state is then their removal.
assert_exit "without the key, the init entry saying a key was issued: broken, exit 1" 1 verify
assert_contains "it names that entry" "$T_OUT" "entry 1 says a verification key was issued"
assert_contains "and what was removed" "$T_OUT" "the seals and the sealing key state were removed"
assert_exit "with the key: broken, exit 1" 1 verify --verify-key "$VKEY"
assert_contains "the key state was removed" "$T_OUT" "the sealing key state was removed"
assert_fails_with "audit seal does not claim no key was issued either" "either none was issued" \
	env RECFS_NOW=$VERIFY_AT "$RECCTL" audit seal -R "$REG"

# Root who also rewrites the init entry (as recfs before that word wrote
# it) leaves a log that cannot tell "never sealed" from "seals removed":
# verify says both, and to verify with the key.
sqlite3 "$REG/catalog.db" "UPDATE audit SET reason = '3 levels' WHERE action = 'init'" || t_abort "tampering" "sqlite3 failed"
rechain
assert_ok "with the init entry rewritten too, verify without the key cannot tell: exit 0" verify
assert_not_contains "it does not claim no key was issued" "$T_OUT" "no verification key was issued"
assert_contains "it says it cannot tell" "$T_OUT" "cannot tell a log never sealed from one whose seals were removed"
assert_contains "it points at --verify-key" "$T_OUT" "--verify-key"
assert_exit "with the key: broken, exit 1" 1 verify --verify-key "$VKEY"
assert_contains "the key state was removed" "$T_OUT" "the sealing key state was removed"
t_done
