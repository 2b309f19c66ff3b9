# libpgwalk: the page-table walker. The internal convenience library carries
# every symbol for the tests; the installed library exports only pgw_*.
noinst_LTLIBRARIES += walker/libpgwalk-internal.la
walker_libpgwalk_internal_la_SOURCES = \
	walker/walker_priv.h \
	walker/formats.c \
	walker/ctx.c \
	walker/fault.c \
	walker/entry.c \
	walker/cache.c \
	walker/walk.c \
	walker/iter.c \
	walker/ppc64_priv.h \
	walker/ppc64_hash.c \
	walker/htab_stream.c \
	$(walker_view_sources)

walker_view_sources =

lib_LTLIBRARIES += walker/libpgwalk.la
walker_libpgwalk_la_SOURCES =
walker_libpgwalk_la_LIBADD = walker/libpgwalk-internal.la
walker_libpgwalk_la_LDFLAGS = -version-info $(PGWALK_LT_VERSION) \
	-Wl,--version-script=$(top_srcdir)/walker/libpgwalk.map
EXTRA_DIST += walker/libpgwalk.map walker/pgwalk.pc.in
include_HEADERS += include/pgwalk.h
pkgconfig_DATA += walker/pgwalk.pc

include walker/views.mk
