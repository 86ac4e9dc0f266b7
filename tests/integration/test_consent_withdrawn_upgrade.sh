#!/bin/bash
# A withdrawal of consent made on a register of catalog schema 28 (before
# 53e7eaf) does not stand after the upgrade: the register's audit log holds
# the withdraw-consent of the subject, but the upgrade leaves
# subject.consent_withdrawn 0, and a consent-based call of the subject
# recorded before the withdrawal and delivered late is kept, unrestricted,
# for training.  The register of schema 28 is made by today's recctl with
# the column dropped and the version set back, as the withdrawal of an
# older recfs leaves it: its audit entry, no column.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T_TMP/a"
make_register "$T_TMP/a" "$T_ROOT/tests/fixtures/policy-de-bank.conf"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"
yesterday=$(date -u -d 'yesterday 10:00' +%Y-%m-%dT%H:%M:%SZ)
earlier=$(date -u -d '3 days ago 10:00' +%Y-%m-%dT%H:%M:%SZ)
ingest_json c1 "{\"recorded_at\": \"$earlier\", \"source\": \"hotline\",
 \"subjects\": [{\"role\": \"customer\", \"name\": \"Jürgen Müller\", \"phone\": \"0171 2345678\"}], \"audio\": \"c1.opus\"}"
h=$(handle_of "$(id_at "$earlier")")
[ -n "$h" ] || t_abort "ingest" "no handle"
"$RECCTL" request new -R "$REG" --type consent-withdrawal --subject "$h" --channel phone >/dev/null 2>&1 ||
	t_abort "request new" "failed"
assert_ok "Jürgen Müller withdraws his consent" "$RECCTL" subject withdraw-consent -R "$REG" "$h"
q "ALTER TABLE subject DROP COLUMN consent_withdrawn; PRAGMA user_version = 28" || t_abort "schema" "cannot set the register back to schema 28"
assert_contains "the audit log keeps his withdrawal (the upgrade could read it)" "$(q "SELECT action FROM audit WHERE object = '$h'")" "withdraw-consent"
ingest_json c2 "{\"recorded_at\": \"$yesterday\", \"source\": \"hotline\",
 \"subjects\": [{\"role\": \"customer\", \"name\": \"Jürgen Müller\", \"phone\": \"+49 171 2345678\"}], \"audio\": \"c2.opus\"}"
assert_eq "the register is at today's schema" "$T_SCHEMA" "$(q 'PRAGMA user_version')"
r2=$(id_at "$yesterday")
assert_eq "the late call is his" "$h" "$(handle_of "$r2")"
assert_eq "his consent-based call recorded before the withdrawal, delivered after the upgrade, is restricted" 1 \
	"$(q "SELECT restricted_since <> 0 FROM recording WHERE id = '$r2'")"
t_done
