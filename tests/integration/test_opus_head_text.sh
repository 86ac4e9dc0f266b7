#!/bin/bash
# Free text a recorder puts in the audio must not reach levels below
# details_level: recctl(1) says the audio is stored without the comment
# tags and vendor string "that may hold free text, which may name
# someone", and that only what libopus and opusenc write about themselves
# stays.  The OpusHead packet may carry bytes after its 19 (RFC 7845:
# a version from 2 to 15 is compatible and a reader ignores what follows
# the fields it knows); libopusfile takes such a file, and ingest stored the
# packet as it came, so a name and a phone number there reached every level
# that hears the call (atk29 F2).  Ingest now refuses an OpusHead longer
# than its fields.  (Text after the OpusTags comment list is removed:
# checked too.)
. "$(dirname "$0")/lib.sh"

for tool in opusdec strings python3; do
	command -v "$tool" >/dev/null || t_abort "needs $tool" "not installed"
done
export LC_ALL=C.UTF-8

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
MARK="HEADSECRET Pirkko Salo +358402222222"
MARK2="TAILSECRET Kalle Salo +358403333333"

# head IN OUT TEXT: IN with its OpusHead (version 1, alone on the first
# page, as opusenc writes it) made version 2 and TEXT after its fields.
# tail IN OUT TEXT: IN with TEXT (after a byte whose low bit is set: data
# to keep, RFC 7845 5.2) after the OpusTags comment list, its page re-laced.
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$T_ROOT/tests/integration" python3 - \
	"$T_ROOT/tests/fixtures/mono.opus" "$SPOOL" "$MARK" "$MARK2" <<'PY' || t_abort "craft" "cannot make the files"
import sys, oggpages
src, out, mark, mark2 = sys.argv[1], sys.argv[2], sys.argv[3].encode(), sys.argv[4].encode()
ps = oggpages.pages(open(src, "rb").read())
rest = lambda i: b"".join(bytes(p) for p in ps[i:])
p = ps[0]
assert p[26] == 1 and bytes(p[28:36]) == b"OpusHead" and p[27] == 19, "OpusHead not alone on page 1"
pkt = bytearray(p[28:28 + 19])
pkt[8] = 2
pkt = bytes(pkt) + b" " + mark
h = bytearray(p[:26]) + bytes([1, len(pkt)]) + pkt
open(out + "/head.opus", "wb").write(bytes(oggpages.fix(h)) + rest(1))
p = ps[1]
n = p[26]
data = bytes(p[27 + n:])
assert data[:8] == b"OpusTags" and sum(p[27:27 + n]) == len(data), "OpusTags not alone on page 2"
data += b"\x01 " + mark2
lace = [255] * (len(data) // 255) + [len(data) % 255]
t = bytearray(p[:26]) + bytes([len(lace)]) + bytes(lace) + data
open(out + "/tail.opus", "wb").write(bytes(ps[0]) + bytes(oggpages.fix(t)) + rest(2))
PY
assert_ok "the OpusHead file decodes" opusdec --quiet "$SPOOL/head.opus" "$T_TMP/head.wav"
assert_contains "the recorder's file carries the text" "$(strings "$SPOOL/head.opus")" "$MARK"

for s in head tail; do
	printf '{"recorded_at": "2026-11-0%dT10:00:00Z", "source": "customer-service", "audio": "%s.opus",
		 "subjects": [{"role": "customer", "phone": "+3585055500%02d"}]}\n' \
		"$([ $s = head ] && echo 1 || echo 2)" "$s" "$RANDOM" >"$SPOOL/$s.json"
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/$s.json" >"$T_TMP/ingest.$s" 2>&1
done
assert_contains "the OpusHead with bytes past its fields is quarantined, and says why" \
	"$(cat "$T_TMP/ingest.head")" "OpusHead header holds"
trainer=$(make_level_user training)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"

# What the training level reads of each (nothing when it was quarantined).
read_as_trainer()
{
	as_user "$trainer" sh -c 'for f in "$1"/by-date/2026/11/"$2"/*.opus; do [ -e "$f" ] && cat "$f"; done' sh "$MNT" "$1" |
		strings
}
assert_not_contains "the training level reads no text of the OpusHead" "$(read_as_trainer 01)" "HEADSECRET"
assert_not_contains "the training level reads no text after the OpusTags comments" "$(read_as_trainer 02)" "TAILSECRET"

unmount_recfs "$MNT"
t_done
