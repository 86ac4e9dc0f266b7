#!/bin/bash
# The forward-secure seals hold only while the sealing keys of ended epochs
# are gone from the register's files: recctl(1) AUDIT LOG SEALING says the
# old key's bytes are overwritten in the catalog's pages (secure_delete)
# and a checkpoint that does not wait truncates the WAL that still holds
# them, so that they stay there only while a reader keeps that checkpoint
# from finishing, "until the next checkpoint".  Whoever holds a past
# epoch's key can re-seal a rewritten log from that epoch on, and verify
# --verify-key says intact.
#
# Here a mount runs (as it does on a register in use) and an analyst opens
# files across several 2-second epochs; nothing else reads the catalog.
# The keys of every epoch are recomputed from the verification key's seed
# (K(0) = evolve(seed), K(i+1) = evolve(K(i)), crypto_kdf: BLAKE2b keyed,
# subkey id 1, context "recfsaud"); none but the current one may be in
# catalog.db or catalog.db-wal while the mount still runs.
#
# Then the attack itself, by root without the verification key: copy
# catalog.db and its WAL while the mount runs, read the key state of each
# earlier commit (the WAL cut after each frame, opened with sqlite3), stop
# the mount, delete every open of the analyst, recompute the chain and
# reseal every epoch from the earliest key found: `audit verify
# --verify-key` must not say the log is intact.
. "$(dirname "$0")/lib.sh"

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
mkdir -p "$T_TMP/a"
REG=$T_TMP/a/reg
KEYS=$T_TMP/a/keys
"$RECCTL" init "$REG" --policy "$POLICY_EXAMPLE" --keyrings "$KEYS" --no-passphrase --audit-epoch 2 \
	>"$T_TMP/init.out" 2>&1 || t_abort "init" "$(cat "$T_TMP/init.out")"
gen_manifests "$T_TMP/spool" 3 --seed 5 --meetings 0
ingest_spool "$T_TMP/spool"
an=$(make_level_user analysis)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
files=$(as_user "$an" find "$MNT/by-date" -type f | head -n 6)
[ -n "$files" ] || t_abort "data" "the analyst sees no file"

# About 12 s of opens: five or six epochs end while the mount runs.
end=$(($(date +%s) + 12))
while [ "$(date +%s)" -lt "$end" ]; do
	for f in $files; do as_user "$an" head -c 100 "$f" >/dev/null; done
done
sleep 3	# the last batch in the log

# recover DIR: "EPOCH HEXKEY" for each key state the WAL's frames hold, as
# an attacker reads them (no verification key).
recover()
{
	python3 - "$REG" "$1" <<'PY'
# Root on the host, no verification key: recover past sealing keys from a copy of catalog.db + its WAL.
import os, shutil, sqlite3, sys, tempfile
reg = sys.argv[1]
d = tempfile.mkdtemp(dir=sys.argv[2])
wal = open(reg + '/catalog.db-wal', 'rb').read()
db = open(reg + '/catalog.db', 'rb').read()
pg = int.from_bytes(wal[8:12], 'big')
nframes = (len(wal) - 32) // (24 + pg)
found = {}
for n in range(0, nframes + 1, 1):
    p = os.path.join(d, 'c%d.db' % n)
    open(p, 'wb').write(db)
    open(p + '-wal', 'wb').write(wal[:32 + n * (24 + pg)])
    try:
        c = sqlite3.connect(p)
        r = c.execute('SELECT epoch, key FROM audit_key').fetchone()
        c.close()
        if r: found.setdefault(r[0], r[1])
    except Exception as e:
        pass
    for s in ('', '-wal', '-shm'):
        try: os.unlink(p + s)
        except OSError: pass
shutil.rmtree(d)
for e in sorted(found): print(e, found[e].hex())
PY
}
mkdir -p "$T_TMP/att"
recover "$T_TMP/att" >"$T_TMP/recovered"
# The entries sealed when the attacker copied the files: those of the
# epoch then current are sealed later, under the key the catalog held then
# (as documented, root may alter the current epoch's entries).
sealed_then=$(q "SELECT coalesce(max(seq), 0) FROM audit_seal")
out=$(audit_old_keys)
cur=$(sed -n 's/^current=//p' <<<"$out")
found=$(grep -v '^current=' <<<"$out" | paste -sd' ')
echo "   key state at epoch $cur; keys of ended epochs on disk: ${found:-none}"
[ "${cur:-0}" -ge 3 ] && pass "control: several epochs ended while the mount ran" ||
	fail "control: several epochs ended while the mount ran" "key state at epoch ${cur:-?}"
assert_eq "no ended epoch's sealing key is left in catalog.db or its WAL while the mount runs" "" "$found"
unmount_recfs "$MNT"
found=$(audit_old_keys | grep -v '^current=' | paste -sd' ')
assert_eq "nor after the mount ended" "" "$found"

