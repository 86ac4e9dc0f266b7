#!/bin/bash
# A recorder swaps a folder in for the audio of a refused manifest between
# ingest's look at the file and its rename into REGISTER/quarantine/q-*/
# (atk15 F2), and takes the audio's spool name again at once, so that the
# folder cannot go back under it.  The folder is 300 levels deep, deeper
# than one pass of util_remove_tree enters, and the recorder holds a
# descriptor of it to write through.  recfs-manifest(5): "A file that is
# not regular is never moved into quarantine"; ingest.c: "A folder is
# never moved into the register".  So:
#  1. nothing of the recorder's stays in the quarantine, and nothing it
#     writes through its descriptor afterwards lands in the register: the
#     folder is put back into the spool, under a fresh name beside the
#     taken one;
#  2. error.txt says what happened (put back into the spool), not "not
#     kept" alone;
#  3. the retention sweep after quarantine_retention erases every
#     quarantined manifest, also a folder 300 deep that a register kept
#     from before this fix (util_remove_tree removes any depth).
# The race is a loop of ingests against a C racer, at most about 30 s;
# the number of ingests it took is printed.  Check 3 holds without the
# race being won; 1 and 2 are checked on the quarantine the race reached.
. "$(dirname "$0")/lib.sh"

command -v gcc >/dev/null || t_abort "gcc" "needs gcc for the racer"
make_register "$T_TMP/a"
chmod 0755 "$T_TMP/a"
rec=$(make_plain_user rec)
SP=$T_TMP/a/spool2
mkdir -p "$SP" && chown "$rec" "$SP" && chmod 0700 "$SP"
cat >"$T_TMP/racer.c" <<'EOC'
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <linux/fs.h>
static void xchg(void) { syscall(SYS_renameat2, AT_FDCWD, "D", AT_FDCWD, "x.opus", RENAME_EXCHANGE); }
static void occupy(void) { int f = open("x.opus", O_CREAT | O_EXCL | O_WRONLY, 0600); if (f >= 0) close(f); }
static int ends(const char *s, const char *end)
{
	size_t l = strlen(s), e = strlen(end);
	return l >= e && !strcmp(s + l - e, end);
}
/* Where the folder D is now, by the descriptor held of it: 1 when it is
 * neither at D nor at x.opus, where the racer itself puts it. */
static int where(const char *lnk, char *buf, size_t size)
{
	ssize_t l = readlink(lnk, buf, size - 1);
	buf[l > 0 ? l : 0] = 0;
	return l > 0 && !ends(buf, "/spool2/D") && !ends(buf, "/spool2/x.opus");
}
int main(int argc, char **argv)
{
	char buf[4096], lnk[64];
	if (argc < 3 || chdir(argv[1]))
		return 2;
	mkdir("D", 0700);
	int dfd = open("D", O_RDONLY | O_DIRECTORY), cur = openat(dfd, ".", O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < 300; i++) {
		mkdirat(cur, "a", 0700);
		int n = openat(cur, "a", O_RDONLY | O_DIRECTORY);
		close(cur);
		cur = n;
	}
	close(cur);
	occupy();
	snprintf(lnk, sizeof lnk, "/proc/self/fd/%d", dfd);
	for (time_t end = time(NULL) + atoi(argv[2]); time(NULL) < end;) {
		xchg(); occupy(); xchg(); occupy();
		/* The folder left D's name: moved by an ingest (into the
		 * quarantine, or from there back into the spool). */
		if (where(lnk, buf, sizeof buf)) {
			sleep(2);	/* the ingest that moved it is done */
			int p = openat(dfd, "planted.txt", O_CREAT | O_WRONLY, 0644);
			where(lnk, buf, sizeof buf);
			printf("won: now at %s planted=%d\n", buf, p >= 0);
			return 0;
		}
	}
	printf("no win\n");
	return 1;
}
EOC
gcc -O2 -o "$T_TMP/racer" "$T_TMP/racer.c" || t_abort "gcc" "racer did not build"
chmod 0755 "$T_TMP/racer"
as_user "$rec" "$T_TMP/racer" "$SP" 30 >"$T_TMP/racer.out" 2>&1 &
rp=$!
for i in $(seq 1 20000); do
	kill -0 "$rp" 2>/dev/null || break
	printf '{"recorded_at":"2026-11-20T10:00:00Z","source":"nosuch","audio":"x.opus"}' >"$SP/r.json"
	"$RECCTL" ingest -R "$REG" --keyring "$KEYS/ingest.keyring" "$SP/r.json" >/dev/null 2>&1
done
wait "$rp"
won=$(cat "$T_TMP/racer.out")
echo "# racer: $won after $i ingests"

# --- 1. nothing of the recorder's in the register -----------------------------------
assert_eq "no folder of the recorder's is left in the register's quarantine" "" \
	"$(find "$REG/quarantine" -maxdepth 2 -user "$rec" -type d | head -1)"
assert_eq "no file the recorder wrote after the move is in the register" "" \
	"$(find "$REG/quarantine" -name planted.txt | head -1)"
case $won in
won:*)
	assert_match "the racer's folder is back in the spool, under a fresh name beside the taken one" \
		"$won" "^won: now at $SP/x\.opus\.swapped-[0-9a-f]{8} planted=1$"
	# --- 2. error.txt says what happened ----------------------------------------
	assert_contains "error.txt says what replaced the audio was put back into the spool" \
		"$(cat "$REG"/quarantine/q-*/error.txt)" \
		"(1 files were replaced in the spool while they were moved: what replaced them was put back into the spool, not kept)"
	;;
*) echo "# the race was not won: checks of the won race not made" ;;
esac

# --- 3. the sweep erases every quarantined manifest, at any depth ---------------------
# A register that kept such a folder from before this fix: a quarantine
# with a folder of the recorder's 300 deep.
q=$REG/quarantine/q-0000dead
mkdir -p "$q" && echo "old" >"$q/error.txt" && echo "r.json" >"$q/manifest-name.txt"
(cd "$q" && mkdir x.opus && cd x.opus && for k in $(seq 1 300); do mkdir a && cd a || exit 1; done && echo deep >f)
chown -R "$rec" "$q/x.opus"
touch -d "@$(($(date +%s) - 86400))" "$q"
assert_ok "the sweep after quarantine_retention succeeds" \
	env RECFS_NOW=$(($(date +%s) + 40 * 86400)) "$RECCTL" retention sweep -R "$REG"
assert_eq "and erases every quarantined manifest, with no error" "" "$(printf '%s\n' "$T_OUT" | grep -E 'errors [1-9]')"
assert_eq "the quarantine is empty after the sweep, the folder 300 deep too" "" "$(ls -A "$REG/quarantine")"
t_done
