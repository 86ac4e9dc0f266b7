#!/bin/bash
# recfs demo: installs what it needs (Debian 12, as root), builds, creates a
# register from the shipped example policy with synthetic calls and
# meetings, mounts it and shows around.  Run again to start afresh;
# `tests/demo.sh stop` unmounts and removes the demo, and the users and
# groups it added.  Each setup step is one line; what its commands print
# goes to a log, shown when one fails.
#
# Sourced (tests/integration/test_readme.sh does), it only defines the
# demo's names and demo_register, so that the README test runs the README's
# commands against a register built the same way.

# Where the demo puts things, and its users: name:level, each in group
# recfs-<level>.  The README's tour names these.
DEMO_REGISTER=/var/lib/recfs-demo
DEMO_KEYS=/etc/recfs-demo
DEMO_MOUNT=/mnt/recfs-demo
DEMO_USERS="recfs-trainer:training recfs-analyst:analysis recfs-dpo:privacy"
DEMO_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# demo_register RECCTL REGISTER KEYS COUNT CLIPS: the demo's register:
# `recctl init` of REGISTER from packaging/examples/tamro.conf with raw
# keyrings (no passphrase) in KEYS, then COUNT synthetic calls and meetings
# (seed 7; clip pool cached in CLIPS) ingested with KEYS/ingest.keyring.
# Prints what recctl prints; returns non-zero when a step fails.
demo_register()
{
	local ctl=$1 reg=$2 keys=$3 count=$4 clips=$5 spool rc=0
	"$ctl" init "$reg" --policy "$DEMO_TOP/packaging/examples/tamro.conf" \
		--keyrings "$keys" --no-passphrase || return
	spool=$(mktemp -d) || return
	python3 "$DEMO_TOP/tests/gen/gen_register.py" "$spool" --count "$count" --seed 7 --clips "$clips" &&
		"$ctl" ingest -R "$reg" --keyring "$keys/ingest.keyring" "$spool"/*.json || rc=$?
	rm -rf "$spool"
	return "$rc"
}

[ "${BASH_SOURCE[0]}" = "$0" ] || return 0

set -euo pipefail
cd "$DEMO_TOP"
top=$PWD

REG=${RECFS_DEMO_REGISTER:-$DEMO_REGISTER}
KEYS=${RECFS_DEMO_KEYS:-$DEMO_KEYS}
MNT=${RECFS_DEMO_MOUNT:-$DEMO_MOUNT}
COUNT=${RECFS_DEMO_COUNT:-60}

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
as() { local u=$1; shift; runuser -u "$u" -- "$@"; }

# The users and groups that the demo added (not those the host had), one
# "user NAME" or "group NAME" a line, for `demo.sh stop`.
MADE=${REG}.made

stop() {
	if mountpoint -q "$MNT" 2>/dev/null; then
		fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT"
	fi
	rm -rf "$REG" "$KEYS"
}

# remove_made: the users the demo added, then its groups.
remove_made()
{
	local kind k name
	[ -f "$MADE" ] || return 0
	for kind in user group; do
		while read -r k name; do
			[ "$k" = "$kind" ] || continue
			if [ "$kind" = user ] && id "$name" >/dev/null 2>&1; then
				userdel "$name" || echo "demo.sh: cannot remove user $name" >&2
			elif [ "$kind" = group ] && getent group "$name" >/dev/null; then
				groupdel "$name" || echo "demo.sh: cannot remove group $name" >&2
			fi
		done <"$MADE"
	done
	rm -f "$MADE"
}

if [ "${1:-}" = stop ]; then
	[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root" >&2; exit 1; }
	stop
	remove_made
	echo "demo removed: mount, register, keyrings, and the users and groups it added"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (it installs packages, adds users and mounts)" >&2; exit 1; }

LOG=$(mktemp "${TMPDIR:-/tmp}/recfs-demo.XXXXXX.log")

# step TEXT CMD...: one line for the step; CMD's output goes to $LOG and is
# shown, with the step, only when CMD fails.
step()
{
	local text=$1
	shift
	printf '== %s\n' "$text"
	printf '\n== %s\n' "$text" >>"$LOG"
	if ! "$@" >>"$LOG" 2>&1; then
		printf 'demo.sh: %s failed; the end of its log (%s):\n' "$text" "$LOG" >&2
		tail -n 30 "$LOG" >&2
		exit 1
	fi
}

users()
{
	local u name level
	for u in $DEMO_USERS; do
		name=${u%%:*}
		level=${u#*:}
		if ! getent group "recfs-$level" >/dev/null; then
			groupadd "recfs-$level" || return
			echo "group recfs-$level" >>"$MADE"
		fi
		if ! id "$name" >/dev/null 2>&1; then
			useradd -M -N -s /usr/sbin/nologin -g "recfs-$level" "$name" || return
			echo "user $name" >>"$MADE"
		fi
	done
}

mount_demo()
{
	mkdir -p "$MNT" &&
		"$top/build/recfs" "$REG" "$MNT" -o "keyring=$KEYS/training.keyring:$KEYS/analysis.keyring:$KEYS/privacy.keyring"
}

echo "recfs demo (setup log: $LOG)"
step "packages (packaging/deps.txt)" packaging/install-deps.sh
step "building" make -s WERROR=1
ctl="$top/build/recctl"
step "users of each level (user:level): $DEMO_USERS" users
stop
step "register $REG from packaging/examples/tamro.conf, $COUNT synthetic calls and meetings" \
	demo_register "$ctl" "$REG" "$KEYS" "$COUNT" /var/cache/recfs-demo-clips
printf '   %s\n' "$(tail -n 1 "$LOG")"
step "mounting at $MNT (keyrings of all three levels)" mount_demo
for _ in $(seq 50); do [ -e "$MNT/README.txt" ] && break; sleep 0.1; done

say "the tree (as the analyst)"
as recfs-analyst find "$MNT" -maxdepth 3 | sed -n "1,12p"
# A customer-service call: training may hear it too, but sees no names.
first=$(as recfs-trainer find "$MNT/by-date" -name '*.opus' | sed -n 1p)
echo "..."
say "one recording: ls -l, getfattr -d (as the analyst)"
as recfs-analyst ls -l "$(dirname "$first")"
as recfs-analyst getfattr -d -e text "$first"
say "the trainer sees fewer recordings and no names"
printf '  analyst: %s files   trainer: %s files\n' \
	"$(as recfs-analyst find "$MNT/by-date" -type f | wc -l)" \
	"$(as recfs-trainer find "$MNT/by-date" -type f | wc -l)"
echo "  the trainer's getfattr -d of the same call:"
as recfs-trainer getfattr -d -e text "$first" 2>&1 | sed 's/^/    /' || true
say "decrypted on the fly: opusinfo and the WAV view"
as recfs-analyst opusinfo "$first" | sed -n '1,12p'
as recfs-analyst soxi "${first%.opus}.wav" 2>/dev/null || true
say "the register notice (README.txt on the mount)"
head -n 15 "$MNT/README.txt"
say "the audit log (tail)"
"$ctl" audit show -R "$REG" | tail -n 5

cat <<MSG

The demo register is mounted at $MNT.  Root has no level there: run
commands, globs included, as a level user, for example:
  runuser -u recfs-analyst -- ls -lR $MNT/by-source | less
  runuser -u recfs-analyst -- sh -c 'getfattr -d -e text $MNT/by-subject/*/' | head
  runuser -u recfs-dpo -- chmod 0 '$first'    # restrict (Art. 18)
  runuser -u recfs-dpo -- rm '$first'         # erase (Art. 17)
  $ctl audit show -R $REG | tail
  $ctl audit verify -R $REG --verify-key $KEYS/audit-verify.key
The README's tour has more.  Remove it all with: tests/demo.sh stop
MSG
