#!/usr/bin/env python3
"""Fetch Debian 13's GDB 16 beside the host's GDB, without installing it.

GDB 16 is the first GDB that reads memory with the binary "x" packet
(qSupported "binary-upload+"), which pgstub offers. Debian 12 ships GDB
13, which reads with hex "m" only: tests/gdb/test_gdb16.sh and the live
benchmark use this GDB to drive pgstub's "x" as a real client does.

Downloads gdb and the closure of its Depends from Debian trixie's main
archive, unpacks each .deb (dpkg-deb -x) into one private root and writes
a wrapper that starts that GDB with trixie's own dynamic loader and
libraries and Python 3.13. Nothing on the host changes.

    tests/tools/fetch_gdb16.py [CACHE]   (default ${PGSTUB_CACHE:-/var/cache/pgstub})

Result: CACHE/gdb16/gdb (the wrapper). Idempotent: a second run with the
wrapper present does nothing.
"""
import lzma
import os
import re
import shutil
import subprocess
import sys
import urllib.request

MIRROR = "http://deb.debian.org/debian"
SUITE = "trixie"
# Not needed to run gdb -batch here: data, configuration and alternatives
# that only matter on an installed system.
SKIP = {"tzdata", "media-types", "mime-support", "netbase", "debconf",
        "gcc-14-base", "readline-common", "libc-bin", "sensible-utils",
        "debianutils", "base-files", "perl-base", "procps", "ucf"}


def parse_packages(text):
    pkgs = {}
    for stanza in text.split("\n\n"):
        fields = {}
        key = None
        for line in stanza.splitlines():
            if line.startswith((" ", "\t")) and key:
                fields[key] += " " + line.strip()
                continue
            key, _, val = line.partition(":")
            fields[key] = val.strip()
        name = fields.get("Package")
        if name:
            pkgs[name] = fields
            for prov in fields.get("Provides", "").split(","):
                prov = re.sub(r"\(.*\)", "", prov).strip()
                if prov:
                    pkgs.setdefault("virtual:" + prov, fields)
    return pkgs


def closure(pkgs, root):
    want, todo = {}, [root]
    while todo:
        name = todo.pop()
        if name in want or name in SKIP:
            continue
        fields = pkgs.get(name) or pkgs.get("virtual:" + name)
        if fields is None:
            raise SystemExit("fetch_gdb16: %s is not in %s" % (name, SUITE))
        want[name] = fields
        for dep in (fields.get("Pre-Depends", "") + "," +
                    fields.get("Depends", "")).split(","):
            alt = dep.split("|")[0]
            alt = re.sub(r"\(.*\)|:any", "", alt).strip()
            if alt:
                todo.append(alt)
    return want


def fetch(url, dest):
    tmp = dest + ".part"
    with urllib.request.urlopen(url, timeout=120) as r, open(tmp, "wb") as f:
        shutil.copyfileobj(r, f)
    os.replace(tmp, dest)


def main():
    cache = sys.argv[1] if len(sys.argv) > 1 else \
        os.environ.get("PGSTUB_CACHE", "/var/cache/pgstub")
    top = os.path.join(cache, "gdb16")
    wrapper = os.path.join(top, "gdb")
    if os.access(wrapper, os.X_OK):
        print("fetch_gdb16: %s is there" % wrapper)
        return 0
    debs, root = os.path.join(top, "debs"), os.path.join(top, "root")
    os.makedirs(debs, exist_ok=True)
    index = os.path.join(top, "Packages.xz")
    if not os.path.exists(index):
        fetch("%s/dists/%s/main/binary-amd64/Packages.xz" % (MIRROR, SUITE),
              index)
    pkgs = parse_packages(lzma.open(index, "rt").read())
    want = closure(pkgs, "gdb")
    shutil.rmtree(root, ignore_errors=True)
    for name, fields in sorted(want.items()):
        deb = os.path.join(debs, os.path.basename(fields["Filename"]))
        if not os.path.exists(deb):
            print("fetch_gdb16: %s %s" % (name, fields["Version"]))
            fetch("%s/%s" % (MIRROR, fields["Filename"]), deb)
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    libs = ":".join(os.path.join(root, d) for d in
                    ("usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu"))
    loader = os.path.join(root, "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
    with open(wrapper + ".tmp", "w") as f:
        f.write("#!/bin/sh\n"
                "# Debian %s's GDB on its own loader and libraries "
                "(tests/tools/fetch_gdb16.py).\n"
                "PYTHONHOME=%s/usr exec %s --library-path %s %s/usr/bin/gdb "
                "--data-directory=%s/usr/share/gdb \"$@\"\n"
                % (SUITE, root, loader, libs, root, root))
    os.chmod(wrapper + ".tmp", 0o755)
    os.replace(wrapper + ".tmp", wrapper)
    out = subprocess.run([wrapper, "-nx", "-batch", "-ex", "show version",
                          "-ex", "python print(1 + 1)"],
                         capture_output=True, text=True)
    first = out.stdout.splitlines()[:1]
    if out.returncode or "2" not in out.stdout.splitlines()[-1:]:
        os.unlink(wrapper)
        raise SystemExit("fetch_gdb16: the fetched gdb does not run:\n" +
                         out.stdout[-400:] + out.stderr[-400:])
    print("fetch_gdb16: %s: %s" % (wrapper, first[0] if first else "?"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
