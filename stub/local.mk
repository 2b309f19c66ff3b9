# stub/: libgdb-remote, the RSP engine (installed, exports fixed by
# libgdb-remote.map), built from a convenience library the unit tests link
# statically. The byte transports around it are the program's
# (stub/pgstub/serving/transport.c).

noinst_LTLIBRARIES += stub/libgdbr-core.la
stub_libgdbr_core_la_SOURCES = \
	stub/gdbr_priv.h \
	stub/hex.c \
	stub/framer.c \
	stub/packet.c \
	stub/server.c \
	stub/out.c \
	stub/tdesc_x86.c \
	stub/tdesc_ppc64.c \
	stub/tdesc_aarch64.c \
	stub/tdesc_riscv.c \
	stub/cmd_query.c \
	stub/cmd_mem.c \
	stub/cmd_regs.c \
	stub/cmd_thread.c \
	stub/cmd_xfer.c \
	stub/cmd_rcmd.c \
	stub/cmd_run.c

lib_LTLIBRARIES += stub/libgdb-remote.la
stub_libgdb_remote_la_SOURCES =
stub_libgdb_remote_la_LIBADD = stub/libgdbr-core.la
stub_libgdb_remote_la_LDFLAGS = $(AM_LDFLAGS) -version-info $(GDBR_LT_VERSION) \
	-Wl,--version-script=$(srcdir)/stub/libgdb-remote.map
EXTRA_stub_libgdb_remote_la_DEPENDENCIES = stub/libgdb-remote.map
include_HEADERS += include/gdb-remote.h
pkgconfig_DATA += stub/gdb-remote.pc
EXTRA_DIST += stub/libgdb-remote.map stub/gdb-remote.pc.in
