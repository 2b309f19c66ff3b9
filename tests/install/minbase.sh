#!/bin/sh
# Prints the path of a clean Debian bookworm root (debootstrap
# --variant=minbase plus gdb) kept as a tarball in the cache, creating it
# the first time: one debootstrap per machine, then a few seconds of tar.
# gdb is not ours, so it belongs in the clean root; pgstub's own packages
# and their dependencies are installed by the test, through apt.
set -eu
cache=${PGSTUB_CACHE:-/var/cache/pgstub}/chroot
tarball=$cache/bookworm-minbase-gdb.tar
mirror=${PGSTUB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ ! -s "$tarball" ]; then
	root=$(mktemp -d "$cache/build.XXXXXX")
	trap 'umount "$root/proc" 2>/dev/null || true; rm -rf "$root"' EXIT
	echo "minbase: debootstrap bookworm into $root (once per machine)" >&2
	debootstrap --variant=minbase bookworm "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
		{ tail -20 "$cache/debootstrap.log" >&2; exit 1; }
	mount -t proc proc "$root/proc"
	chroot "$root" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends gdb >>"$cache/debootstrap.log" 2>&1 ||
		{ tail -20 "$cache/debootstrap.log" >&2; exit 1; }
	chroot "$root" apt-get clean
	umount "$root/proc"
	tar -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
fi
echo "$tarball"
