#!/bin/bash
# tests/bench/levels.sh - what levels walking by turns cost (issue 13).
#
#   tests/bench/levels.sh [--count N] [--turns N] [--runs N] [--ls] [--shared]
#
# As root, from a built tree.  One register of N recordings (default 1000),
# a user of the training level and one of the analysis level, and two set-
# ups: one mount of every level (shared), and one mount per level
# (`-o level=`).  On each, the two users walk the tree (`find MNT -type f`,
# or with --ls `ls -lR MNT`, which stats every entry) TURNS times in all (default 10): first each alone (TURNS/2 walks of one,
# then TURNS/2 of the other), then by turns (one, the other, ...).  Both
# series hold the same walks; the ratio alternating / alone is what issue
# 13 bounds (<= 1.5).  --shared: the shared mount only (for a build
# without -o level=).  Every walk starts warm (each user walked once
# before).  Prints one line per run and set-up, and the medians.  Asserts
# nothing; exit status 0 when it could run.  Uses the helpers of
# tests/integration/lib.sh (users, mounts, cleanup) and the walks of
# turns.sh (shared with run.sh's row "levels alternating").
COUNT=1000 TURNS=10 RUNS=3 LS=0 SETUPS="shared levels"
while [ $# -gt 0 ]; do
	case "$1" in
	--count) COUNT=${2:?}; shift ;;
	--turns) TURNS=${2:?}; shift ;;
	--runs) RUNS=${2:?}; shift ;;
	--ls) LS=1 ;;
	--shared) SETUPS=shared ;;
	-h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "levels.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" -eq 0 ] || { echo "levels.sh: run as root (mounts, useradd)" >&2; exit 1; }
. "$(dirname "$0")/../integration/lib.sh"
TURNS_LS=$LS
. "$(dirname "$0")/turns.sh"

make_register "$T_TMP/a"
gen_manifests "$T_TMP/spool" "$COUNT" --seed 7 --meetings 0.3
ingest_spool "$T_TMP/spool"
trainer=$(make_level_user training)
analyst=$(make_level_user analysis)

MNT_S=$T_TMP/mnt-shared MNT_A=$T_TMP/mnt-analysis MNT_T=$T_TMP/mnt-training
mount_all_levels "$MNT_S"
if [ "$SETUPS" != shared ]; then
	T_MOUNT_OPTS=level=analysis mount_recfs "$REG" "$MNT_A" "$KEYS/analysis.keyring" || t_abort mount "level=analysis"
	T_MOUNT_OPTS=level=training mount_recfs "$REG" "$MNT_T" "$KEYS/training.keyring" || t_abort mount "level=training"
fi
printf 'files: analysis %s, training %s; %s walks (%s) per series\n' \
	"$(as_user "$analyst" find "$MNT_S" -type f | wc -l)" "$(as_user "$trainer" find "$MNT_S" -type f | wc -l)" "$TURNS" \
	"$([ "$LS" = 1 ] && echo 'ls -lR' || echo 'find -type f')"
ratios_s=() ratios_l=()
for r in $(seq 1 "$RUNS"); do
	for setup in $SETUPS; do
		if [ "$setup" = shared ]; then da=$MNT_S dt=$MNT_S; else da=$MNT_A dt=$MNT_T; fi
		read -r alone turns ratio < <(turns_run "$TURNS" "$analyst" "$da" "$trainer" "$dt")
		printf 'run %s %-7s alone %7s s  by turns %7s s  ratio %s\n' "$r" "$setup" "$alone" "$turns" "$ratio"
		if [ "$setup" = shared ]; then ratios_s+=("$ratio"); else ratios_l+=("$ratio"); fi
	done
done
python3 -c "import statistics, sys; n = int(sys.argv[1]); s = sys.argv[2:2 + n]; l = sys.argv[2 + n:]; \
m = lambda x: '%.2f' % statistics.median(map(float, x)) if x else '-'; \
print('levels alternating (by turns / alone), median of %d: shared mount %s, one mount per level %s (issue 13: <= 1.5)' \
% (n, m(s), m(l)))" "$RUNS" "${ratios_s[@]}" "${ratios_l[@]}"
unmount_recfs "$MNT_S"
[ "$SETUPS" = shared ] || { unmount_recfs "$MNT_A"; unmount_recfs "$MNT_T"; }
