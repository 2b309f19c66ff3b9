# Walker unit tests (cmocka). Each program is one cmocka group (one TAP plan).
noinst_LTLIBRARIES += tests/common/libptbuilder.la
tests_common_libptbuilder_la_SOURCES = tests/common/ptbuilder.c tests/common/ptbuilder.h

walker_test_cflags = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
walker_test_cppflags = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common -I$(top_srcdir)/walker
walker_test_ldadd = tests/common/libptbuilder.la walker/libpgwalk-internal.la $(CMOCKA_LIBS)

walker_tests = \
	tests/walker/test_x86_4l \
	tests/walker/test_views \
	tests/walker/test_x86_32 \
	tests/walker/test_x86_pae \
	tests/walker/test_x86_5l \
	tests/walker/test_access \
	tests/walker/test_nested \
	tests/walker/test_ctx \
	tests/walker/test_invalid \
	tests/walker/test_leaves \
	tests/walker/test_cache

check_PROGRAMS += $(walker_tests)
TESTS += $(walker_tests)

tests_walker_test_x86_4l_SOURCES = tests/walker/test_x86_4l.c
tests_walker_test_x86_4l_CFLAGS = $(walker_test_cflags)
tests_walker_test_x86_4l_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_x86_4l_LDADD = $(walker_test_ldadd)

tests_walker_test_x86_32_SOURCES = tests/walker/test_x86_32.c
tests_walker_test_x86_32_CFLAGS = $(walker_test_cflags)
tests_walker_test_x86_32_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_x86_32_LDADD = $(walker_test_ldadd)

tests_walker_test_x86_pae_SOURCES = tests/walker/test_x86_pae.c
tests_walker_test_x86_pae_CFLAGS = $(walker_test_cflags)
tests_walker_test_x86_pae_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_x86_pae_LDADD = $(walker_test_ldadd)

tests_walker_test_x86_5l_SOURCES = tests/walker/test_x86_5l.c
tests_walker_test_x86_5l_CFLAGS = $(walker_test_cflags)
tests_walker_test_x86_5l_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_x86_5l_LDADD = $(walker_test_ldadd)

tests_walker_test_access_SOURCES = tests/walker/test_access.c
tests_walker_test_access_CFLAGS = $(walker_test_cflags)
tests_walker_test_access_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_access_LDADD = $(walker_test_ldadd)

tests_walker_test_nested_SOURCES = tests/walker/test_nested.c
tests_walker_test_nested_CFLAGS = $(walker_test_cflags)
tests_walker_test_nested_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_nested_LDADD = $(walker_test_ldadd)

tests_walker_test_views_SOURCES = tests/walker/test_views.c
tests_walker_test_views_CFLAGS = $(walker_test_cflags)
tests_walker_test_views_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_views_LDADD = $(walker_test_ldadd)

tests_walker_test_ctx_SOURCES = tests/walker/test_ctx.c
tests_walker_test_ctx_CFLAGS = $(walker_test_cflags)
tests_walker_test_ctx_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_ctx_LDADD = $(walker_test_ldadd)

tests_walker_test_invalid_SOURCES = tests/walker/test_invalid.c
tests_walker_test_invalid_CFLAGS = $(walker_test_cflags)
tests_walker_test_invalid_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_invalid_LDADD = $(walker_test_ldadd)

tests_walker_test_leaves_SOURCES = tests/walker/test_leaves.c
tests_walker_test_leaves_CFLAGS = $(walker_test_cflags)
tests_walker_test_leaves_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_leaves_LDADD = $(walker_test_ldadd)

walker_tests += tests/walker/test_ppc64_hash tests/walker/test_htab_stream
tests_walker_test_ppc64_hash_SOURCES = tests/walker/test_ppc64_hash.c
tests_walker_test_ppc64_hash_CFLAGS = $(walker_test_cflags)
tests_walker_test_ppc64_hash_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_ppc64_hash_LDADD = $(walker_test_ldadd)

tests_walker_test_htab_stream_SOURCES = tests/walker/test_htab_stream.c
tests_walker_test_htab_stream_CFLAGS = $(walker_test_cflags)
tests_walker_test_htab_stream_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_htab_stream_LDADD = $(walker_test_ldadd)

tests_walker_test_cache_SOURCES = tests/walker/test_cache.c
tests_walker_test_cache_CFLAGS = $(walker_test_cflags)
tests_walker_test_cache_CPPFLAGS = $(walker_test_cppflags)
tests_walker_test_cache_LDADD = $(walker_test_ldadd)
