# Fuzz target over the ppc64 radix walker (issue 22): contexts from PTCR or a
# pseries process table, nested in a partition-scoped tree or not,
# translations, range walks and views.
check_PROGRAMS += tests/fuzz/replay_radix
tests_fuzz_replay_radix_SOURCES = tests/fuzz/fuzz_radix.c tests/fuzz/replay_main.c
tests_fuzz_replay_radix_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_replay_radix_LDADD = $(walker_fuzz_ldadd)
EXTRA_PROGRAMS += tests/fuzz/fuzz_radix
fuzz_programs += tests/fuzz/fuzz_radix
tests_fuzz_fuzz_radix_SOURCES = tests/fuzz/fuzz_radix.c
tests_fuzz_fuzz_radix_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_radix_LDADD = $(walker_fuzz_ldadd)
tests_fuzz_fuzz_radix_LDFLAGS = $(fuzz_ldflags)
EXTRA_DIST += tests/fuzz/mkradixseeds.py
