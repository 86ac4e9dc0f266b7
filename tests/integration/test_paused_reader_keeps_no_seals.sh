#!/bin/bash
# atk26 F1: while any reader holds a catalog snapshot, a restriction's deleted
# seals stay in catalog.db itself.  secure_delete writes the zeroed page
# into the WAL; the page in catalog.db with the training level's seal box
# is overwritten only by a checkpoint, which the reader keeps from
# finishing ("checkpoint error WAL in use" is logged, the restriction
# stands).  `recctl audit show` piped into a pager is such a reader: it
# holds its snapshot for as long as its output is not read, so the
# window is as long as the officer looks at the log.  A copy of the
# register's files made then (a backup) and the training keyring (which
# every training workstation holds) open the restricted recording's data
# key, and its blob is kept.  README: chmod 0 restricts, "the seals of
# every level below the rights level are deleted"; DESIGN: who may hear
# what is "enforced with keys, not only with checks"; recctl(1) says old
# keys "stay in the WAL only while the catalog is being read without a
# pause".  Likewise an erasure: the erased subject's sealed card and its
# analysis seal stay in catalog.db, so such a copy and the analysis
# keyring give the erased person's name and phone number.  audit show now
# reads the log a page at a time and holds no snapshot while its output
# waits (audit_each_where), so the checkpoint finishes.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -m 0700 "$SPOOL"
customer_call a 2026-11-14T10:00:00Z "Qzseal Person" "+358401230033"
rid=$(q "SELECT id FROM recording")
customer_call b 2026-11-15T10:00:00Z "Qzerased Person" "+358401230044"
rid_b=$(q "SELECT id FROM recording WHERE id != '$rid'")
handle_b=$(handle_of "$rid_b")
card_b=$(q "SELECT card FROM subject WHERE handle = '$handle_b'")
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
opus=$(as_user "$dpo" find "$MNT/by-date" -name '*.opus' | head -1)
# Enough audit entries that `audit show` fills a pipe (64 KiB) and waits.
as_user "$trainer" /usr/bin/python3 -c "
import sys
for i in range(900): open(sys.argv[1], 'rb').close()" "$opus" || t_abort "opens" "the trainer cannot open $opus"
sleep 2
# The training seal boxes of the recording's objects (hex).
q "SELECT hex(box) FROM seal WHERE level = 'training' AND object IN
   (SELECT id FROM artifact WHERE recording = '$rid')" >"$T_TMP/boxes"
[ -s "$T_TMP/boxes" ] || t_abort "seals" "no training seal on $rid"
# The sealed card of the second call's subject (erased below) and its
# analysis seal: with the analysis keyring they give the name and number.
q "SELECT hex(ct) FROM record WHERE id = '$card_b'" >"$T_TMP/card"
q "SELECT hex(box) FROM seal WHERE object = '$card_b' AND level = 'analysis'" >>"$T_TMP/card"
[ "$(wc -l <"$T_TMP/card")" = 2 ] || t_abort "card" "no sealed card of $handle_b"
# in_files: how many of those boxes the register's files hold, raw.
in_files()
{
	python3 - "${1:-$T_TMP/boxes}" "$REG" <<'PY'
import os, sys
boxes = [bytes.fromhex(l.strip()) for l in open(sys.argv[1]) if l.strip()]
n = 0
for root, _, files in os.walk(sys.argv[2]):
    for f in files:
        data = open(os.path.join(root, f), 'rb').read()
        n += sum(1 for b in boxes if b in data)
print(n)
PY
}
assert_eq "before the restriction the catalog holds the training seal" "$(wc -l <"$T_TMP/boxes")" "$(in_files)"

mkfifo "$T_TMP/pager"
"$RECCTL" audit show -R "$REG" >"$T_TMP/pager" 2>"$T_TMP/show.err" &
shower=$!
exec {pager}<"$T_TMP/pager"
head -c 200 <&"$pager" >/dev/null	# the pager shows its first screen, then waits
sleep 1
kill -0 "$shower" 2>/dev/null || t_abort "audit show" "it ended at once: $(cat "$T_TMP/show.err")"

assert_ok "privacy: chmod 0 restricts" as_user "$dpo" chmod 0 "$opus"
opus_b=$(as_user "$dpo" find "$MNT/by-subject/$handle_b" -name '*.opus' | head -1)
assert_ok "privacy: rm erases the second call, and its subject with it" as_user "$dpo" rm "$opus_b"
# Writes of the mount (a read's audit entry) retry the checkpoint; give
# them the ten seconds recctl(1) names.
for _ in 1 2 3; do
	as_user "$dpo" cat "$opus" >/dev/null
	sleep 5
done
assert_eq "15 s after the restriction, no file of the register holds the training seal" 0 "$(in_files)"
assert_eq "the erased subject is gone from the catalog" 0 "$(q "SELECT count(*) FROM subject WHERE handle = '$handle_b'")"
assert_eq "15 s after the erasure, no file of the register holds the erased card or its seal" 0 \
	"$(in_files "$T_TMP/card")"

# Control: once the reader is gone, the next checkpoint takes them out.
exec {pager}<&-
wait "$shower" 2>/dev/null
sleep 11
as_user "$dpo" cat "$opus" >/dev/null
sleep 2
assert_eq "once the reader is gone, the next checkpoint takes them out" 0 "$(in_files)"
assert_eq "(the card too)" 0 "$(in_files "$T_TMP/card")"
unmount_recfs "$MNT"
t_done
