# Sourced into GDB by test_gdb.py with tests/python/pgtypes loaded: builds
# values of each printer type from bytes for every flag combination and
# compares GDB's printed form with oracle.py.  Prints one line per group:
# "printers GROUP: N ok" or "printers GROUP: FAIL …".  The group is in
# $pgroup (set $pgroup = "pae").
import os
import sys

import gdb

sys.path.insert(0, os.environ["PGSTUB_TEST_DIR"])
import oracle  # noqa: E402


def type_of(var):
    return gdb.parse_and_eval(var).type


def from_bytes(t, value, size, order="little"):
    return gdb.Value(value.to_bytes(size, order), t)


def run_group(name, cases):
    """cases: iterable of (gdb.Value, expected text)."""
    n, bad = 0, []
    for val, want in cases:
        got = val.format_string()
        n += 1
        if got != want and len(bad) < 3:
            bad.append("got %r want %r" % (got, want))
    if bad:
        gdb.write("printers %s: FAIL %s\n" % (name, "; ".join(bad)))
    else:
        gdb.write("printers %s: %d ok\n" % (name, n))


def x86_cases(t, label, fmt, level, size):
    for bits in oracle.subsets(oracle.X86_COMBO_BITS[fmt]):
        v = oracle.X86_FRAME[fmt] | bits
        yield (from_bytes(t, v, size),
               oracle.x86_expect(label, v, fmt, level))


def main(group):
    if group == "x86-64":
        for var, label, level in (("pte_user", "pte_t", 1),
                                  ("pmd_2m", "pmd_t", 2),
                                  ("pud_1g", "pud_t", 3),
                                  ("p4d_table", "p4d_t", 4),
                                  ("pgd_table", "pgd_t", 5)):
            run_group("x86-64 " + label,
                      x86_cases(type_of(var), label, "x86-64", level, 8))
    elif group == "x86-32":
        for var, label in (("pgd32_4m", "pgd_t"), ("pmd32_table", "pmd_t")):
            run_group("x86-32 " + label,
                      x86_cases(type_of(var), label, "x86-32", 2, 4))
    elif group == "pae":
        for var, label, level in (("pae_pte", "pte_t", 1),
                                  ("pae_pmd_2m", "pmd_t", 2),
                                  ("pae_pdpte", "pgd_t", 3)):
            run_group("pae " + label,
                      x86_cases(type_of(var), label, "pae", level, 8))
    elif group == "ppc64":
        t = type_of("hpte_16m")
        cases = []
        for vb in oracle.subsets([0, 1, 3, 4, 62]):
            for rb in oracle.subsets([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 61, 63]):
                v, r = 0x123400 | vb, 0x0000000056789000 | rb
                val = gdb.Value(v.to_bytes(8, "big") + r.to_bytes(8, "big"),
                                t)
                cases.append((val, oracle.hpte_expect("hash_pte", v, r, "4K",
                                                      0x56789000)))
        run_group("hash_pte", cases)
        t = type_of("slb_save[0]")
        cases = []
        for eb in oracle.subsets([27, 0, 1]):
            for vb in oracle.subsets([4, 5, 7, 8, 9, 10, 11, 62]):
                e, v = 0xc000000000000000 | eb, 0x0000000123456000 | vb
                val = gdb.Value(e.to_bytes(8, "big") + v.to_bytes(8, "big"),
                                t)
                cases.append((val, oracle.slb_expect("slb", e, v)))
        run_group("slb", cases)
    elif group == "ept":
        t = type_of("ept_leaf")
        run_group("epte_t", ((from_bytes(t, oracle.EPT_FRAME | b, 8),
                              oracle.ept_expect("epte_t",
                                                oracle.EPT_FRAME | b, 1))
                             for b in oracle.subsets(oracle.EPT_COMBO_BITS)))


main(gdb.convenience_variable("pgroup").string())
