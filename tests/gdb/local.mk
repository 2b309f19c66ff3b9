# GDB end-to-end tests: the system gdb drives pgstub --stdio.
TESTS += tests/gdb/test_demo.sh
EXTRA_DIST += tests/gdb/lib.sh tests/gdb/test_demo.sh

# A raw riscv64 image: --reg satp= and `monitor nested hgatp`.
TESTS += tests/gdb/test_raw_riscv64.sh
EXTRA_DIST += tests/gdb/test_raw_riscv64.sh tests/gdb/mkrvraw.py

# A powernv radix dump holding a KVM guest: `monitor nested radix LPID [PID]`.
TESTS += tests/gdb/test_nested_radix.sh
EXTRA_DIST += tests/gdb/test_nested_radix.sh tests/gdb/mkradixnest.py
check_DATA = demo.elf

# Limits under abuse and safe defaults (monitor output cap, walk budget on
# self-aliasing tables, memory map, packets, timeouts, second connection).
check_PROGRAMS += tests/gdb/mklimits
tests_gdb_mklimits_SOURCES = tests/gdb/mklimits.c
tests_gdb_mklimits_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/guest
tests_gdb_mklimits_LDADD = tests/guest/libmkdump.la
TESTS += tests/gdb/test_limits.sh
EXTRA_DIST += tests/gdb/test_limits.sh tests/gdb/limits_client.py tests/common/rsp.py

# Where --stdio's messages go: GDB's pipe while it sets up, then --log.
TESTS += tests/gdb/test_stderr.sh
EXTRA_DIST += tests/gdb/test_stderr.sh tests/gdb/test_stderr.py

# GDB 16's binary "x" reads beside GDB 13's "m" on the real x86_64-4l guest.
TESTS += tests/gdb/test_gdb16.sh
EXTRA_DIST += tests/gdb/test_gdb16.sh

# Raw images and a note-less ELF dump: GDB 13 and 16 attach, read user and
# kernel VAs in every x86 mode; --reg.
TESTS += tests/gdb/test_raw.sh
EXTRA_DIST += tests/gdb/test_raw.sh
