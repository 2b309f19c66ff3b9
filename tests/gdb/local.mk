# GDB end-to-end tests: the system gdb drives pgstub --stdio.
TESTS += tests/gdb/test_demo.sh
EXTRA_DIST += tests/gdb/lib.sh tests/gdb/test_demo.sh
check_DATA = demo.elf
