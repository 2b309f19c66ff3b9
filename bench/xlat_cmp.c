/*
 * xlat_cmp: random virtual-to-physical translations per second through
 * libpgwalk and through libkdumpfile's libaddrxlat, on the same QEMU ELF
 * dump (mmap'd, both zero-copy), with the same roots and the same
 * addresses: an x86_64 4-level guest's CR3, or an aarch64 guest's TTBR0
 * and TTBR1 under its TCR (every granule, 48- and 52-bit, LPA2). The ways
 * take turns rep by rep, so that the ratios compare like with like.
 * XLAT_CMP_ONLY=KEY[,KEY] runs only those ways (for a profiler).
 */
#include "walker_priv.h"  /* pgw__cache_set: libpgwalk without its caches */
#include "bench_pages.h"  /* pages, addresses, CPU time (as guest_xlat) */

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libkdumpfile/addrxlat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_LOADS 64

/* The dump's physical memory: PT_LOAD segments over the mapped file. */
struct dump {
	const unsigned char *file;
	size_t size;
	unsigned n;
	unsigned last;            /* segment of the previous lookup */
	struct { uint64_t pa, len; const unsigned char *p; } seg[MAX_LOADS];
};

/* Both libraries reach memory through this: the segment of the previous
 * lookup first (nearly always RAM), then a scan. */
static const unsigned char *phys(struct dump *d, uint64_t pa, uint64_t len)
{
	unsigned i = d->last;

	if (i < d->n && pa - d->seg[i].pa < d->seg[i].len &&
	    len <= d->seg[i].len - (pa - d->seg[i].pa))
		return d->seg[i].p + (pa - d->seg[i].pa);
	for (i = 0; i < d->n; i++)
		if (pa >= d->seg[i].pa && pa - d->seg[i].pa < d->seg[i].len &&
		    len <= d->seg[i].len - (pa - d->seg[i].pa)) {
			d->last = i;
			return d->seg[i].p + (pa - d->seg[i].pa);
		}
	return NULL;
}

static int open_dump(struct dump *d, const char *path)
{
	const Elf64_Ehdr *eh;
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "xlat_cmp: %s: %s\n", path, strerror(errno));
		return -1;
	}
	d->size = (size_t)st.st_size;
	d->file = mmap(NULL, d->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (d->file == MAP_FAILED)
		return -1;
	eh = (const Elf64_Ehdr *)d->file;
	if (d->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phoff > d->size ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > d->size - eh->e_phoff) {
		fprintf(stderr, "xlat_cmp: %s: not an ELF64 dump\n", path);
		return -1;
	}
	for (unsigned i = 0; i < eh->e_phnum && d->n < MAX_LOADS; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)
			(d->file + eh->e_phoff) + i;

		if (ph->p_type != PT_LOAD || ph->p_offset > d->size ||
		    ph->p_filesz > d->size - ph->p_offset)
			continue;
		d->seg[d->n].pa = ph->p_paddr;
		d->seg[d->n].len = ph->p_filesz;
		d->seg[d->n].p = d->file + ph->p_offset;
		d->n++;
	}
	return 0;
}

