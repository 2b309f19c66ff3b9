#!/usr/bin/env python3
"""Seed corpus of fuzz_radix (tests/fuzz/corpus/radix/): a few register
sets over small hand-built ppc64 radix tables (big-endian), in
fuzz_radix.c's input layout. Run from tests/fuzz: ./mkradixseeds.py"""
import os
import struct

V, L, R, C = 1 << 63, 1 << 62, 1 << 8, 1 << 7
P, RD, WR, EX = 8, 4, 2, 1
HR = GR = 1 << 63
KBASE = 0xc000000000000000


def tree(root, ea_bits, rpds):
    """Doubleword 0 of a PRTE/PATE (RTS = ea_bits - 31 as RTS1 || RTS2)."""
    rts = ea_bits - 31
    return ((rts >> 3) & 3) << 61 | root | (rts & 7) << 5 | rpds


def pde(table, nls):
    return V | table | nls


# 52-bit trees with a 16-entry root (RPDS 4): five levels, L1 at EA bit 48.
# Partition table at 0 (PATS 0), process table at 0x1000 (PRTS 0):
#   PATE[0] = HR | kernel tree, process table 0x1000
#   PATE[1] = HR | partition tree at 0x2100, GR | process table 0x1000
#   PATE[2] = 0 (hash)
#   PRTE[0] kernel tree at 0x2000: L1[0]@0x2000 -> L2@0x3000 -> L3@0x4000
#     L3[0] -> L4@0x5000: L4[0] -> L5@0x6000: L5[1] 4K 0x9000 P r w R C
#     L4[1] 2M 0x200000 P r x R; L4[2] PDE with NLS 5 (reserved)
#     L5[2] 4K with reserved bit 6; L5[3] 4K 0xb000 r w (user)
#   PRTE[1] user tree at 0x2200 (64K pages): L1[0] -> L2@0x7000 ->
#     L3@0x8000 -> L4@0xf000 -> L5@0xa000 (NLS 5): L5[1] 64K 0x10000 r w
#   partition tree at 0x2100: L1[0] -> L2@0xc000 -> L3@0xd000 -> L4@0xe000:
#     L4[0] 2M guest real 0 -> host real 0 r w x
ENTRIES = [
    (0x0, HR | tree(0x2000, 52, 4)), (0x8, 0x1000),
    (0x10, HR | tree(0x2100, 52, 4)), (0x18, GR | 0x1000),
    (0x1000, tree(0x2000, 52, 4)), (0x1010, tree(0x2200, 52, 4)),
    (0x2000, pde(0x3000, 9)), (0x3000, pde(0x4000, 9)),
    (0x4000, pde(0x5000, 9)), (0x5000, pde(0x6000, 9)),
    (0x6008, V | L | 0x9000 | R | C | P | RD | WR),
    (0x5008, V | L | 0x200000 | R | P | RD | EX),
    (0x5010, pde(0x9000, 5)),
    (0x6010, V | L | 0xa000 | (1 << 6) | P | RD),
    (0x6018, V | L | 0xb000 | R | C | RD | WR),
    (0x2200, pde(0x7000, 9)), (0x7000, pde(0x8000, 9)),
    (0x8000, pde(0xf000, 9)), (0xf000, pde(0xa000, 5)),
    (0xa008, V | L | 0x10000 | R | C | RD | WR),
    (0x2100, pde(0xc000, 9)), (0xc000, pde(0xd000, 9)),
    (0xd000, pde(0xe000, 9)),
    (0xe000, V | L | 0x0 | R | C | RD | WR | EX),
]
VAS = [KBASE + 0x1008, KBASE + 0x200010, 0x10010, KBASE + 0x2000]


def seed(name, mode, ptcr=0, pate1=0, pidr=1, lpidr=0, vas=VAS,
         access=0, alias=52, entries=ENTRIES, filt=0):
    mem = bytearray(16 * 4096)
    for pa, v in entries:
        struct.pack_into(">Q", mem, pa, v)
    hdr = struct.pack("<6B2x", mode, alias, 15, access, filt, 0)
    hdr += struct.pack("<4Q", ptcr, pate1, pidr, lpidr)
    hdr += struct.pack("<6Q", *(vas + [0] * (6 - len(vas))))
    os.makedirs("corpus/radix", exist_ok=True)
    with open("corpus/radix/" + name, "wb") as f:
        f.write(hdr + bytes(mem))


seed("hv_quadrants", 1 | 16)
seed("hv_copy_json_access", 2 | 16, access=3)
seed("problem_state_64k_given", 1 | 16 | 32 | 128, access=1)
seed("pseries_pate1", 1 | 8, pate1=GR | 0x1000, lpidr=5)
seed("nested_lpid1", 1 | 4, lpidr=1, vas=VAS[:3] + [0x10000])
seed("nested_copy_json", 2 | 4, lpidr=1, filt=0x21)
seed("refused_hash_pate", 1, lpidr=2)
seed("pid_beyond_table", 1 | 16, pidr=300)
