#!/usr/bin/env python3
"""strip_notes.py [--drop NAME]... [--vaddr-base N] [--vmcore-layout] IN OUT -
copy a QEMU dump
without some notes.

Stands a QEMU dump-guest-memory file in for a vmcore that a crashing Linux
writes (kdump): that one has each CPU's NT_PRSTATUS and the VMCOREINFO note,
but no "QEMU" note with the control registers. Drops every note whose name is
one of NAME (default: QEMU) and writes the rest to OUT, a new file; IN is only
read. `--list IN` prints the notes (name, type, size) and the VMCOREINFO text.
`--vaddr-base N` (ELF) sets the p_vaddr of every RAM PT_LOAD (below 3 GiB) to
N + p_paddr, as /proc/vmcore names RAM by its direct-map address.
`--vmcore-layout` (ELF64) moves the program headers right after the ELF header
and drops the section headers, as /proc/vmcore lays them out: makedumpfile
1.7.2 reads the program headers there, whatever e_phoff says.

Formats: an ELF core (the PT_NOTE segment is rewritten in place and its
p_filesz shrunk; PT_LOADs keep their offsets), and a kdump-compressed file,
flat or in makedumpfile's flattened stream (written out flat, as
makedumpfile -c without -F would; the note block is rewritten in place and
the sub-header's note and vmcoreinfo fields follow it).
Python 3 standard library only.
"""
import shutil
import struct
import sys


def align4(n):
    return (n + 3) & ~3


def parse_notes(buf):
    """[(name, type, desc bytes)] of a little-endian note block."""
    out, pos = [], 0
    while len(buf) - pos >= 12:
        namesz, descsz, ntype = struct.unpack_from("<III", buf, pos)
        name_end = pos + 12 + namesz
        desc = pos + 12 + align4(namesz)
        if desc + descsz > len(buf):
            raise ValueError("note at 0x%x runs past the block" % pos)
        if namesz or descsz or ntype:
            name = bytes(buf[pos + 12:name_end]).rstrip(b"\0").decode("latin-1")
            out.append((name, ntype, bytes(buf[desc:desc + descsz])))
        pos = desc + align4(descsz)
    return out


def build_notes(notes):
    """The note block of [(name, type, desc)], and the offset of each desc."""
    blk, offs = bytearray(), []
    for name, ntype, desc in notes:
        nb = name.encode("latin-1") + b"\0"
        blk += struct.pack("<III", len(nb), len(desc), ntype)
        blk += nb + b"\0" * (align4(len(nb)) - len(nb))
        offs.append(len(blk))
        blk += desc + b"\0" * (align4(len(desc)) - len(desc))
    return blk, offs


