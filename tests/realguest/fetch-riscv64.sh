#!/bin/sh
# fetch-riscv64.sh - download Debian trixie's riscv64 kernel and
# busybox-static for the riscv64 real-guest harness (record_riscv64.py)
# WITHOUT installing them on the host, then build the riscv64 busybox
# initramfs.  bookworm has no riscv64 port, so both come from trixie
# through a private apt state under the cache: the host's sources.list,
# package lists and dpkg architectures are not touched (adding riscv64 to
# dpkg would make the host's bookworm `apt-get update` fail on it).
#
# Into ${PGSTUB_CACHE:-/var/cache/pgstub} (as fetch-ppc64.sh does):
#   apt-trixie-riscv64/              the private apt state (its own lists, so
#                                    fetch-aarch64.sh's apt-trixie is left alone)
#   debs/, pkgs/<deb-basename>/      the .debs and their dpkg -x trees
#   kernels/riscv64/{Image,config,version}
#   busybox/riscv64/busybox
#   initramfs/riscv64.cpio.gz        /init is init-riscv64.sh
#   fetch-riscv64.manifest           key=value; with every file above present
#                                    a re-run does no network access
# Boot (what record_riscv64.py runs; the firmware is the opensbi package's):
#   qemu-system-riscv64 -M virt -smp 2 -m 512M \
#     -bios /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin \
#     -kernel $CACHE/kernels/riscv64/Image \
#     -initrd $CACHE/initramfs/riscv64.cpio.gz -append console=ttyS0 -nographic
# PGSTUB_REFETCH=1 forces a refresh.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${PGSTUB_CACHE:-/var/cache/pgstub}
# One fetcher at a time, all five under one lock: make check runs them
# in parallel, and on an empty cache one's apt-get update under another's
# apt-cache lookup left that one without a candidate version.
mkdir -p "$CACHE"
exec 9>"$CACHE/.fetch.lock"
flock 9
MANIFEST=$CACHE/fetch-riscv64.manifest
STATE=$CACHE/apt-trixie-riscv64

log() { printf 'fetch-riscv64: %s\n' "$*" >&2; }
die() { printf 'fetch-riscv64: error: %s\n' "$*" >&2; exit 1; }

complete() {
    [ -f "$MANIFEST" ] || return 1
    for f in kernels/riscv64/Image kernels/riscv64/config busybox/riscv64/busybox; do
        [ -e "$CACHE/$f" ] || return 1
    done
}

# The initramfs is rebuilt every time (cheap, reproducible, replaced only
# when its bytes change, so its mtime tracks init-riscv64.sh edits).
mkinitramfs() {
    out=$CACHE/initramfs/riscv64.cpio.gz
    tmp=$out.tmp.$$
    trap 'rm -f "$tmp"' EXIT
    python3 "$here/mkcpio.py" "$tmp" \
        dir:bin:755 dir:sbin:755 dir:usr:755 dir:usr/bin:755 dir:usr/sbin:755 \
        dir:dev:755 dir:proc:755 dir:sys:755 dir:tmp:1777 dir:root:700 dir:etc:755 \
        chr:dev/console:600:5:1 chr:dev/null:666:1:3 chr:dev/ttyS0:600:4:64 \
        "file:bin/busybox:755:$(readlink -f "$CACHE/busybox/riscv64/busybox")" \
        symlink:bin/sh:busybox \
        "file:init:755:$here/init-riscv64.sh"
    if [ -f "$out" ] && cmp -s "$tmp" "$out"; then rm -f "$tmp"; else mv "$tmp" "$out"; fi
    trap - EXIT
}

if [ "${PGSTUB_REFETCH:-0}" != 1 ] && complete; then
    mkdir -p "$CACHE/initramfs"
    mkinitramfs
    log "cache complete in $CACHE (no network access)"
    exit 0
fi
mkdir -p "$CACHE/debs" "$CACHE/pkgs" "$CACHE/kernels/riscv64" \
         "$CACHE/busybox/riscv64" "$CACHE/initramfs" \
         "$STATE/lists/partial" "$STATE/cache/archives/partial"

