#!/bin/bash
# The installed binaries have no way to lower the Argon2id cost (issue 10):
# RECFS_PWHASH_FAST is not in them and changes nothing, and a recording's
# passphrase is derived at libsodium's MODERATE cost (3 passes, 256 MiB),
# as a keyring's is.  The suites run the test build (build/test/, Argon2id
# at its minimum); this one mounts and protects with what make install
# installs.
. "$(dirname "$0")/lib.sh"

[ -x "$T_REAL_RECFS" ] && [ -x "$T_REAL_RECCTL" ] || t_abort "build" "no installed build in $T_BUILD"
for b in "$T_REAL_RECCTL" "$T_REAL_RECFS"; do
	assert_eq "$(basename "$b"): no RECFS_PWHASH_FAST in the installed binary" 0 \
		"$(strings "$b" | grep -c RECFS_PWHASH_FAST)"
done
if [ -x "$T_BUILD/test/recctl" ]; then
	assert_eq "the test build is not the installed one" 1 \
		"$(cmp -s "$T_BUILD/test/recctl" "$T_REAL_RECCTL" && echo 0 || echo 1)"
fi

have_generator || t_abort "generator" "tests/gen/gen_register.py is missing"
make_register "$T_TMP/a"
spool=$T_TMP/spool
gen_manifests "$spool" 4 --seed 41 --meetings 0
ingest_spool "$spool"
trainer=$(make_level_user training)
dpo=$(make_level_user privacy)
MNT=$T_TMP/mnt
RECFS=$T_REAL_RECFS mount_all_levels "$MNT"

f=$(as_user "$trainer" find "$MNT/by-date" -name '*.opus' | sort | head -n 1)
[ -n "$f" ] || t_abort "data" "the training level sees no call"
rid=$(as_user "$dpo" getfattr --absolute-names --only-values -n user.recfs.id "$f")
sum=$(as_user "$trainer" sha256sum "$f" | cut -d' ' -f1)
printf 'correct horse battery\n' >"$T_TMP/pass"
chmod 0644 "$T_TMP/pass"
chmod 0755 "$T_TMP/bin" "$T_TMP/bin/real"
# The variable that used to make it cheap is set, and ignored.
assert_ok "privacy: recctl protect (installed build)" \
	as_user "$dpo" env RECFS_PWHASH_FAST=1 "$T_REAL_RECCTL" protect --passfile "$T_TMP/pass" "$f"
assert_eq "the recording's passphrase costs 3 passes or more" 1 \
	"$(q "SELECT ops >= 3 FROM lock WHERE recording = '$rid'")"
assert_eq "the recording's passphrase costs 256 MiB or more" 1 \
	"$(q "SELECT mem >= 268435456 FROM lock WHERE recording = '$rid'")"
assert_ok "recctl unlock with the passphrase" \
	as_user "$trainer" "$T_REAL_RECCTL" unlock --passfile "$T_TMP/pass" "$f"
assert_eq "after the unlock it reads the same bytes" "$sum" "$(as_user "$trainer" sha256sum "$f" | cut -d' ' -f1)"

# --- one user's guesses cannot hold every derivation ------------------------
# Each wrong guess costs the daemon a second of Argon2id over 256 MiB: the
# mount derives two at once, one per uid.  Three guesses of the trainer's
# at once: one is checked, the others are EBUSY at once; meanwhile the
# privacy officer's unlock still gets the other place.  (The kernel runs
# one setxattr at a time on one inode: the guesses go to three names of
# the recording, the officer's to a fourth.)
as_user "$trainer" setfattr -x user.recfs.unlock "$f" 2>/dev/null
names=("${f%.opus}.wav" "$(as_user "$trainer" find "$MNT/by-source" -name "${f##*/}")")
names+=("$(as_user "$trainer" find "$MNT/by-source" -name "${names[0]##*/}")")
[ -n "${names[1]}" ] && [ -n "${names[2]}" ] || t_abort "data" "no by-source names of ${f##*/}"
gpids=()
for i in 0 1 2; do
	as_user "$trainer" setfattr -n user.recfs.unlock -v "wrong guess $i" "${names[$i]}" >"$T_TMP/guess$i" 2>&1 &
	gpids+=($!)
done
sleep 0.2
t0=$(date +%s%N)
assert_ok "privacy unlocks while the trainer's guesses run" \
	as_user "$dpo" "$T_REAL_RECCTL" unlock --passfile "$T_TMP/pass" "$f"
echo "   the officer's unlock took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
wait "${gpids[@]}"	# not the mount's daemon
guesses=$(cat "$T_TMP"/guess[012])
echo "$guesses" | sed 's/^/   /'
assert_eq "one guess is checked (wrong passphrase)" 1 "$(printf '%s\n' "$guesses" | grep -c 'Permission denied')"
assert_eq "the other two are refused at once (EBUSY)" 2 "$(printf '%s\n' "$guesses" | grep -c 'Device or resource busy')"
assert_eq "both refusals are in the audit log" 2 \
	"$("$T_REAL_RECCTL" audit show -R "$REG" --user "$trainer" --action unlock | grep -c ' refused EBUSY')"
as_user "$trainer" "$T_REAL_RECCTL" unlock --passfile "$T_TMP/pass" "$f" >/dev/null 2>&1 ||
	fail "after its guesses the trainer unlocks with the passphrase" "$(cat "$T_TMP"/guess0)"
assert_eq "and reads the same bytes" "$sum" "$(as_user "$trainer" sha256sum "$f" | cut -d' ' -f1)"

unmount_recfs "$MNT"
t_done
