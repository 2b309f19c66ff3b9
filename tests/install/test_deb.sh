#!/bin/sh
# The Debian packages, from the release tarball as a user gets it:
# README's install lines run exactly as written (the tree install with
# DESTDIR in the environment, so that the host is not touched), then
# dpkg-buildpackage, lintian, and the packages installed with apt into a
# clean bookworm root (tests/install/minbase.sh) where GDB reads the demo
# guest through the installed pgstub and the installed Python package.
# Run by scripts/check once (not by make check: it builds the tree twice
# more). Needs root, debootstrap, dpkg-dev, debhelper, lintian, and
# deb.debian.org for the packages' dependencies.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir/build}
. "$top_srcdir/tests/install/lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (chroot, mount)"
for t in debootstrap dpkg-buildpackage dh lintian; do
	command -v $t >/dev/null || skip_all "$t not found (scripts/setup-deps)"
done
plan 18
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
readme=$top_srcdir/README.md
tree_line='autoreconf -fi && ./configure --prefix=/usr && make && make install'
deb_line='dpkg-buildpackage -us -uc -b'
apt_line='apt-get install ../pgstub_*.deb ../gdb-pgstub_*.deb ../libpgwalk0_*.deb ../libgdb-remote0_*.deb'
for l in "$tree_line" "$deb_line" "$apt_line"; do
	grep -qxF "    $l" "$readme"
	ok "README.md shows: $l" $?
done

work=$(mktemp -d /var/tmp/pgstub-deb.XXXXXX)
root=$work/root
cleanup() {
	for m in var/cache/apt/archives dev/pts dev proc; do
		mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

tarball=$top_builddir/pgstub-$version.tar.gz
[ -f "$tarball" ] || env -u MAKEFLAGS make -s -C "$top_builddir" dist >&2
tar -C "$work" -xzf "$tarball"
src=$work/pgstub-$version
t0=$(date +%s)
check "README's tree install (DESTDIR=$work/tree)" env DESTDIR="$work/tree" \
	MAKEFLAGS=-j"$jobs" sh -c "cd '$src' && $tree_line"
# A DESTDIR install is not where the loader looks for pgstub's libraries.
out=$(LD_LIBRARY_PATH="$work/tree/usr/lib" "$work/tree/usr/bin/pgstub" --version 2>&1)
[ -f "$work/tree/usr/share/gdb/python/pgstub/__init__.py" ] &&
	[ -f "$work/tree/usr/share/gdb/python/gdb/command/pgstub_autoload.py" ] &&
	[ "$out" = "pgstub $version" ]
ok "it installs pgstub and the GDB package under /usr (GDB's data directory)" $?
t1=$(date +%s)

check "README's package build: $deb_line" env DEB_BUILD_OPTIONS="nocheck parallel=$jobs" \
	sh -c "cd '$src' && $deb_line"
t2=$(date +%s)
missing=
for p in pgstub_${version}_amd64 gdb-pgstub_${version}_all libpgwalk${pgwalk_so}_${version}_amd64 \
	libpgwalk-dev_${version}_amd64 libgdb-remote${gdbr_so}_${version}_amd64 \
	libgdb-remote-dev_${version}_amd64; do
	[ -f "$work/$p.deb" ] || missing="$missing $p"
done
[ -z "$missing" ] || echo "# missing:$missing"
ok "six packages, the libraries named after their SONAMEs" $([ -z "$missing" ]; echo $?)
cl=$(cd "$src" && dpkg-parsechangelog -S Version)
expect_line "debian/changelog has configure.ac's version" "$version" "$cl"
dpkg-deb -c "$work/libpgwalk${pgwalk_so}_${version}_amd64.deb" | grep -q "libpgwalk.so.$pgwalk_so "
ok "libpgwalk$pgwalk_so holds libpgwalk.so.$pgwalk_so" $?

lint=$(lintian --tag-display-limit 0 "$work/pgstub_${version}_amd64.changes" 2>&1)
printf '%s\n' "$lint" | grep -v '^E: ' | sed 's/^/# lintian: /'
printf '%s\n' "$lint" | grep '^E: ' | sed 's/^/# lintian: /'
! printf '%s\n' "$lint" | grep -q '^E: '
ok "lintian reports no errors" $?
t3=$(date +%s)

# The clean root: bookworm minbase with gdb, the packages in /srv/pkg.
mkdir "$root" && tar -C "$root" -xf "$("$top_srcdir/tests/install/minbase.sh")"
ok "the clean root is unpacked from the cache" $?
mkdir -p "$root/srv/pkg/pgstub-$version" "${PGSTUB_CACHE:-/var/cache/pgstub}/chroot/apt-archives/partial"
cp "$work"/*.deb "$root/srv/pkg/"
cp "$top_builddir/demo.elf" "$root/srv/demo.elf"
cp /etc/resolv.conf "$root/etc/resolv.conf"
printf 'APT::Get::Assume-Yes "true";\nAPT::Install-Recommends "false";\n' >"$root/srv/apt.conf"
mount -t proc proc "$root/proc" && mount --bind /dev "$root/dev" &&
	mount --bind "${PGSTUB_CACHE:-/var/cache/pgstub}/chroot/apt-archives" "$root/var/cache/apt/archives"
ok "the clean root is mounted (proc, dev, apt's archive cache)" $?
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	DEBIAN_FRONTEND=noninteractive APT_CONFIG=/srv/apt.conf "$@"; }
check "apt-get update in the clean root" in_root apt-get -q update
check "README's install, in the clean root: $apt_line" \
	in_root sh -c "cd /srv/pkg/pgstub-$version && $apt_line"
check "the library and -dev packages install beside them" \
	in_root sh -c 'cd /srv/pkg && apt-get install ./libpgwalk*.deb ./libgdb-remote*.deb'
out=$(in_root gdb -nx -batch -ex 'python import pgstub; print(pgstub.__file__)' \
	-ex 'target remote | pgstub --stdio /srv/demo.elf' \
	-ex 'x/s 0xffffffff81000000' -ex 'vtop 0xffffffff81000000' 2>&1)
expect_line "python import pgstub, no source line: the installed package" \
	"/usr/share/gdb/python/pgstub/__init__.py" "$out"
expect_line "GDB reads the guest through the installed pgstub" \
	'0xffffffff81000000:	"Hello from the pgstub demo guest!"' "$out"
expect_line "the installed package's vtop command walks it" \
	"0xffffffff81000000 -> 0x200000 (2M page, r-x-)" "$out"
t4=$(date +%s)
echo "# seconds: tree install $((t1 - t0)), dpkg-buildpackage $((t2 - t1)), lintian $((t3 - t2)), clean root $((t4 - t3))"
