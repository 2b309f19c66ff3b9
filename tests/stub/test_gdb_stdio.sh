#!/bin/sh
# End-to-end check that the system gdb interoperates with libgdb-remote:
# gdb (batch) runs "target remote | fixture_server --stdio" and reads
# threads, registers, memory, a monitor command and the memory map.  TAP.

GDB=${GDB:-gdb}
builddir=${top_builddir:-.}
SERVER="$builddir/tests/stub/fixture_server"

if [ "$GDB" = no ] || ! command -v "$GDB" >/dev/null 2>&1; then
	echo "1..0 # SKIP gdb not found"
	exit 0
fi
if [ ! -x "$SERVER" ]; then
	echo "Bail out! $SERVER not built"
	exit 1
fi

out=$(mktemp)
trap 'rm -f "$out" "$out.i386"' EXIT

timeout 60 "$GDB" -nx -batch \
	-ex 'set confirm off' \
	-ex "target remote | $SERVER --stdio" \
	-ex 'info threads' \
	-ex 'p/x $rip' \
	-ex 'p/x $cr3' \
	-ex 'p/x $efer' \
	-ex 'x/4xb 0x1040' \
	-ex 'thread 2' \
	-ex 'p/x $rip' \
	-ex 'p/x $rsp' \
	-ex 'p $k_gs_base' \
	-ex 'monitor echo hello from the stub' \
	-ex 'info mem' \
	-ex 'x/2xb 0x3000' \
	-ex 'maint packet Qqemu.PhyMemMode:1' \
	-ex 'set mem inaccessible-by-default off' \
	-ex 'x/2xb 0x0' \
	-ex 'info registers eflags' \
	-ex 'detach' >"$out" 2>&1
rc=$?

timeout 60 "$GDB" -nx -batch \
	-ex 'set confirm off' \
	-ex "target remote | $SERVER --stdio --i386" \
	-ex 'show architecture' \
	-ex 'p/x $eip' \
	-ex 'p/x $cr3' \
	-ex 'detach' >"$out.i386" 2>&1
rc32=$?

n=0
failed=0
check() {
	# check FILE DESCRIPTION FIXED-STRING
	n=$((n + 1))
	if grep -qF -- "$3" "$1"; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2 (no '$3' in gdb output)"
		failed=1
	fi
}

echo "1..16"
n=$((n + 1))
if [ $rc -eq 0 ]; then echo "ok $n - gdb x86-64 session exits 0"
else echo "not ok $n - gdb x86-64 session exits 0 (rc=$rc)"; failed=1; fi
check "$out" "two threads named by vCPU" "2    Thread 2 (CPU#1)"
check "$out" "rip of thread 1" '$1 = 0x1000'
check "$out" "cr3 at QEMU's register number" '$2 = 0x1000'
check "$out" "efer (register 32)" '$3 = 0x100000000000020'
check "$out" "memory read" "0x1040:	0x40	0x41	0x42	0x43"
check "$out" "rip of thread 2 after 'thread 2'" '$4 = 0x1100'
check "$out" "rsp of thread 2" '$5 = 0x2002'
check "$out" "unavailable register" '$6 = <unavailable>'
check "$out" "monitor output" "hello from the stub"
check "$out" "memory map from qXfer" "0x0000000000001000 0x0000000000003000 rw nocache"
check "$out" "unmapped memory is an error" "Cannot access memory at address 0x3000"
check "$out" "physical mode reads physical memory" "0x0:	0xa5	0xa4"
check "$out" "eflags flags type" "[ IF IOPL=0 ]"
check "$out.i386" "i386 description accepted" 'The target architecture is set to "auto" (currently "i386")'
n=$((n + 1))
if [ $rc32 -eq 0 ] && grep -qF '$2 = 0x15' "$out.i386"; then
	echo "ok $n - i386 cr3 is register 21"
else
	echo "not ok $n - i386 cr3 is register 21 (rc=$rc32)"; failed=1
fi

if [ $failed -ne 0 ]; then
	echo "# gdb output (x86-64):"; sed 's/^/# /' "$out"
	echo "# gdb output (i386):"; sed 's/^/# /' "$out.i386"
fi
exit 0
