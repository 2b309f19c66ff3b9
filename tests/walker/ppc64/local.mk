# ppc64 walker tests: the hashed page table and the HTAB stream decoder.
walker_tests += \
	tests/walker/ppc64/test_ppc64_hash \
	tests/walker/ppc64/test_htab_stream

tests_walker_ppc64_test_ppc64_hash_SOURCES = tests/walker/ppc64/test_ppc64_hash.c
tests_walker_ppc64_test_ppc64_hash_CFLAGS = $(walker_test_cflags)
tests_walker_ppc64_test_ppc64_hash_CPPFLAGS = $(walker_test_cppflags)
tests_walker_ppc64_test_ppc64_hash_LDADD = $(walker_test_ldadd)

tests_walker_ppc64_test_htab_stream_SOURCES = tests/walker/ppc64/test_htab_stream.c
tests_walker_ppc64_test_htab_stream_CFLAGS = $(walker_test_cflags)
tests_walker_ppc64_test_htab_stream_CPPFLAGS = $(walker_test_cppflags)
tests_walker_ppc64_test_htab_stream_LDADD = $(walker_test_ldadd)

walker_tests += tests/walker/ppc64/test_ppc64_radix
tests_walker_ppc64_test_ppc64_radix_SOURCES = tests/walker/ppc64/test_ppc64_radix.c tests/walker/ppc64/rxmem.h
tests_walker_ppc64_test_ppc64_radix_CFLAGS = $(walker_test_cflags)
tests_walker_ppc64_test_ppc64_radix_CPPFLAGS = $(walker_test_cppflags)
tests_walker_ppc64_test_ppc64_radix_LDADD = $(walker_test_ldadd)

walker_tests += tests/walker/ppc64/test_radix_nested
tests_walker_ppc64_test_radix_nested_SOURCES = tests/walker/ppc64/test_radix_nested.c tests/walker/ppc64/rxmem.h
tests_walker_ppc64_test_radix_nested_CFLAGS = $(walker_test_cflags)
tests_walker_ppc64_test_radix_nested_CPPFLAGS = $(walker_test_cppflags)
tests_walker_ppc64_test_radix_nested_LDADD = $(walker_test_ldadd)
