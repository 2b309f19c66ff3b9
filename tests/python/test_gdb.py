#!/usr/bin/env python3
# GDB in batch mode with the pgstub package loaded (TAP): printers on the
# pgtypes fixture, every command and function against pgstub serving the
# demo image (and a recorded real guest when there is one), colour,
# completion, help, and each error path, all compared exactly.
import os
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
top_srcdir = os.environ.get("top_srcdir") or os.path.join(here, "..", "..")
top_builddir = os.environ.get("top_builddir") or "."
GDB = os.environ.get("GDB") or "gdb"
GDB_MULTIARCH = os.environ.get("GDB_MULTIARCH") or "gdb-multiarch"
PGSTUB = os.environ.get("PGSTUB") or os.path.join(top_builddir, "pgstub")
PYTHON3 = os.environ.get("PYTHON3") or sys.executable
DEMO = os.path.join(top_builddir, "demo.elf")
PGTYPES = os.path.join(top_builddir, "tests", "python", "pgtypes")
LOADER = os.path.join(top_srcdir, "gdb-python", "pgstub-gdb.py")
FAKE = os.path.join(here, "fakestub.py")
GUESTS = os.environ.get("PGSTUB_GUESTS") or os.path.join(
    os.environ.get("PGSTUB_CACHE") or "/var/cache/pgstub", "guests")

n = 0
failed = 0


def ok(name, cond, diag=""):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, name))
    if not cond:
        failed += 1
        for line in diag.splitlines()[:60]:
            print("#   " + line)
    sys.stdout.flush()


def skip(name, why):
    global n
    n += 1
    print("ok %d - %s # SKIP %s" % (n, name, why))


def package_version():
    try:
        with open(os.path.join(top_builddir, "config.h")) as f:
            m = re.search(r'#define PACKAGE_VERSION "([^"]*)"', f.read())
            return m.group(1) if m else "?"
    except OSError:
        return "?"


class Session:
    """One GDB run: each check's commands are bracketed by markers, and its
    output (stdout and stderr together) compared exactly."""

    def __init__(self, target=None, pre=(), env=None, gdb=None):
        self.gdb = gdb or GDB
        self.target = target
        self.pre = list(pre)
        self.checks = []
        self.env = env

    def check(self, name, cmds, want):
        """WANT: exact text, or a function(text) -> (bool, diagnostic)."""
        if isinstance(cmds, str):
            cmds = [cmds]
        self.checks.append((name, cmds, want))

    def run(self):
        args = [self.gdb, "-q", "-batch", "-nx", "-iex", "set pagination off",
                "-iex", "set width 0", "-iex", "set confirm off",
                # A stub slow to start on a loaded machine (2 s default).
                "-iex", "set remotetimeout 30",
                "-ex", "source " + LOADER]
        for c in self.pre:
            args += ["-ex", c]
        if self.target:
            args += ["-ex", "target remote | " + self.target]
        for i, (_, cmds, _) in enumerate(self.checks):
            args += ["-ex", "echo @@@ %d\\n" % i]
            for c in cmds:
                args += ["-ex", c]
        args += ["-ex", "echo @@@ end\\n"]
        env = dict(os.environ, TERM="dumb", PGSTUB_TEST_DIR=here)
        env.update(self.env or {})
        try:
            p = subprocess.run(args, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env=env,
                               timeout=600)
            text = p.stdout.decode("utf-8", "replace")
        except (OSError, subprocess.TimeoutExpired) as e:
            text = "gdb failed: %s" % e
        parts = re.split(r"^@@@ (\d+|end)\n", text, flags=re.M)
        got = {}
        for k in range(1, len(parts) - 1, 2):
            got[parts[k]] = parts[k + 1]
        for i, (name, cmds, want) in enumerate(self.checks):
            out = got.get(str(i))
            if out is None:
                ok(name, False, "no output section; gdb said:\n" + text)
                continue
            if callable(want):
                good, diag = want(out)
                ok(name, good, diag + "\n--- output:\n" + out)
            else:
                ok(name, out == want,
                   "--- want:\n%s--- got:\n%s" % (want, out))


def one_line(text):
    return text + "\n"


# ------------------------------------------------------------------ checks

