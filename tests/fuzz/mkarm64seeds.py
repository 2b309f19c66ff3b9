#!/usr/bin/env python3
"""Seed corpus of fuzz_arm64 (tests/fuzz/corpus/arm64/): a few register
sets over small hand-built VMSAv8-64 tables, in fuzz_arm64.c's input
layout. Run from tests/fuzz: ./mkarm64seeds.py"""
import os
import struct

AF, PAGE, BLOCK, TABLE = 1 << 10, 3, 1, 3


def seed(name, flags, tcr, ttbr0, ttbr1, vttbr, vtcr, vas, entries,
         unknown=0, alias=52, sctlr=1, pstate=0, mmfr0=0, access=0):
    mem = bytearray(8 * 4096)
    for pa, v in entries:
        struct.pack_into("<Q", mem, pa, v)
    hdr = struct.pack("<6B2x8Q", flags, unknown, alias, 15, access, 0,
                      tcr, ttbr0, ttbr1, sctlr, pstate, mmfr0, vttbr, vtcr)
    hdr += struct.pack("<6Q", *(vas + [0] * (6 - len(vas))))
    os.makedirs("corpus/arm64", exist_ok=True)
    with open("corpus/arm64/" + name, "wb") as f:
        f.write(hdr + bytes(mem))


# 4K granule, 48-bit halves (T0SZ = T1SZ = 16, TG1 = 4K, IPS 48 bits):
# TTBR0 L0[0]@0x1000 -> L1@0x2000 -> L2@0x3000 -> L3@0x4000[0] = page
# 0x5000; TTBR1 L0[511]@0x6000 -> L1[511]@0x7000 = 1G block at 0.
TCR_4K = 16 | (16 << 16) | (2 << 30) | (5 << 32)
TABLES_4K = [
    (0x1000, 0x2000 | TABLE), (0x2000, 0x3000 | TABLE),
    (0x3000, 0x4000 | TABLE), (0x4000, 0x5000 | AF | PAGE | (1 << 6)),
    (0x4008, 0x5000 | PAGE),                      # AF = 0
    (0x6000 + 511 * 8, 0x7000 | TABLE | (1 << 61)),
    (0x7000 + 511 * 8, 0x0 | AF | BLOCK),
]
VAS = [0x123, 0x1008, 0xffffffffc0001234, 0x0000800000000000,
       0x5a00000000000010, 0xffff7fffffffffff]
seed("4k_48_both_halves", 2, TCR_4K, 0x1000, 0x6000, 0, 0, VAS, TABLES_4K)
seed("4k_48_tbi_pan_copy", 0, TCR_4K | (3 << 37), 0x1000, 0x6000, 0, 0,
     VAS, TABLES_4K, pstate=1 << 22, access=3)
seed("4k_48_no_ttbr0_epd1", 2, TCR_4K | (1 << 23), 0x1000, 0x6000, 0, 0,
     VAS, TABLES_4K, unknown=1)
# Stage 2: 4K, 32-bit IPA from level 1 (T0SZ 32, SL0 01, PS 40 bits),
# S2 L1[0]@0x0 = 1G block IPA 0 -> PA 0, S2AP RW.
VTCR = 32 | (1 << 6) | (2 << 16)
seed("4k_48_nested_s2_l1_block", 3, TCR_4K, 0x1000, 0x6000, 0x0, VTCR,
     VAS, TABLES_4K + [(0x0, AF | BLOCK | (3 << 6))])
# 64K granule, 42-bit (from L2), tables aliased into one 64K image.
TCR_64K = 22 | (1 << 14) | (22 << 16) | (3 << 30) | (5 << 32)
seed("64k_42_aliased", 2, TCR_64K, 0x0, 0x0, 0, 0,
     [0x10000, 0x123456, 0xfffffc0000010000], [(0x0, 0x0 | TABLE),
                                               (0x8, 0x10000 | AF | PAGE)],
     alias=4)
# 4K LPA2 (DS), 52-bit VA from level -1.
seed("4k_52_lpa2", 2, 12 | (12 << 16) | (2 << 30) | (6 << 32) | (1 << 59),
     0x1000, 0x1000, 0, 0, [0x000f000000001000, 0x1000],
     [(0x1000 + 15 * 8, 0x2000 | TABLE), (0x1000, 0x2000 | TABLE),
      (0x2000, 0x3000 | TABLE), (0x3000, 0x4000 | TABLE),
      (0x4000, 0x5000 | TABLE), (0x5008, 0x6000 | AF | PAGE | (3 << 8))])
