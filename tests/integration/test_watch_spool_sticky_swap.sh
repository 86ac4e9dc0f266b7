#!/bin/bash
# recctl watch takes a spool below a sticky folder (e818c7c: "no one
# renames another's entry in it"), and checks the folders above the spool,
# not the spool's own entry.  But in a sticky folder (a /var/spool/recorders
# of mode 1777, /tmp) the one who owns an entry may rename it: a recorder
# who made his own spool there swaps it for a symbolic link to a folder of
# root's, and watch (root), which opens SPOOL/NAME by its path, takes root's
# files for a manifest and moves them into REGISTER/quarantine/ (atk30 F1
# again).  1: the link is there before watch starts: watch starts (the
# resolved path's folders are root's), and its first scan quarantines
# root's app.json and its sibling app.conf.  2: the swap after watch
# started (the check runs once): a manifest written into the moved spool
# names root's file through the link.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
chmod 0755 "$T_TMP/a"
rec=$(make_plain_user rec)
STICKY=$T_TMP/spools
mkdir -p "$STICKY" && chmod 1777 "$STICKY"
VICTIM=$T_TMP/victim
mkdir -p "$VICTIM/one" "$VICTIM/two"
for d in "$VICTIM/one" "$VICTIM/two"; do
	printf '{"service": "x"}\n' >"$d/app.json"
	printf 'password=not-for-the-register\n' >"$d/app.conf"
	chmod 0600 "$d"/app.*
done
LOG=$T_TMP/watch.log

# 1. the recorder's spool in the sticky folder is a link to root's folder
as_user "$rec" sh -c "cd '$STICKY' && mkdir a && mv a a.old && ln -s '$VICTIM/one' a" || t_abort "recorder" "cannot link"
if start_watch "$REG" "$LOG" "$STICKY/a"; then
	fail "watch refuses a spool that is the recorder's link in a sticky folder" "it started"
	sleep 2
	stop_watch
else
	pass "watch refuses a spool that is the recorder's link in a sticky folder"
fi
assert_file "root's app.json stays in its folder" "$VICTIM/one/app.json"
assert_file "root's app.conf stays in its folder" "$VICTIM/one/app.conf"

# 2. the recorder's own spool folder in the sticky folder, swapped after start
as_user "$rec" sh -c "cd '$STICKY' && mkdir b && chmod 0755 b" || t_abort "recorder" "cannot mkdir"
if start_watch "$REG" "$LOG" "$STICKY/b"; then
	as_user "$rec" sh -c "cd '$STICKY' && mv b b.old && ln -s '$VICTIM/two' b &&
		echo '{}' >b.old/.m && mv b.old/.m b.old/app.json" || t_abort "recorder" "cannot swap"
	sleep 3
	stop_watch
	assert_file "after a swap: root's app.json stays in its folder" "$VICTIM/two/app.json"
	assert_file "after a swap: root's app.conf stays in its folder" "$VICTIM/two/app.conf"
else
	pass "watch refuses a spool the recorder owns in a sticky folder (he may rename it)"
fi
if compgen -G "$REG/quarantine/*/app.conf" >/dev/null; then
	fail "root's app.conf is in no quarantine folder" "$(ls "$REG"/quarantine/*/app.conf)"
else
	pass "root's app.conf is in no quarantine folder"
fi
t_done
