#!/bin/bash
# A subject's card (name, phone, e-mail, organisation, reference) is read
# where the details of the recording that made it are (atk18 F1): a card
# made by a gold-only whistleblower interview was sealed from the details
# level (silver), so the silver level read, on by-subject/<handle> once a
# routine call of the person was visible to it, and with its keyring in
# `recctl subject show` of a person recorded at gold alone, the e-mail,
# organisation and reference given only in the gold manifest.  The card
# is now sealed from max(details_level, min_level) of the recording that
# made it, and stays so when a rectification rewrites it; a lower level's
# later call of the person does not widen it, and the lower level sees no
# card field of that subject.
. "$(dirname "$0")/lib.sh"

# Levels bronze < silver < gold (rights), details at silver; cs calls
# (bronze), boardroom meetings (gold only).
pol=$T_TMP/policy.conf
cp "$T_ROOT/tests/fixtures/policy-bronze-silver-gold.conf" "$pol"
silver=$(make_level_user silver)
gold=$(make_level_user gold)
make_register "$T_TMP/a" "$pol"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
# The gold-only interview first, then a routine call of the same person.
ingest_json sec '{"recorded_at": "2026-11-23T09:00:00Z", "source": "boardroom", "title": "Whistleblower interview",
 "subjects": [{"role": "customer", "name": "Dora Deep", "phone": "+46701112222",
   "email": "dora@whistle.example", "organisation": "Informant SECRETORG", "ref": "CASE-WB-9"}],
 "audio": "sec.opus"}'
# A person only ever recorded in a gold meeting.
ingest_json sec2 '{"recorded_at": "2026-11-22T09:00:00Z", "source": "boardroom", "title": "Board",
 "subjects": [{"role": "customer", "name": "Gina Goldonly", "phone": "+46701119999",
   "email": "gina@secret.example"}], "audio": "sec2.opus"}'
ingest_json low '{"recorded_at": "2026-11-24T09:00:00Z", "source": "cs", "title": "Routine call",
 "subjects": [{"role": "customer", "name": "Dora Deep", "phone": "+46701112222"}], "audio": "low.opus"}'

# The silver key opens the card of a subject of gold recordings alone
# (recctl subject show, as a silver workstation's keyring holder).
g=$(q "SELECT l.handle FROM link l JOIN recording r ON r.id = l.recording WHERE r.recorded_at = $(date -u -d 2026-11-22T09:00:00Z +%s)")
out=$("$RECCTL" subject show -R "$REG" "$g" --level-keyring "$KEYS/silver.keyring" 2>&1)
assert_not_contains "the silver keyring does not open the card of a gold-only subject" "$out" "gina@secret.example"

MNT=$T_TMP/mnt
mount_recfs "$REG" "$MNT" "$KEYS/bronze.keyring" "$KEYS/silver.keyring" "$KEYS/gold.keyring" || t_abort mount "cannot mount"

h=$(as_user "$silver" ls "$MNT/by-subject" | head -n 1)
[ -n "$h" ] || t_abort "setup" "silver sees no subject"
assert_eq "silver sees only the routine call of the subject" "1" \
	"$(as_user "$silver" ls "$MNT/by-subject/$h" | grep -c '\.opus$')"
card=$(as_user "$silver" getfattr -d -m - "$MNT/by-subject/$h" 2>&1)
assert_not_contains "silver reads no card field of a card made by a gold recording" "$card" "user.recfs.phone"
assert_contains "gold reads it" "$(as_user "$gold" getfattr -d -m - "$MNT/by-subject/$h" 2>&1)" "SECRETORG"
assert_not_contains "silver does not read the organisation given only in a gold recording" "$card" "SECRETORG"
assert_not_contains "silver does not read the reference given only in a gold recording" "$card" "CASE-WB-9"
assert_not_contains "silver does not read the e-mail given only in a gold recording" "$card" "dora@whistle.example"

# A rectification by the gold level keeps the card sealed from gold.
assert_ok "gold rectifies the card's phone" as_user "$gold" setfattr -n user.recfs.phone -v "+46701113333" \
	"$MNT/by-subject/$h"
sleep 1
card=$(as_user "$silver" getfattr -d -m - "$MNT/by-subject/$h" 2>&1)
assert_not_contains "after the rectification silver still reads no card field" "$card" "+46701113333"
assert_not_contains "nor the organisation" "$card" "SECRETORG"
out=$("$RECCTL" subject show -R "$REG" "$h" --level-keyring "$KEYS/silver.keyring" 2>&1)
assert_not_contains "nor does the silver keyring open it in recctl" "$out" "+46701113333"
# A person first seen in a routine call: the silver level reads the card.
ingest_json low2 '{"recorded_at": "2026-11-25T09:00:00Z", "source": "cs", "title": "Routine call",
 "subjects": [{"role": "customer", "name": "Erik Everyday", "phone": "+46701114444"}], "audio": "low.opus"}'
e=$(q "SELECT l.handle FROM link l JOIN recording r ON r.id = l.recording WHERE r.recorded_at = $(date -u -d 2026-11-25T09:00:00Z +%s)")
seen() { as_user "$silver" test -d "$MNT/by-subject/$e"; }
poll_since "$(now_ns)" 3000 seen
assert_contains "silver reads the card of a subject a routine call made" \
	"$(as_user "$silver" getfattr -n user.recfs.phone --only-values "$MNT/by-subject/$e" 2>&1)" "+46701114444"

unmount_recfs "$MNT"
t_done
