/*
 * ppc64 radix tables as monitor views: `info patb` (PTCR and the
 * partition-table entries, or the entry a pseries guest registered) and
 * `info prtb` (the current vCPU's process table and its entries).
 */
#include "serving/session.h"
#include "monitor.h"

#include <endian.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Entries listed at most per table: a radix guest uses a handful. */
#define MAX_LISTED 64u

/* Field layout of PATE doubleword 0 and of PRTE doubleword 0 (Power ISA
 * 3.0B Book III 5.7.6.1-2; ISA bit n is value bit 63-n): RTS1 (ISA 1:2),
 * RPDB (4:55), RTS2 (56:58), RPDS (59:63). PATE doubleword 1: PRTB
 * (4:51), PRTS (59:63); PTCR: PATB (4:51), PATS (59:63). */
#define TOP_BIT   ((uint64_t)1 << 63)                   /* PATE HR, pate1 GR */
#define TBL_BASE  ((uint64_t)0x0ffffffffffff000ULL)          /* PATB, PRTB */
#define TBL_SIZE  ((uint64_t)0x1f)                      /* PATS, PRTS */
#define TREE_RPDB ((uint64_t)0x0fffffffffffff00ULL)

static void tree(gdbr_out *out, uint64_t d0)
{
	unsigned rts = (unsigned)((d0 >> 61) & 3) << 3 | (unsigned)((d0 >> 5) & 7);
	unsigned rpds = (unsigned)(d0 & 0x1f);

	gdbr_out_printf(out, "RTS=%u (%u-bit EA) RPDB=0x%" PRIx64 " RPDS=%u "
			"(%u entries)", rts, rts + 31, d0 & TREE_RPDB, rpds,
			1u << rpds);
}

/* Table of 2^(12+size) bytes at @base: "0x… (2^N bytes, M entries)". */
static void table(gdbr_out *out, const char *what, uint64_t base,
		  unsigned size, unsigned entry)
{
	gdbr_out_printf(out, "%s=0x%" PRIx64 " %s=%u (2^%u bytes, %" PRIu64
			" entries)", what, base & TBL_BASE,
			what[0] == 'P' && what[1] == 'A' ? "PATS" : "PRTS",
			size, 12 + size, ((uint64_t)1 << (12 + size)) / entry);
}

/* The 16-byte entry @i of the table at @base; 0 read, -1 not readable. */
static int entry_at(struct session *s, uint64_t base, uint64_t i,
		    uint64_t d[2])
{
	uint64_t be[2];

	if (guest_phys_read(s->g, base + 16 * i, be, 16) != 16)
		return -1;
	d[0] = be64toh(be[0]);
	d[1] = be64toh(be[1]);
	return 0;
}

/* Mode line shared by both views; 0 when the vCPU uses radix. */
static int radix_of(struct session *s, struct guest_ppc64_mmu *m,
		    const char *cmd, gdbr_out *out)
{
	if (guest_ppc64_mmu(s->g, s->cpu, m)) {
		gdbr_out_printf(out, "%s: ppc64 only\n", cmd);
		return -1;
	}
	if (!guest_ppc64_is_radix(m)) {
		gdbr_out_printf(out, "%s: vCPU %d uses the hash MMU (LPCR "
				"0x%" PRIx64 "%s); see info slb, info hpt\n",
				cmd, s->cpu, m->lpcr,
				m->known & GUEST_PPC64_MMU_LPCR ? "" :
				": unknown, and no --reg patb=/ptcr=");
		return -1;
	}
	return 0;
}

static const char *origin(const struct guest_ppc64_mmu *m, unsigned bit)
{
	return m->given & bit ? "--reg" : m->known & bit ? "the snapshot" :
	       "unknown";
}