static int pg_read(uint64_t pa, void *buf, size_t len, void *payload)
{
	const unsigned char *p = phys(payload, pa, len);

	if (!p)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

static const void *pg_map(uint64_t pa, size_t len, void *payload)
{
	return phys(payload, pa, len);
}

static const struct pgw_mem_ops pg_ops = { pg_read, pg_map };

/* libaddrxlat calls put_page for every page it got: nothing to release. */
static void ax_put_page(const addrxlat_buffer_t *buf)
{
	(void)buf;
}

static addrxlat_status ax_get_page(const addrxlat_cb_t *cb,
				   addrxlat_buffer_t *buf)
{
	uint64_t page = buf->addr.addr & ~4095ULL;
	const unsigned char *p = phys(cb->priv, page, 4096);

	/* 4 KiB at a time whatever the granule: a 64K table is read a
	 * page at a time, as libpgwalk reads big tables (PGW_CHUNK). */
	if (!p)
		return ADDRXLAT_ERR_NODATA;
	buf->addr.addr = page;
	buf->ptr = p;
	buf->size = 4096;
	buf->byte_order = ADDRXLAT_LITTLE_ENDIAN;
	buf->put_page = ax_put_page;
	return ADDRXLAT_OK;
}

static unsigned long ax_read_caps(const addrxlat_cb_t *cb)
{
	(void)cb;
	return ADDRXLAT_CAPS(ADDRXLAT_MACHPHYSADDR) |
	       ADDRXLAT_CAPS(ADDRXLAT_KPHYSADDR);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The guest as both libraries see it: libpgwalk's context, and a
 * libaddrxlat page-table method per half of the address space (x86_64:
 * one; aarch64: TTBR0 below, TTBR1 above, chosen by VA bit 55). */
struct guest {
	pgw_ctx *c;
	addrxlat_meth_t meth[2];
	int split;
	char what[96];
};

/* A libaddrxlat page-table method: the page offset, then one index field
 * per level of (page shift - 3) bits, the top one what is left of va_bits. */
static void ax_pgt(addrxlat_meth_t *m, uint64_t root,
		   addrxlat_pte_format_t fmt, unsigned page_shift,
		   unsigned va_bits)
{
	unsigned stride = page_shift - 3, n = 1;

	memset(m, 0, sizeof(*m));
	m->kind = ADDRXLAT_PGT;
	m->target_as = ADDRXLAT_MACHPHYSADDR;
	m->param.pgt.root.addr = root;
	m->param.pgt.root.as = ADDRXLAT_MACHPHYSADDR;
	m->param.pgt.pf.pte_format = fmt;
	m->param.pgt.pf.fieldsz[0] = (unsigned short)page_shift;
	for (unsigned bits = page_shift; bits < va_bits &&
	     n < ADDRXLAT_FIELDS_MAX; bits += stride)
		m->param.pgt.pf.fieldsz[n++] = (unsigned short)
			(va_bits - bits < stride ? va_bits - bits : stride);
	m->param.pgt.pf.nfields = (unsigned short)n;
}

static int setup_x86(struct guest *g, char **arg, struct dump *d,
		     char *err, size_t errlen)
{
	struct pgw_x86_regs regs = PGW_X86_REGS_INIT;

	regs.cr0 = strtoull(arg[0], NULL, 0);
	regs.cr3 = strtoull(arg[1], NULL, 0);
	regs.cr4 = strtoull(arg[2], NULL, 0);
	regs.efer = strtoull(arg[3], NULL, 0);
	if (pgw_ctx_new_x86(&g->c, &regs, &pg_ops, d, err, errlen) < 0)
		return -1;
	if (pgw_ctx_mode(g->c) != PGW_MODE_X86_4L) {
		snprintf(err, errlen, "needs a 4-level guest");
		return -1;
	}
	ax_pgt(&g->meth[0], regs.cr3 & 0x000ffffffffff000ULL,
	       ADDRXLAT_PTE_X86_64, 12, 48);
	snprintf(g->what, sizeof(g->what), "x86_64 CR3 %#" PRIx64, regs.cr3);
	return 0;
}

/* One half of the aarch64 EL1&0 regime as TCR_EL1 shapes it (Arm ARM
 * D19.2.139): TxSZ, the granule (TG0 and TG1 encode it differently), and
 * with DS or 64K LPA the table address bits 51:48 from TTBR bits 5:2. */
static void ax_arm64_half(addrxlat_meth_t *m, uint64_t ttbr, uint64_t tcr,
			  int upper)
{
	static const unsigned tg0_shift[4] = { 12, 16, 14, 12 };
	static const unsigned tg1_shift[4] = { 12, 14, 12, 16 };
	unsigned tsz = (unsigned)(upper ? tcr >> 16 : tcr) & 63;
	unsigned tg = (unsigned)(upper ? tcr >> 30 : tcr >> 14) & 3;
	unsigned shift = upper ? tg1_shift[tg] : tg0_shift[tg];
	int ds = (int)(tcr >> 59) & 1, pa52 = ((tcr >> 32) & 7) == 6;
	addrxlat_pte_format_t fmt = ADDRXLAT_PTE_AARCH64;
	uint64_t root = ttbr & 0x0000fffffffffffeULL;

	if (ds) {
		fmt = ADDRXLAT_PTE_AARCH64_LPA2;
	} else if (shift == 16 && pa52) {
		fmt = ADDRXLAT_PTE_AARCH64_LPA;
	}
	if (ds || (shift == 16 && pa52))
		root = (ttbr & 0x0000ffffffffffc0ULL) | ((ttbr >> 2) & 0xf) << 48;
	ax_pgt(m, root, fmt, shift, 64 - tsz);
}

static int setup_arm64(struct guest *g, char **arg, struct dump *d,
		       char *err, size_t errlen)
{
	struct pgw_arm64_regs regs = PGW_ARM64_REGS_INIT;

	regs.ttbr0 = strtoull(arg[0], NULL, 0);
	regs.ttbr1 = strtoull(arg[1], NULL, 0);
	regs.tcr = strtoull(arg[2], NULL, 0);
	regs.sctlr = strtoull(arg[3], NULL, 0);
	regs.pstate = 1 << PGW_ARM64_PSTATE_EL_SHIFT;   /* EL1, no PAN */
	if (pgw_ctx_new_arm64(&g->c, &regs, &pg_ops, d, err, errlen) < 0)
		return -1;
	ax_arm64_half(&g->meth[0], regs.ttbr0, regs.tcr, 0);
	ax_arm64_half(&g->meth[1], regs.ttbr1, regs.tcr, 1);
	g->split = 1;
	snprintf(g->what, sizeof(g->what), "aarch64 TTBR1 %#" PRIx64
		 " TCR %#" PRIx64, regs.ttbr1, regs.tcr);
	return 0;
}

int main(int argc, char **argv)
{
	struct dump d = { 0 };
	struct guest g = { 0 };
	struct pgw_walk_ops wops = { .leaf = pages_add_leaf };
	struct pages pg = { 0 };
	uint64_t n = 1000000, seed = 0x9e3779b97f4a7c15ULL, bad = 0;
	int reps = 5, arm64 = argc > 1 && !strcmp(argv[1], "--aarch64");
	char **arg = argv + 1 + arm64;
	int nargs = argc - 1 - arm64;
	char err[128];

	if (nargs < 5) {
		fprintf(stderr, "usage: xlat_cmp DUMP.elf CR0 CR3 CR4 EFER "
			"[N [REPS]]\n"
			"       xlat_cmp --aarch64 DUMP.elf TTBR0 TTBR1 TCR "
			"SCTLR [N [REPS]]\n");
		return 2;
	}
	if (nargs > 5)
		n = strtoull(arg[5], NULL, 0);
	if (nargs > 6)
		reps = atoi(arg[6]);
	if (n < 1 || n > 100000000 || reps < 1 || reps > 99) {
		fprintf(stderr, "xlat_cmp: bad N or REPS\n");
		return 2;
	}
	if (open_dump(&d, arg[0]) < 0)
		return 1;
	if ((arm64 ? setup_arm64 : setup_x86)(&g, arg + 1, &d, err,
					      sizeof(err)) < 0) {
		fprintf(stderr, "xlat_cmp: %s\n", err);
		return 1;
	}
	pgw_ctx *c = g.c;

	if (pgw_walk(c, NULL, &wops, &pg) != 0 || pg.n == 0) {
		fprintf(stderr, "xlat_cmp: no mappings\n");
		return 1;
	}

	/* The addresses: "random", then "local" (bench_pages.h). */
	uint64_t *va = malloc(2 * n * sizeof(*va));
	uint64_t *want = malloc(2 * n * sizeof(*want));
	uint64_t *got = malloc(2 * n * sizeof(*got));

	if (!va || !want || !got)
		return 1;
	pages_draw(&pg, n, &seed, va, want);

	addrxlat_ctx_t *ax = addrxlat_ctx_new();
	addrxlat_cb_t *cb = ax ? addrxlat_ctx_add_cb(ax) : NULL;

	if (!cb)
		return 1;
	cb->priv = &d;
	cb->get_page = ax_get_page;
	cb->read_caps = ax_read_caps;

	/* The ways of translating, each over the same addresses. libpgwalk
	 * "uncached": no TLB, no paging-structure cache (PSC), no cache of
	 * mapped table pages: every level asks mem->map, as libaddrxlat
	 * asks get_page. "vtop": a full walk recording each level (the
	 * trace bypasses every translation cache). libaddrxlat has no
	 * translation cache of its own. */
	static const struct {
		const char *name, *key;
		int kind;          /* 0 pgw_translate, 1 with trace, 2 axlat */
		unsigned caches;
	} way[] = {
		{ "libpgwalk uncached", "pgwalk_uncached", 0, 0 },
		{ "libpgwalk map cache", "pgwalk_mapc", 0, PGW__CACHE_MAP },
		{ "libpgwalk PSC", "pgwalk_psc", 0,
		  PGW__CACHE_MAP | PGW__CACHE_PSC },
		{ "libpgwalk TLB+PSC", "pgwalk_tlb", 0, PGW__CACHE_ALL },
		{ "libpgwalk vtop trace", "pgwalk_trace", 1, PGW__CACHE_ALL },
		{ "libaddrxlat", "addrxlat", 2, 0 },
	};
	enum { NWAY = sizeof(way) / sizeof(way[0]) };
	double rate[NWAY][2];
	struct pgw_trace *tr = malloc(sizeof(*tr));
	/* XLAT_CMP_ONLY=pgwalk_tlb,addrxlat runs those ways alone (for
	 * profiling one of them); the others print 0. */
	const char *only = getenv("XLAT_CMP_ONLY");

	if (!tr)
		return 1;
	/* Reps interleave the ways (rep 1 of each, then rep 2, ...): this
	 * machine's speed drifts by 2x over seconds, and a way run in one
	 * block took whatever phase it met; interleaved, each median sees
	 * the same phases. */
	static double t[NWAY][2][100];

	for (int set = 0; set < 2; set++) {
		const uint64_t *v = va + (uint64_t)set * n;
		const uint64_t *w = want + (uint64_t)set * n;

		for (int rep = 0; rep < reps; rep++)
		for (int k = 0; k < NWAY; k++) {
			int kind = way[k].kind;
			double t0;

			t[k][set][rep] = 0;
			if (only && !strstr(only, way[k].key))
				continue;
			/* Every rep starts cold: caches empty. */
			pgw__cache_set(c, way[k].caches);
			t0 = cpu_now();
			for (uint64_t i = 0; i < n; i++) {
				struct pgw_result r;

				if (kind == 2) {
					addrxlat_step_t st;

					memset(&st, 0, sizeof(st));
					st.ctx = ax;
					st.meth = &g.meth[g.split &
						 (int)(v[i] >> 55) & 1];
					st.base.addr = v[i];
					st.base.as = ADDRXLAT_KVADDR;
					got[i] = addrxlat_walk(&st) ==
						 ADDRXLAT_OK ?
						 st.base.addr : ~0ULL;
				} else {
					got[i] = pgw_translate(c, v[i], 0, &r,
						NULL, kind ? tr : NULL) == 0 ?
						r.out_pa : ~0ULL;
				}
			}
			t[k][set][rep] = cpu_now() - t0;
			for (uint64_t i = 0; i < n; i++)
				bad += got[i] != w[i];
		}
		for (int k = 0; k < NWAY; k++) {
			qsort(t[k][set], (size_t)reps, sizeof(double),
			      cmp_double);
			rate[k][set] = t[k][set][reps / 2] > 0 ?
				(double)n / t[k][set][reps / 2] : 0;
		}
	}
	pgw__cache_set(c, PGW__CACHE_ALL);
	if (bad) {
		fprintf(stderr, "xlat_cmp: %" PRIu64 " wrong translations\n",
			bad);
		return 1;
	}
	printf("xlat_cmp: %s, %s, %zu mapped pages, %" PRIu64
	       " addresses per set, median of %d, caches cold each rep, "
	       "CPU time\n",
	       arg[0], g.what, pg.n, n, reps);
	printf("  %-22s %16s %16s\n", "", "random (M/s)", "local (M/s)");
	for (int k = 0; k < NWAY; k++)
		printf("  %-22s %16.2f %16.2f\n", way[k].name,
		       rate[k][0] / 1e6, rate[k][1] / 1e6);
	printf("{\"bench\":\"xlat_cmp\",\"arch\":\"%s\",\"n\":%" PRIu64
	       ",\"reps\":%d,\"pages\":%zu", arm64 ? "aarch64" : "x86_64", n,
	       reps, pg.n);
	for (int k = 0; k < NWAY; k++)
		printf(",\"%s_random\":%.0f,\"%s_local\":%.0f", way[k].key,
		       rate[k][0], way[k].key, rate[k][1]);
	printf("}\n");
	free(tr);
	free(va);
	free(want);
	free(got);
	free(pg.l);
	addrxlat_ctx_decref(ax);
	pgw_ctx_free(c);
	return 0;
}
