#!/bin/bash
# A call of "Per-Olof Ängström" written without the hyphen ("Per Olof
# Ängström") goes to his subject by the joined reading, and the subject
# takes the joined spelling's entries alone, never the whole given name
# "Per" (recfs-manifest(5)).  `recctl subject reindex` writes a subject's
# name entries again from the names its calls gave it, and must read them
# as ingest took them: were "Per Olof Ängström" read as written, the
# subject would hold "Per" (middle word Olof), and the next call of his
# father "Per Ängström" on the household line would be taken for
# Per-Olof (joined to his subject, restricted by his objection, in his
# access export); where the mother "Anna Berg" and the daughter
# "Anna-Lena Berg" are both subjects, the mother's next call would go to
# the daughter's subject (atk37 F1).
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || t_abort "sqlite3" "the sqlite3 command is needed"
command -v jq >/dev/null || t_abort "jq" "the jq command is needed"
unset LANG LC_ALL LC_CTYPE
make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
rc() { "$RECCTL" "$@" -R "$REG"; }
restricted() { q "SELECT restricted_since IS NOT NULL AND restricted_since > 0 FROM recording WHERE id = '$1'"; }
TRAIN='"source": "customer-service", "purpose": "training"'

subject_call '{"role": "customer", "name": "Per-Olof Ängström", "phone": "+46 70 555 0101"}' "$TRAIN"
R1=$R
H=$(handle_of "$R1")
assert_ok "Per-Olof objects to training" rc subject object "$H" --purpose training
subject_call '{"role": "customer", "name": "Per Olof Ängström", "phone": "+46 70 555 0101"}' "$TRAIN"
given_before=$(q "SELECT count(*) FROM subject_index WHERE handle = '$H' AND kind = 'given'")

# Control: before a reindex the father's first call is his own.
subject_call '{"role": "customer", "name": "Per Ängström", "phone": "+46 70 555 0101"}' "$TRAIN"
two_rec_subjects "before reindex: Per Ängström on the line is not Per-Olof Ängström (control)" "$R1" "$R"

# The same on a second line, with a reindex between.
subject_call '{"role": "customer", "name": "Per-Olof Ängström", "phone": "+46 70 555 0202"}' "$TRAIN"
R4=$R
H4=$(handle_of "$R4")
assert_ok "the second Per-Olof objects to training" rc subject object "$H4" --purpose training
subject_call '{"role": "customer", "name": "Per Olof Ängström", "phone": "+46 70 555 0202"}' "$TRAIN"
assert_ok "subject reindex" rc subject reindex --level-keyring "$KEYS/privacy.keyring"
assert_eq "reindex gives the subject no whole given name the calls did not" "$given_before" \
	"$(q "SELECT count(*) FROM subject_index WHERE handle = '$H4' AND kind = 'given'")"
subject_call '{"role": "customer", "name": "Per Ängström", "phone": "+46 70 555 0202"}' "$TRAIN"
R6=$R
two_rec_subjects "after reindex: Per Ängström on the line is not Per-Olof Ängström" "$R4" "$R6"
assert_eq "after reindex: Per Ängström's training call is not restricted by Per-Olof's objection" "0" \
	"$(restricted "$R6")"
ids=$(export_ids "$H4" "$T_TMP/export")
case " $ids " in
*" $R6 "*) fail "after reindex: Per-Olof's access export does not hold Per Ängström's call" "it does: $ids" ;;
*) pass "after reindex: Per-Olof's access export does not hold Per Ängström's call" ;;
esac

# Both already subjects: the daughter "Anna-Lena Berg" (her personnummer
# on her card) and the mother "Anna Berg" on one household line.  A call
# of the daughter written "Anna Lena Berg" with her personnummer is hers
# (the joined reading); after a reindex her subject holds "Anna" (middle
# word Lena) too, and the mother's next call goes to the daughter.
subject_call '{"role": "customer", "name": "Anna-Lena Berg", "phone": "+358 40 161 0006", "ref": "19900101-1234"}'
R7=$R
subject_call '{"role": "customer", "name": "Anna Berg", "phone": "+358 40 161 0006"}'
R8=$R
two_rec_subjects "Anna-Lena Berg and Anna Berg on one line are two subjects (control)" "$R7" "$R8"
subject_call '{"role": "customer", "name": "Anna Lena Berg", "phone": "+358 40 161 0006", "ref": "19900101-1234"}'
assert_ok "subject reindex" rc subject reindex --level-keyring "$KEYS/privacy.keyring"
subject_call '{"role": "customer", "name": "Anna Berg", "phone": "+358 40 161 0006"}'
same_rec_subject "after reindex: Anna Berg's next call goes to her own subject" "$R8" "$R"
two_rec_subjects "after reindex: Anna Berg's next call is not the daughter's" "$R7" "$R"
t_done
