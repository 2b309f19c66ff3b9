#!/bin/sh
# fetch-aarch64.sh [FLAVOUR...] - download Debian's arm64 kernels and
# busybox-static for the arm64 real-guest harness (record_aarch64.py)
# WITHOUT installing them on the host.  FLAVOUR is one of
#   arm64       bookworm's linux-image-arm64 (4K pages, 48-bit VA)   [default]
#   arm64-16k   trixie's linux-image-arm64-16k (16K pages), through a
#               private apt state under the cache (the host's sources.list
#               and package lists are not touched)
#
# Into ${PGSTUB_CACHE:-/var/cache/pgstub} (as fetch.sh does for x86):
#   debs/, pkgs/<deb-basename>/         the .debs and their dpkg -x trees
#   kernels/<FLAVOUR>/{vmlinuz,config,version,modules}
#                                       modules -> the tree's lib/modules/REL
#   busybox/arm64/busybox
#   fetch-aarch64.manifest              key=value lines, one block per flavour
# A flavour whose files are all present is not fetched again (no network
# access); PGSTUB_REFETCH=1 forces a refresh.  Needs root (dpkg
# --add-architecture arm64).
set -eu

CACHE=${PGSTUB_CACHE:-/var/cache/pgstub}
# One fetcher at a time, all five under one lock: make check runs them
# in parallel, and on an empty cache one's apt-get update under another's
# apt-cache lookup left that one without a candidate version.
mkdir -p "$CACHE"
exec 9>"$CACHE/.fetch.lock"
flock 9
MANIFEST=$CACHE/fetch-aarch64.manifest
TRIXIE=$CACHE/apt-trixie

log() { printf 'fetch-aarch64: %s\n' "$*" >&2; }
die() { printf 'fetch-aarch64: error: %s\n' "$*" >&2; exit 1; }

[ $# -gt 0 ] || set -- arm64

have() {
	for f in vmlinuz config version modules; do
		[ -e "$CACHE/kernels/$1/$f" ] || return 1
	done
	[ -e "$CACHE/busybox/arm64/busybox" ] &&
		grep -q "^kernel\.$1\.release=" "$MANIFEST" 2>/dev/null
}

todo=
for flav in "$@"; do
	case $flav in arm64|arm64-16k) ;; *) die "unknown flavour '$flav' (arm64, arm64-16k)" ;; esac
	if [ "${PGSTUB_REFETCH:-0}" = 1 ] || ! have "$flav"; then
		todo="$todo $flav"
	fi
done
if [ -z "$todo" ]; then
	log "cache complete in $CACHE for $* (no network access)"
	exit 0
fi
mkdir -p "$CACHE/debs" "$CACHE/pkgs" "$CACHE/kernels" "$CACHE/busybox/arm64"

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	log "dpkg --add-architecture arm64"
	dpkg --add-architecture arm64
fi
# A foreign-architecture security index may report a size mismatch; the
# main index has the packages (design.md section 10): tolerated.
log "apt-get update"
apt-get update -q >"$CACHE/apt-update-aarch64.log" 2>&1 ||
	log "apt-get update reported errors (tolerated; see $CACHE/apt-update-aarch64.log)"

# apt-get with the trixie state: its own sources, lists and cache, the
# host's dpkg status and keyrings (bookworm's debian-archive-keyring has
# trixie's keys).
apt_trixie() {
	apt-get -q -o Dir::Etc::SourceList="$TRIXIE/sources.list" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State::Lists="$TRIXIE/lists" \
		-o Dir::Cache="$TRIXIE/cache" \
		-o APT::Architectures::=arm64 "$@"
}
apt_cache_trixie() {
	apt-cache -o Dir::Etc::SourceList="$TRIXIE/sources.list" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State::Lists="$TRIXIE/lists" \
		-o Dir::Cache="$TRIXIE/cache" \
		-o APT::Architectures::=arm64 "$@"
}
case $todo in *arm64-16k*)
	mkdir -p "$TRIXIE/lists/partial" "$TRIXIE/cache/archives/partial"
	echo "deb http://deb.debian.org/debian trixie main" >"$TRIXIE/sources.list"
	log "apt-get update (trixie, private state in $TRIXIE)"
	apt_trixie update >"$CACHE/apt-update-trixie.log" 2>&1 ||
		log "apt-get update (trixie) reported errors (see $CACHE/apt-update-trixie.log)"
	;;
