# Fuzz targets (issue 11).  Each tests/fuzz/fuzz_NAME.c is built twice:
# as tests/fuzz/fuzz_NAME, a libFuzzer program (configure --enable-fuzzing,
# CC=clang; `make fuzz` runs them all, FUZZ_TIME seconds each), and as
# tests/fuzz/replay_NAME with replay_main.c and the ordinary compiler, which
# make check runs over corpus/NAME/ and regress/NAME/ (replay.sh).  A target's
# build lines live in its own NAME.mk fragment, included below.
fuzz_cppflags = $(AM_CPPFLAGS) -I$(top_srcdir)/guest -I$(top_srcdir)/stub \
	-I$(top_srcdir)/stub/pgstub -I$(top_srcdir)/walker \
	-I$(top_srcdir)/tests/common -I$(top_srcdir)/tests/fuzz
fuzz_ldflags = $(AM_LDFLAGS) -fsanitize=fuzzer
fuzz_programs =

TESTS += tests/fuzz/replay.sh
dist_noinst_SCRIPTS += tests/fuzz/replay.sh tests/fuzz/run
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/regress

include tests/fuzz/rsp.mk
include tests/fuzz/decode.mk
include tests/fuzz/guest.mk
include tests/fuzz/walker.mk
include tests/fuzz/riscv.mk
include tests/fuzz/radix.mk
include tests/fuzz/live.mk

CLEANFILES += $(fuzz_programs)

FUZZ_TIME = 60
FUZZ_JOBS = 1
FUZZ_OUT = $(abs_top_builddir)/fuzz-out
.PHONY: fuzz
if FUZZING
fuzz: $(fuzz_programs) demo.elf
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	$(SHELL) $(top_srcdir)/tests/fuzz/run --time $(FUZZ_TIME) \
		--jobs $(FUZZ_JOBS) --out $(FUZZ_OUT) $(FUZZ_TARGETS)
else
fuzz:
	@echo "make fuzz: configure with CC=clang --enable-fuzzing first" >&2; exit 1
endif
