# fuzz_decode: the hex, number, thread-id and binary-escape decoders and
# encoders of libgdb-remote, each checked against its inverse.
check_PROGRAMS += tests/fuzz/replay_decode
tests_fuzz_replay_decode_SOURCES = tests/fuzz/fuzz_decode.c tests/fuzz/replay_main.c
tests_fuzz_replay_decode_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_replay_decode_LDADD = stub/libgdbr-core.la
EXTRA_PROGRAMS += tests/fuzz/fuzz_decode
fuzz_programs += tests/fuzz/fuzz_decode
tests_fuzz_fuzz_decode_SOURCES = tests/fuzz/fuzz_decode.c
tests_fuzz_fuzz_decode_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_decode_LDADD = stub/libgdbr-core.la
tests_fuzz_fuzz_decode_LDFLAGS = $(fuzz_ldflags)
