#!/usr/bin/env python3
"""mkradixnest.py OUT: a little-endian ppc64 ELF dump (powernv's byte order;
one vCPU, MSR[HV] set; 8 MiB of host real memory at 0) of a POWER9 radix
hypervisor holding a KVM guest, for test_nested_radix.sh. The radix tables
are big-endian, as the ISA has them. PTCR = 0x10000 (4K table, 256 LPIDs):
  PATE[0] host: HR | host tree at 0x40000, process table 0x11000;
          PRTE[0]: EA 0xc000000000001000 -> 0x3000 ("host kernel")
  PATE[1] guest: HR | partition tree at 0x20000 (guest real [0, 2M) ->
          host real [4M, 6M), one 2M leaf), GR | process table at guest
          real 0x10000:
          PRTE[0]: EA 0xc000000000001000 -> GPA 0x2000 ("guest kernel")
          PRTE[5]: EA 0x10000 -> GPA 0x5000 ("guest user", a user page)
  PATE[2] HR clear: a hash partition
Trees are 52-bit, Linux's 4K geometry: a 2^13-entry root, then 9, 9, 9.
"""
import struct
import sys

SIZE = 8 << 20
GUEST = 4 << 20              # host real of guest real 0
img = bytearray(SIZE)

V, L, R, C = 1 << 63, 1 << 62, 1 << 8, 1 << 7
P, RD, WR, EX = 8, 4, 2, 1
HR = GR = 1 << 63
KBASE = 0xc000000000000000
SHIFTS = [39, 30, 21, 12]    # EA bits each level indexes (13, 9, 9, 9)


def put(pa, v):
    struct.pack_into(">Q", img, pa, v)


def get(pa):
    return struct.unpack_from(">Q", img, pa)[0]


def tree(root):
    """Doubleword 0 of a PATE/PRTE: RTS 21 (52-bit EA), RPDS 13."""
    rts = 52 - 31
    return (rts >> 3 & 3) << 61 | root | (rts & 7) << 5 | 13


def mapping(base, root, tables, ea, level, leaf):
    """Map @ea with @leaf at @level (0 is the root); the tables below the
    root come from @tables, all at @base + their address (guest real
    trees: @base is where guest real 0 sits in host real)."""
    table = root
    for lv in range(level):
        ea_idx = ea >> SHIFTS[lv] & (0x1fff if lv == 0 else 0x1ff)
        slot = base + table + 8 * ea_idx
        if not get(slot):
            put(slot, V | tables.pop(0) | 9)
        table = get(slot) & 0x0fffffffffffff00
    ea_idx = ea >> SHIFTS[level] & (0x1fff if level == 0 else 0x1ff)
    put(base + table + 8 * ea_idx, leaf)


PTCR = 0x10000
# PATE[0]: the hypervisor, its process table in host real memory.
put(PTCR, HR | tree(0x40000))
put(PTCR + 8, 0x11000)
put(0x11000, tree(0x40000))
mapping(0, 0x40000, [0x50000, 0x51000, 0x52000], KBASE + 0x1000, 3,
        V | L | 0x3000 | R | C | P | RD | WR)
# PATE[1]: the guest. Its partition-scoped tree maps guest real [0, 2M).
put(PTCR + 16, HR | tree(0x20000))
put(PTCR + 24, GR | 0x10000)
mapping(0, 0x20000, [0x30000, 0x31000], 0, 2,
        V | L | GUEST | R | C | RD | WR | EX)
# The guest's process table and trees, at guest real addresses.
put(GUEST + 0x10000, tree(0x20000))
put(GUEST + 0x10000 + 5 * 16, tree(0x40000))
mapping(GUEST, 0x20000, [0x30000, 0x31000, 0x32000], KBASE + 0x1000, 3,
        V | L | 0x2000 | R | C | P | RD | WR)
mapping(GUEST, 0x40000, [0x50000, 0x51000, 0x52000], 0x10000, 3,
        V | L | 0x5000 | R | C | RD | WR)
# PATE[2]: HR clear, a hashed page table (HTABORG 0x100000, HTABSIZE 0).
put(PTCR + 32, 0x100000)

img[0x3000:0x300c] = b"host kernel\0"
img[GUEST + 0x2000:GUEST + 0x200d] = b"guest kernel\0"
img[GUEST + 0x5000:GUEST + 0x500b] = b"guest user\0"

# The ELF: header, PT_NOTE (one NT_PRSTATUS, MSR = SF | HV | LE), PT_LOAD.
name = b"CORE\0\0\0\0"
prstatus = bytearray(112 + 8 * 48)
struct.pack_into("<Q", prstatus, 112 + 8 * 32, KBASE + 0x1000)   # nip
struct.pack_into("<Q", prstatus, 112 + 8 * 33, 0x9000000000000001)  # msr
note = struct.pack("<III", 5, len(prstatus), 1) + name + bytes(prstatus)
EHDR, PHDR = 64, 56
note_off = EHDR + 2 * PHDR
load_off = (note_off + len(note) + 0xfff) & ~0xfff
ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
ehdr += struct.pack("<HHIQQQIHHHHHH", 4, 21, 1, 0, EHDR, 0, 0, EHDR, PHDR,
                    2, 64, 0, 0)
phdrs = struct.pack("<IIQQQQQQ", 4, 0, note_off, 0, 0, len(note), len(note), 0)
phdrs += struct.pack("<IIQQQQQQ", 1, 7, load_off, 0, 0, SIZE, SIZE, 0)
with open(sys.argv[1], "wb") as f:
    f.write(ehdr + phdrs + note)
    f.write(bytes(load_off - note_off - len(note)))
    f.write(img)
