# guest/ tests: cmocka programs (one group each) on synthetic images, and a
# TAP script on real QEMU dumps (ELF vs kdump, truncation, real guests).
noinst_LTLIBRARIES += tests/guest/libmkdump.la
tests_guest_libmkdump_la_SOURCES = tests/guest/mkdump.c tests/guest/mkdump.h \
	tests/guest/mkmig.c tests/guest/mkmig.h

guest_test_cflags = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
guest_test_cppflags = $(AM_CPPFLAGS) -I$(top_srcdir)/guest \
	-I$(top_srcdir)/tests/guest
guest_test_ldadd = tests/guest/libmkdump.la guest/libguest.la $(CMOCKA_LIBS)

guest_tests = \
	tests/guest/test_guest_elf \
	tests/guest/test_guest_raw \
	tests/guest/test_guest_migration \
	tests/guest/test_guest_vmcoreinfo \
	tests/guest/test_guest_arm64 \
	tests/guest/test_guest_riscv

check_PROGRAMS += $(guest_tests) tests/guest/guest_dumpinfo \
	tests/guest/mkarm64
TESTS += $(guest_tests) tests/guest/qemu_dumps.sh \
	tests/guest/qemu_dumps_aarch64.sh
dist_noinst_SCRIPTS += tests/guest/qemu_dumps.sh \
	tests/guest/qemu_dumps_aarch64.sh

tests_guest_test_guest_elf_SOURCES = tests/guest/test_guest_elf.c
tests_guest_test_guest_elf_CFLAGS = $(guest_test_cflags)
tests_guest_test_guest_elf_CPPFLAGS = $(guest_test_cppflags)
tests_guest_test_guest_elf_LDADD = $(guest_test_ldadd)

tests_guest_test_guest_vmcoreinfo_SOURCES = tests/guest/test_guest_vmcoreinfo.c
tests_guest_test_guest_vmcoreinfo_CFLAGS = $(guest_test_cflags)
tests_guest_test_guest_vmcoreinfo_CPPFLAGS = $(guest_test_cppflags)
tests_guest_test_guest_vmcoreinfo_LDADD = $(guest_test_ldadd)

tests_guest_test_guest_arm64_SOURCES = tests/guest/test_guest_arm64.c
tests_guest_test_guest_arm64_CFLAGS = $(guest_test_cflags)
tests_guest_test_guest_arm64_CPPFLAGS = $(guest_test_cppflags)
tests_guest_test_guest_arm64_LDADD = $(guest_test_ldadd)
tests_guest_test_guest_riscv_SOURCES = tests/guest/test_guest_riscv.c
tests_guest_test_guest_riscv_CFLAGS = $(guest_test_cflags)
tests_guest_test_guest_riscv_CPPFLAGS = $(guest_test_cppflags)
tests_guest_test_guest_riscv_LDADD = $(guest_test_ldadd)

tests_guest_test_guest_raw_SOURCES = tests/guest/test_guest_raw.c
tests_guest_test_guest_raw_CFLAGS = $(guest_test_cflags)
tests_guest_test_guest_raw_CPPFLAGS = $(guest_test_cppflags)
tests_guest_test_guest_raw_LDADD = $(guest_test_ldadd)

tests_guest_test_guest_migration_SOURCES = tests/guest/test_guest_migration.c
tests_guest_test_guest_migration_CFLAGS = $(guest_test_cflags)
tests_guest_test_guest_migration_CPPFLAGS = $(guest_test_cppflags)
tests_guest_test_guest_migration_LDADD = $(guest_test_ldadd)

tests_guest_guest_dumpinfo_SOURCES = tests/guest/guest_dumpinfo.c
tests_guest_guest_dumpinfo_CPPFLAGS = $(guest_test_cppflags)
tests_guest_guest_dumpinfo_LDADD = guest/libguest.la

# A synthetic aarch64 dump with hand-built tables, for the GDB test
# (tests/stub/test_gdb_arm64.sh).
tests_guest_mkarm64_SOURCES = tests/guest/mkarm64.c
tests_guest_mkarm64_CPPFLAGS = $(guest_test_cppflags)
tests_guest_mkarm64_LDADD = tests/guest/libmkdump.la
