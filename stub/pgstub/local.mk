# The pgstub program: snapshot sources + walker views served by libgdb-remote.
bin_PROGRAMS += pgstub
pgstub_SOURCES = \
	stub/pgstub/session.h \
	stub/pgstub/main.c \
	stub/pgstub/target.c \
	stub/pgstub/monitor.c \
	stub/pgstub/info_registers.h \
	stub/pgstub/info_registers.c \
	stub/pgstub/memdump.c
pgstub_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/guest -I$(top_srcdir)/stub
pgstub_LDADD = guest/libguest.la stub/libgdbr-transport.la \
	stub/libgdbr-core.la walker/libpgwalk-internal.la
