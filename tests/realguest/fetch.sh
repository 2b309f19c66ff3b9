#!/bin/sh
# fetch.sh - download Debian's own kernels and busybox-static for the
# real-guest truth harness, WITHOUT installing them on the host.
#
# Everything lands in ${PGSTUB_CACHE:-/var/cache/pgstub} (outside the repo):
#   debs/                      the .deb files exactly as apt-get download got them
#   pkgs/<deb-basename>/       dpkg -x trees of each .deb
#   kernels/<flavour>/         vmlinuz, config -> symlinks into pkgs/
#                              version (package name + version), flavour in
#                              {amd64, 686, 686-pae}
#   busybox/<arch>/busybox     -> symlink into pkgs/, arch in {amd64, i386}
#   kdump/amd64/{kexec,makedumpfile} -> symlinks into pkgs/ (kexec-tools,
#                              makedumpfile: the x86_64-crash guest)
#   fetch.manifest             key=value lines; its presence (with every path
#                              above present) makes a re-run a no-op
#
# Idempotent: when fetch.manifest and all its files exist, no network access
# is done and the script returns at once.  PGSTUB_REFETCH=1 forces a refresh.
# Needs root (dpkg --add-architecture, apt-get update).
set -eu

CACHE=${PGSTUB_CACHE:-/var/cache/pgstub}
# One fetcher at a time, all five under one lock: make check runs them
# in parallel, and on an empty cache one's apt-get update under another's
# apt-cache lookup left that one without a candidate version.
mkdir -p "$CACHE"
exec 9>"$CACHE/.fetch.lock"
flock 9
MANIFEST=$CACHE/fetch.manifest

log() { printf 'fetch: %s\n' "$*" >&2; }
die() { printf 'fetch: error: %s\n' "$*" >&2; exit 1; }

cache_complete() {
    [ -f "$MANIFEST" ] || return 1
    for f in kernels/amd64/vmlinuz kernels/686/vmlinuz kernels/686-pae/vmlinuz \
             busybox/amd64/busybox busybox/i386/busybox \
             kdump/amd64/kexec kdump/amd64/makedumpfile; do
        [ -e "$CACHE/$f" ] || return 1
    done
    return 0
}

if [ "${PGSTUB_REFETCH:-0}" != 1 ] && cache_complete; then
    log "cache complete in $CACHE (no network access)"
    exit 0
fi

mkdir -p "$CACHE/debs" "$CACHE/pkgs" "$CACHE/kernels" "$CACHE/busybox"

# i386 packages (686 kernels, i386 busybox) need the foreign architecture.
if ! dpkg --print-foreign-architectures | grep -qx i386; then
    log "dpkg --add-architecture i386"
    dpkg --add-architecture i386
fi

# apt-get update may fail on a foreign-arch security index ("File has
# unexpected size ... Mirror sync in progress?"); the main index still has
# the packages, so tolerate a non-zero exit and check resolution below.
log "apt-get update"
if ! apt-get update -q >"$CACHE/apt-update.log" 2>&1; then
    log "apt-get update reported errors (tolerated; see $CACHE/apt-update.log):"
    grep '^E:' "$CACHE/apt-update.log" | head -3 >&2 || true
fi

# Resolve a metapackage (linux-image-amd64) to the real versioned package
# (linux-image-6.1.0-NN-amd64) it depends on.
resolve_kernel() {
    meta=$1
    real=$(apt-cache depends "$meta" 2>/dev/null |
           sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1)
    [ -n "$real" ] || die "cannot resolve $meta to a versioned kernel package"
    printf '%s\n' "$real"
}

candidate() {
    v=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | head -1)
    [ -n "$v" ] && [ "$v" != "(none)" ] || die "no candidate version for $1"
    printf '%s\n' "$v"
}

