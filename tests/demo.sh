#!/bin/bash
# recfs demo: installs what it needs (Debian 12, as root), builds, creates a
# register from the shipped example policy with synthetic calls and
# meetings, mounts it and shows around.  Run again to start afresh;
# `tests/demo.sh stop` unmounts and removes the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

REG=${RECFS_DEMO_REGISTER:-/var/lib/recfs-demo}
KEYS=${RECFS_DEMO_KEYS:-/etc/recfs-demo}
MNT=${RECFS_DEMO_MOUNT:-/mnt/recfs-demo}
COUNT=${RECFS_DEMO_COUNT:-60}

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
as() { local u=$1; shift; runuser -u "$u" -- "$@"; }

stop() {
	if mountpoint -q "$MNT" 2>/dev/null; then
		fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT"
	fi
	rm -rf "$REG" "$KEYS"
}

if [ "${1:-}" = stop ]; then
	stop
	echo "demo removed"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (it installs packages, adds users and mounts)" >&2; exit 1; }

packaging/install-deps.sh

say "building"
make -s WERROR=1
ctl="$top/build/recctl"

say "users and groups of each access level"
for g in recfs-training recfs-analysis recfs-privacy; do groupadd -f "$g"; done
for u in trainer:recfs-training analyst:recfs-analysis dpo:recfs-privacy; do
	name=recfs-${u%%:*}
	id "$name" >/dev/null 2>&1 || useradd -M -N -s /usr/sbin/nologin -g "${u#*:}" "$name"
	echo "  $name in ${u#*:}"
done

say "register $REG from packaging/examples/tamro.conf"
stop
"$ctl" init "$REG" --policy packaging/examples/tamro.conf --keyrings "$KEYS" --no-passphrase

say "$COUNT synthetic calls and meetings (espeak-ng speech, chat, shared PDFs)"
spool=$(mktemp -d)
python3 tests/gen/gen_register.py "$spool" --count "$COUNT" --seed 7 --clips /var/cache/recfs-demo-clips >/dev/null
"$ctl" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$spool"/*.json
rm -rf "$spool"

say "mounting at $MNT (keyrings of all three levels)"
mkdir -p "$MNT"
"$top/build/recfs" "$REG" "$MNT" -o "keyring=$KEYS/training.keyring:$KEYS/analysis.keyring:$KEYS/privacy.keyring"
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

The demo register is mounted at $MNT.  Try, for example:
  runuser -u recfs-analyst -- ls -lR $MNT/by-source | less
  runuser -u recfs-analyst -- getfattr -d $MNT/by-subject/*/ 2>/dev/null | head
  runuser -u recfs-dpo -- chmod 0 <file.opus>        # restrict (Art. 18)
  runuser -u recfs-dpo -- rm <file.opus>             # erase (Art. 17)
  $ctl audit show -R $REG | tail; $ctl audit verify -R $REG
Remove it all with: tests/demo.sh stop
MSG
