#!/bin/bash
# The retention sweep keeps a subject's expired recordings while an access
# or portability request of theirs is open and not yet due (its answer is
# of the data held at receipt), and no longer: a request whose requester
# was asked to prove their identity and never answered is past its due
# date (request list --overdue lists it), and keeps nothing past
# retention, so anyone who asks for a person's data and never proves who
# they are does not keep that person's expired recordings in the register.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
rc() { "$RECCTL" "$@" -R "$REG"; }
# recorded long ago: past every purpose's retention
ingest_call old 2020-01-06T10:00:00Z '{"role": "customer", "name": "Kaisa Lehto", "phone": "+358401110001"}'
id=$(id_at 2020-01-06T10:00:00Z)
H=$(handle_of "$id")
# An unverified request, received two years ago; the requester was asked for
# proof of identity and never sent it.
req=$(rc request new --type access --subject "$H" --received "$(date -u -d '2 years ago' +%F)" 2>&1 |
	grep -o 'request [0-9]\+' | grep -o '[0-9]\+' | head -n 1)
[ -n "$req" ] || t_abort "request new" "no request number"
assert_ok "the requester is asked for proof of identity" rc request await "$req" identity
assert_ok "dry run" rc retention sweep --dry-run --json
echo "$T_OUT" | grep -E 'expired|erase|skipped_request' | sed 's/^/   /'
assert_ok "sweep" rc retention sweep
echo "$T_OUT" | sed 's/^/   /'
assert_eq "a recording four years past its retention, its only request unverified for two years, is erased" \
	"0" "$(q "SELECT count(*) FROM recording WHERE id = '$id'")"
echo "   request list --overdue: $(rc request list --overdue 2>&1 | tr "\n" "|")"
t_done
