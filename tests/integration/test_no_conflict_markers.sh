#!/bin/bash
# atk38 F5: the split commit left a merge's conflict markers (and both
# sides of the comment) in meta/subject.h.  No source, man page or test
# holds a conflict marker.
. "$(dirname "$0")/lib.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
for d in fs meta tools packaging tests README.md; do
	hits=$(grep -rlE '^(<<<<<<<|>>>>>>>) ' "$top/$d" 2>/dev/null | sed "s|^$top/||")
	assert_eq "no conflict marker under $d" "" "$hits"
done
t_done
