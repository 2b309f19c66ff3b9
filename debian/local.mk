# The Debian packaging travels in the release tarball, which is what
# tests/install/test_deb.sh builds the packages from.
EXTRA_DIST += debian/changelog debian/control debian/copyright debian/rules \
	debian/source/format debian/local.mk \
	debian/pgstub.install debian/gdb-pgstub.install \
	debian/libpgwalk0.install debian/libpgwalk-dev.install \
	debian/libgdb-remote0.install debian/libgdb-remote-dev.install
