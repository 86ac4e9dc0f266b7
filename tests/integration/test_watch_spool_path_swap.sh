#!/bin/bash
# A recorder that may write a folder on the spool's path could swap it for
# a symbolic link (atk30 F1): recctl watch (root) opens SPOOL/NAME by its
# path for every manifest it is told of, and took root's files of the
# folder the link pointed to (app.json and its "stem sibling" app.conf)
# for a manifest and its files, and moved them into REGISTER/quarantine/.
# A watch restarted on such a path (systemd's Restart=on-failure) did the
# same with every *.json there.  watch now refuses a spool with a folder
# above it (as written or as resolved) that someone other than root or
# its own user owns, or may write without the sticky bit, and says which.
# Here the recorder's home is above the spool: watch refuses to start, the
# recorder's swap then moves nothing, and a spool whose folders above it
# root owns starts.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
chmod 0755 "$T_TMP/a"
rec=$(make_plain_user rec)
HOME_R=$T_TMP/home
mkdir -p "$HOME_R/up/spool" && chown -R "$rec" "$HOME_R" && chmod 0700 "$HOME_R/up/spool"
# root's folder, with a file that reads as a manifest and one beside it
VICTIM=$T_TMP/victim
mkdir -p "$VICTIM/spool" "$VICTIM/etc"
for d in "$VICTIM/spool" "$VICTIM/etc"; do
	printf '{"service": "x"}\n' >"$d/app.json"
	printf 'password=not-for-the-register\n' >"$d/app.conf"
	chmod 0600 "$d"/app.*
done
LOG=$T_TMP/watch.log
in_quarantine() { compgen -G "$REG/quarantine/*/$1" >/dev/null; }

# 1. a spool in the recorder's home: refused, and the folder named
if start_watch "$REG" "$LOG" "$HOME_R/up/spool"; then
	fail "watch refuses a spool below a folder the recorder owns" "it started"
	stop_watch
else
	assert_eq "watch refuses a spool below a folder the recorder owns: exit 1" "1" "$WATCH_RC"
	assert_contains "and names the folder and its owner" "$(cat "$LOG")" \
		"the folder $HOME_R above it is owned by uid $(id -u "$rec")"
fi
assert_match "the refusal is in the audit log" "$("$RECCTL" audit show -R "$REG" --action watch 2>&1)" \
	"watch.*refused.*spool's path"
as_user "$rec" sh -c "cd '$HOME_R' && mv up up.old && ln -s '$VICTIM' up &&
	echo '{}' >up.old/spool/.m && mv up.old/spool/.m up.old/spool/app.json" || t_abort "recorder" "cannot swap"
start_watch "$REG" "$LOG" "$HOME_R/up/spool" && stop_watch
assert_file "after the swap: root's app.json stays in its folder" "$VICTIM/spool/app.json"
assert_file "after the swap: root's app.conf stays in its folder" "$VICTIM/spool/app.conf"
if in_quarantine app.conf; then
	fail "after the swap: root's app.conf is in no quarantine folder" "$(grep -l . "$REG"/quarantine/*/app.conf)"
else
	pass "after the swap: root's app.conf is in no quarantine folder"
fi

# 2. a spool reached through the recorder's link, its target root's
as_user "$rec" sh -c "cd '$HOME_R' && rm -f up && mkdir up && ln -s '$VICTIM/etc' up/spool" ||
	t_abort "recorder" "cannot link"
if start_watch "$REG" "$LOG" "$HOME_R/up/spool"; then
	fail "watch refuses a spool reached through the recorder's link" "it started"
	stop_watch
else
	pass "watch refuses a spool reached through the recorder's link"
fi
assert_file "root's app.json stays in its folder" "$VICTIM/etc/app.json"
assert_file "root's app.conf stays in its folder" "$VICTIM/etc/app.conf"

# 3. a folder above the spool that a group may write, no sticky bit
GW=$T_TMP/shared
mkdir -p "$GW/spool" && chmod 0775 "$GW"
if start_watch "$REG" "$LOG" "$GW/spool"; then
	fail "watch refuses a spool below a group-writable folder" "it started"
	stop_watch
else
	assert_contains "watch refuses a spool below a group-writable folder, and says so" "$(cat "$LOG")" \
		"the folder $GW above it may be written by others (mode 0775)"
fi
chmod 1777 "$GW"
if start_watch "$REG" "$LOG" "$GW/spool"; then
	pass "a sticky folder above the spool is taken (no one renames another's entry in it)"
	stop_watch
else
	fail "a sticky folder above the spool is taken (no one renames another's entry in it)" "$(cat "$LOG")"
fi

# 4. the register's own spool, whose folders above it root owns, starts
if start_watch "$REG" "$LOG" "$REG/spool"; then
	pass "the register's own spool is watched"
	stop_watch
else
	fail "the register's own spool is watched" "$(cat "$LOG")"
fi
t_done
