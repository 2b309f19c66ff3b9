# fuzz_rsp: GDB's side of the wire — framing, acks, escapes, RLE, every
# packet handler, qXfer windows and monitor commands — against the demo guest.
check_PROGRAMS += tests/fuzz/replay_rsp
tests_fuzz_replay_rsp_SOURCES = tests/fuzz/fuzz_rsp.c tests/fuzz/replay_main.c
tests_fuzz_replay_rsp_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_replay_rsp_LDADD = stub/pgstub/libpgstub.la
EXTRA_PROGRAMS += tests/fuzz/fuzz_rsp
fuzz_programs += tests/fuzz/fuzz_rsp
tests_fuzz_fuzz_rsp_SOURCES = tests/fuzz/fuzz_rsp.c
tests_fuzz_fuzz_rsp_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_rsp_LDADD = stub/pgstub/libpgstub.la
tests_fuzz_fuzz_rsp_LDFLAGS = $(fuzz_ldflags)
