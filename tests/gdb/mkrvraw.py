#!/usr/bin/env python3
"""mkrvraw.py OUT: a raw riscv64 physical image (1 MiB at 0x80000000) with
an Sv39 tree (satp 0x8000000000080001) and a Sv39x4 G-stage (hgatp
0x8000000000080020, its 16 KiB root at 0x80020000) for test_raw_riscv64.sh:
  VA 0x10000 -> GPA 0x80010000 ("user page"), a U page;
  VA 0xffffffff80000000 -> GPA 0x80000000 ("kernel text"), a 2M leaf;
  the G-stage maps the image's GPAs to the same HPAs, but GPA 0x80010000
  to HPA 0x80011000 ("g-stage!"), and every stage-1 table through itself.
"""
import struct, sys
BASE = 0x80000000
img = bytearray(1 << 20)
def put(pa, v): struct.pack_into("<Q", img, pa - BASE, v)
def pte(pa, flags): return (pa >> 12) << 10 | flags
V, R, W, X, U, G, A, D = 1, 2, 4, 8, 16, 32, 64, 128
put(0x80001000 + 8 * 0, pte(0x80002000, V))
put(0x80002000, pte(0x80003000, V))
put(0x80003000 + 8 * 0x10, pte(0x80010000, V | R | W | U | A | D))
put(0x80001000 + 8 * 0x1fe, pte(0x80000000, V | R | X | G | A))
put(0x80020000 + 8 * 2, pte(0x80024000, V))
put(0x80024000, pte(0x80025000, V))
for i in range(256):
    put(0x80025000 + 8 * i, pte(BASE + 0x1000 * i + (0x1000 if i == 0x10 else 0),
                                V | R | W | X | U | A | D))
img[0:12] = b"kernel text\0"
img[0x10000:0x1000a] = b"user page\0"
img[0x11000:0x11009] = b"g-stage!\0"
open(sys.argv[1], "wb").write(img)