"$RECCTL" audit seal -R "$REG" >/dev/null
opens=$("$RECCTL" audit show -R "$REG" --user "$an" --action open | wc -l)
assert_ok "control: the log verifies with the key before the attack" \
	"$RECCTL" audit verify -R "$REG" --verify-key "$KEYS/audit-verify.key"
echo "   the analyst's opens: $opens; key states read from the WAL copy: epochs $(cut -d' ' -f1 "$T_TMP/recovered" | paste -sd,)"
if [ -s "$T_TMP/recovered" ]; then
	python3 - "$REG" "$T_TMP/recovered" "$an" "$sealed_then" <<'PY' | sed 's/^/   /'
# Root without the verification key: delete every 'open' entry of USER from the sealed log,
# re-chain, re-seal with the past keys recovered from the WAL (attacker.py output).
import hashlib, sqlite3, struct, sys
reg, keyfile, user, sealed_then = sys.argv[1:5]
rec = {int(l.split()[0]): bytes.fromhex(l.split()[1]) for l in open(keyfile)}
e0 = min(rec)
def evolve(k):
    return hashlib.blake2b(b'', digest_size=32, key=k, salt=struct.pack('<Q', 1) + bytes(8), person=b'recfsaud' + bytes(8)).digest()
def field(b): return struct.pack('<I', 0xffffffff) if b is None else struct.pack('<I', len(b)) + b
def num(v): return field(struct.pack('<q', v))
def text(v): return field(None if v is None else v.encode())
db = sqlite3.connect(reg + '/catalog.db')
lo = db.execute('SELECT seq FROM audit_seal WHERE epoch = ?', (e0 - 1,)).fetchone()
lo = lo[0] if lo else 0
hi = int(sealed_then)   # entries sealed when the files were copied only
gone = [r[0] for r in db.execute("SELECT seq FROM audit WHERE user = ? AND action = 'open' AND seq > ? AND seq <= ? ORDER BY seq", (user, lo, hi))]
print('deleting %d open entries of %s (after entry %d, epoch %d on)' % (len(gone), user, lo, e0))
db.execute("DELETE FROM audit WHERE user = ? AND action = 'open' AND seq > ? AND seq <= ?", (user, lo, hi))
rows = db.execute('SELECT seq, time, uid, user, level, pid, comm, action, object, outcome, reason, artifact, loginuid FROM audit ORDER BY seq').fetchall()
db.execute('UPDATE audit SET seq = -seq')
prev = bytes(32); hashes = {0: bytes(32)}
for n, r in enumerate(rows, 1):
    b = (field(prev) + num(n) + num(r[1]) + num(r[2]) + text(r[3]) + text(r[4]) + num(r[5]) + text(r[6]) +
         text(r[7]) + text(r[8]) + text(r[9]) + text(r[10]))
    if r[11] is not None or r[12] is not None:
        b += text(r[11]) + num(-1 if r[12] is None else r[12])
    h = hashlib.blake2b(b, digest_size=32).digest()
    db.execute('UPDATE audit SET seq = ?, hash = ? WHERE seq = ?', (n, h, -r[0]))
    prev = h; hashes[n] = h
db.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", ('%d:%s' % (len(rows), prev.hex()),))
k = rec[e0]
for ep, seq in db.execute('SELECT epoch, seq FROM audit_seal WHERE epoch >= ? ORDER BY epoch', (e0,)).fetchall():
    nseq = seq - sum(1 for g in gone if g <= seq)
    msg = b'recfs audit seal 1\0' + struct.pack('<q', ep) + struct.pack('<q', nseq) + hashes[nseq]
    mac = hashlib.blake2b(msg, digest_size=32, key=k).digest()
    db.execute('UPDATE audit_seal SET seq = ?, mac = ? WHERE epoch = ?', (nseq, mac, ep))
    k = evolve(k)
print('key state matches the re-derived one:', db.execute('SELECT key FROM audit_key').fetchone()[0] == k)
db.commit()
PY
fi
left=$("$RECCTL" audit show -R "$REG" --user "$an" --action open | wc -l)
echo "   after the attack: $left opens of the analyst in the log"
# Only entries of sealed epochs are deleted: the current epoch's are open
# to root as documented.  Nothing deleted (no past key found) is a pass.
if [ "$left" -lt "$opens" ]; then
	assert_exit "a log whose sealed opens were deleted and resealed with keys read from the WAL does not verify" 1 \
		"$RECCTL" audit verify -R "$REG" --verify-key "$KEYS/audit-verify.key"
else
	pass "a log whose sealed opens were deleted and resealed with keys read from the WAL does not verify (no sealed open could be deleted)"
fi
t_done