def elf_note_segment(img):
    """(index of the PT_NOTE phdr, its offset and size fields' layout)."""
    if img[4] == 2:
        phoff, = struct.unpack_from("<Q", img, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", img, 0x36)
        for i in range(phnum):
            p = phoff + i * phentsize
            ptype, = struct.unpack_from("<I", img, p)
            if ptype == 4:
                off, = struct.unpack_from("<Q", img, p + 8)
                size, = struct.unpack_from("<Q", img, p + 32)
                return p, off, size, ("<Q", p + 32), ("<Q", p + 40)
    else:
        phoff, = struct.unpack_from("<I", img, 0x1c)
        phentsize, phnum = struct.unpack_from("<HH", img, 0x2a)
        for i in range(phnum):
            p = phoff + i * phentsize
            ptype, = struct.unpack_from("<I", img, p)
            if ptype == 4:
                off, = struct.unpack_from("<I", img, p + 4)
                size, = struct.unpack_from("<I", img, p + 16)
                return p, off, size, ("<I", p + 16), ("<I", p + 20)
    raise ValueError("no PT_NOTE segment")


def set_vaddrs(img, base):
    """p_vaddr = base + p_paddr for the ELF64 PT_LOADs of RAM (below 3 GiB:
    not the firmware under 4 GiB)."""
    phoff, = struct.unpack_from("<Q", img, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", img, 0x36)
    for i in range(phnum):
        p = phoff + i * phentsize
        ptype, = struct.unpack_from("<I", img, p)
        paddr, = struct.unpack_from("<Q", img, p + 24)
        if ptype == 1 and paddr < 3 << 30:
            struct.pack_into("<Q", img, p + 16, base + paddr)


def vmcore_layout(img):
    """Program headers at offset 64, right after the ELF64 header, and no
    section headers; the segments keep their offsets."""
    phoff, = struct.unpack_from("<Q", img, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", img, 0x36)
    phdrs = bytes(img[phoff:phoff + phentsize * phnum])
    first = min(struct.unpack_from("<Q", phdrs, i * phentsize + 8)[0]
                for i in range(phnum))
    if 64 + len(phdrs) > first:
        raise ValueError("no room for the program headers before 0x%x" % first)
    img[64:first] = phdrs + b"\0" * (first - 64 - len(phdrs))
    struct.pack_into("<QQ", img, 0x20, 64, 0)       # e_phoff, e_shoff
    struct.pack_into("<H", img, 0x34, 64)           # e_ehsize
    struct.pack_into("<HHH", img, 0x3a, 0, 0, 0)    # e_shentsize/num/strndx


HEAD = 1 << 20


def elf_head(data):
    """For an ELF64 whose headers and notes all lie before its first
    PT_LOAD, inside data: that PT_LOAD's offset. Else None."""
    if not data.startswith(b"\177ELF") or data[4] != 2 or len(data) < 64:
        return None
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    if phoff + phentsize * phnum > len(data):
        return None
    first, ends = None, phoff + phentsize * phnum
    for i in range(phnum):
        p = phoff + i * phentsize
        ptype, = struct.unpack_from("<I", data, p)
        off, = struct.unpack_from("<Q", data, p + 8)
        filesz, = struct.unpack_from("<Q", data, p + 32)
        if ptype == 1:
            first = off if first is None else min(first, off)
        else:
            ends = max(ends, off + filesz)
    if first is None or ends > first or first > len(data):
        return None
    return first


def unflatten(data):
    if not data.startswith(b"makedumpfile"):
        return bytearray(data)
    img, pos = bytearray(), 4096
    while True:
        off, size = struct.unpack_from(">qq", data, pos)
        if off == -1:
            return img
        if len(img) < off + size:
            img += b"\0" * (off + size - len(img))
        img[off:off + size] = data[pos + 16:pos + 16 + size]
        pos += 16 + size


def kdump_fields(img):
    """Offsets of (offset_vmcoreinfo, size_vmcoreinfo, offset_note,
    size_note) in the sub-header, with their struct formats (64-bit layout
    of QEMU's and makedumpfile's x86 headers)."""
    bs, = struct.unpack_from("<I", img, 424 + 4)
    sub = bs
    return [("<Q", sub + 32), ("<Q", sub + 40), ("<Q", sub + 48),
            ("<Q", sub + 56)]


def rewrite(img, off, size, drop):
    """Rewrite the note block at img[off:off+size] without the dropped
    notes. Returns (new size, {name: desc offset in img})."""
    notes = parse_notes(img[off:off + size])
    kept = [n for n in notes if n[0] not in drop]
    blk, offs = build_notes(kept)
    img[off:off + size] = blk + b"\0" * (size - len(blk))
    return len(blk), {n[0]: off + o for n, o in zip(kept, offs)}, kept


def main(argv):
    drop = []
    args = argv[1:]
    if len(args) == 2 and args[0] == "--list":
        with open(args[1], "rb") as f:
            data = f.read()
        img = unflatten(data) if not data.startswith(b"\177ELF") else data
        if data.startswith(b"\177ELF"):
            _, off, size, _, _ = elf_note_segment(img)
        else:
            f = kdump_fields(img)
            off = struct.unpack_from(f[2][0], img, f[2][1])[0]
            size = struct.unpack_from(f[3][0], img, f[3][1])[0]
        for name, ntype, desc in parse_notes(img[off:off + size]):
            print("%s\t%d\t%d" % (name, ntype, len(desc)))
            if name == "VMCOREINFO":
                sys.stdout.write(desc.rstrip(b"\0").decode("latin-1"))
        return 0
    vbase = None
    layout = False
    while len(args) > 2 and args[0] in ("--drop", "--vaddr-base",
                                        "--vmcore-layout"):
        if args[0] == "--vmcore-layout":
            layout = True
            args = args[1:]
            continue
        if args[0] == "--drop":
            drop.append(args[1])
        else:
            vbase = int(args[1], 0)
        args = args[2:]
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    drop = drop or ["QEMU"]
    with open(args[0], "rb") as f:
        data = f.read(HEAD)
        head = elf_head(data)
        if head is None:
            data += f.read()
    if head is not None:
        # Notes and headers lie before the first PT_LOAD: rewrite that
        # much, copy the memory as it is (a 512 MiB dump in a second).
        img = bytearray(data[:head])
        _, off, size, fsz, msz = elf_note_segment(img)
        n, _, _ = rewrite(img, off, size, drop)
        struct.pack_into(fsz[0], img, fsz[1], n)
        struct.pack_into(msz[0], img, msz[1], n)
        if vbase is not None:
            set_vaddrs(img, vbase)
        if layout:
            vmcore_layout(img)
        with open(args[0], "rb") as src, open(args[1], "xb") as dst:
            dst.write(img)
            src.seek(head)
            shutil.copyfileobj(src, dst, 1 << 24)
        return 0
    if data.startswith(b"\177ELF"):
        img = bytearray(data)
        _, off, size, fsz, msz = elf_note_segment(img)
        n, _, _ = rewrite(img, off, size, drop)
        struct.pack_into(fsz[0], img, fsz[1], n)
        struct.pack_into(msz[0], img, msz[1], n)
        if vbase is not None:
            set_vaddrs(img, vbase)
        if layout:
            vmcore_layout(img)
    elif data.startswith(b"KDUMP   ") or data.startswith(b"makedumpfile"):
        img = unflatten(data)
        f = kdump_fields(img)
        off = struct.unpack_from(f[2][0], img, f[2][1])[0]
        size = struct.unpack_from(f[3][0], img, f[3][1])[0]
        n, where, kept = rewrite(img, off, size, drop)
        struct.pack_into(f[3][0], img, f[3][1], n)
        vmci = [d for name, _, d in kept if name == "VMCOREINFO"]
        struct.pack_into(f[0][0], img, f[0][1], where.get("VMCOREINFO", 0))
        struct.pack_into(f[1][0], img, f[1][1], len(vmci[0]) if vmci else 0)
    else:
        sys.stderr.write("strip_notes: %s: not an ELF or kdump file\n" % args[0])
        return 1
    with open(args[1], "xb") as f:
        f.write(img)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
