# arm64 walker tests: VMSAv8-64 stage 1 (every granule, size, block level,
# fault, permission rule), 52-bit LPA/LPA2, the EL2 regimes, stage 2 and
# composed walks, and the caches against the bare walk.
walker_tests += \
	tests/walker/arm64/test_arm64_s1 \
	tests/walker/arm64/test_arm64_s2

tests_walker_arm64_test_arm64_s1_SOURCES = tests/walker/arm64/test_arm64_s1.c tests/walker/arm64/a64_tables.h
tests_walker_arm64_test_arm64_s1_CFLAGS = $(walker_test_cflags)
tests_walker_arm64_test_arm64_s1_CPPFLAGS = $(walker_test_cppflags)
tests_walker_arm64_test_arm64_s1_LDADD = $(walker_test_ldadd)

tests_walker_arm64_test_arm64_s2_SOURCES = tests/walker/arm64/test_arm64_s2.c tests/walker/arm64/a64_tables.h
tests_walker_arm64_test_arm64_s2_CFLAGS = $(walker_test_cflags)
tests_walker_arm64_test_arm64_s2_CPPFLAGS = $(walker_test_cppflags)
tests_walker_arm64_test_arm64_s2_LDADD = $(walker_test_ldadd)

walker_tests += tests/walker/arm64/test_arm64_lpa
tests_walker_arm64_test_arm64_lpa_SOURCES = tests/walker/arm64/test_arm64_lpa.c tests/walker/arm64/a64_tables.h
tests_walker_arm64_test_arm64_lpa_CFLAGS = $(walker_test_cflags)
tests_walker_arm64_test_arm64_lpa_CPPFLAGS = $(walker_test_cppflags)
tests_walker_arm64_test_arm64_lpa_LDADD = $(walker_test_ldadd)

walker_tests += tests/walker/arm64/test_arm64_views
tests_walker_arm64_test_arm64_views_SOURCES = tests/walker/arm64/test_arm64_views.c tests/walker/arm64/a64_tables.h
tests_walker_arm64_test_arm64_views_CFLAGS = $(walker_test_cflags)
tests_walker_arm64_test_arm64_views_CPPFLAGS = $(walker_test_cppflags)
tests_walker_arm64_test_arm64_views_LDADD = $(walker_test_ldadd)

walker_tests += tests/walker/arm64/test_arm64_el2
tests_walker_arm64_test_arm64_el2_SOURCES = tests/walker/arm64/test_arm64_el2.c tests/walker/arm64/a64_tables.h
tests_walker_arm64_test_arm64_el2_CFLAGS = $(walker_test_cflags)
tests_walker_arm64_test_arm64_el2_CPPFLAGS = $(walker_test_cppflags)
tests_walker_arm64_test_arm64_el2_LDADD = $(walker_test_ldadd)

walker_tests += tests/walker/arm64/test_arm64_cache
tests_walker_arm64_test_arm64_cache_SOURCES = tests/walker/arm64/test_arm64_cache.c tests/walker/arm64/a64_tables.h tests/walker/same_walk.h
tests_walker_arm64_test_arm64_cache_CFLAGS = $(walker_test_cflags)
tests_walker_arm64_test_arm64_cache_CPPFLAGS = $(walker_test_cppflags)
tests_walker_arm64_test_arm64_cache_LDADD = $(walker_test_ldadd)
