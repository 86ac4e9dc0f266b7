#!/bin/bash
# Phone numbers "match by their digits" (recfs-manifest(5)): ingest links a
# call whose number is written "040/264 2312" (the slash of many written
# forms, in Sweden and Germany) or "040–264 2312" (an en dash, as a word
# processor writes it) to the subject who called as "040-264 2312".  The
# privacy officer then looks the requester up with `recctl subject find`
# and the number as the requester's letter writes it.  Expected: find reads
# the number by its digits as ingest does, and finds the subject; a "no
# subject matches" there leads to a wrong "no data" answer (Art. 15).
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
customer_call c1 "2026-11-01T10:00:00Z" "Åsa Lindström" "040-264 2312"
customer_call c2 "2026-11-02T10:00:00Z" "Åsa Lindström" "040/264 2312"
customer_call c3 "2026-11-03T10:00:00Z" "Åsa Lindström" "040–264 2312"
h1=$(handle_of "$(id_at 2026-11-01T10:00:00Z)")
h2=$(handle_of "$(id_at 2026-11-02T10:00:00Z)")
h3=$(handle_of "$(id_at 2026-11-03T10:00:00Z)")
[ -n "$h1" ] || t_abort "data" "no subject for the first call"
assert_eq "ingest: '040/264 2312' is the same subject as '040-264 2312'" "$h1" "$h2"
assert_eq "ingest: '040–264 2312' is the same subject as '040-264 2312'" "$h1" "$h3"

find_h() { "$RECCTL" subject find "$1" -R "$REG" --keyring "$KEYS/ingest.keyring" 2>&1 | cut -f1 | head -n 1; }
assert_eq "subject find '040-264 2312'" "$h1" "$(find_h "040-264 2312")"
assert_eq "subject find '040/264 2312' (as ingest reads it)" "$h1" "$(find_h "040/264 2312")"
assert_eq "subject find '040–264 2312' (as ingest reads it)" "$h1" "$(find_h "040–264 2312")"
t_done
