#!/bin/bash
# `recctl -R DIR` before the command (c2efa83) names the register, but
# `help`, `--help` and `--version` after it are refused as usage errors
# (exit 2, "no command 'help'", "unknown option '--help'"), though
# recctl --help's own synopsis is "recctl [--version] [--help] [-R DIR]
# COMMAND" and its last line says "See `recctl help COMMAND`": a user who
# keeps -R in an alias (alias rc='recctl -R /srv/recfs') cannot ask it for
# help.  Expected: they work as without -R (exit 0).
. "$(dirname "$0")/lib.sh"
make_register "$T_TMP/a"
assert_ok "control: recctl help subject" "$RECCTL" help subject
assert_ok "recctl -R DIR help subject" "$RECCTL" -R "$REG" help subject
assert_ok "recctl -R DIR --help" "$RECCTL" -R "$REG" --help
assert_ok "recctl -R DIR --version" "$RECCTL" -R "$REG" --version
t_done