# download PKG[:ARCH] -> prints the path of the .deb
download() {
    spec=$1
    ver=$(candidate "$spec")
    name=${spec%%:*}
    case $spec in *:*) arch=${spec#*:} ;; *) arch=$(dpkg --print-architecture) ;; esac
    # apt-get download names files NAME_VERSION_ARCH.deb with ':' in the
    # version escaped as %3a.
    fver=$(printf '%s' "$ver" | sed 's/:/%3a/g')
    deb=$CACHE/debs/${name}_${fver}_${arch}.deb
    if [ ! -s "$deb" ]; then
        log "apt-get download $spec=$ver"
        (cd "$CACHE/debs" && apt-get download -q "$spec=$ver" >/dev/null 2>"$CACHE/debs/.err") ||
            { cat "$CACHE/debs/.err" >&2; die "apt-get download $spec=$ver failed"; }
        [ -s "$deb" ] || die "expected $deb after download"
    fi
    printf '%s\n' "$deb"
}

# extract DEB -> prints the tree directory
extract() {
    deb=$1
    dir=$CACHE/pkgs/$(basename "$deb" .deb)
    if [ ! -f "$dir/.extracted" ]; then
        log "dpkg -x $(basename "$deb")"
        rm -rf "$dir"
        mkdir -p "$dir"
        dpkg -x "$deb" "$dir"
        touch "$dir/.extracted"
    fi
    printf '%s\n' "$dir"
}

tmpman=$MANIFEST.tmp
: >"$tmpman"

for flav in amd64 686 686-pae; do
    case $flav in amd64) meta=linux-image-amd64 ;; *) meta=linux-image-$flav:i386 ;; esac
    real=$(resolve_kernel "$meta")
    case $flav in amd64) spec=$real ;; *) spec=${real%%:*}:i386 ;; esac
    deb=$(download "$spec")
    dir=$(extract "$deb")
    vmlinuz=$(ls "$dir"/boot/vmlinuz-* | head -1)
    [ -f "$vmlinuz" ] || die "no vmlinuz in $dir"
    kver=${vmlinuz##*/vmlinuz-}
    kd=$CACHE/kernels/$flav
    mkdir -p "$kd"
    ln -sfn "$vmlinuz" "$kd/vmlinuz"
    # Debian's boot/System.map-* is an 83-byte placeholder ("The real
    # System.map is in the linux-image-<version>-dbg package"): not linked.
    ln -sfn "$dir/boot/config-$kver" "$kd/config"
    pver=$(dpkg-deb -f "$deb" Version)
    printf '%s %s %s\n' "${spec%%:*}" "$pver" "$kver" >"$kd/version"
    printf 'kernel.%s.package=%s\nkernel.%s.version=%s\nkernel.%s.release=%s\nkernel.%s.deb=%s\n' \
        "$flav" "${spec%%:*}" "$flav" "$pver" "$flav" "$kver" "$flav" "$deb" >>"$tmpman"
done

for arch in amd64 i386; do
    deb=$(download "busybox-static:$arch")
    dir=$(extract "$deb")
    [ -x "$dir/bin/busybox" ] || die "no bin/busybox in $dir"
    mkdir -p "$CACHE/busybox/$arch"
    ln -sfn "$dir/bin/busybox" "$CACHE/busybox/$arch/busybox"
    printf 'busybox.%s.version=%s\nbusybox.%s.deb=%s\n' \
        "$arch" "$(dpkg-deb -f "$deb" Version)" "$arch" "$deb" >>"$tmpman"
done

# The x86_64-crash guest (record_crash.py) loads its crash kernel with
# kexec-tools' kexec and saves the vmcore with makedumpfile: Debian's own
# binaries; their shared libraries are the host's (scripts/setup-deps).
mkdir -p "$CACHE/kdump/amd64"
for p in kexec-tools:sbin/kexec makedumpfile:usr/bin/makedumpfile; do
    deb=$(download "${p%%:*}:amd64")
    dir=$(extract "$deb")
    [ -x "$dir/${p#*:}" ] || die "no ${p#*:} in $dir"
    ln -sfn "$dir/${p#*:}" "$CACHE/kdump/amd64/${p##*/}"
    printf 'kdump.%s.version=%s\nkdump.%s.deb=%s\n' \
        "${p%%:*}" "$(dpkg-deb -f "$deb" Version)" "${p%%:*}" "$deb" >>"$tmpman"
done

mv "$tmpman" "$MANIFEST"
cache_complete || die "cache incomplete after fetch"
log "done:"
cat "$MANIFEST" >&2
