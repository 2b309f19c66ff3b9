#!/usr/bin/env python3
"""mkcpio.py - write a deterministic cpio "newc" archive, gzip-compressed.

Used by mkinitramfs.sh so the host needs no cpio(1).  Every entry gets
mtime 0, uid/gid 0 and a sequential inode number, so the same inputs always
give the same bytes (the caller relies on that to avoid needless rebuilds).

usage: mkcpio.py OUT.cpio.gz SPEC...
  SPEC is one of
    dir:PATH:MODE               directory
    file:PATH:MODE:HOSTFILE     regular file copied from HOSTFILE
    symlink:PATH:TARGET         symbolic link
    chr:PATH:MODE:MAJOR:MINOR   character device node
  PATH is inside the archive, without a leading '/'; MODE is octal.
"""
import gzip
import stat
import sys


def entry(ino, name, mode, data=b"", rmajor=0, rminor=0, nlink=1):
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (
        ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rmajor, rminor,
        len(name_b), 0))
    out = hdr.encode() + name_b
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    out_path, specs = argv[1], argv[2:]
    chunks = []
    for ino, spec in enumerate(specs, start=1):
        kind, rest = spec.split(":", 1)
        if kind == "dir":
            path, mode = rest.split(":")
            chunks.append(entry(ino, path, stat.S_IFDIR | int(mode, 8), nlink=2))
        elif kind == "file":
            path, mode, host = rest.split(":", 2)
            with open(host, "rb") as f:
                data = f.read()
            chunks.append(entry(ino, path, stat.S_IFREG | int(mode, 8), data))
        elif kind == "symlink":
            path, target = rest.split(":", 1)
            chunks.append(entry(ino, path, stat.S_IFLNK | 0o777, target.encode()))
        elif kind == "chr":
            path, mode, major, minor = rest.split(":")
            chunks.append(entry(ino, path, stat.S_IFCHR | int(mode, 8),
                                rmajor=int(major), rminor=int(minor)))
        else:
            sys.stderr.write("mkcpio: bad spec %r\n" % spec)
            return 2
    chunks.append(entry(0, "TRAILER!!!", 0))
    blob = b"".join(chunks)
    blob += b"\0" * (-len(blob) % 512)
    with open(out_path, "wb") as f:
        # mtime=0 and no file name in the gzip header: reproducible output.
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as gz:
            gz.write(blob)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