int monitor_cmd_info_patb(struct session *s, int argc, char **argv,
			  gdbr_out *out)
{
	struct guest_ppc64_mmu m;
	uint64_t n, d[2], listed = 0;

	(void)argc;
	(void)argv;
	if (radix_of(s, &m, "info patb", out))
		return 1;
	if (m.known & GUEST_PPC64_MMU_PATB && m.patb) {
		/* pseries: the partition table is the hypervisor's. */
		gdbr_out_printf(out, "partition table: the hypervisor's (pseries); "
				"the guest's entry, registered with "
				"H_REGISTER_PROC_TBL (from %s):\n",
				origin(&m, GUEST_PPC64_MMU_PATB));
		gdbr_out_printf(out, "PATE dw1 0x%016" PRIx64 ": GR=%d ",
				m.patb, !!(m.patb & TOP_BIT));
		table(out, "PRTB", m.patb, (unsigned)(m.patb & TBL_SIZE), 16);
		gdbr_out_printf(out, "\n");
		return 0;
	}
	gdbr_out_printf(out, "PTCR 0x%016" PRIx64 " (from %s): ", m.ptcr,
			origin(&m, GUEST_PPC64_MMU_PTCR));
	table(out, "PATB", m.ptcr, (unsigned)(m.ptcr & TBL_SIZE), 16);
	gdbr_out_printf(out, "\n");
	n = ((uint64_t)1 << (12 + (m.ptcr & TBL_SIZE))) / 16;
	for (uint64_t i = 0; i < n && listed < MAX_LISTED; i++) {
		if (entry_at(s, m.ptcr & TBL_BASE, i, d)) {
			gdbr_out_printf(out, "PATE[%" PRIu64 "]: not readable at "
					"0x%" PRIx64 "\n", i,
					(m.ptcr & TBL_BASE) + 16 * i);
			return 1;
		}
		if (!d[0] && !d[1])
			continue;
		listed++;
		gdbr_out_printf(out, "PATE[%" PRIu64 "] 0x%016" PRIx64 " 0x%016"
				PRIx64 ":\n  dw0 HR=%d ", i, d[0], d[1],
				!!(d[0] & TOP_BIT));
		if (d[0] & TOP_BIT)
			tree(out, d[0]);
		else
			gdbr_out_printf(out, "HTABORG=0x%" PRIx64 " HTABSIZE=%u",
					d[0] & (uint64_t)0x0ffffffffffc0000ULL,
					(unsigned)(d[0] & 0x1f));
		gdbr_out_printf(out, "\n  dw1 ");
		table(out, "PRTB", d[1], (unsigned)(d[1] & TBL_SIZE), 16);
		gdbr_out_printf(out, "\n");
	}
	gdbr_out_printf(out, "%" PRIu64 " valid PATE%s listed\n", listed,
			listed == 1 ? "" : "s");
	return 0;
}

int monitor_cmd_info_prtb(struct session *s, int argc, char **argv,
			  gdbr_out *out)
{
	struct guest_ppc64_mmu m;
	uint64_t dw1, n, d[2], listed = 0;

	(void)argc;
	(void)argv;
	if (radix_of(s, &m, "info prtb", out))
		return 1;
	if (m.known & GUEST_PPC64_MMU_PATB && m.patb) {
		dw1 = m.patb;
	} else {
		/* PATE[LPID]: LPID 0 for a hypervisor (MSR[HV]). */
		uint64_t lpid = m.msr & PGW_PPC64_MSR_HV ? 0 : m.lpidr;

		if (entry_at(s, m.ptcr & TBL_BASE, lpid, d)) {
			gdbr_out_printf(out, "info prtb: PATE[%" PRIu64 "] is not "
					"readable\n", lpid);
			return 1;
		}
		dw1 = d[1];
	}
	gdbr_out_printf(out, "process table of vCPU %d: ", s->cpu);
	table(out, "PRTB", dw1, (unsigned)(dw1 & TBL_SIZE), 16);
	gdbr_out_printf(out, "; PIDR %" PRIu64 " (from %s)\n", m.pidr,
			origin(&m, GUEST_PPC64_MMU_PIDR));
	n = ((uint64_t)1 << (12 + (dw1 & TBL_SIZE))) / 16;
	for (uint64_t i = 0; i < n && listed < MAX_LISTED; i++) {
		if (entry_at(s, dw1 & TBL_BASE, i, d)) {
			gdbr_out_printf(out, "PRTE[%" PRIu64 "]: not readable at "
					"0x%" PRIx64 "\n", i,
					(dw1 & TBL_BASE) + 16 * i);
			return 1;
		}
		if (!d[0] && i != m.pidr)
			continue;
		listed++;
		gdbr_out_printf(out, "PRTE[%" PRIu64 "] 0x%016" PRIx64 ": ", i,
				d[0]);
		if (d[0])
			tree(out, d[0]);
		else
			gdbr_out_printf(out, "empty");
		gdbr_out_printf(out, "%s\n", i == 0 ? "  <- quadrant 3 (PID 0)" :
				i == m.pidr ? "  <- quadrant 0 (PIDR)" : "");
	}
	gdbr_out_printf(out, "%" PRIu64 " PRTE%s listed%s\n", listed,
			listed == 1 ? "" : "s", listed == MAX_LISTED ?
			" (the first ones only)" : "");
	return 0;
}
