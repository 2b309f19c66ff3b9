# libpgwalk: the page-table walker. The internal convenience library carries
# every symbol for the tests; the installed library exports only pgw_*.
noinst_LTLIBRARIES += walker/libpgwalk-internal.la
walker_libpgwalk_internal_la_SOURCES = \
	walker/arch.h \
	walker/arch.c \
	walker/walker_priv.h \
	walker/ctx.c \
	walker/fault.c \
	walker/access.c \
	walker/cache.c \
	walker/walk.c \
	walker/iter.c \
	$(walker_view_sources) \
	$(walker_arch_sources)
walker_libpgwalk_internal_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/walker

# One folder per MMU family behind arch.h (docs/adding-an-architecture.md).
walker_arch_sources =
include walker/x86/local.mk
include walker/ppc64/local.mk
include walker/riscv/local.mk
include walker/arm64/local.mk

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
