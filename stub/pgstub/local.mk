# The pgstub program: snapshot sources + walker views served by libgdb-remote,
# plus the `shell` (readline, capstone) and `export` subcommands.
bin_PROGRAMS += pgstub
pgstub_SOURCES = \
	stub/pgstub/session.h \
	stub/pgstub/main.c \
	stub/pgstub/listen.c \
	stub/pgstub/target.c \
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
	stub/pgstub/proxy_rsp.c \
	stub/pgstub/proxy.c \
	stub/pgstub/proxy_loop.c \
	stub/pgstub/live_qemu.c \
	stub/pgstub/live_layout.c \
	stub/pgstub/live_ops.c \
	stub/pgstub/live_cli.c
pgstub_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/guest -I$(top_srcdir)/stub \
	$(CAPSTONE_CFLAGS) $(JANSSON_CFLAGS)
pgstub_LDADD = guest/libguest.la stub/libgdbr-transport.la \
	stub/libgdbr-core.la walker/libpgwalk-internal.la \
	$(CAPSTONE_LIBS) $(READLINE_LIBS) $(JANSSON_LIBS)
