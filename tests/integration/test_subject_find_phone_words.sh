#!/bin/bash
# Ingest reads a phone number by its digits, whatever else the recorder
# wrote beside them: "puh. 040-264 2312", "040-264 2312 (työ)" and
# "tel. +358 40 264 2312" link to the subject who called as "040-264 2312".
# The privacy officer looks the requester up with `recctl subject find` and
# the number as the requester's letter or e-mail signature writes it.
# subject_may_be_phone takes a text with any letter for no phone, so find
# does not look these up as numbers: "no subject matches", which leads to
# a wrong "no data" answer (Art. 15).  Expected: found, as ingest reads it.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
make_register "$T_TMP/a"
customer_call c1 "2026-11-01T10:00:00Z" "Åsa Lindström" "040-264 2312"
customer_call c2 "2026-11-02T10:00:00Z" "Åsa Lindström" "puh. 040-264 2312"
h1=$(handle_of "$(id_at 2026-11-01T10:00:00Z)")
h2=$(handle_of "$(id_at 2026-11-02T10:00:00Z)")
[ -n "$h1" ] || t_abort "data" "no subject for the first call"
assert_eq "control: ingest reads 'puh. 040-264 2312' as '040-264 2312'" "$h1" "$h2"

find_h() { "$RECCTL" subject find "$1" -R "$REG" --keyring "$KEYS/ingest.keyring" 2>&1 | cut -f1 | head -n 1; }
assert_eq "control: subject find '040-264 2312'" "$h1" "$(find_h "040-264 2312")"
assert_eq "subject find 'puh. 040-264 2312' (as ingest reads it)" "$h1" "$(find_h "puh. 040-264 2312")"
assert_eq "subject find '040-264 2312 (työ)' (as ingest reads it)" "$h1" "$(find_h "040-264 2312 (työ)")"
assert_eq "subject find 'tel. 040-264 2312' (as ingest reads it)" "$h1" "$(find_h "tel. 040-264 2312")"
t_done
