#!/usr/bin/env python3
"""Write a raw x86_64 physical image whose 4-level tables map 70000
consecutive 4K pages at VA 0x10000000 alternately to two physical pages
that are not adjacent (so no two of them merge: 70000 PT_LOADs, more than
ELF's 16-bit e_phnum), plus one kernel-half page at 0xffff800000000000.
Open it with: pgstub --raw --mode 4level --cr3 0x1000 OUT.raw
Usage: mkmany.py OUT.raw [NPAGES]"""
import struct
import sys

out = sys.argv[1]
npages = int(sys.argv[2]) if len(sys.argv) > 2 else 70000
P, W, A, D = 1, 2, 0x20, 0x40
TBL = P | W
LEAF = P | W | A | D
PML4, PDPT, PD, PT0 = 0x1000, 0x2000, 0x3000, 0x4000
npt = (npages + 511) // 512
KPDPT = PT0 + npt * 0x1000          # kernel half: PML4[256] -> PDPT -> PD -> PT
KPD, KPT = KPDPT + 0x1000, KPDPT + 0x2000
PAGE_A, PAGE_B = 0x200000, 0x202000  # not adjacent: never merge
PAGE_K = 0x204000
size = 0x205000
assert KPT + 0x1000 <= PAGE_A
ram = bytearray(size)


def put(pa, v):
    struct.pack_into("<Q", ram, pa, v)


VA0 = 0x10000000                     # PML4[0] PDPT[0] PD[128...]
put(PML4 + 0 * 8, PDPT | TBL)
put(PDPT + 0 * 8, PD | TBL)
for t in range(npt):
    put(PD + (128 + t) * 8, (PT0 + t * 0x1000) | TBL)
for i in range(npages):
    put(PT0 + i * 8, (PAGE_A if i % 2 == 0 else PAGE_B) | LEAF)
put(PML4 + 256 * 8, KPDPT | TBL)     # VA 0xffff800000000000
put(KPDPT, KPD | TBL)
put(KPD, KPT | TBL)
put(KPT, PAGE_K | LEAF)
ram[PAGE_A:PAGE_A + 4096] = (b"page A " * 600)[:4096]
ram[PAGE_B:PAGE_B + 4096] = (b"page B " * 600)[:4096]
ram[PAGE_K:PAGE_K + 16] = b"kernel half\0\0\0\0\0"
with open(out, "wb") as f:
    f.write(ram)
