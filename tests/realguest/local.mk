# Real guests: QEMU's monitor as truth for pgstub (see tests/realguest/README.md).
TESTS += tests/realguest/test_realguest.sh tests/realguest/test_registers.sh \
	tests/realguest/test_realguest_ppc64.sh tests/realguest/test_realguest_x86mig.sh \
	tests/realguest/test_registers_ppc64.sh tests/realguest/test_bench_prepare.sh \
	tests/realguest/test_vmcoreinfo.sh tests/realguest/test_kdump_formats.sh \
	tests/realguest/test_realguest_crash.sh tests/realguest/test_realguest_aarch64.sh \
	tests/realguest/test_aarch64_views.sh tests/realguest/test_realguest_ppc64_p9.sh \
	tests/realguest/test_realguest_riscv64.sh \
	tests/realguest/test_realguest_riscv32.sh \
	tests/realguest/test_realguest_faults.sh
EXTRA_DIST += tests/realguest/test_realguest.sh tests/realguest/check.py \
	tests/realguest/test_registers.sh tests/realguest/check_registers.py \
	tests/realguest/test_realguest_ppc64.sh tests/realguest/check_ppc64.py \
	tests/realguest/record_ppc64.py tests/realguest/fetch-ppc64.sh \
	tests/realguest/init-ppc64.sh \
	tests/realguest/test_realguest_ppc64_p9.sh tests/realguest/record_ppc64_p9.py \
	tests/realguest/check_ppc64_p9.py \
	tests/realguest/test_realguest_x86mig.sh tests/realguest/record_x86mig.py \
	tests/realguest/check_x86mig.py \
	tests/realguest/test_registers_ppc64.sh tests/common/gdbsession.py \
	tests/realguest/test_bench_prepare.sh \
	tests/realguest/test_vmcoreinfo.sh tests/realguest/check_vmcoreinfo.py \
	tests/realguest/record_vmci.py tests/realguest/init-vmci.sh \
	tests/tools/strip_notes.py \
	tests/realguest/test_kdump_formats.sh tests/realguest/check_kdump_formats.py \
	tests/realguest/test_realguest_crash.sh tests/realguest/check_crash.py \
	tests/realguest/record_crash.py tests/realguest/init-crash.sh \
	tests/realguest/init-crash-kdump.sh tests/realguest/fetch-crash-dbg.sh \
	tests/realguest/test_realguest_aarch64.sh tests/realguest/check_aarch64.py \
	tests/realguest/record_aarch64.py tests/realguest/fetch-aarch64.sh \
	tests/realguest/init-aarch64.sh tests/realguest/probe_aarch64.py \
	tests/realguest/README-aarch64.md \
	tests/realguest/test_aarch64_views.sh tests/realguest/check_aarch64_views.py \
	tests/realguest/test_realguest_riscv64.sh tests/realguest/check_riscv64.py \
	tests/realguest/record_riscv64.py tests/realguest/fetch-riscv64.sh \
	tests/realguest/init-riscv64.sh tests/realguest/README-riscv64.md \
	tests/realguest/test_realguest_riscv32.sh tests/realguest/check_riscv32.py \
	tests/realguest/record_riscv32.py tests/realguest/rv32/start.S \
	tests/realguest/rv32/guest.c tests/realguest/rv32/guest.ld \
	tests/realguest/test_realguest_faults.sh tests/realguest/record_faults.py \
	tests/realguest/check_faults.py tests/realguest/faults/busy.c

# Tests that read the recorded guests wait for the recorders, which may
# re-record a stale configuration in place while make check runs in parallel.
realguest_x86_readers = \
	tests/realguest/test_registers.sh.log \
	tests/monitor/test_qemu_tool.sh.log \
	tests/python/test_gdb.sh.log \
	tests/shell/test_shell.sh.log \
	tests/export/test_export.sh.log \
	tests/guest/qemu_dumps.sh.log \
	tests/live/test_live.sh.log \
	tests/live/test_spawn.sh.log \
	tests/gdb/test_gdb16.sh.log \
	tests/lint/test_check.sh.log \
	tests/lint/test_diff.sh.log
$(realguest_x86_readers): tests/realguest/test_realguest.sh.log
# The same recording as test_vmcoreinfo.sh: one recorder at a time.
realguest_vmci_readers = tests/realguest/test_kdump_formats.sh.log
$(realguest_vmci_readers): tests/realguest/test_vmcoreinfo.sh.log
realguest_ppc64_readers = tests/realguest/test_registers_ppc64.sh.log
$(realguest_ppc64_readers): tests/realguest/test_realguest_ppc64.sh.log
# Both ppc64 recorders boot the same kernel under TCG: one at a time.
realguest_ppc64_p9_log = tests/realguest/test_realguest_ppc64_p9.sh.log
$(realguest_ppc64_p9_log): tests/realguest/test_realguest_ppc64.sh.log
# The live tests boot the recorders' kernels, which the recorders fetch: on
# an empty cache they would skip when run first.
realguest_ppc64_p9_readers = tests/live/test_live_ppc64.sh.log
$(realguest_ppc64_p9_readers): tests/realguest/test_realguest_ppc64_p9.sh.log
realguest_aarch64_readers = tests/guest/qemu_dumps_aarch64.sh.log \
	tests/lint/test_check.sh.log \
	tests/realguest/test_aarch64_views.sh.log \
	tests/export/test_export_aarch64.sh.log \
	tests/live/test_live_aarch64.sh.log
$(realguest_aarch64_readers): tests/realguest/test_realguest_aarch64.sh.log
realguest_riscv64_readers = tests/export/test_export_riscv64.sh.log \
	tests/monitor/test_info_mem_riscv64.sh.log \
	tests/shell/test_shell_riscv64.sh.log \
	tests/live/test_live_riscv64.sh.log
$(realguest_riscv64_readers): tests/realguest/test_realguest_riscv64.sh.log
