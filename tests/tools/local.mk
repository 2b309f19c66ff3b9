# The demo guest: a synthetic QEMU-format x86_64 ELF dump, built with the
# project (README demo, GDB tests).
noinst_PROGRAMS += tests/tools/mkdemo
tests_tools_mkdemo_SOURCES = tests/tools/mkdemo.c
noinst_DATA = demo.elf
demo.elf: tests/tools/mkdemo$(EXEEXT)
	$(AM_V_GEN)$(builddir)/tests/tools/mkdemo $@
CLEANFILES += demo.elf
EXTRA_DIST += tests/tools/fetch_gdb16.py

# Raw images in every x86 paging mode (and a note-less ELF), for the GDB
# tests of sources that hold no registers (tests/gdb/test_raw.sh).
check_PROGRAMS += tests/tools/mkraw
tests_tools_mkraw_SOURCES = tests/tools/mkraw.c
