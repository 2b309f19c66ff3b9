#!/bin/sh
# mkinitramfs.sh ARCH [INIT NAME [SPEC...]] - build the tiny busybox
# initramfs for the real-guest truth harness.  ARCH is x86_64 (amd64 busybox),
# i386 or aarch64 (arm64 busybox, fetch-aarch64.sh); INIT is another /init script (default init.sh here), saved as
# NAME; each SPEC is one more mkcpio.py entry (a kernel module, a second
# script).
#
# Output: ${PGSTUB_CACHE:-/var/cache/pgstub}/initramfs/ARCH.cpio.gz, or
# NAME.cpio.gz (path is printed on stdout).  The archive is reproducible (mkcpio.py); the file is
# only replaced when its bytes change, so its mtime tracks real changes.
# Needs fetch.sh to have run first.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${PGSTUB_CACHE:-/var/cache/pgstub}
arch=${1:?usage: mkinitramfs.sh x86_64|i386|aarch64 [INIT NAME]}
init=${2:-$here/init.sh}
case $arch in
    x86_64|amd64) arch=x86_64; bbarch=amd64 ;;
    i386|i686)    arch=i386;   bbarch=i386 ;;
    aarch64|arm64) arch=aarch64; bbarch=arm64 ;;
    *) echo "mkinitramfs: unknown ARCH '$arch' (x86_64, i386 or aarch64)" >&2; exit 2 ;;
esac

busybox=$CACHE/busybox/$bbarch/busybox
[ -x "$busybox" ] || { echo "mkinitramfs: $busybox missing; run fetch.sh (fetch-aarch64.sh for aarch64)" >&2; exit 1; }

out=$CACHE/initramfs/${3:-$arch}.cpio.gz
# What is left of "$@" are the extra entries.
if [ $# -ge 3 ]; then shift 3; else set --; fi
mkdir -p "$CACHE/initramfs"
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT

python3 "$here/mkcpio.py" "$tmp" \
    dir:bin:755 dir:sbin:755 dir:usr:755 dir:usr/bin:755 dir:usr/sbin:755 \
    dir:dev:755 dir:proc:755 dir:sys:755 dir:tmp:1777 dir:root:700 dir:etc:755 \
    chr:dev/console:600:5:1 chr:dev/null:666:1:3 chr:dev/ttyS0:600:4:64 \
    "file:bin/busybox:755:$(readlink -f "$busybox")" \
    symlink:bin/sh:busybox \
    "file:init:755:$init" "$@"

if [ -f "$out" ] && cmp -s "$tmp" "$out"; then
    rm -f "$tmp"
else
    mv "$tmp" "$out"
fi
trap - EXIT
printf '%s\n' "$out"
