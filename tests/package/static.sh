#!/bin/bash
# tests/package/static.sh - checks of what the package ships that need no
# root, no mount and no installed package (run by `make check`):
#   - every man page renders with `man --warnings` silent, and holds no
#     control character;
#   - every systemd unit passes `systemd-analyze verify` without a word
#     (the binaries it names taken from the build tree, man pages not
#     looked up: tests/package/smoke.sh verifies the installed units whole);
#   - the bash completion of recctl completes commands, subcommands,
#     options, and the levels and recipients of a register's policy.
# Prints "ok NAME" / "FAIL NAME: why" and "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${RECFS_BUILD:-$ROOT/build}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/recfs-pkgstatic.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL %s: %s\n' "$1" "$2"; }
# check NAME EXPECTED ACTUAL
check() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi; }

# --- man pages ---------------------------------------------------------------
for page in "$ROOT"/packaging/man/*.[0-9]; do
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	check "man --warnings is silent on ${page##*/}" "" "$out"
done
# No control character in a page's source: a "\f" written through a
# script's string became a form feed, which groff passes without a
# warning and man renders as a stray letter ("shared=1R." for
# "shared=1").
for page in "$ROOT"/packaging/man/*.[0-9]; do
	check "no control character in ${page##*/}" "" "$(grep -n '[[:cntrl:]]' "$page" | cut -c1-60 | cat -v)"
done
# Every page that a page refers to is shipped or is another package's.
for ref in $(cat "$ROOT"/packaging/man/*.[0-9] | grep -o '^\.BR rec\(fs\|ctl\)[a-z\\-]* ([0-9])' |
	sed 's/^\.BR \(rec[a-z\\-]*\) (\([0-9]\))/\1.\2/; s/\\-/-/g' | sort -u); do
	if [ -f "$ROOT/packaging/man/$ref" ]; then pass "referenced page $ref is shipped"
	else fail "referenced page $ref is shipped" "no packaging/man/$ref"; fi
done

# Every page is installed by make install (and so by the package).
for page in "$ROOT"/packaging/man/*.[0-9]; do
	if grep -q "packaging/man/[a-z. -]*${page##*/}" "$ROOT/Makefile"; then pass "make install installs ${page##*/}"
	else fail "make install installs ${page##*/}" "not in the Makefile's install target"; fi
done

# --- systemd units -----------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$TMP/units"
	for u in "$ROOT"/packaging/systemd/*; do
		sed "s#/usr/bin/recctl#$BUILD/recctl#g; s#/usr/bin/recfs#$BUILD/recfs#g" "$u" >"$TMP/units/${u##*/}"
	done
	for u in "$TMP"/units/*; do
		out=$(cd "$TMP/units" && systemd-analyze verify --man=no "./${u##*/}" 2>&1)
		check "systemd-analyze verify is silent on ${u##*/}" "" "$out"
	done
	for t in "$ROOT"/packaging/systemd/*.timer; do
		s=${t%.timer}.service
		if [ -f "$s" ]; then pass "${t##*/} has its service"; else fail "${t##*/} has its service" "no ${s##*/}"; fi
	done
else
	fail "systemd-analyze is installed" "not found (apt-get install systemd)"
fi
for u in recfs-retention@.service recfs-retention@.timer; do
	if [ -f "$ROOT/packaging/systemd/$u" ]; then pass "$u is shipped"; else fail "$u is shipped" "missing"; fi
done
# Every service writes into the register (the mount: its audit journal,
# blobs, the catalog's -wal and -shm): what it creates is owner-only.
for u in "$ROOT"/packaging/systemd/*.service; do
	check "${u##*/} creates files owner-only" "UMask=0077" "$(grep '^UMask=' "$u")"
done
check "the retention service runs the sweep" "ExecStart=/usr/bin/recctl retention sweep -R %f" \
	"$(grep '^ExecStart=' "$ROOT/packaging/systemd/recfs-retention@.service" 2>/dev/null)"
check "the retention timer runs daily and catches up" "Persistent=yes" \
	"$(grep '^Persistent=' "$ROOT/packaging/systemd/recfs-retention@.timer" 2>/dev/null)"

# --- bash completion ---------------------------------------------------------
# complete_words WORD... : what the completion offers for the last word.
complete_words()
{
	(
		PATH=$BUILD:$PATH
		# shellcheck source=/dev/null
		. "$ROOT/packaging/completion/recctl"
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_recctl recctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
	)
}
if [ -x "$BUILD/recctl" ]; then
	mkdir -p "$TMP/reg"
	cp "$ROOT/packaging/examples/tamro.conf" "$TMP/reg/policy.conf"
	check "completion: commands" "register request retention" "$(complete_words recctl re)"
	all=$(complete_words recctl '')
	for c in init policy keys ingest watch retention subject request audit fsck protect unlock lock help; do
		case " $all " in
		*" $c "*) pass "completion: command $c is offered" ;;
		*) fail "completion: command $c is offered" "got '$all'" ;;
		esac
	done
	check "completion: subcommands of audit" "head seal setup-keys show verify" "$(complete_words recctl audit '')"
	check "completion: subcommands of subject" "export find merge object rectify reindex show split withdraw-consent" \
		"$(complete_words recctl subject '')"
	check "completion: options of retention sweep" "--dry-run" "$(complete_words recctl retention sweep --d)"
	check "completion: levels of the policy for keys export" "analysis privacy training" \
		"$(complete_words recctl keys export -R "$TMP/reg" '')"
	check "completion: levels after a level" "privacy" \
		"$(complete_words recctl -R "$TMP/reg" keys export analysis p)"
	check "completion: recipients of the policy" \
		"$(sed -n 's/^\[recipient \([^]]*\)\].*/\1/p' "$ROOT/packaging/examples/tamro.conf" | sort | paste -sd' ' -)" \
		"$(RECFS_REGISTER=$TMP/reg complete_words recctl subject export S-1 /tmp --recipient '')"
	check "completion: purposes of the policy" "service-level" \
		"$(RECFS_REGISTER=$TMP/reg complete_words recctl subject object S-1 --purpose se)"
	check "completion: request types" "rectification restriction" \
		"$(complete_words recctl request new --type re)"
	check "completion: help COMMAND" "fsck" "$(complete_words recctl help fs)"
else
	fail "completion tests" "$BUILD/recctl is missing; run make first"
fi

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
