# Fuzz targets over the walker (issue 11): fuzz_walk (x86 32-bit, PAE, 4- and
# 5-level: translations, range walks, mappings, views), fuzz_nested (EPT/NPT
# 2-D walks) and fuzz_hash (ppc64 hash MMU and its views). The input is a
# header with the control state, then a physical memory image (walkfuzz.h).
# mkwalkseeds writes their seed corpora from the walker tests' table builder.
walker_fuzz_ldadd = walker/libpgwalk-internal.la
EXTRA_DIST += tests/fuzz/walkfuzz.h

check_PROGRAMS += tests/fuzz/replay_walk
tests_fuzz_replay_walk_SOURCES = tests/fuzz/fuzz_walk.c tests/fuzz/replay_main.c
tests_fuzz_replay_walk_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_replay_walk_LDADD = $(walker_fuzz_ldadd)
EXTRA_PROGRAMS += tests/fuzz/fuzz_walk
fuzz_programs += tests/fuzz/fuzz_walk
tests_fuzz_fuzz_walk_SOURCES = tests/fuzz/fuzz_walk.c
tests_fuzz_fuzz_walk_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_walk_LDADD = $(walker_fuzz_ldadd)
tests_fuzz_fuzz_walk_LDFLAGS = $(fuzz_ldflags)

check_PROGRAMS += tests/fuzz/replay_nested
tests_fuzz_replay_nested_SOURCES = tests/fuzz/fuzz_nested.c tests/fuzz/replay_main.c
tests_fuzz_replay_nested_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_replay_nested_LDADD = $(walker_fuzz_ldadd)
EXTRA_PROGRAMS += tests/fuzz/fuzz_nested
fuzz_programs += tests/fuzz/fuzz_nested
tests_fuzz_fuzz_nested_SOURCES = tests/fuzz/fuzz_nested.c
tests_fuzz_fuzz_nested_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_nested_LDADD = $(walker_fuzz_ldadd)
tests_fuzz_fuzz_nested_LDFLAGS = $(fuzz_ldflags)

check_PROGRAMS += tests/fuzz/replay_hash
tests_fuzz_replay_hash_SOURCES = tests/fuzz/fuzz_hash.c tests/fuzz/replay_main.c
tests_fuzz_replay_hash_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_replay_hash_LDADD = $(walker_fuzz_ldadd)
EXTRA_PROGRAMS += tests/fuzz/fuzz_hash
fuzz_programs += tests/fuzz/fuzz_hash
tests_fuzz_fuzz_hash_SOURCES = tests/fuzz/fuzz_hash.c
tests_fuzz_fuzz_hash_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_hash_LDADD = $(walker_fuzz_ldadd)
tests_fuzz_fuzz_hash_LDFLAGS = $(fuzz_ldflags)

# The seed writer, kept compiling; its output is checked in (corpus/).
check_PROGRAMS += tests/fuzz/mkwalkseeds
tests_fuzz_mkwalkseeds_SOURCES = tests/fuzz/mkwalkseeds.c
tests_fuzz_mkwalkseeds_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_mkwalkseeds_LDADD = tests/common/libptbuilder.la $(walker_fuzz_ldadd)

# arm64 (VMSAv8-64) stage 1 and 2 from any register values.
check_PROGRAMS += tests/fuzz/replay_arm64
tests_fuzz_replay_arm64_SOURCES = tests/fuzz/fuzz_arm64.c tests/fuzz/replay_main.c
tests_fuzz_replay_arm64_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_replay_arm64_LDADD = $(walker_fuzz_ldadd)
EXTRA_PROGRAMS += tests/fuzz/fuzz_arm64
fuzz_programs += tests/fuzz/fuzz_arm64
tests_fuzz_fuzz_arm64_SOURCES = tests/fuzz/fuzz_arm64.c
tests_fuzz_fuzz_arm64_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_arm64_LDADD = $(walker_fuzz_ldadd)
tests_fuzz_fuzz_arm64_LDFLAGS = $(fuzz_ldflags)