def printers():
    s = Session(pre=["file " + PGTYPES])
    s.check("pte_t", "print pte_user",
            "$1 = pte_t 0x8000000001234067 [P W U A D NX] pfn 0x1234\n")
    s.check("pte_t not present", "print pte_none",
            "$2 = pte_t 0x0000000000000000 [not present]\n")
    s.check("const pte_t", "print pte_const",
            "$3 = pte_t 0x0000000000abc025 [P U A] pfn 0xabc\n")
    s.check("pmd_t 2M page", "print pmd_2m",
            "$4 = pmd_t 0x80000000002001e3 [P W A D PS G NX] 2M pfn 0x200\n")
    s.check("pmd_t table", "print pmd_table",
            "$5 = pmd_t 0x0000000000103067 [P W U A D] table 0x103000\n")
    s.check("pud_t 1G page", "print pud_1g",
            "$6 = pud_t 0x80000000c00000e3 [P W A D PS NX] 1G pfn 0xc0000\n")
    s.check("p4d_t", "print p4d_table",
            "$7 = p4d_t 0x0000000000102067 [P W U A D] table 0x102000\n")
    s.check("pgd_t", "print pgd_table",
            "$8 = pgd_t 0x0000000000101067 [P W U A D] table 0x101000\n")
    s.check("array of pte_t", "print pte_array",
            "$9 = {pte_t 0x0000000000000025 [P U A] pfn 0x0, "
            "pte_t 0x0000000000001025 [P U A] pfn 0x1, "
            "pte_t 0x0000000000000000 [not present]}\n")
    s.check("struct hash_pte (big-endian in memory)", "print hpte_16m",
            "$10 = hash_pte 0x4000000000001a15 0x0000000001000192 "
            "[V L BOLTED R C M] seg 1T avpn 0x34 16M pa 0x1000000 pp 2 "
            "key 0\n")
    s.check("invalid hash_pte", "print hpte_invalid",
            "$11 = hash_pte 0x0000000000000000 0x0000000000000000 "
            "[invalid]\n")
    s.check("SLB shadow entries", "print slb_save",
            "$12 = {slb 0xc000000008000000 0x0000408f7c5e6590 [V Kp L C] "
            "256M esid 0xc00000000 vsid 0x408f7c5e6 64K slot 0, "
            "slb 0x0000000000000000 0x0000000000000000 [invalid]}\n")
    s.check("epte_t", "print ept_leaf",
            "$13 = epte_t 0x0000000001234077 [R W X WB IPAT] pfn 0x1234\n")
    s.check("plain integers untouched", "print/x plain_ulong",
            "$14 = 0x8000000001234067\n")
    s.check("32-bit pgd_t, 4M page with PSE-36", "print pgd32_4m",
            "$15 = pgd_t 0x004021e3 [P W A D PS G] 4M pfn 0x100400\n")
    s.check("32-bit folded pmd_t", "print pmd32_table",
            "$16 = pmd_t 0x00603007 [P W U] table 0x603000\n")
    s.check("PAE pte_t union", ["set architecture i386", "print pae_pte"],
            'The target architecture is set to "i386".\n'
            "$17 = pte_t 0x8000000000123063 [P W A D NX] pfn 0x123\n")
    s.check("PAE pmd_t", "print pae_pmd_2m",
            "$18 = pmd_t 0x80000000006000e3 [P W A D PS NX] 2M pfn 0x600\n")
    s.check("PAE pgd_t is a PDPTE", "print pae_pdpte_bad",
            "$19 = pgd_t 0x0000000000102003 [P RSVD] table 0x102000 "
            "rsvd 0x2\n")
    s.check("the same pgd_t under x86-64 is a PML5E",
            ["set architecture i386:x86-64", "print pae_pdpte_bad"],
            'The target architecture is set to "i386:x86-64".\n'
            "$20 = pgd_t 0x0000000000102003 [P W] table 0x102000\n")
    s.check("print/r shows the raw struct", "print/rx pte_user",
            "$21 = {pte = 0x8000000001234067}\n")
    s.check("a subprinter can be disabled",
            ["disable pretty-printer global pgstub;pte_t", "print pte_user",
             "print pmd_2m", "enable pretty-printer global pgstub;pte_t"],
            "1 printer disabled\n"
            "%d of %d printers enabled\n"
            "$22 = {pte = 9223372036873863271}\n"
            "$23 = pmd_t 0x80000000002001e3 [P W A D PS G NX] 2M pfn 0x200\n"
            "1 printer enabled\n"
            "%d of %d printers enabled\n" % (count_printers() - 1,
                                             count_printers(),
                                             count_printers(),
                                             count_printers()))
    s.check("pte decodes a typed value with its printer", "pte pmd_2m",
            "pmd_t 0x80000000002001e3 [P W A D PS G NX] 2M pfn 0x200\n")
    s.check("register_type adds a type",
            ["python import pgstub.printers as p; "
             "p.register_type('pteval_t', 'x86-64', 1)",
             "print pte_user.pte"],
            "$24 = pteval_t 0x8000000001234067 [P W U A D NX] pfn 0x1234\n")
    s.check("struct patb_entry (big-endian in memory)", "print pate_radix",
            "$25 = patb_entry 0xc0000000001000ad 0x8000000000020000 [HR GR] "
            "tree 52-bit root 0x100000 8192 entries prtb 0x20000 4K\n")
    s.check("struct prtb_entry array", "print prtb_two",
            "$26 = {prtb_entry 0x40000000001000ad 0x0000000000000000 [] tree "
            "52-bit root 0x100000 8192 entries, prtb_entry 0x0000000000000000 "
            "0x0000000000000000 [invalid]}\n")
    groups = [("x86-64", ["pte_t", "pmd_t", "pud_t", "p4d_t", "pgd_t"],
               2048),
              ("x86-32", ["pgd_t", "pmd_t"], 1024),
              ("ppc64", None, None), ("ept", None, None)]
    for group, labels, count in groups:
        if group == "ppc64":
            want = "printers hash_pte: 131072 ok\nprinters slb: 2048 ok\n"
        elif group == "ept":
            want = "printers epte_t: 4096 ok\n"
        else:
            want = "".join("printers %s %s: %d ok\n" % (group, l, count)
                           for l in labels)
        s.check("every flag combination through the printers: " + group,
                ['set $pgroup = "%s"' % group,
                 "source " + os.path.join(here, "gdb_printers.py")], want)
    s.check("every flag combination through the printers: pae",
            ["set architecture i386", 'set $pgroup = "pae"',
             "source " + os.path.join(here, "gdb_printers.py"),
             "set architecture auto"],
            'The target architecture is set to "i386".\n'
            "printers pae pte_t: 2048 ok\nprinters pae pmd_t: 2048 ok\n"
            "printers pae pgd_t: 2048 ok\n"
            'The target architecture is set to "auto" (currently '
            '"i386:x86-64").\n')
    s.run()


_nprinters = None


