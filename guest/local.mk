# guest/: snapshot sources (QEMU ELF dump, kdump-compressed, raw image) as
# one guest object; a convenience library the pgstub program and the tests
# link.
noinst_LTLIBRARIES += guest/libguest.la
guest_libguest_la_SOURCES = \
	guest/guest.h \
	guest/guest_priv.h \
	guest/guest.c \
	guest/physmap.c \
	guest/pagestore.c \
	guest/x86_notes.c \
	guest/arm64_mig.c \
	guest/arm64_notes.c \
	guest/arm64_root.c \
	guest/riscv_notes.c \
	guest/riscv_root.c \
	guest/riscv_mig.c \
	guest/elf_dump.c \
	guest/kdump.c \
	guest/raw.c \
	guest/regs.c \
	guest/vmcoreinfo.c \
	guest/root.c \
	guest/migration_priv.h \
	guest/migration.c \
	guest/migration_vmdesc.c \
	guest/ppc64_cpu.c \
	guest/ppc64_notes.c \
	guest/ppc64_radix.c \
	guest/live.c
guest_libguest_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/guest
guest_libguest_la_CFLAGS = $(AM_CFLAGS) $(LIBELF_CFLAGS) $(KDUMPFILE_CFLAGS) \
	$(JANSSON_CFLAGS)
guest_libguest_la_LIBADD = $(LIBELF_LIBS) $(KDUMPFILE_LIBS) $(JANSSON_LIBS) \
	walker/libpgwalk.la
