# The pgstub program, one folder per subsystem:
#   serving/  command line, opening an image, the session and its target
#             ops, memory map, listeners and transports, where logs go
#   monitor/  the monitor commands (views, info registers, x/xp, scripts)
#   live/     the proxy in front of a live QEMU
#   shell/    `pgstub shell` and its disassembler
#   export/   `pgstub export --paging`
#   lint/     `check` (the page-table lint) and `diff` (mappings that changed)
# main.c picks the subsystem. Everything but main() is a convenience
# library, so fuzz targets and tests drive the parts as the program does.
# The program uses libpgwalk and libgdb-remote only through their public
# headers, and links them as installed.
noinst_LTLIBRARIES += stub/pgstub/libpgstub.la
stub_pgstub_libpgstub_la_SOURCES = \
	stub/pgstub/serving/cli.h \
	stub/pgstub/serving/cli_parse.c \
	stub/pgstub/serving/cli_tables.c \
	stub/pgstub/serving/cli_image.c \
	stub/pgstub/serving/cli_limits.h \
	stub/pgstub/serving/cli_limits.c \
	stub/pgstub/serving/serve.h \
	stub/pgstub/serving/serve.c \
	stub/pgstub/serving/listen.c \
	stub/pgstub/serving/serve_log.c \
	stub/pgstub/serving/transport.h \
	stub/pgstub/serving/transport.c \
	stub/pgstub/serving/session.h \
	stub/pgstub/serving/session.c \
	stub/pgstub/serving/target_ops.c \
	stub/pgstub/serving/memory_map.c \
	stub/pgstub/monitor/monitor.h \
	stub/pgstub/monitor/monitor.c \
	stub/pgstub/monitor/monitor_script.c \
	stub/pgstub/monitor/info_registers.h \
	stub/pgstub/monitor/info_registers.c \
	stub/pgstub/monitor/info_registers_arm64.c \
	stub/pgstub/monitor/info_registers_riscv.c \
	stub/pgstub/monitor/memdump.c \
	stub/pgstub/monitor/dump_notes.c \
	stub/pgstub/monitor/info_radix.c \
	stub/pgstub/monitor/monitor_lint.c \
	stub/pgstub/monitor/monitor_access.c \
	stub/pgstub/lint/lint_out.h \
	stub/pgstub/lint/lint_out.c \
	stub/pgstub/lint/check.h \
	stub/pgstub/lint/check_priv.h \
	stub/pgstub/lint/check.c \
	stub/pgstub/lint/check_alias.c \
	stub/pgstub/lint/check_tables.c \
	stub/pgstub/lint/diff.h \
	stub/pgstub/lint/diff.c \
	stub/pgstub/lint/diff_cli.c \
	stub/pgstub/live/proxy.h \
	stub/pgstub/live/proxy_priv.h \
	stub/pgstub/live/proxy_conn.c \
	stub/pgstub/live/proxy.c \
	stub/pgstub/live/proxy_cache.c \
	stub/pgstub/live/proxy_loop.c \
	stub/pgstub/live/live_qemu.c \
	stub/pgstub/live/live_tdesc.c \
	stub/pgstub/live/live_arm64.c \
	stub/pgstub/live/live_ppc64.c \
	stub/pgstub/live/live_riscv.c \
	stub/pgstub/live/live_layout.c \
	stub/pgstub/live/live_ops.c \
	stub/pgstub/live/live_cli.c \
	stub/pgstub/shell/shell.h \
	stub/pgstub/shell/shell.c \
	stub/pgstub/shell/shell_cmds.c \
	stub/pgstub/shell/disas.h \
	stub/pgstub/shell/disas.c \
	stub/pgstub/export/export.h \
	stub/pgstub/export/export.c
stub_pgstub_libpgstub_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/guest \
	-I$(top_srcdir)/stub/pgstub \
	$(CAPSTONE_CFLAGS) $(JANSSON_CFLAGS)
stub_pgstub_libpgstub_la_LIBADD = guest/libguest.la \
	stub/libgdb-remote.la walker/libpgwalk.la \
	$(CAPSTONE_LIBS) $(READLINE_LIBS) $(JANSSON_LIBS)

bin_PROGRAMS += pgstub
pgstub_SOURCES = stub/pgstub/main.c
pgstub_CPPFLAGS = $(stub_pgstub_libpgstub_la_CPPFLAGS)
pgstub_LDADD = stub/pgstub/libpgstub.la
