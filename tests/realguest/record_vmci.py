#!/usr/bin/env python3
"""record_vmci.py [--4l|--5l] OUTDIR - the x86_64-4l (or -5l) guest with the
kernel's VMCOREINFO.

Records exactly what record.py records for x86_64-4l or x86_64-5l (same kernel, QEMU
arguments, stop with user processes on both vCPUs, info registers/tlb/mem,
gva2gpa and x samples, xp, dump.elf and dump.kdump), with two differences:
QEMU gets `-device vmcoreinfo`, and the initramfs (x86_64-vmci.cpio.gz,
built here by mkinitramfs.sh) loads Debian's qemu_fw_cfg module first
(init-vmci.sh), whose probe hands the kernel's VMCOREINFO note to QEMU.
QEMU's dump-guest-memory then carries a "VMCOREINFO" ELF note (and, in the
kdump file, the header's vmcoreinfo fields). Fails when the dumps lack it.

Config name (meta.json "config"): x86_64-4l-vmci or x86_64-5l-vmci. meta.json also holds
"vmcoreinfo" (the note's text) and "vmcoreinfo_note" (the guest's
/sys/kernel/vmcoreinfo: physical address and size of the note).
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import record  # noqa: E402
from record import CACHE, Fail, Recorder, input_key, sha256  # noqa: E402
from strip_notes import elf_note_segment, parse_notes  # noqa: E402

CONFIG = "x86_64-4l-vmci"
INITRD = "x86_64-vmci"
# The configurations live here, not in record.py: adding them there would
# change record.py, an input of every recording, and re-record them all.
for _base in ("x86_64-4l", "x86_64-5l"):
    record.CONFIGS[_base + "-vmci"] = dict(record.CONFIGS[_base], initrd=INITRD)


def module_path():
    """Debian's qemu_fw_cfg.ko of the amd64 kernel record.py boots."""
    vmlinuz = os.path.realpath(os.path.join(CACHE, "kernels", "amd64", "vmlinuz"))
    root = os.path.dirname(os.path.dirname(vmlinuz))
    release = os.path.basename(vmlinuz)[len("vmlinuz-"):]
    return os.path.join(root, "lib", "modules", release, "kernel", "drivers",
                        "firmware", "qemu_fw_cfg.ko")


def make_initramfs():
    ko = module_path()
    if not os.path.isfile(ko):
        raise Fail("missing %s (run fetch.sh)" % ko)
    subprocess.run([os.path.join(HERE, "mkinitramfs.sh"), "x86_64",
                    os.path.join(HERE, "init-vmci.sh"), INITRD,
                    "file:init.base:755:" + os.path.join(HERE, "init.sh"),
                    "dir:lib:755", "dir:lib/modules:755",
                    "file:lib/modules/qemu_fw_cfg.ko:644:" + ko],
                   check=True, stdout=subprocess.DEVNULL)


def inputs():
    return [os.path.abspath(__file__), os.path.join(HERE, "init-vmci.sh"),
            os.path.join(HERE, "..", "tools", "strip_notes.py")] + \
        record.inputs(CONFIG)


class VmciRecorder(Recorder):
    def argv(self):
        return super().argv() + ["-device", "vmcoreinfo"]


def vmcoreinfo_of(path):
    with open(path, "rb") as f:
        img = f.read()
    _, off, size, _, _ = elf_note_segment(img)
    for name, _, desc in parse_notes(img[off:off + size]):
        if name == "VMCOREINFO":
            return desc.rstrip(b"\0").decode("latin-1")
    return None


def run(outdir):
    make_initramfs()
    r = VmciRecorder(CONFIG, outdir)
    r.run()
    mp = r.path("meta.json")
    with open(mp) as f:
        meta = json.load(f)
    text = vmcoreinfo_of(r.path("dump.elf"))
    if not text:
        meta["complete"] = False
        with open(mp, "w") as f:
            json.dump(meta, f, indent=1, sort_keys=True)
        with open(r.path("serial.log"), "rb") as f:
            tail = f.read()[-2000:].decode("utf-8", "replace")
        raise Fail("dump.elf has no VMCOREINFO note; serial tail:\n" + tail)
    meta["vmcoreinfo"] = text
    with open(r.path("serial.log"), "rb") as f:
        for line in f.read().decode("utf-8", "replace").splitlines():
            i = line.find("PGSTUB-VMCOREINFO-NOTE ")
            if i >= 0:
                meta["vmcoreinfo_note"] = line[i:].split(" ", 1)[1].strip()
    meta["inputs"] = {input_key(i): sha256(i) for i in inputs()}
    tmp = mp + ".tmp"
    with open(tmp, "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")
    os.rename(tmp, mp)


def is_current(outdir):
    ok, why = record.is_current(CONFIG, outdir)
    if not ok:
        return False, why
    mp = os.path.join(outdir, "meta.json")
    with open(mp) as f:
        meta = json.load(f)
    if not meta.get("vmcoreinfo"):
        return False, "no vmcoreinfo"
    mt = os.path.getmtime(mp)
    for i in inputs():
        if os.path.getmtime(i) > mt and \
                meta["inputs"].get(input_key(i)) != sha256(i):
            return False, "input changed: " + i
    return True, "current"


def main(argv):
    global CONFIG
    if len(argv) > 1 and argv[1] in ("--4l", "--5l"):
        CONFIG = "x86_64-%s-vmci" % argv[1][2:]
        argv = argv[:1] + argv[2:]
    if len(argv) == 3 and argv[1] == "--is-current":
        ok, why = is_current(argv[2])
        print(why)
        return 0 if ok else 1
    if len(argv) != 2:
        sys.stderr.write("usage: record_vmci.py [--4l|--5l] OUTDIR | [--4l|--5l] --is-current OUTDIR\n")
        return 2
    try:
        run(argv[1])
    except Fail as e:
        sys.stderr.write("record_vmci: FAILED: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
