#!/bin/bash
# A killed export leaves no decrypted data under its final names unlogged
# (atk26 F2).  meta/export.c: "Nothing is disclosed unless it is logged".
#  1. `recctl subject export` killed (SIGKILL, OOM killer, power loss)
#     after it wrote the decrypted card and before its audit entries
#     commit: nothing is left in DIR/HANDLE (the files are in a hidden
#     folder until the log commits), and the next export into DIR
#     succeeds and removes what the killed one left (recctl(1)).
#     strace delays the later links and renames of files so that the kill
#     comes after the card and before the log.
#  2. `recctl keys export -o FILE` killed in its fsync leaves no complete
#     raw keyring beside FILE (FILE.tmp.XXXXXX): it is written unnamed
#     (O_TMPFILE) and named once whole.
. "$(dirname "$0")/lib.sh"

command -v strace >/dev/null || t_abort "strace" "the strace command is needed"
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -m 0700 "$SPOOL"
customer_call a 2026-11-13T10:00:00Z "Qzexport Killedperson" "+358401230022"
H=$(q "SELECT DISTINCT handle FROM link")
OUT=$T_TMP/out
mkdir -m 0700 "$OUT"
exports() { q "SELECT count(*) FROM audit WHERE action = 'export' AND object = '$H'"; }

# Control: an export that completes is logged.
assert_ok "an export that completes" "$RECCTL" subject export -R "$REG" "$H" "$T_TMP/ok" \
	--level-keyring "$KEYS/privacy.keyring"
assert_eq "and is logged" 1 "$(exports)"

# --- 1. subject export killed before its log --------------------------------
strace -f -o "$T_TMP/strace.out" -e trace=rename,linkat \
	-e inject=rename,linkat:delay_enter=5000000:when=2+ \
	"$RECCTL" subject export -R "$REG" "$H" "$OUT" --level-keyring "$KEYS/privacy.keyring" \
	>"$T_TMP/export.out" 2>&1 &
tracer=$!
export_pid=""
for _ in $(seq 1 100); do
	export_pid=$(pgrep -P "$tracer" -x recctl | head -1)
	[ -n "$export_pid" ] && [ -n "$(find "$OUT" -name subject.json 2>/dev/null)" ] && break
	sleep 0.1
done
[ -n "$(find "$OUT" -name subject.json)" ] || t_abort "strace" "the export wrote no card: $(cat "$T_TMP/export.out")"
kill -KILL "$export_pid"
wait "$tracer" 2>/dev/null

left=$(grep -rl "Qzexport Killedperson" "$OUT/$H" 2>/dev/null | wc -l)
logged=$(exports)
assert_eq "the killed export is not logged (the kill came before the log)" 1 "$logged"
assert_eq "no decrypted card is left in DIR/HANDLE of an export that is not logged" 0 "$left"
assert_eq "no file of the killed export is left under its final name" "" \
	"$(ls -A "$OUT/$H" 2>/dev/null)"
assert_ok "the next export into the same folder" "$RECCTL" subject export -R "$REG" "$H" "$OUT" \
	--level-keyring "$KEYS/privacy.keyring"
assert_eq "it is logged" 2 "$(exports)"
assert_eq "it removed what the killed export left: only its own folder is there" "$H" \
	"$(ls -A "$OUT" | tr '\n' ' ' | sed 's/ $//')"
assert_eq "the subject's name is in as many files as in a complete export" \
	"$(grep -rl "Qzexport Killedperson" "$T_TMP/ok" | wc -l)" "$(grep -rl "Qzexport Killedperson" "$OUT" | wc -l)"

# --- 2. keys export killed in its fsync --------------------------------------
KX=$T_TMP/kx
mkdir -m 0700 "$KX"
strace -f -o "$T_TMP/strace2.out" -e trace=fsync -e inject=fsync:delay_enter=5000000 \
	"$RECCTL" keys export training analysis -R "$REG" --keyring "$KEYS/training.keyring" \
	--keyring "$KEYS/analysis.keyring" \
	--no-passphrase -o "$KX/mount.keyring" >"$T_TMP/kx.out" 2>&1 &
tracer=$!
kx_pid=""
for _ in $(seq 1 100); do
	kx_pid=$(pgrep -P "$tracer" -x recctl | head -1)
	[ -n "$kx_pid" ] && grep -q 'fsync' "$T_TMP/strace2.out" 2>/dev/null && break
	sleep 0.1
done
# The first fsync is the keyring's own (strace shows it once it is entered
# with -f: "<unfinished ...>" or the resumed line).
sleep 1
[ -n "$kx_pid" ] && kill -0 "$kx_pid" 2>/dev/null ||
	t_abort "strace" "keys export ended before the kill: $(cat "$T_TMP/kx.out")"
kill -KILL "$kx_pid"
wait "$tracer" 2>/dev/null
assert_eq "a keys export killed in its fsync leaves no file beside FILE" "" "$(ls -A "$KX")"
# Control: one that completes writes FILE.
assert_ok "a keys export that completes" "$RECCTL" keys export training -R "$REG" \
	--keyring "$KEYS/training.keyring" --no-passphrase -o "$KX/done.keyring"
assert_eq "and leaves FILE only" "done.keyring" "$(ls -A "$KX")"
t_done
