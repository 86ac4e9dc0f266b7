#!/bin/bash
# A split gives the new subject the phone number and reference of HANDLE's
# card as it stands in the split's transaction: a rectification that
# commits between the split's checks and its transaction is kept (atk58
# F2: the new card took the number rectified away, and a new call from
# that number went to the new subject).  gdb holds the split (held_at).
. "$(dirname "$0")/lib.sh"

split_register
split_household
[ -n "$H" ] && [ "$(handle_of "$M1")" = "$H" ] || t_abort "setup" "the household is not one subject"

held_at rights_split_subject "$RECCTL subject rectify -R $REG $H phone +34600111222 --level-keyring $PK" -- \
	subject split "$H" "$M1"
grep -q "split" "$T_TMP/held.out" || t_abort "split" "$(tail -n 5 "$T_TMP/held.out")"
N=$(handle_of "$M1")
[ -n "$N" ] && [ "$N" != "$H" ] || t_abort "split" "no new subject: $(tail -n 5 "$T_TMP/held.out")"
assert_eq "control: the rectification stands on HANDLE's card" '"+34600111222"' "$(card_of "$H" '.phone')"
assert_eq "the new card takes HANDLE's card's phone as it stands at the split" '"+34600111222"' "$(card_of "$N" '.phone')"
# a new call from the number rectified away
subject_call '{"role": "customer", "name": "José Martínez Soto", "phone": "+34 912 345 678"}' "$FIELDS"
assert_not_contains "... and the number rectified away does not find the new subject" "$(handle_of "$R")" "$N"
t_done
