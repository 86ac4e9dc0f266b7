#!/bin/sh
# Install the Debian packages of packaging/deps.txt that are missing (as
# root); does nothing, and needs no network, when all are there.
set -eu
cd "$(dirname "$0")"
missing=""
for p in $(grep -v '^#' deps.txt); do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
