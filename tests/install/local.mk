# Installing: `make install DESTDIR=` used alone (test_install.sh). The
# Debian packages are built and tried in a clean root by scripts/check
# (tests/install/test_deb.sh), not here: they build the tree once more.
TESTS += tests/install/test_install.sh tests/install/test_manpage.sh
EXTRA_DIST += tests/install/lib.sh tests/install/test_install.sh tests/install/test_manpage.sh \
	tests/install/consumer.c tests/install/minbase.sh tests/install/test_deb.sh
