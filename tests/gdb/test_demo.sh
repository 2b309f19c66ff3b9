#!/bin/sh
# GDB end to end on the demo guest: threads, registers, kernel and per-vCPU
# user memory, monitor views in QEMU's formats, the memory map, bad input.
. "$top_srcdir/tests/gdb/lib.sh"
[ -x "${GDB:-/usr/bin/gdb}" ] || skip_all "gdb not found"
img=$top_builddir/demo.elf
plan 26

out=$(gdb_run "$img" -ex 'info threads')
expect_has "two vCPUs are two threads" "Thread 2" "$out"

out=$(gdb_run "$img" -ex 'x/s 0xffffffff81000000')
expect_line "kernel text reads through the walker" \
	'0xffffffff81000000:	"Hello from the pgstub demo guest!"' "$out"

out=$(gdb_run "$img" -ex 'thread 1' -ex 'x/s 0x400000' -ex 'thread 2' -ex 'x/s 0x400000')
expect_line "vCPU 0 sees process A" '0x400000:	"process A"' "$out"
expect_line "vCPU 1 sees process B" '0x400000:	"process B"' "$out"

out=$(gdb_run "$img" -ex 'p/x $rip' -ex 'p/x $cr3' -ex 'p/x $rax' -ex 'thread 2' -ex 'p/x $rip')
expect_line "rip of vCPU 0" '$1 = 0xffffffff81000100' "$out"
expect_line "cr3 of vCPU 0" '$2 = 0x100000' "$out"
expect_line "rip of vCPU 1" '$4 = 0x400010' "$out"

out=$(gdb_run "$img" -ex 'x/x 0x1000')
expect_has "unmapped virtual read is an error" "Cannot access memory at address 0x1000" "$out"

out=$(gdb_run "$img" -ex 'monitor gva2gpa 0xffffffff81000010' -ex 'monitor gva2gpa 0x1000')
expect_line "gva2gpa in QEMU's format" 'gpa: 0x200010' "$out"
expect_line "gva2gpa unmapped" 'Unmapped' "$out"

out=$(gdb_run "$img" -ex 'monitor xp /2wx 0x200000' -ex 'monitor x /3bx 0xffffc90000000000')
expect_line "xp in QEMU's format" '0000000000200000: 0x6c6c6548 0x7266206f' "$out"
expect_line "x reads a vmalloc page" 'ffffc90000000000: 0x76 0x6d 0x61' "$out"

out=$(gdb_run "$img" -ex 'monitor info tlb')
expect_line "info tlb 2M kernel text" 'ffffffff81000000: 0000000000200000 -GPDA----' "$out"

out=$(gdb_run "$img" -ex 'monitor info mem')
expect_line "info mem user text run" '0000000000400000-0000000000403000 0000000000003000 ur-' "$out"

out=$(gdb_run "$img" -ex 'monitor frobnicate')
expect_line "unknown monitor command" "unknown command: 'frobnicate'" "$out"

# GDB's memory map holds for the whole connection (memory_map.c): the
# canonical halves by default, so an address mapped only after a switch
# (here process A's page seen through the demo's EPT) is still asked for.
out=$(gdb_run "$img" -ex 'info mem')
expect_has "memory map: the lower canonical half" "0x0000000000000000 0x0000800000000000 rw nocache" "$out"
expect_has "memory map: the upper canonical half" "0xffff800000000000 0x10000000000000000 rw nocache" "$out"
out=$(gdb_run "$img" -ex 'x/s 0x7ffffffd0000' -ex 'monitor nested ept 0x1c00000' -ex 'x/s 0x7ffffffd0000' -ex 'x/s 0x7ffffffd1000')
expect_has "before nested: not mapped" "Cannot access memory at address 0x7ffffffd0000" "$out"
expect_line "after nested: GDB reads what the EPT maps" '0x7ffffffd0000:	"seen through EPT"' "$out"
expect_has "after nested: unmapped still an error" "Cannot access memory at address 0x7ffffffd1000" "$out"
PGSTUB_SAVE=$PGSTUB; PGSTUB="$PGSTUB --memory-map mappings"
out=$(gdb_run "$img" -ex 'info mem')
expect_has "--memory-map mappings: the mappings at connect" "0xffffffff81000000 0xffffffff81200000 rw nocache" "$out"
PGSTUB="$PGSTUB_SAVE --memory-map none"
out=$(gdb_run "$img" -ex 'info mem' -ex 'x/s 0xffffffff81000000')
expect_has "--memory-map none: no map" "There are no memory regions defined." "$out"
expect_line "--memory-map none: reads still translate" '0xffffffff81000000:	"Hello from the pgstub demo guest!"' "$out"
PGSTUB=$PGSTUB_SAVE

out=$(gdb_run "$img" -ex 'monitor vtop 0xffffc90000001000')
expect_has "vtop names the levels" "PML4" "$out"

# Tools written for QEMU's gdbstub (Linux's scripts/gdb) send `info
# version` to recognise QEMU's thread numbering: answered as QEMU's HMP
# does, naming pgstub and the version configure.ac gives.
version=$(sed -n 's/^AC_INIT(\[pgstub\], *\[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
out=$(gdb_run "$img" -ex 'monitor info version')
expect_line "monitor info version through GDB" "$version (pgstub)" "$out"
# The same on the wire: one O packet with the line, then OK.
out=$("${PYTHON3:-python3}" - "$top_srcdir/tests/common" "$PGSTUB" "$img" <<'PY'
import socket, subprocess, sys
sys.path.insert(0, sys.argv[1])
from rsp import Rsp
a, b = socket.socketpair()
p = subprocess.Popen([sys.argv[2], "--stdio", sys.argv[3]], stdin=b, stdout=b)
b.close()
r = Rsp(a)
r.ask(b"qSupported:multiprocess+")
r.send(b"qRcmd," + b"info version".hex().encode())
print(r.recv().decode(), r.recv().decode())
a.close()
p.wait(10)
PY
)
expect_line "info version on the wire: O packet, then OK" \
	"O$(printf '%s (pgstub)\n' "$version" | od -An -v -tx1 | tr -d ' \n') OK" "$out"
