#!/bin/bash
# Promise tried: recctl(1) AUDIT LOG SEALING and audit verify: with
# --verify-key, verify finds any change to an entry of an epoch that has
# ended ("names the first entry edited, inserted, removed or reordered"),
# and `audit show --recording X --action open` is the "who listened"
# report.
#
# Attack (root with write access to catalog.db, without the sealing keys
# of ended epochs, as recctl(1) describes the attacker): an analyst's open
# of a call is logged and sealed; then the open's row is rewritten in a
# form the chain hash does not see, but SQL does:
#   - the object stored as a BLOB of the same bytes, or with a NUL byte
#     and more after the recording id (meta/audit.c hashes the field as
#     sqlite3_column_text gives it, up to its first NUL, whatever its
#     storage class; the filters compare the stored value),
#   - the action 'open' with a NUL after it,
#   - the uid plus 2^32 and the user name as a BLOB (the hash takes the
#     uid as a uid_t),
#   - the time and time_us stored as BLOBs of their digits (read back as
#     the same numbers, but a BLOB is past every number for --until).
# Each time the chain, the head and every seal still match (and so do the
# anchors, which hold chain hashes), so verify with
# the key says "audit log intact", the plain listing prints the entry as
# before, and the who-listened report (or --user) no longer lists the
# analyst; with the object as a BLOB the subject's access export
# (subject export's "accesses", what an access request is answered from)
# leaves the open out too.  Expected: verify --verify-key exits 1 for each
# (the entry was changed), and names the entry.  The reports compare the
# values as stored, so an edited row may still drop out of them: verify is
# what tells that the log was changed (recctl(1)).
. "$(dirname "$0")/lib.sh"

sealed_open_log "$T_TMP/a"
sealed=$(q "SELECT count(*) FROM audit_seal WHERE seq >= $seq")
[ "$sealed" -gt 0 ] || t_abort "seal" "the open (entry $seq) is not under a seal"
"$RECCTL" audit seal -R "$REG" >/dev/null 2>&1
assert_ok "the genuine log verifies with the key" "$RECCTL" audit verify -R "$REG" --verify-key "$VKEY"

assert_contains "who listened names the analyst" "$(who_listened "$REG")" "$analyst("

# tamper NAME SQL: a copy of the register with SQL applied to entry $seq.
tamper()
{
	X=$T_TMP/$1
	rm -rf "$X"
	cp -a "$REG" "$X"
	sqlite3 "$X/catalog.db" "$2" || fail "$1: the tampering itself" "sqlite3 failed"
	# The epochs (1 s) that ended since are closed, as the timer would:
	# verify then has nothing to say of late sealing.
	"$RECCTL" audit seal -R "$X" >/dev/null 2>&1 || fail "$1: audit seal of the copy" "failed"
}

# check NAME: the checks of one tampered copy: the listing does not show
# the edit, and verify, with the key or without, names the entry.
check()
{
	assert_eq "$1: the plain listing prints the entry as before (the edit is hidden)" "$listing" \
		"$("$RECCTL" audit show -R "$X" 2>&1 | grep "^$seq ")"
	assert_exit "$1: audit verify --verify-key exits 1" 1 "$RECCTL" audit verify -R "$X" --verify-key "$VKEY"
	assert_contains "$1: ... naming the entry" "$T_OUT" "audit entry $seq was edited"
	assert_exit "$1: audit verify without the key exits 1 too" 1 "$RECCTL" audit verify -R "$X"
}

tamper blob "UPDATE audit SET object = CAST(object AS BLOB) WHERE seq = $seq"
check "object as a BLOB"

assert_exit "object as a BLOB: verify with the anchor taken before the edit exits 1" 1 \
	"$RECCTL" audit verify -R "$X" --verify-key "$VKEY" --anchor "$anchor"

tamper nul "UPDATE audit SET object = object || char(0) || 'x' WHERE seq = $seq"
check "object with a NUL after the id"

tamper action "UPDATE audit SET action = 'open' || char(0) WHERE seq = $seq"
check "action with a NUL after it"

tamper uid "UPDATE audit SET uid = uid + 4294967296, user = CAST(user AS BLOB) WHERE seq = $seq"
check "uid + 2^32 and user as a BLOB"

tamper time "UPDATE audit SET time = CAST(CAST(time AS TEXT) AS BLOB),
	time_us = CAST(CAST(time_us AS TEXT) AS BLOB) WHERE seq = $seq"
check "time and time_us as BLOBs"

t_done
