# Live QEMU: pgstub --qemu in front of a real guest's gdbstub (TCG).
TESTS += tests/live/test_live.sh tests/live/test_spawn.sh \
	tests/live/test_live_aarch64.sh tests/live/test_live_riscv64.sh \
	tests/live/test_live_riscv32.sh \
	tests/live/test_live_ppc64.sh
EXTRA_DIST += tests/live/test_live.sh tests/live/test_live.py \
	tests/live/test_live_aarch64.sh tests/live/test_live_aarch64.py \
	tests/live/driver_aarch64.py \
	tests/live/test_live_riscv64.sh tests/live/test_live_riscv64.py \
	tests/live/driver_riscv64.py \
	tests/live/test_live_riscv32.sh tests/live/test_live_riscv32.py \
	tests/live/test_live_ppc64.sh tests/live/test_live_ppc64.py \
	tests/live/test_spawn.sh tests/live/test_spawn.py \
	tests/live/spawn_driver.py tests/live/init-spawn.sh \
	tests/live/live_guest.py tests/live/driver.py tests/live/qemu_truth.py \
	tests/live/gdb_driver.py

# The RAM layout parser on QEMU's `info mtree -f` text (no QEMU needed).
check_PROGRAMS += tests/live/test_layout
TESTS += tests/live/test_layout
tests_live_test_layout_SOURCES = tests/live/test_layout.c
tests_live_test_layout_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/stub/pgstub \
	-I$(top_srcdir)/guest $(CMOCKA_CFLAGS)
tests_live_test_layout_LDADD = stub/pgstub/libpgstub.la $(CMOCKA_LIBS)

# QEMU's target description as the proxy reads it (no QEMU needed).
check_PROGRAMS += tests/live/test_tdesc
TESTS += tests/live/test_tdesc
tests_live_test_tdesc_SOURCES = tests/live/test_tdesc.c
tests_live_test_tdesc_CPPFLAGS = $(tests_live_test_layout_CPPFLAGS)
tests_live_test_tdesc_LDADD = stub/pgstub/libpgstub.la $(CMOCKA_LIBS)

# The live proxy's routing and reply cache as units (no QEMU): GDB's and
# QEMU's descriptors are temporary files.
check_PROGRAMS += tests/live/test_proxy_route tests/live/test_proxy_cache
TESTS += tests/live/test_proxy_route tests/live/test_proxy_cache
tests_live_test_proxy_route_SOURCES = tests/live/test_proxy_route.c
tests_live_test_proxy_route_CPPFLAGS = $(tests_live_test_layout_CPPFLAGS)
tests_live_test_proxy_route_LDADD = stub/pgstub/libpgstub.la $(CMOCKA_LIBS)
tests_live_test_proxy_cache_SOURCES = tests/live/test_proxy_cache.c
tests_live_test_proxy_cache_CPPFLAGS = $(tests_live_test_layout_CPPFLAGS)
tests_live_test_proxy_cache_LDADD = stub/pgstub/libpgstub.la $(CMOCKA_LIBS)
