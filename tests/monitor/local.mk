# tests/monitor/: the monitor commands as QEMU tools see them. A GDB
# Python script doing what gef/pwndbg-style kernel extensions do (QEMU
# detection packets, CR3/CR4 from `monitor info registers`, a page walk of
# its own through Qqemu.PhyMemMode) must reproduce `info tlb` exactly; the
# monitor's QEMU-compatible help/unknown-command/info registers behaviour.
TESTS += tests/monitor/test_qemu_tool.sh tests/monitor/test_monitor.sh \
	tests/monitor/test_info_mem_riscv64.sh
EXTRA_DIST += tests/monitor/test_qemu_tool.sh tests/monitor/test_monitor.sh \
	tests/monitor/test_info_mem_riscv64.sh \
	tests/monitor/qemu_tool.py tests/monitor/run_gdb_script.py
