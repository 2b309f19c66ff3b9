# Fuzz target over the RISC-V walker (issue 23): stage-1 contexts from satp,
# the G-stage from hgatp, translations, range walks and views.
check_PROGRAMS += tests/fuzz/replay_riscv
tests_fuzz_replay_riscv_SOURCES = tests/fuzz/fuzz_riscv.c tests/fuzz/replay_main.c
tests_fuzz_replay_riscv_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_replay_riscv_LDADD = $(walker_fuzz_ldadd)
EXTRA_PROGRAMS += tests/fuzz/fuzz_riscv
fuzz_programs += tests/fuzz/fuzz_riscv
tests_fuzz_fuzz_riscv_SOURCES = tests/fuzz/fuzz_riscv.c
tests_fuzz_fuzz_riscv_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_riscv_LDADD = $(walker_fuzz_ldadd)
tests_fuzz_fuzz_riscv_LDFLAGS = $(fuzz_ldflags)
