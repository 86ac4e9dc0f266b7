#!/bin/bash
# Free text a recorder puts in the audio must not reach levels below
# details_level (recctl(1): the audio is stored without what "may hold
# free text, which may name someone"; df50976 refuses bytes past the
# OpusHead's fields, atk29 F2).  An Opus packet itself may carry padding
# (RFC 6716 3.2.5: a code 3 packet's padding, "any value"): the decoder
# skips it, libopusfile and opusdec play the file, and ingest hands the
# audio pages on as they came.  Here the first audio packet of the call
# is made a code 3 packet of its one frame with a name and a phone number
# as its padding: the training level, which hears the call, reads them in
# the .opus file.  Ingest now refuses padding that is not zero bytes.
. "$(dirname "$0")/lib.sh"

for tool in opusdec strings python3; do
	command -v "$tool" >/dev/null || t_abort "needs $tool" "not installed"
done
export LC_ALL=C.UTF-8

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
MARK="PADSECRET Pirkko Salo +358402222222"

PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$T_ROOT/tests/integration" python3 - \
	"$T_ROOT/tests/fixtures/mono.opus" "$SPOOL/pad.opus" "$MARK" <<'PY' || t_abort "craft" "cannot make the file"
import sys, oggpages
src, out, mark = sys.argv[1], sys.argv[2], sys.argv[3].encode()
ps = oggpages.pages(open(src, "rb").read())
p = ps[2]
n = p[26]
lace = list(p[27:27 + n])
assert all(x < 255 for x in lace), "a packet over 254 bytes on page 3"
body = bytes(p[27 + n:])
pkts, off = [], 0
for x in lace:
    pkts.append(body[off:off + x]); off += x
first = pkts[0]
assert first[0] & 3 == 0, "first packet is not code 0"
frame = first[1:]
pad = mark
# code 3, CBR, padding flag, one frame; padding length byte, frame, padding
pkt = bytes([first[0] | 3, 0x40 | 1, len(pad)]) + frame + pad
assert len(pkt) < 255
pkts[0] = pkt
h = bytearray(p[:26]) + bytes([n]) + bytes(len(k) for k in pkts) + b"".join(pkts)
open(out, "wb").write(bytes(ps[0]) + bytes(ps[1]) + bytes(oggpages.fix(h)) + b"".join(bytes(q) for q in ps[3:]))
PY
assert_ok "the padded file decodes" opusdec --quiet "$SPOOL/pad.opus" "$T_TMP/pad.wav"
assert_contains "the recorder's file carries the text" "$(strings "$SPOOL/pad.opus")" "$MARK"
printf '{"recorded_at": "2026-11-01T10:00:00Z", "source": "customer-service", "audio": "pad.opus",
 "subjects": [{"role": "customer", "phone": "+358505550001"}]}\n' >"$SPOOL/pad.json"
"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SPOOL/pad.json" >"$T_TMP/ingest.out" 2>&1
trainer=$(make_level_user training)
MNT=$T_TMP/mnt
mount_all_levels "$MNT"
got=$(as_user "$trainer" sh -c 'for f in "$1"/by-date/2026/11/01/*.opus; do [ -e "$f" ] && cat "$f"; done' sh "$MNT" | strings)
if grep -q PADSECRET <<<"$got"; then
	fail "the training level reads no text of an Opus packet's padding" "$(grep -a PADSECRET <<<"$got")"
else
	pass "the training level reads no text of an Opus packet's padding"
fi
unmount_recfs "$MNT"
t_done
