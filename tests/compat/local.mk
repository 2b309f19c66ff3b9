# tests/compat/: tools written for QEMU's gdbstub against pgstub.  A GDB
# Python script doing what gef/pwndbg-style kernel extensions do (QEMU
# detection packets, CR3/CR4 from `monitor info registers`, a page walk of
# its own through Qqemu.PhyMemMode) must reproduce `info tlb` exactly; the
# monitor's QEMU-compatible help/unknown-command/info registers behaviour.
TESTS += tests/compat/test_qemu_tool.sh tests/compat/test_monitor.sh
EXTRA_DIST += tests/compat/test_qemu_tool.sh tests/compat/test_monitor.sh \
	tests/compat/qemu_tool.py tests/compat/run_gdb_script.py
