#!/bin/sh
# fetch-crash-dbg.sh - the amd64 kernel's debug symbols and Linux's own GDB
# scripts, for check_crash.py's lx-dmesg check on the x86_64-crash vmcores.
# Too big for CI (an 859 MB .deb, 633 MB vmlinux): run it by hand; without
# it the check is skipped. Needs fetch.sh to have run (the kernel release).
#
#   dbg/vmlinux              -> the -dbg package's usr/lib/debug/boot/vmlinux-*
#   dbg/scripts/gdb          -> linux-source's scripts/gdb (same source version)
#
# in ${PGSTUB_CACHE:-/var/cache/pgstub}; a second run with both present is a
# no-op. Nothing is installed on the host.
set -eu
CACHE=${PGSTUB_CACHE:-/var/cache/pgstub}
# One fetcher at a time, all five under one lock: make check runs them
# in parallel, and on an empty cache one's apt-get update under another's
# apt-cache lookup left that one without a candidate version.
mkdir -p "$CACHE"
exec 9>"$CACHE/.fetch.lock"
flock 9
D=$CACHE/dbg
log() { printf 'fetch-crash-dbg: %s\n' "$*" >&2; }
die() { printf 'fetch-crash-dbg: error: %s\n' "$*" >&2; exit 1; }

[ -f "$CACHE/kernels/amd64/version" ] || die "run fetch.sh first"
read -r pkg pver krel <"$CACHE/kernels/amd64/version"
if [ -e "$D/vmlinux" ] && [ -d "$D/scripts/gdb/linux" ]; then
	log "present in $D"
	exit 0
fi
# The source package's version: the kernel package's, without a +bN.
srcver=${pver%%+b*}
series=$(printf '%s' "$srcver" | sed 's/^\([0-9]*\.[0-9]*\).*/\1/')
mkdir -p "$D/x"
cd "$D"
for spec in "$pkg-dbg=$pver" "linux-source-$series=$srcver"; do
	name=${spec%%=*}
	ls "$name"_*.deb >/dev/null 2>&1 && continue
	log "apt-get download $spec"
	apt-get download -q "$spec" >/dev/null 2>"$D/.err" || { cat "$D/.err" >&2; die "download $spec"; }
done
log "extracting vmlinux-$krel"
dpkg-deb --fsys-tarfile "$pkg-dbg"_*.deb |
	tar -x -C x "./usr/lib/debug/boot/vmlinux-$krel"
ln -sfn "x/usr/lib/debug/boot/vmlinux-$krel" vmlinux
log "extracting scripts/gdb from linux-source-$series"
dpkg-deb --fsys-tarfile "linux-source-$series"_*.deb |
	tar -x -C x "./usr/src/linux-source-$series.tar.xz"
tar -xJf "x/usr/src/linux-source-$series.tar.xz" -C x "linux-source-$series/scripts/gdb"
rm -f "x/usr/src/linux-source-$series.tar.xz"
mkdir -p scripts
ln -sfn "../x/linux-source-$series/scripts/gdb" scripts/gdb
log "done: $D/vmlinux, $D/scripts/gdb"
