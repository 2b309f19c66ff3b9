# Benchmarks: built and run by `make bench`, never by `make all` or
# `make check` (EXTRA_PROGRAMS are built only on demand).
EXTRA_PROGRAMS += bench/walk_synth bench/xlat_cmp bench/rsp_rcmd bench/guest_xlat
bench_walk_synth_SOURCES = bench/walk_synth.c
bench_walk_synth_LDADD = walker/libpgwalk-internal.la
bench_xlat_cmp_SOURCES = bench/xlat_cmp.c bench/bench_pages.h
bench_xlat_cmp_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/walker
bench_xlat_cmp_LDADD = walker/libpgwalk-internal.la -laddrxlat
bench_rsp_rcmd_SOURCES = bench/rsp_rcmd.c
bench_guest_xlat_SOURCES = bench/guest_xlat.c bench/bench_pages.h
bench_guest_xlat_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/guest
bench_guest_xlat_LDADD = guest/libguest.la

bench_programs = bench/walk_synth bench/xlat_cmp bench/rsp_rcmd bench/guest_xlat
CLEANFILES += $(bench_programs)
EXTRA_DIST += bench/run bench/bench.py

.PHONY: bench
bench: $(bench_programs) pgstub
	BENCH_BIN_DIR='$(abs_top_builddir)/bench' \
	BENCH_PGSTUB='$(abs_top_builddir)/pgstub' $(SHELL) $(top_srcdir)/bench/run
