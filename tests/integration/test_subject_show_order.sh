#!/bin/bash
# `recctl subject show` lists a subject's recordings in the order they were
# recorded, as a privacy officer reads a person's history, not by their
# random ids (bb7 F6).  Six calls of one caller, one a day: ordered by id
# they would come in time order once in 720 runs.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
for _ in 1 2 3 4 5 6; do numbered_call "Greta Ordning" "+46701234500"; done
h=$(handle_of "$(id_at "$(call_day 1)")")
[ -n "$h" ] || t_abort "data" "no subject for the first call"
assert_ok "subject show --json" "$RECCTL" subject show "$h" -R "$REG" --level-keyring "$KEYS/privacy.keyring" --json
times=$(printf '%s' "$T_OUT" | jq -r '.recordings[].recorded_at')
assert_eq "the six calls are listed" 6 "$(printf '%s\n' "$times" | grep -c .)"
assert_eq "in the order they were recorded" "$(printf '%s\n' "$times" | sort | paste -sd' ')" \
	"$(printf '%s\n' "$times" | paste -sd' ')"
assert_ok "subject show" "$RECCTL" subject show "$h" -R "$REG" --level-keyring "$KEYS/privacy.keyring"
assert_eq "and so in the text form" "$(printf '%s\n' "$T_OUT" | grep -o '2026-11-0[1-6]T10:00:00Z' | paste -sd' ')" \
	"$(printf '%s\n' "$times" | paste -sd' ')"
t_done
