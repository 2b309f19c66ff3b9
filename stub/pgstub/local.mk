# The pgstub program: snapshot sources + walker views served by libgdb-remote,
# plus the `shell` (readline, capstone) and `export` subcommands.
# Everything but main() is a convenience library, so fuzz targets and tests
# can drive the session, the monitor and the listener as the program does.
noinst_LTLIBRARIES += stub/pgstub/libpgstub.la
stub_pgstub_libpgstub_la_SOURCES = \
	stub/pgstub/session.h \
	stub/pgstub/cli.h \
	stub/pgstub/cli_parse.c \
	stub/pgstub/listen.c \
	stub/pgstub/limits_cli.h \
	stub/pgstub/limits_cli.c \
	stub/pgstub/serve_log.c \
	stub/pgstub/target.c \
	stub/pgstub/memory_map.c \
	stub/pgstub/monitor.c \
	stub/pgstub/monitor_script.c \
	stub/pgstub/info_registers.h \
	stub/pgstub/info_registers.c \
	stub/pgstub/memdump.c \
	stub/pgstub/shell.h \
	stub/pgstub/shell.c \
	stub/pgstub/shell_cmds.c \
	stub/pgstub/disas.h \
	stub/pgstub/disas.c \
	stub/pgstub/export.c \
	stub/pgstub/proxy.h \
	stub/pgstub/proxy_priv.h \
	stub/pgstub/proxy_conn.c \
	stub/pgstub/proxy.c \
	stub/pgstub/proxy_cache.c \
	stub/pgstub/proxy_loop.c \
	stub/pgstub/live_qemu.c \
	stub/pgstub/live_layout.c \
	stub/pgstub/live_ops.c \
	stub/pgstub/live_cli.c
stub_pgstub_libpgstub_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/guest \
	-I$(top_srcdir)/stub $(CAPSTONE_CFLAGS) $(JANSSON_CFLAGS)
stub_pgstub_libpgstub_la_LIBADD = guest/libguest.la stub/libgdbr-transport.la \
	stub/libgdb-remote.la walker/libpgwalk-internal.la \
	$(CAPSTONE_LIBS) $(READLINE_LIBS) $(JANSSON_LIBS)

bin_PROGRAMS += pgstub
pgstub_SOURCES = stub/pgstub/main.c
pgstub_CPPFLAGS = $(stub_pgstub_libpgstub_la_CPPFLAGS)
pgstub_LDADD = stub/pgstub/libpgstub.la
