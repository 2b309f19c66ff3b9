# Fuzz targets over the guest sources (snapshot parsers): see local.mk.
# fuzz_elf, fuzz_kdump, fuzz_migration: a whole snapshot file in a memfd,
# opened with guest_open and used as pgstub uses it (guest_common.h);
# fuzz_htab: the spapr/htab chunk decoder against a model of the records.
# Their seeds come from tests/fuzz/mkseeds_guest (make
# tests/fuzz/mkseeds_guest, then run it on tests/fuzz/corpus).
fuzz_guest_ldadd = guest/libguest.la
EXTRA_DIST += tests/fuzz/guest_common.h tests/fuzz/elf.dict \
	tests/fuzz/kdump.dict tests/fuzz/migration.dict

check_PROGRAMS += tests/fuzz/replay_elf tests/fuzz/replay_kdump \
	tests/fuzz/replay_migration tests/fuzz/replay_htab
EXTRA_PROGRAMS += tests/fuzz/fuzz_elf tests/fuzz/fuzz_kdump \
	tests/fuzz/fuzz_migration tests/fuzz/fuzz_htab tests/fuzz/mkseeds_guest
fuzz_programs += tests/fuzz/fuzz_elf tests/fuzz/fuzz_kdump \
	tests/fuzz/fuzz_migration tests/fuzz/fuzz_htab

tests_fuzz_replay_elf_SOURCES = tests/fuzz/fuzz_elf.c tests/fuzz/replay_main.c
tests_fuzz_replay_elf_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_replay_elf_LDADD = $(fuzz_guest_ldadd)
tests_fuzz_fuzz_elf_SOURCES = tests/fuzz/fuzz_elf.c
tests_fuzz_fuzz_elf_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_elf_LDADD = $(fuzz_guest_ldadd)
tests_fuzz_fuzz_elf_LDFLAGS = $(fuzz_ldflags)

tests_fuzz_replay_kdump_SOURCES = tests/fuzz/fuzz_kdump.c tests/fuzz/replay_main.c
tests_fuzz_replay_kdump_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_replay_kdump_LDADD = $(fuzz_guest_ldadd)
tests_fuzz_fuzz_kdump_SOURCES = tests/fuzz/fuzz_kdump.c
tests_fuzz_fuzz_kdump_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_kdump_LDADD = $(fuzz_guest_ldadd)
tests_fuzz_fuzz_kdump_LDFLAGS = $(fuzz_ldflags)

tests_fuzz_replay_migration_SOURCES = tests/fuzz/fuzz_migration.c tests/fuzz/replay_main.c
tests_fuzz_replay_migration_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_replay_migration_LDADD = $(fuzz_guest_ldadd)
tests_fuzz_fuzz_migration_SOURCES = tests/fuzz/fuzz_migration.c
tests_fuzz_fuzz_migration_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_migration_LDADD = $(fuzz_guest_ldadd)
tests_fuzz_fuzz_migration_LDFLAGS = $(fuzz_ldflags)

tests_fuzz_replay_htab_SOURCES = tests/fuzz/fuzz_htab.c tests/fuzz/replay_main.c
tests_fuzz_replay_htab_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_replay_htab_LDADD = walker/libpgwalk-internal.la
tests_fuzz_fuzz_htab_SOURCES = tests/fuzz/fuzz_htab.c
tests_fuzz_fuzz_htab_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_htab_LDADD = walker/libpgwalk-internal.la
tests_fuzz_fuzz_htab_LDFLAGS = $(fuzz_ldflags)

tests_fuzz_mkseeds_guest_SOURCES = tests/fuzz/mkseeds_guest.c
tests_fuzz_mkseeds_guest_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/guest
tests_fuzz_mkseeds_guest_LDADD = tests/guest/libmkdump.la -lz