esac

# APT = apt-get or apt_trixie, CACHECMD = apt-cache or apt_cache_trixie.
candidate() {
	v=$($CACHECMD policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | head -1)
	[ -n "$v" ] && [ "$v" != "(none)" ] || die "no candidate version for $1"
	printf '%s\n' "$v"
}

download() {
	spec=$1
	ver=$(candidate "$spec")
	name=${spec%%:*}
	fver=$(printf '%s' "$ver" | sed 's/:/%3a/g')
	deb=$CACHE/debs/${name}_${fver}_arm64.deb
	if [ ! -s "$deb" ]; then
		log "apt-get download $spec=$ver"
		(cd "$CACHE/debs" && $APT download "$spec=$ver" >/dev/null 2>"$CACHE/debs/.err-aarch64") ||
			{ cat "$CACHE/debs/.err-aarch64" >&2; die "apt-get download $spec=$ver failed"; }
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

tmpman=$MANIFEST.tmp
: >"$tmpman"
# Keep the blocks of the flavours not fetched this time.
if [ -f "$MANIFEST" ]; then
	for flav in arm64 arm64-16k; do
		case " $todo " in *" $flav "*) continue ;; esac
		grep "^kernel\.$flav\." "$MANIFEST" >>"$tmpman" || true
	done
fi

APT="apt-get -q" CACHECMD=apt-cache
bdeb=$(download "busybox-static:arm64")
bdir=$(extract "$bdeb")
[ -f "$bdir/bin/busybox" ] || die "no bin/busybox in $bdir"
ln -sfn "$bdir/bin/busybox" "$CACHE/busybox/arm64/busybox"

for flav in $todo; do
	if [ "$flav" = arm64-16k ]; then
		APT=apt_trixie CACHECMD=apt_cache_trixie
	else
		APT="apt-get -q" CACHECMD=apt-cache
	fi
	# linux-image-arm64 -> linux-image-6.1.0-NN-arm64 (the versioned package)
	real=$($CACHECMD depends "linux-image-$flav:arm64" 2>/dev/null |
	       sed -n 's/^ *Depends: \(linux-image-[0-9][^ :]*\).*$/\1/p' | head -1)
	[ -n "$real" ] || die "cannot resolve linux-image-$flav to a versioned package"
	kdeb=$(download "$real:arm64")
	kdir=$(extract "$kdeb")
	vmlinuz=$(ls "$kdir"/boot/vmlinuz-* 2>/dev/null | head -1)
	[ -f "$vmlinuz" ] || die "no boot/vmlinuz-* in $kdir"
	kver=${vmlinuz##*/vmlinuz-}
	kd=$CACHE/kernels/$flav
	mkdir -p "$kd"
	ln -sfn "$vmlinuz" "$kd/vmlinuz"
	ln -sfn "$kdir/boot/config-$kver" "$kd/config"
	# bookworm ships lib/modules, trixie (merged /usr) usr/lib/modules.
	mdir=$kdir/lib/modules/$kver
	[ -d "$mdir" ] || mdir=$kdir/usr/lib/modules/$kver
	[ -d "$mdir" ] || die "no lib/modules/$kver in $kdir"
	ln -sfn "$mdir" "$kd/modules"
	pver=$(dpkg-deb -f "$kdeb" Version)
	printf '%s %s %s\n' "$real" "$pver" "$kver" >"$kd/version"
	printf 'kernel.%s.package=%s\nkernel.%s.version=%s\nkernel.%s.release=%s\nkernel.%s.deb=%s\n' \
		"$flav" "$real" "$flav" "$pver" "$flav" "$kver" "$flav" "$kdeb" >>"$tmpman"
done
printf 'busybox.arm64.version=%s\nbusybox.arm64.deb=%s\n' \
	"$(dpkg-deb -f "$bdeb" Version)" "$bdeb" >>"$tmpman"
grep -v '^busybox\.' "$tmpman" >"$tmpman.k" || true
grep '^busybox\.' "$tmpman" | tail -2 >>"$tmpman.k"
rm -f "$tmpman"
mv "$tmpman.k" "$MANIFEST"
for flav in $todo; do have "$flav" || die "cache incomplete for $flav after fetch"; done
log "done:"
cat "$MANIFEST" >&2
