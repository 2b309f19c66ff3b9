# fuzz_live: what the live proxy parses from GDB and QEMU — its own RSP
# framer, and QEMU's `info mtree -f` text for the guest-physical layout.
check_PROGRAMS += tests/fuzz/replay_live
tests_fuzz_replay_live_SOURCES = tests/fuzz/fuzz_live.c tests/fuzz/replay_main.c
tests_fuzz_replay_live_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_replay_live_LDADD = stub/pgstub/libpgstub.la
EXTRA_PROGRAMS += tests/fuzz/fuzz_live
fuzz_programs += tests/fuzz/fuzz_live
tests_fuzz_fuzz_live_SOURCES = tests/fuzz/fuzz_live.c
tests_fuzz_fuzz_live_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_live_LDADD = stub/pgstub/libpgstub.la
tests_fuzz_fuzz_live_LDFLAGS = $(fuzz_ldflags)
