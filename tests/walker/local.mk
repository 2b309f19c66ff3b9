# Walker unit tests (cmocka), mirroring walker/: the core's here, each MMU
# family's in its folder. Each program is one cmocka group (one TAP plan).
noinst_LTLIBRARIES += tests/common/libptbuilder.la
tests_common_libptbuilder_la_SOURCES = tests/common/ptbuilder.c tests/common/ptbuilder.h

walker_test_cflags = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
walker_test_cppflags = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common -I$(top_srcdir)/walker
walker_test_ldadd = tests/common/libptbuilder.la walker/libpgwalk-internal.la $(CMOCKA_LIBS)

walker_tests = \
	tests/walker/test_arch \
	tests/walker/test_views \
	tests/walker/test_invalid \
	tests/walker/test_leaves \
	tests/walker/test_cache

check_PROGRAMS += $(walker_tests)
TESTS += $(walker_tests)

tests_walker_test_arch_SOURCES = tests/walker/test_arch.c
tests_walker_test_arch_CFLAGS = $(walker_test_cflags)
tests_walker_test_arch_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_arch_LDADD = $(walker_test_ldadd)

tests_walker_test_views_SOURCES = tests/walker/test_views.c
tests_walker_test_views_CFLAGS = $(walker_test_cflags)
tests_walker_test_views_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_views_LDADD = $(walker_test_ldadd)

tests_walker_test_invalid_SOURCES = tests/walker/test_invalid.c
tests_walker_test_invalid_CFLAGS = $(walker_test_cflags)
tests_walker_test_invalid_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_invalid_LDADD = $(walker_test_ldadd)

tests_walker_test_leaves_SOURCES = tests/walker/test_leaves.c
tests_walker_test_leaves_CFLAGS = $(walker_test_cflags)
tests_walker_test_leaves_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_leaves_LDADD = $(walker_test_ldadd)

tests_walker_test_cache_SOURCES = tests/walker/test_cache.c tests/walker/same_walk.h
tests_walker_test_cache_CFLAGS = $(walker_test_cflags)
tests_walker_test_cache_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_cache_LDADD = $(walker_test_ldadd)

include tests/walker/x86/local.mk
include tests/walker/ppc64/local.mk
include tests/walker/riscv/local.mk
include tests/walker/arm64/local.mk
