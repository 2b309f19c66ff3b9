#!/bin/sh
# fetch-ppc64.sh - download Debian's ppc64el kernel and busybox-static for
# the ppc64 real-guest harness WITHOUT installing them on the host, then
# build the ppc64el busybox initramfs.
#
# Into ${PGSTUB_CACHE:-/var/cache/pgstub} (as fetch.sh does for x86):
#   debs/, pkgs/<deb-basename>/     the .debs and their dpkg -x trees
#   kernels/ppc64el/{vmlinux,config,version}
#   busybox/ppc64el/busybox
#   initramfs/ppc64el.cpio.gz       /init is init-ppc64.sh
#   fetch-ppc64.manifest            key=value; with every file above present
#                                   a re-run does no network access
# PGSTUB_REFETCH=1 forces a refresh. Needs root (dpkg --add-architecture).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${PGSTUB_CACHE:-/var/cache/pgstub}
# One fetcher at a time, all five under one lock: make check runs them
# in parallel, and on an empty cache one's apt-get update under another's
# apt-cache lookup left that one without a candidate version.
mkdir -p "$CACHE"
exec 9>"$CACHE/.fetch.lock"
flock 9
MANIFEST=$CACHE/fetch-ppc64.manifest

log() { printf 'fetch-ppc64: %s\n' "$*" >&2; }
die() { printf 'fetch-ppc64: error: %s\n' "$*" >&2; exit 1; }

complete() {
    [ -f "$MANIFEST" ] || return 1
    for f in kernels/ppc64el/vmlinux busybox/ppc64el/busybox; do
        [ -e "$CACHE/$f" ] || return 1
    done
}

# The initramfs is rebuilt every time (cheap, reproducible, replaced only
# when its bytes change, so its mtime tracks init-ppc64.sh edits).
mkinitramfs() {
    out=$CACHE/initramfs/ppc64el.cpio.gz
    tmp=$out.tmp.$$
    trap 'rm -f "$tmp"' EXIT
    python3 "$here/mkcpio.py" "$tmp" \
        dir:bin:755 dir:sbin:755 dir:usr:755 dir:usr/bin:755 dir:usr/sbin:755 \
        dir:dev:755 dir:proc:755 dir:sys:755 dir:tmp:1777 dir:root:700 dir:etc:755 \
        chr:dev/console:600:5:1 chr:dev/null:666:1:3 chr:dev/hvc0:600:229:0 \
        chr:dev/ttyS0:600:4:64 \
        "file:bin/busybox:755:$(readlink -f "$CACHE/busybox/ppc64el/busybox")" \
        symlink:bin/sh:busybox \
        "file:init:755:$here/init-ppc64.sh"
    if [ -f "$out" ] && cmp -s "$tmp" "$out"; then rm -f "$tmp"; else mv "$tmp" "$out"; fi
    trap - EXIT
}

if [ "${PGSTUB_REFETCH:-0}" != 1 ] && complete; then
    mkdir -p "$CACHE/initramfs"
    mkinitramfs
    log "cache complete in $CACHE (no network access)"
    exit 0
fi
mkdir -p "$CACHE/debs" "$CACHE/pkgs" "$CACHE/kernels/ppc64el" \
         "$CACHE/busybox/ppc64el" "$CACHE/initramfs"

if ! dpkg --print-foreign-architectures | grep -qx ppc64el; then
    log "dpkg --add-architecture ppc64el"
    dpkg --add-architecture ppc64el
fi
# A foreign-architecture security index may report a size mismatch; the
# main index has the packages (design.md section 10): tolerated.
log "apt-get update"
apt-get update -q >"$CACHE/apt-update-ppc64.log" 2>&1 ||
    log "apt-get update reported errors (tolerated; see $CACHE/apt-update-ppc64.log)"

candidate() {
    v=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | head -1)
    [ -n "$v" ] && [ "$v" != "(none)" ] || die "no candidate version for $1"
    printf '%s\n' "$v"
}

# linux-image-powerpc64le -> linux-image-6.1.0-NN-powerpc64le
real=$(apt-cache depends linux-image-powerpc64le:ppc64el 2>/dev/null |
       sed -n 's/^ *Depends: \(linux-image-[0-9][^ :]*\).*$/\1/p' | head -1)
[ -n "$real" ] || die "cannot resolve linux-image-powerpc64le to a versioned package"

download() {
    spec=$1
    ver=$(candidate "$spec")
    name=${spec%%:*}
    arch=${spec#*:}
    fver=$(printf '%s' "$ver" | sed 's/:/%3a/g')
    deb=$CACHE/debs/${name}_${fver}_${arch}.deb
    if [ ! -s "$deb" ]; then
        log "apt-get download $spec=$ver"
        (cd "$CACHE/debs" && apt-get download -q "$spec=$ver" >/dev/null 2>"$CACHE/debs/.err-ppc64") ||
            { cat "$CACHE/debs/.err-ppc64" >&2; die "apt-get download $spec=$ver failed"; }
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

kdeb=$(download "$real:ppc64el")
kdir=$(extract "$kdeb")
vmlinux=$(ls "$kdir"/boot/vmlinux-* 2>/dev/null | head -1)
[ -f "$vmlinux" ] || die "no boot/vmlinux-* in $kdir"
kver=${vmlinux##*/vmlinux-}
ln -sfn "$vmlinux" "$CACHE/kernels/ppc64el/vmlinux"
ln -sfn "$kdir/boot/config-$kver" "$CACHE/kernels/ppc64el/config"
pver=$(dpkg-deb -f "$kdeb" Version)
printf '%s %s %s\n' "$real" "$pver" "$kver" >"$CACHE/kernels/ppc64el/version"

bdeb=$(download "busybox-static:ppc64el")
bdir=$(extract "$bdeb")
[ -f "$bdir/bin/busybox" ] || die "no bin/busybox in $bdir"
ln -sfn "$bdir/bin/busybox" "$CACHE/busybox/ppc64el/busybox"

mkinitramfs

printf 'kernel.ppc64el.package=%s\nkernel.ppc64el.version=%s\nkernel.ppc64el.release=%s\nbusybox.ppc64el.version=%s\n' \
    "$real" "$pver" "$kver" "$(dpkg-deb -f "$bdeb" Version)" >"$MANIFEST.tmp"
mv "$MANIFEST.tmp" "$MANIFEST"
complete || die "cache incomplete after fetch"
log "done:"
cat "$MANIFEST" >&2