# apt with the private trixie state: its own sources, lists and cache, the
# host's keyrings (bookworm's debian-archive-keyring has trixie's keys).
aptopts() {
    printf '%s\n' -o "Dir::Etc::SourceList=$STATE/sources.list" \
        -o Dir::Etc::SourceParts=/nonexistent \
        -o "Dir::State::Lists=$STATE/lists" \
        -o "Dir::Cache=$STATE/cache" \
        -o APT::Architectures::=riscv64
}
apt_get() { apt-get -q $(aptopts) "$@"; }
apt_cache() { apt-cache $(aptopts) "$@"; }

echo "deb http://deb.debian.org/debian trixie main" >"$STATE/sources.list"
log "apt-get update (trixie riscv64, private state in $STATE)"
apt_get update >"$CACHE/apt-update-riscv64.log" 2>&1 ||
    log "apt-get update reported errors (see $CACHE/apt-update-riscv64.log)"

candidate() {
    v=$(apt_cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | head -1)
    [ -n "$v" ] && [ "$v" != "(none)" ] || die "no candidate version for $1"
    printf '%s\n' "$v"
}

download() {
    spec=$1
    ver=$(candidate "$spec")
    name=${spec%%:*}
    fver=$(printf '%s' "$ver" | sed 's/:/%3a/g')
    deb=$CACHE/debs/${name}_${fver}_riscv64.deb
    if [ ! -s "$deb" ]; then
        log "apt-get download $spec=$ver"
        (cd "$CACHE/debs" && apt_get download "$spec=$ver" >/dev/null 2>"$CACHE/debs/.err-riscv64") ||
            { cat "$CACHE/debs/.err-riscv64" >&2; die "apt-get download $spec=$ver failed"; }
        [ -s "$deb" ] || die "expected $deb after download"
    fi
    printf '%s\n' "$deb"
}

extract() {
    dir=$CACHE/pkgs/$(basename "$1" .deb)
    if [ ! -f "$dir/.extracted" ]; then
        log "dpkg -x $(basename "$1")"
        rm -rf "$dir"
        mkdir -p "$dir"
        dpkg -x "$1" "$dir"
        touch "$dir/.extracted"
    fi
    printf '%s\n' "$dir"
}

# linux-image-riscv64 -> linux-image-6.12.NN+deb13-riscv64 (the versioned package)
real=$(apt_cache depends linux-image-riscv64:riscv64 2>/dev/null |
       sed -n 's/^ *Depends: \(linux-image-[0-9][^ :]*\).*$/\1/p' | head -1)
[ -n "$real" ] || die "cannot resolve linux-image-riscv64 to a versioned package"
kdeb=$(download "$real:riscv64")
kdir=$(extract "$kdeb")
# Debian ships riscv64's kernel as boot/vmlinux-REL, but it is the flat
# (EFI-stub) Image, which QEMU's -kernel loads as is.
image=$(ls "$kdir"/boot/vmlinu[xz]-* 2>/dev/null | head -1)
[ -f "$image" ] || die "no boot/vmlinux-* or boot/vmlinuz-* in $kdir"
kver=${image##*/vmlinu?-}
ln -sfn "$image" "$CACHE/kernels/riscv64/Image"
ln -sfn "$kdir/boot/config-$kver" "$CACHE/kernels/riscv64/config"
pver=$(dpkg-deb -f "$kdeb" Version)
printf '%s %s %s\n' "$real" "$pver" "$kver" >"$CACHE/kernels/riscv64/version"

bdeb=$(download "busybox-static:riscv64")
bdir=$(extract "$bdeb")
bb=$bdir/bin/busybox
[ -f "$bb" ] || bb=$bdir/usr/bin/busybox
[ -f "$bb" ] || die "no bin/busybox in $bdir"
ln -sfn "$bb" "$CACHE/busybox/riscv64/busybox"

mkinitramfs

printf 'kernel.riscv64.package=%s\nkernel.riscv64.version=%s\nkernel.riscv64.release=%s\nkernel.riscv64.deb=%s\nbusybox.riscv64.version=%s\nbusybox.riscv64.deb=%s\n' \
    "$real" "$pver" "$kver" "$kdeb" "$(dpkg-deb -f "$bdeb" Version)" "$bdeb" >"$MANIFEST.tmp"
mv "$MANIFEST.tmp" "$MANIFEST"
complete || die "cache incomplete after fetch"
log "done:"
cat "$MANIFEST" >&2
