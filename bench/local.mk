# Benchmarks: built and run by `make bench`, never by `make all` or
# `make check` (EXTRA_PROGRAMS are built only on demand).
# Makefile.am does not initialise EXTRA_PROGRAMS; this is its only user.
# (A second user should move "EXTRA_PROGRAMS =" into Makefile.am.)
EXTRA_PROGRAMS = bench/walk_synth
bench_walk_synth_SOURCES = bench/walk_synth.c
bench_walk_synth_LDADD = walker/libpgwalk-internal.la

bench_programs = bench/walk_synth
CLEANFILES += $(bench_programs)
EXTRA_DIST += bench/run

.PHONY: bench
bench: $(bench_programs)
	BENCH_BIN_DIR='$(abs_top_builddir)/bench' $(SHELL) $(top_srcdir)/bench/run