def multiarch_printers():
    """pte_t and friends decoded as VMSAv8-64 descriptors when GDB's
    architecture is aarch64 and as RISC-V PTEs on riscv (gdb-multiarch),
    with the granule and riscv-mode parameters, and the pte command's
    arm64 and RISC-V options."""
    try:
        subprocess.run([GDB_MULTIARCH, "-nx", "-batch", "-ex",
                        "set architecture aarch64"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.CalledProcessError):
        skip("arm64 and riscv printers", "%s with aarch64 not available"
             % GDB_MULTIARCH)
        return
    s = Session(pre=["file " + PGTYPES, "set architecture aarch64"],
                gdb=GDB_MULTIARCH)
    # pte_user = 0x8000000001234067: bits 1:0 = 11 a page, AttrIndx 1,
    # NS, AP[1] (EL0), no AF; bit 63 is ignored by the MMU
    s.check("arm64 pte_t", "print pte_user",
            "$1 = pte_t 0x8000000001234067 [V ATTR1 NS RW EL0] pfn 0x1234 "
            "sw 0x8000000000000000\n")
    # pmd_2m = 0x80000000002001e3: bits 1:0 = 11 at level 2, a table;
    # bit 63 NSTable; bits 8:5 are ignored in a table descriptor
    s.check("arm64 pmd_t is a table", "print pmd_2m",
            "$2 = pmd_t 0x80000000002001e3 [V NSTable] table 0x200000 "
            "sw 0x1e0\n")
    # pud_1g = 0x80000000c00000e3 with a 64K granule: 4T block needs LPA,
    # so a table at level 1; pgd_t is level 1 under 64K
    s.check("granule parameter", ["show pgstub arm64-granule",
                                   "set pgstub arm64-granule 64K",
                                   "print pte_user",
                                   "print pgd_table"],
            "The granule of arm64 page-table entries is auto.\n"
            "$3 = pte_t 0x8000000001234067 [V ATTR1 NS RW EL0 RSVD] 64K "
            "pfn 0x123 rsvd 0x4000 sw 0x8000000000000000\n"
            "$4 = pgd_t 0x0000000000101067 [V RSVD] table 0x100000 "
            "rsvd 0x1000 sw 0x64\n")
    s.check("pte follows the architecture and the granule",
            ["pte 0x0068000040013f43", "set pgstub arm64-granule auto",
             "pte 0x00e8000041234f43"],
            "L3 0x0068000040013f43 [V ATTR0 RW EL0 ISH AF nG DBM PXN UXN "
            "RSVD] 64K pfn 0x4001 rsvd 0x3000\n"
            "L3 0x00e8000041234f43 [V ATTR0 RW EL0 ISH AF nG DBM PXN UXN] "
            "pfn 0x41234 sw 0x80000000000000\n")
    s.check("pte --arm64 options",
            ["pte 0x0068000040013f43 --granule 64K --pa52",
             "pte 0x0060000040010f01 --arm64 --level pmd",
             "pte 0x00400000400004ff --arm64-s2"],
            "L3 0x0068000040013f43 [V ATTR0 RW EL0 ISH AF nG DBM PXN UXN] "
            "64K pfn 0x300004001\n"
            "L2 0x0060000040010f01 [V ATTR0 RW ISH AF nG nT PXN UXN] 2M "
            "pfn 0x40000\n"
            "S2 L3 0x00400000400004ff [V MAf R W AF XN=2] pfn 0x40000\n")
    s.check("riscv64 pte_t: N without NAPOT alignment is reserved",
            ["set architecture riscv:rv64", "print pte_user"],
            'The target architecture is set to "riscv:rv64".\n'
            "$5 = pte_t 0x8000000001234067 [V R W G A N RSVD] pfn 0x48d0 "
            "rsvd 0x8000000000000000\n")
    # pgd_table = 0x101067: R|W make it a leaf; without satp_mode pgd_t
    # is Sv39's top level (1G), with sv48 a 512G page; misaligned either way
    s.check("riscv pgd_t follows riscv-mode",
            ["print pgd_table", "show pgstub riscv-mode",
             "set pgstub riscv-mode sv48", "print pgd_table",
             "set pgstub riscv-mode auto"],
            "$6 = pgd_t 0x0000000000101067 [V R W G A RSVD] 1G pfn 0x0 "
            "rsvd 0x101000\n"
            "The RISC-V paging mode of pgd_t is auto.\n"
            "$7 = pgd_t 0x0000000000101067 [V R W G A RSVD] 512G pfn 0x0 "
            "rsvd 0x101000\n")
    s.check("pte on riscv: Svnapot 64K page",
            "pte 0x80000000200020ff",
            "L0 0x80000000200020ff [V R W X U G A D N] 64K pfn 0x80000\n")
    # pgd32_4m = 0x004021e3 under Sv32: a 4M megapage whose PPN[0] is 8
    s.check("riscv32 pgd_t is a Sv32 megapage",
            ["set architecture riscv:rv32", "print pgd32_4m",
             "pte 0xfff000cf --level 2", "pte 0xfff000cf --level 3"],
            'The target architecture is set to "riscv:rv32".\n'
            "$8 = pgd_t 0x004021e3 [V R G A D RSVD] 4M pfn 0x1000 "
            "rsvd 0x2000 sw 0x100\n"
            "L1 0xfff000cf [V R W X A D] 4M pfn 0x3ffc00\n"
            "pte: Sv32 entries have levels 1-2\n")
    s.check("pte --riscv on another architecture",
            ["set architecture aarch64", "pte 0xfff000cf --riscv --level 2"],
            'The target architecture is set to "aarch64".\n'
            "L1 0x00000000fff000cf [V R W X A D] 2M pfn 0x3ffc00\n")
    s.check("register_type arm64-s2",
            ["python import pgstub.printers as p; "
             "p.register_type('pteval_t', 'arm64-s2', 2)",
             "print pte_user.pte"],
            "$9 = pteval_t 0x8000000001234067 [V] table 0x1234000 "
            "sw 0x8000000000000064\n")
    # On ppc64 Linux's page tables are radix entries (the book3s64 layout
    # for hash and radix alike): pte_user 0x8000000001234067 is V without
    # L, a PDE whose bits 7:5 are reserved; pmd_2m likewise.
    s.check("ppc64 pte_t and pmd_t are radix entries",
            ["set architecture powerpc:common64", "print pte_user",
             "print pmd_2m", "pte 0xc000000002340186"],
            'The target architecture is set to "powerpc:common64".\n'
            "$10 = pte_t 0x8000000001234067 [V RSVD] table 0x1234000 "
            "rsvd 0x60 nls 7\n"
            "$11 = pmd_t 0x80000000002001e3 [V RSVD] table 0x200100 "
            "rsvd 0xe0 nls 3\n"
            "L4 0xc000000002340186 [V L R C READ WRITE] 64K pfn 0x234\n")
    s.run()


def count_printers():
    """Subprinters of GDB's global printers (builtin ones plus ours)."""
    global _nprinters
    if _nprinters is None:
        out = subprocess.run(
            [GDB, "-q", "-batch", "-nx", "-ex", "source " + LOADER,
             "-ex", "info pretty-printer"], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT).stdout.decode()
        _nprinters = sum(1 for l in out.splitlines()
                         if l.startswith("    "))
    return _nprinters


def demo_commands():
    target = "%s --stdio %s" % (PGSTUB, DEMO)
    s = Session(target=target)
    s.check("pgstub names the stub", "pgstub",
            "connected to pgstub %s (script api 1, 2 vCPUs)\n"
            % package_version())
    s.check("vtop: 2M kernel page", "vtop 0xffffffff81000000",
            "vtop 0xffffffff81000000 (4-level, vCPU 0)\n"
            "  PML4[1ff] @ 0x100ff8 = 0x0000000000102027 [P W U A] "
            "table 0x102000\n"
            "  PDPT[1fe] @ 0x102ff0 = 0x0000000000103027 [P W U A] "
            "table 0x103000\n"
            "    PD[008] @ 0x103040 = 0x00000000002001e1 [P A D PS G] "
            "2M pfn 0x200\n"
            "0xffffffff81000000 -> 0x200000 (2M page, r-x-)\n")
    s.check("vtop: an expression", "vtop $rip + 0x10",
            lambda out: (out.endswith(
                "0xffffffff81000110 -> 0x200110 (2M page, r-x-)\n"),
                "want the translation of $rip + 0x10"))
    s.check("vtop: not present", "vtop 0x1000",
            "vtop 0x1000 (4-level, vCPU 0)\n"
            "  PML4[000] @ 0x100000 = 0x0000000000114027 [P W U A] "
            "table 0x114000\n"
            "  PDPT[000] @ 0x114000 = 0x0000000000115027 [P W U A] "
            "table 0x115000\n"
            "    PD[000] @ 0x115000 = 0x0000000000000000 [not present]\n"
            "fault at PD[000] translating 0x1000: not present "
            "(entry 0x0000000000000000)\n")
    s.check("vtop: non-canonical", "vtop 0x800000000000",
            "vtop 0x800000000000 (4-level, vCPU 0)\n"
            "0x800000000000: non-canonical address\n")
    s.check("vtop: the selected thread's vCPU",
            ["thread 2", "vtop 0x400000"],
            lambda out: (out.endswith(
                "vtop 0x400000 (4-level, vCPU 1)\n"
                "  PML4[000] @ 0x101000 = 0x000000000011b027 [P W U A] "
                "table 0x11b000\n"
                "  PDPT[000] @ 0x11b000 = 0x000000000011c027 [P W U A] "
                "table 0x11c000\n"
                "    PD[002] @ 0x11c010 = 0x000000000011d027 [P W U A] "
                "table 0x11d000\n"
                "    PT[000] @ 0x11d000 = 0x0000000000900025 [P U A] "
                "pfn 0x900\n"
                "0x400000 -> 0x900000 (4K page, r-xu)\n"), "vCPU 1's walk"))
    s.check("$pa and $pte on vCPU 1",
            ["print/x $pa(0x400123)", "print/x $pte(0x400123)"],
            "$1 = 0x900123\n$2 = 0x900025\n")
    s.check("$pa follows the thread back to vCPU 0",
            ["thread 1", "print/x $pa(0x400123)",
             "print/x $pa(0xffffffff81000010)",
             "print/x $pte(0xffffffff81000010)",
             "print $pa(0x400000) == 0x800000"],
            lambda out: (out.endswith(
                "$3 = 0x800123\n$4 = 0x200010\n$5 = 0x2001e1\n$6 = 1\n"),
                "vCPU 0's translations"))
    s.check("GDB's memory reads still see vCPU 0", "x/s 0x400000",
            '0x400000:\t"process A"\n')
    s.check("$pa with PhyMemMode",
            ["pgstub phys on", "x/s $pa(0xffffffff81000000)",
             "x/2wx $pa(0xffffffff81000000)", "pgstub phys off",
             "x/s 0xffffffff81000000"],
            "memory accesses are now guest-physical\n"
            '0x200000:\t"Hello from the pgstub demo guest!"\n'
            "0x200000:\t0x6c6c6548\t0x7266206f\n"
            "memory accesses are now virtual\n"
            '0xffffffff81000000:\t"Hello from the pgstub demo guest!"\n')
    s.check("pg --range", "pg --range 0xffffffff81000000 0xffffffff81200000",
            "VPN range             Entry         Flags            "
            "Physical page(s)\n"
            "[ff8000000-fffffffff] PML4[1ff]     ----A--UWP\n"
            "  [ffff80000-ffffbffff] PDPT[1fe]     ----A--UWP\n"
            "    [ffff81000-ffff811ff]   PD[008]     -GSDA----P "
            "0000000200-00000003ff\n")
    s.check("pg -u -x (executable user pages)", "pg -u -x",
            "VPN range             Entry         Flags            "
            "Physical page(s)\n"
            "[000000000-007ffffff] PML4[000]     ----A--UWP\n"
            "  [000000000-00003ffff] PDPT[000]     ----A--UWP\n"
            "    [000000400-0000005ff]   PD[002]     ----A--UWP\n"
            "      [000000400-000000402]   PT[000-002] ----A--U-P "
            "0000000800-0000000802\n")
    s.check("pg -w matches monitor info pg -w",
            ["pg -w", "echo ----\\n", "monitor info pg -w"],
            lambda out: (out.split("----\n")[0] == out.split("----\n")[1]
                         and out.count("\n") > 10, "the two halves differ"))
    s.check("pg --kernel-names: Linux's names by depth",
            "pg -u -x --kernel-names",
            lambda out: ("      [000000400-000000402]  PTE[000-002] ----A--U-P "
                         "0000000800-0000000802\n" in out and " PGD[" in out
                         and "PML4" not in out, "no PGD/PTE names"))
    s.check("pg on vCPU 1", ["thread 2", "pg -u -x"],
            lambda out: ("      [000000400-000000402]   PT[000-002] "
                         "----A--U-P 0000000900-0000000902\n" in out,
                         "vCPU 1's user text frames"))
    s.check("ptov", ["thread 1", "ptov 0x200000"],
            lambda out: (out.endswith("0xffff888000200000\n"
                                      "0xffffffff81000000\n"),
                         "both mappings of 0x200000"))
    s.check("ptov of an unmapped address", "ptov 0x7fff0000",
            "physical address 0x7fff0000 is not mapped\n")
    s.check("pte: x86-64 PTE", "pte 0x8000000001234067",
            "PTE 0x8000000001234067 [P W U A D NX] pfn 0x1234\n")
    s.check("pte: --level pmd", "pte 0x2001e1 --level pmd",
            "PDE 0x00000000002001e1 [P A D PS G] 2M pfn 0x200\n")
    s.check("pte: --level 3", "pte 0x80000000c00000e3 --level 3",
            "PDPTE 0x80000000c00000e3 [P W A D PS NX] 1G pfn 0xc0000\n")
    s.check("pte: $pte", "pte $pte(0xffffffff81000000) --level 2",
            "PDE 0x00000000002001e1 [P A D PS G] 2M pfn 0x200\n")
    s.check("pte: --ept", "pte 0x1234077 --ept",
            "EPT PTE 0x0000000001234077 [R W X WB IPAT] pfn 0x1234\n")
    s.check("pte: --ept --level 2", "pte 0x8000000000600383 --ept --level 2",
            "EPT PDE 0x8000000000600383 [R W UC PS A D SVE] 2M pfn 0x600\n")
    s.check("pte: --pae PDPTE", "pte 0x102003 --pae --level 3",
            "PDPTE 0x0000000000102003 [P RSVD] table 0x102000 rsvd 0x2\n")
    s.check("pte: --32 4M page", "pte 0x004021e3 --32 --level 2",
            "PDE 0x004021e3 [P W A D PS G] 4M pfn 0x100400\n")
    s.check("pte: --hpte", "pte --hpte 0x4000000000001a15 0x1001192",
            "HPTE 0x4000000000001a15 0x0000000001001192 [V L BOLTED R C M] "
            "seg 1T avpn 0x34 64K pa 0x1000000 pp 2 key 0\n")
    s.check("pte: --hpte --base", "pte --hpte 0x5 0x1008000 --base 64K",
            "HPTE 0x0000000000000005 0x0000000001008000 [V L] seg 256M "
            "avpn 0x0 16M@64K pa 0x1000000 pp 0 key 0\n")
    s.check("pte: --slb", "pte --slb 0xc000000008000000 0x408f7c5e6590",
            "SLB 0xc000000008000000 0x0000408f7c5e6590 [V Kp L C] 256M "
            "esid 0xc00000000 vsid 0x408f7c5e6 64K slot 0\n")
    s.check("pte: --radix 64K page", "pte 0xc000000002340186 --radix",
            "L4 0xc000000002340186 [V L R C READ WRITE] 64K pfn 0x234\n")
    s.check("pte: --radix 4K page, I/O", "pte 0xc0000000123451ae --radix "
            "--base 4K",
            "L4 0xc0000000123451ae [V L R C NON-IDEM PRIV READ WRITE] "
            "pfn 0x12345\n")
    s.check("pte: --radix PDE", "pte 0x8000000000122005 --radix --level 2",
            "L3 0x8000000000122005 [V] table 0x122000 nls 5\n")
    s.check("pte: --radix misaligned 1G", "pte 0xc00000004020000c --radix "
            "--level pud",
            "L2 0xc00000004020000c [V L PRIV READ RSVD] 1G pfn 0x4000 "
            "rsvd 0x200000\n")
    s.check("pte: --pate", "pte --pate 0xc0000000001000ad 0x8000000000020000",
            "PATE 0xc0000000001000ad 0x8000000000020000 [HR GR] tree 52-bit "
            "root 0x100000 8192 entries prtb 0x20000 4K\n")
    s.check("pte: --prte", "pte --prte 0x40000000001000ad 0",
            "PRTE 0x40000000001000ad 0x0000000000000000 [] tree 52-bit root "
            "0x100000 8192 entries\n")
    s.check("colour: pte", ["set pgstub color on", "show pgstub color",
                            "pte 0x8000000001234067"],
            "Colour in the pgstub commands is on.\n"
            "PTE 0x8000000001234067 [\x1b[32mP\x1b[0m \x1b[33mW\x1b[0m "
            "\x1b[1;34mU\x1b[0m A D \x1b[2mNX\x1b[0m] pfn 0x1234\n")
    s.check("colour: vtop", "vtop 0xffffffff81000000",
            lambda out: ("    \x1b[1mPD[008]\x1b[0m @ \x1b[35m0x103040\x1b[0m"
                         in out and out.endswith(
                             "\x1b[1;32m0xffffffff81000000 -> 0x200000 "
                             "(2M page, r-x-)\x1b[0m\n"), "styled leaf/result"))
    s.check("colour: pg", "pg --range 0xffffffff81000000 0xffffffff81200000",
            lambda out: ("\x1b[34m[ffff81000-ffff811ff]\x1b[0m   "
                         "\x1b[36mPD\x1b[0m[008]     -GSDA----\x1b[32mP"
                         "\x1b[0m\x1b[35m 0000000200-00000003ff\x1b[0m\n"
                         in out, "styled pg line"))
    s.check("colour: --no-color wins", "pte 0x67 --no-color",
            "PTE 0x0000000000000067 [P W U A D] pfn 0x0\n")
    s.check("colour: auto is off when not a terminal",
            ["set pgstub color auto", "pte 0x67"],
            "PTE 0x0000000000000067 [P W U A D] pfn 0x0\n")
    s.check("colour: --color forces it", "ptov 0x200000 --color",
            "\x1b[34m0xffff888000200000\x1b[0m\n"
            "\x1b[34m0xffffffff81000000\x1b[0m\n")
    # Error paths: one clear line each.
    for name, cmd, want in [
        ("vtop: no argument", "vtop", "vtop: usage: vtop ADDR"),
        ("vtop: bad expression", "vtop nosuchsym",
         "vtop: bad address 'nosuchsym': No symbol table is loaded.  "
         'Use the "file" command.'),
        ("vtop: not a number", "vtop $_siginfo",
         None),
        ("pg: unknown option", "pg -q",
         "pg: unknown option '-q' (use -w, -x, -u, -s, --kernel-names, --range START END)"),
        ("pg: -u with -s", "pg -u -s", "pg: -u and -s exclude each other"),
        ("pg: --range without END", "pg --range 1",
         "pg: --range needs START and END"),
        ("pg: empty range", "pg --range 0x2000 0x1000",
         "pg: empty range 0x2000-0x1000 (END must be above START)"),
        ("ptov: no argument", "ptov --color", "ptov: usage: ptov PADDR"),
        ("ptov: a bad expression", "ptov 1 2",
         "ptov: bad physical address '1 2': A syntax error in expression, "
         "near `2'."),
        ("pte: no value", "pte",
         "pte: usage: pte VALUE [--level N] [--ept | --pae | --32] "
         "(see help pte)"),
        ("pte: bad level", "pte 1 --level 9",
         "pte: bad level '9' (1-5, or pte/pmd/pud/p4d/pgd)"),
        ("pte: unknown option", "pte 1 --frob",
         "pte: unknown option '--frob' (use --level N, --ept, --pae, --32, "
         "--arm64, --arm64-s2, --riscv, --sv32, --radix, --hpte V R, "
         "--slb E V, --pate D0 D1, --prte D0 D1)"),
        ("pte: two formats", "pte 1 --ept --pae",
         "pte: choose one of --ept, --pae, --32, --arm64, --arm64-s2, "
         "--riscv, --sv32"),
        ("pte: --granule with an x86 format", "pte 1 --pae --granule 16K",
         "pte: --granule and --pa52 go with arm64 entries"),
        ("pte: bad granule", "pte 1 --arm64 --granule 8K",
         "pte: --granule needs 4K, 16K or 64K"),
        ("pte: PAE has 3 levels", "pte 1 --pae --level 4",
         "pte: PAE entries have levels 1-3"),
        ("pte: 32-bit value too wide", "pte 0x100000000 --32",
         "pte: 0x100000000 does not fit a 32-bit entry"),
        ("pte: --hpte needs two values", "pte --hpte 1",
         "pte: --hpte needs two values"),
        ("pte: --hpte with a VALUE", "pte 5 --hpte 1 2",
         "pte: --hpte takes no VALUE, --level or format option"),
        ("pte: bad --base", "pte --hpte 1 2 --base 8K",
         "pte: --base needs 4K, 64K, 16M or 16G"),
        ("pte: --radix pages", "pte 1 --radix --base 16M",
         "pte: --radix pages are 4K or 64K"),
        ("pte: --base with --pate", "pte --pate 1 2 --base 4K",
         "pte: --base goes with --hpte or --radix"),
        ("pte: radix has 4 levels", "pte 1 --radix --level 5",
         "pte: radix entries have levels 1-4"),
        ("$pa: unmapped", "print $pa(0x1000)",
         "$pa: fault at PD[000] translating 0x1000: not present "
         "(entry 0x0000000000000000)"),
        ("$pte: non-canonical", "print $pte(0x800000000000)",
         "$pte: 0x800000000000: non-canonical address"),
        ("$pa: no argument", "print $pa()",
         "$pa: takes one argument, a virtual address"),
        ("$pa: two arguments", "print $pa(1, 2)",
         "$pa: takes one argument, a virtual address"),
        ("pgstub phys: bad argument", "pgstub phys maybe",
         "pgstub phys: usage: pgstub phys on|off"),
    ]:
        if want is None:
            s.check(name, cmd, lambda out: (
                out.count("\n") == 1 and out.startswith("vtop: bad address"),
                "one line"))
        else:
            s.check(name, cmd, one_line(want))
    s.check("the stub's own error comes back as one line",
            "python exec(\"import gdb, pgstub.remote as r\\ntry:\\n "
            "r.monitor('x', 'vtop zz')\\nexcept gdb.GdbError as e:\\n "
            "print(e)\")",
            "x: invalid address 'zz'\n")
    s.run()


def help_and_completion():
    s = Session()
    for cmd, first in [
        ("pg", "Show the page tables of the selected thread's vCPU as a "
         "folded tree."),
        ("vtop", "Walk the page tables for a virtual address, level by "
         "level."),
        ("ptov", "List every virtual address that maps a physical "
         "address."),
        ("pte", "Decode a raw page-table entry."),
        ("pgstub", "Say whether GDB is connected to pgstub, and which "
         "version."),
        ("pgstub phys", "Make GDB's memory accesses guest-physical, or "
         "virtual again."),
        ("function pa", "$pa(VA): the physical address VA maps to on the "
         "selected thread's"),
        ("function pte", "$pte(VA): the raw value of the leaf entry that "
         "maps VA (a PTE, or a"),
        ("set pgstub color", "Set whether the pgstub commands use colour."),
    ]:
        s.check("help " + cmd, "help " + cmd,
                lambda out, first=first: (out.split("\n")[0] == first,
                                          "first line: " + first))
    s.check("complete pg options", "complete pg -",
            "pg --color\npg --kernel-names\npg --no-color\npg --range\npg -s\n"
            "pg -u\npg -w\npg -x\n")
    s.check("complete pg --r", "complete pg --r", "pg --range\n")
    s.check("complete pte --level", "complete pte 1 --level p",
            "pte 1 --level p4d\npte 1 --level pgd\npte 1 --level pmd\n"
            "pte 1 --level pte\npte 1 --level pud\n")
    s.check("complete pte options", "complete pte 0x67 --e",
            "pte 0x67 --ept\n")
    s.check("complete pte --base", "complete pte --hpte 1 2 --base 1",
            "pte --hpte 1 2 --base 16G\npte --hpte 1 2 --base 16M\n")
    s.check("complete pgstub phys", "complete pgstub phys o",
            "pgstub phys off\npgstub phys on\n")
    s.check("show pgstub color", "show pgstub color",
            "Colour in the pgstub commands is auto.\n")
    s.check("set pgstub color refuses nonsense", "set pgstub color purple",
            'Undefined item: "purple".\n')
    s.check("pte works without a target", "pte 0x67 --level 1",
            "PTE 0x0000000000000067 [P W U A D] pfn 0x0\n")
    s.check("sourcing the loader twice is harmless",
            ["source " + LOADER, "pte 0x1"],
            "PTE 0x0000000000000001 [P] pfn 0x0\n")
    # Not connected: every command that needs the stub says so.
    hint = "not connected to a target (use: target remote | pgstub " \
        "--stdio IMAGE)\n"
    for cmd, label in [("pg", "pg"), ("vtop 0x1000", "vtop"),
                       ("ptov 0x1000", "ptov"), ("print $pa(0x1000)", "$pa"),
                       ("print $pte(0x1000)", "$pte"), ("pgstub", "pgstub"),
                       ("pgstub phys on", "pgstub phys")]:
        s.check("not connected: " + cmd, cmd, label + ": " + hint)
    s.check("not connected with a file loaded",
            ["file " + PGTYPES, "vtop 0x1000"],
            lambda out: (out.endswith("vtop: " + hint), "hint line"))
    s.check("complete vtop takes expressions", "complete vtop pte_us",
            "vtop pte_user\n")
    s.run()


def _render(res):
    return ("python import pgstub.commands as c, pgstub.color as k; "
            "gdb.write(c.render_vtop(%r, k.Painter(False)))" % (res,))


def _step(stage, name, index, addr, entry, leaf, table=0, entry2=0,
          hash_=0):
    return {"stage": stage, "level": {"EPT PT": 3, "PT": 3, "PD": 2}.get(
        name, 0), "name": name, "index": index, "table": table,
        "addr": addr, "entry": entry, "leaf": leaf, "load_rsvd": 0,
        "entry2": entry2, "hash": hash_}


def vtop_rendering():
    """vtop's rendering of walks the demo cannot produce (ppc64 hash,
    nested paging, reserved bits), from vtop-json results as documented."""
    s = Session()
    ppc = {"va": 0xc000000001234567, "cpu": 0, "mode": "ppc64 hash",
           "nested": None, "ok": True, "pa": 0x1234567, "gpa": 0x1234567,
           "size": 0x1000000, "perms": "rw--", "entry": 0x1008190,
           "level": 0, "pkey": 0, "steps": [
               _step("guest", "SLB", 0, 0, 0xc000000008000000, False,
                     entry2=0x0000408f7c5e6590),
               _step("guest", "PTEG", 0x1a2b, 0, 0, False, table=0xd158,
                     hash_=0x7ffe1a2b),
               _step("guest", "HPTE", 3, 0x3f1a2b30, 0x105, True,
                     table=0x1a2b, entry2=0x1008190)]}
    s.check("vtop rendering: ppc64 hash (SLB, PTEG, 16M HPTE in a 64K "
            "segment)", _render(ppc),
            "vtop 0xc000000001234567 (ppc64 hash, vCPU 0)\n"
            "        SLB[0] 0xc000000008000000 0x0000408f7c5e6590 [V Kp L C] "
            "256M esid 0xc00000000 vsid 0x408f7c5e6 64K slot 0\n"
            "  PTEG[0x1a2b] hash 0x7ffe1a2b first HPTE 0xd158\n"
            "       HPTE[3] @ 0x3f1a2b30 = 0x0000000000000105 "
            "0x0000000001008190 [V L R C M] seg 256M avpn 0x2 16M@64K "
            "pa 0x1000000 pp 0 key 0\n"
            "0xc000000001234567 -> 0x1234567 (16M page, rw--, key 0)\n")
    noslb = {"va": 0xc000000001234567, "cpu": 0, "mode": "ppc64 hash",
             "nested": None, "ok": False, "steps": [], "fault": {
                 "reason": "no SLB entry for the segment", "stage": "guest",
                 "level": -1, "name": None, "index": 0, "table": 0,
                 "entry": 0, "rsvd": 0, "addr": 0xc000000001234567}}
    s.check("vtop rendering: ppc64 without an SLB entry", _render(noslb),
            "vtop 0xc000000001234567 (ppc64 hash, vCPU 0)\n"
            "0xc000000001234567: no SLB entry for the segment\n")
    # A ppc64 radix walk (the walker test's quadrant 0, PID 5, 64K
    # pages): its entries in radix terms, not x86's.
    radix = {"va": 0x10004, "cpu": 0, "mode": "ppc64 radix", "nested": None,
             "ok": True, "pa": 0x2340004, "gpa": 0x2340004, "size": 0x10000,
             "perms": "rw-u", "entry": 0xc000000002340186, "level": 3,
             "pkey": -1, "region": "quadrant 0",
             "region_desc": "PID 5, 52-bit, 64K pages; and quadrant 1",
             "steps": [
                 dict(_step("guest", "L1", 0, 0x110000, 0x8000000000127009,
                            False), level=0),
                 dict(_step("guest", "L3", 0, 0x128000, 0x8000000000129005,
                            False), level=2),
                 dict(_step("guest", "L4", 1, 0x129008, 0xc000000002340186,
                            True), level=3)]}
    s.check("vtop rendering: ppc64 radix", _render(radix),
            "vtop 0x10004 (ppc64 radix, vCPU 0)\n"
            "  L1[000] @ 0x110000 = 0x8000000000127009 [V] table 0x127000 "
            "nls 9\n"
            "  L3[000] @ 0x128000 = 0x8000000000129005 [V] table 0x129000 "
            "nls 5\n"
            "  L4[001] @ 0x129008 = 0xc000000002340186 [V L R C READ WRITE] "
            "64K pfn 0x234\n"
            "0x10004 -> 0x2340004 (64K page, rw-u)\n")
    nested = {"va": 0x1000, "cpu": 1, "mode": "4-level",
              "nested": "EPT 4-level", "ok": True, "pa": 0x300000,
              "gpa": 0x200000, "size": 0x1000, "perms": "rw--",
              "entry": 0x200063, "level": 3, "pkey": -1, "steps": [
                  _step("nested", "EPT PT", 0x100, 0x5800, 0x100077, True),
                  _step("guest", "PT", 1, 0x100008, 0x200063, True)]}
    s.check("vtop rendering: nested EPT", _render(nested),
            "vtop 0x1000 (4-level, nested EPT 4-level, vCPU 1)\n"
            "  nested EPT PT[100] @ 0x5800 = 0x0000000000100077 "
            "[R W X WB IPAT] pfn 0x100\n"
            "      guest  PT[001] @ 0x100008 = 0x0000000000200063 "
            "[P W A D] pfn 0x200\n"
            "0x1000 -> gpa 0x200000 -> hpa 0x300000 (4K page, rw--)\n")
    nfault = dict(nested, ok=False, steps=[], fault={
        "reason": "not present", "stage": "nested", "level": 2,
        "name": "EPT PD", "index": 5, "table": 0x4000, "entry": 0,
        "rsvd": 0, "addr": 0x200000})
    s.check("vtop rendering: nested fault", _render(nfault),
            "vtop 0x1000 (4-level, nested EPT 4-level, vCPU 1)\n"
            "fault at nested EPT PD[005] translating 0x200000: not present "
            "(entry 0x0000000000000000)\n")
    rsvd = {"va": 0xffffffff81000000, "cpu": 0, "mode": "4-level",
            "nested": None, "ok": False, "steps": [
                _step("guest", "PD", 8, 0x103040, 0x402083, False)],
            "fault": {"reason": "reserved bits", "stage": "guest",
                      "level": 2, "name": "PD", "index": 8,
                      "table": 0x103000, "entry": 0x402083, "rsvd": 0x2000,
                      "addr": 0xffffffff81000000}}
    s.check("vtop rendering: reserved bits", _render(rsvd),
            "vtop 0xffffffff81000000 (4-level, vCPU 0)\n"
            "  PD[008] @ 0x103040 = 0x0000000000402083 [P W PS RSVD] 2M "
            "pfn 0x400 rsvd 0x2000\n"
            "fault at PD[008] translating 0xffffffff81000000: reserved "
            "bits 0x2000 (entry 0x0000000000402083)\n")
    # arm64: levels by their Arm names (a 16K, 52-bit walk from the
    # recorded aarch64-virt-16k guest), the granule from the leaf's size.
    a64 = {"va": 0xffffd6ad02c10800, "cpu": 0, "mode": "VMSAv8-64",
           "nested": None, "ok": True, "pa": 0x40210800, "gpa": 0x40210800,
           "size": 0x4000, "perms": "r-x-", "entry": 0x00c0000040210483,
           "level": 3, "pkey": -1, "steps": [
               dict(_step("guest", "L0", 0x1f, 0x41f640f8, 0x100000004278c003, False), level=0),
               dict(_step("guest", "L1", 0x56a, 0x4278eb50, 0x1000000042790003, False), level=1),
               dict(_step("guest", "L2", 0x681, 0x42793408, 0x1000000042794003, False), level=2),
               dict(_step("guest", "L3", 0x304, 0x42795820, 0x00c0000040210483, True), level=3)]}
    s.check("vtop rendering: arm64 (VMSAv8-64, 16K granule)", _render(a64),
            "vtop 0xffffd6ad02c10800 (VMSAv8-64, vCPU 0)\n"
            "  L0[01f] @ 0x41f640f8 = 0x100000004278c003 [V UXNTable] table 0x4278c000\n"
            "  L1[56a] @ 0x4278eb50 = 0x1000000042790003 [V UXNTable] table 0x42790000\n"
            "  L2[681] @ 0x42793408 = 0x1000000042794003 [V UXNTable] table 0x42794000\n"
            "  L3[304] @ 0x42795820 = 0x00c0000040210483 [V ATTR0 RO AF UXN] 16K pfn 0x10084 "
            "sw 0x80000000000000\n"
            "0xffffd6ad02c10800 -> 0x40210800 (16K page, r-x-)\n")
    # arm64 16K LPA2 fault (no leaf to infer the granule from): the
    # region vtop-json names gives the granule, and LPA2 makes bits 9:8
    # of the faulting page OA[51:50], not shareability.
    a64f = {"va": 0x1000, "cpu": 0, "mode": "VMSAv8-64", "nested": None,
            "region": "TTBR0_EL1", "region_desc": "16K granule, 52-bit, L0..L3, LPA2",
            "ok": False, "steps": [
                dict(_step("guest", "L2", 0, 0x485d0000, 0x0800000048578003, False), level=2),
                dict(_step("guest", "L3", 0, 0x48578000, 0x0000000040210303, False), level=3)],
            "fault": {"reason": "access flag", "stage": "guest", "level": 3,
                      "name": "L3", "index": 0, "table": 0x48578000,
                      "entry": 0x0000000040210303, "rsvd": 0, "addr": 0x1000}}
    s.check("vtop rendering: arm64 16K LPA2 fault decoded by the region",
            _render(a64f),
            "vtop 0x1000 (VMSAv8-64, vCPU 0)\n"
            "  L2[000] @ 0x485d0000 = 0x0800000048578003 [V PXNTable] table 0x48578000\n"
            "  L3[000] @ 0x48578000 = 0x0000000040210303 [V ATTR0 RW] 16K pfn 0x3000010084\n"
            "fault at L3[000] translating 0x1000: access flag (entry 0x0000000040210303)\n")
    # RISC-V Sv39: a 2M leaf at L1.
    rv = {"va": 0xffffffff80212345, "cpu": 0, "mode": "Sv39", "nested": None,
          "ok": True, "pa": 0x80412345, "gpa": 0x80412345, "size": 0x200000,
          "perms": "rwx-", "entry": (0x80400 << 10) | 0xcf, "level": 1,
          "pkey": -1, "steps": [
              dict(_step("guest", "L2", 0x1fe, 0x80001ff0, (0x80200 << 10) | 1, False), level=0),
              dict(_step("guest", "L1", 1, 0x80200008, (0x80400 << 10) | 0xcf, True), level=1)]}
    s.check("vtop rendering: RISC-V Sv39", _render(rv),
            "vtop 0xffffffff80212345 (Sv39, vCPU 0)\n"
            "  L2[1fe] @ 0x80001ff0 = 0x0000000020080001 [V] table 0x80200000\n"
            "  L1[001] @ 0x80200008 = 0x00000000201000cf [V R W X A D] 2M pfn 0x80400\n"
            "0xffffffff80212345 -> 0x80412345 (2M page, rwx-)\n")
    s.run()


def not_pgstub():
    for flavour, reason in [
        ("", "Target does not support this command."),
        (" --qemu", "unknown command: 'pgstub-version'"),
    ]:
        s = Session(target="%s %s%s" % (PYTHON3, FAKE, flavour))
        what = "not pgstub (no monitor)" if not flavour else \
            "not pgstub (QEMU-like monitor)"
        for cmd, label in [("pg", "pg"), ("vtop 0x1000", "vtop"),
                           ("ptov 0x1000", "ptov"),
                           ("print $pa(0x1000)", "$pa"),
                           ("print $pte(0x1000)", "$pte"),
                           ("pgstub", "pgstub"),
                           ("pgstub phys on", "pgstub phys")]:
            s.check("%s: %s" % (what, cmd), cmd,
                    "%s: the remote target is not pgstub (monitor "
                    "pgstub-version: %s)\n" % (label, reason))
        s.check(what + ": pte still works", "pte 0x1 --level 4",
                "PML4E 0x0000000000000001 [P] table 0x0\n")
        s.run()


def real_guest():
    cfg = os.path.join(GUESTS, "x86_64-4l")
    dump = os.path.join(cfg, "dump.elf")
    truth = os.path.join(cfg, "cpu0", "gva2gpa.tsv")
    if os.environ.get("PGSTUB_SKIP_REALGUEST") == "1":
        skip("real guest $pa against QEMU's gva2gpa", "PGSTUB_SKIP_REALGUEST")
        return
    if not (os.access(dump, os.R_OK) and os.access(truth, os.R_OK)):
        skip("real guest $pa against QEMU's gva2gpa",
             "no recorded x86_64-4l guest in " + GUESTS)
        return
    rows = []
    with open(truth) as f:
        for line in f:
            va, _, res = line.rstrip("\n").partition("\t")
            rows.append((int(va, 16), res))
    rows = rows[::8]
    s = Session(target="%s --stdio %s" % (PGSTUB, dump))
    mapped = [(va, res) for va, res in rows if res.startswith("gpa: ")]
    unmapped = [(va, res) for va, res in rows if res == "Unmapped"]
    cmds = ["python gdb.write('0x%%x\\n' %% int(gdb.parse_and_eval("
            "'$pa(0x%x)')))" % va for va, _ in mapped]
    want = "".join("0x%x\n" % int(res[5:], 16) for _, res in mapped)
    s.check("real guest: $pa agrees with QEMU's gva2gpa at %d addresses"
            % len(mapped), cmds, want)
    s.check("real guest: $pa refuses %d addresses QEMU calls Unmapped"
            % len(unmapped),
            ["print $pa(0x%x)" % va for va, _ in unmapped],
            lambda out: (len(out.splitlines()) == len(unmapped) and all(
                l.startswith("$pa: ") for l in out.splitlines()),
                "one $pa error line per address"))
    if mapped:
        va, res = mapped[0]
        gpa = int(res[5:], 16)
        s.check("real guest: vtop ends at QEMU's address", "vtop 0x%x" % va,
                lambda out: (out.splitlines()[-1].startswith(
                    "0x%x -> 0x%x (" % (va, gpa)), "result line"))
        # $pte's frame holds $pa: within 4K, or 2M/1G when PS is set.
        check = ("python e = int(gdb.parse_and_eval('$pte(0x%x)')); "
                 "size = 4096 if not e & 0x80 else "
                 "int(gdb.parse_and_eval('$pte(0x%x) >> 7 & 1')) and "
                 "(1 << 21); base = e & 0xffffffffff000 & ~(size - 1); "
                 "gdb.write('%%s\\n' %% (base <= 0x%x < base + size))")
        s.check("real guest: $pte's frame holds QEMU's address",
                [check % (va, va, int(r[5:], 16)) for va, r in mapped[:20]],
                "True\n" * min(20, len(mapped)))
    s.run()
    nopaging = os.path.join(GUESTS, "x86_64-nopaging", "dump.elf")
    if not os.access(nopaging, os.R_OK):
        skip("real guest without paging", "no recorded x86_64-nopaging")
        return
    s = Session(target="%s --stdio %s" % (PGSTUB, nopaging))
    s.check("real guest without paging: vtop, $pa, $pte",
            ["vtop 0x1234", "print/x $pa(0x1234)", "print/x $pte(0x1234)"],
            "vtop 0x1234 (paging disabled, vCPU 0)\n"
            "0x1234 -> 0x1234 (4K page, rwxu)\n$1 = 0x1234\n$2 = 0x0\n")
    s.run()


def main():
    for path, what in ((GDB, "gdb"), (PGSTUB, "pgstub"), (DEMO, "demo.elf"),
                       (PGTYPES, "tests/python/pgtypes")):
        if os.path.sep in path and not os.path.exists(path):
            print("1..0 # SKIP %s not found (%s)" % (what, path))
            return 0
    try:
        subprocess.run([GDB, "-nx", "-batch", "-ex", "python pass"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
    except (OSError, subprocess.CalledProcessError):
        print("1..0 # SKIP %s with Python not available" % GDB)
        return 0
    printers()
    multiarch_printers()
    demo_commands()
    help_and_completion()
    vtop_rendering()
    not_pgstub()
    real_guest()
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
