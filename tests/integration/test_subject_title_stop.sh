#!/bin/bash
# atk15 F7: 1423b3b keeps a form of address with a family name alone as the
# name's first word ("Mr Berg" is "mr berg", told apart by it).  With a
# full stop ("Mr. Berg", "Mrs. Berg") that first word reads as an initial,
# M, and the initial rule sends the call to the line's subject of that
# initial: Maija Berg's answer and export then hold a man's call and
# another woman's.  "Mr Berg" without the stop stays a subject of its own.
# The checks assert that "Mr. Berg" / "Mrs. Berg" are not Maija Berg.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
gen_manifests "$T_TMP/g" 4 --seed 7 --meetings 0
mapfile -t clips < <(ls "$T_TMP"/g/*.opus | head -n 4)
[ ${#clips[@]} -ge 4 ] || t_abort "clips" "too few clips"
in=$T_TMP/in
mkdir -p "$in"
i=0
for nm in "Maija Berg" "Anna Berg" "Mr. Berg" "Mrs. Berg"; do
	cp "${clips[$i]}" "$in/c$i.opus"
	printf '{"recorded_at":"2026-11-%02dT10:00:00Z","source":"customer-service","audio":"c%d.opus","subjects":[{"role":"customer","name":"%s","phone":"+358405550001"}]}' \
		$((i + 2)) "$i" "$nm" >"$in/c$i.json"
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$in/c$i.json" >/dev/null 2>&1 ||
		t_abort "ingest" "$nm"
	i=$((i + 1))
done
handle_of() { q "SELECT s.handle FROM subject s JOIN recording_subject rs ON rs.subject = s.id JOIN recording r ON r.id = rs.recording WHERE r.recorded_at = $(date -u -d "$1" +%s)" 2>/dev/null; }
maija=$(handle_of 2026-11-02T10:00:00Z)
mr=$(handle_of 2026-11-04T10:00:00Z)
mrs=$(handle_of 2026-11-05T10:00:00Z)
if [ -z "$maija" ]; then
	# schema differs: read the subjects from recctl subject show
	for h in $("$RECCTL" subject find -R "$REG" --keyring "$KEYS/ingest.keyring" +358405550001 | cut -f1); do
		s=$("$RECCTL" subject show -R "$REG" --level-keyring "$KEYS/privacy.keyring" "$h")
		grep -q "2026-11-02T10" <<<"$s" && maija=$h
		grep -q "2026-11-04T10" <<<"$s" && mr=$h
		grep -q "2026-11-05T10" <<<"$s" && mrs=$h
	done
fi
echo "# Maija Berg $maija, Mr. Berg $mr, Mrs. Berg $mrs"
[ -n "$maija" ] && [ -n "$mr" ] && [ -n "$mrs" ] || t_abort "handles" "not found"
assert_eq "\"Mr. Berg\" on the household line is not Maija Berg" "no" "$([ "$mr" = "$maija" ] && echo yes || echo no)"
assert_eq "\"Mrs. Berg\" on the household line is not Maija Berg" "no" "$([ "$mrs" = "$maija" ] && echo yes || echo no)"
t_done
