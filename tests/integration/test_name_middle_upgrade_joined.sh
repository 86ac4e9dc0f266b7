#!/bin/bash
# A register from before catalog schema 26 joined "José Luis" and "José
# Manuel Martínez Soto" on their family's line and booking into one
# subject (the middle words were not compared).  After the upgrade, recfs
# says to run `recctl subject reindex` once "so that every subject is ...
# told apart by its names, as they are compared now".  Reindex does not
# part a subject: the brothers stay one subject, which now holds the
# middle words of both, so every later call of either joins it, and one
# brother's access export and erasure keep taking the other's calls.
# Reindex must name the subjects that hold names the rules now tell
# apart, so that the officer parts them (`recctl subject split`) (atk36
# F8).
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
p='"phone": "+34 954 300 001", "ref": "QZ8M5T"'
subject_call "{\"role\": \"customer\", \"name\": \"José Luis Martínez Soto\", $p}"; jl=$R
h=$(handle_of "$jl")
# As schema 25 left the register: no middle entries, not marked.
q "DELETE FROM subject_index WHERE kind = 'middle';
   DELETE FROM meta WHERE key = 'subject_reindex'; PRAGMA user_version = 25" ||
	t_abort "schema 25" "cannot make the register of schema 25"
subject_call "{\"role\": \"customer\", \"name\": \"José Manuel Martínez Soto\", $p}"; jm=$R
assert_eq "before reindex (schema 25 subject) José Manuel joins José Luis, as documented" "$h" "$(handle_of "$jm")"
out=$("$RECCTL" subject reindex -R "$REG" --level-keyring "$KEYS/privacy.keyring" --keyring "$KEYS/ingest.keyring" 2>&1)
assert_contains "reindex names the subject that holds 'José Luis' and 'José Manuel Martínez Soto'" "$out" "$h"
assert_contains "and says what to do" "$out" "recctl subject split"
subject_call "{\"role\": \"customer\", \"name\": \"José Luis Martínez Soto\", \"phone\": \"+34 600 300 002\"}"; own=$R
out=$("$RECCTL" subject reindex -R "$REG" --level-keyring "$KEYS/privacy.keyring" --keyring "$KEYS/ingest.keyring" 2>&1)
assert_not_contains "a subject of one person's names is not named" "$out" "$(handle_of "$own")"

t_done
