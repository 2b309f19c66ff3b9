/*
 * xlat_cmp: random virtual-to-physical translations per second through
 * libpgwalk and through libkdumpfile's libaddrxlat, on the same QEMU ELF
 * dump (mmap'd, both zero-copy), with the same CR3 and the same addresses.
 */
#include "pgwalk.h"

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
	struct { uint64_t pa, len; const unsigned char *p; } seg[MAX_LOADS];
};

static const unsigned char *phys(const struct dump *d, uint64_t pa,
				 uint64_t len)
{
	for (unsigned i = 0; i < d->n; i++)
		if (pa >= d->seg[i].pa && pa - d->seg[i].pa < d->seg[i].len &&
		    len <= d->seg[i].len - (pa - d->seg[i].pa))
			return d->seg[i].p + (pa - d->seg[i].pa);
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

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* Mapped pages, for drawing addresses. */
struct pages {
	struct pgw_leaf *l;
	size_t n, cap;
};

static int add_leaf(const struct pgw_leaf *l, void *payload)
{
	struct pages *p = payload;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 4096;
		struct pgw_leaf *nl = realloc(p->l, cap * sizeof(*nl));

		if (!nl)
			return PGW_ENOMEM;
		p->l = nl;
		p->cap = cap;
	}
	p->l[p->n++] = *l;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct dump d = { 0 };
	struct pgw_x86_regs regs = PGW_X86_REGS_INIT;
	struct pgw_walk_ops wops = { .leaf = add_leaf };
	struct pages pg = { 0 };
	uint64_t n = 1000000, seed = 0x9e3779b97f4a7c15ULL, bad = 0;
	int reps = 5;
	pgw_ctx *c = NULL;
	char err[128];

	if (argc < 6) {
		fprintf(stderr, "usage: xlat_cmp DUMP.elf CR0 CR3 CR4 EFER "
			"[N [REPS]]\n");
		return 2;
	}
	regs.cr0 = strtoull(argv[2], NULL, 0);
	regs.cr3 = strtoull(argv[3], NULL, 0);
	regs.cr4 = strtoull(argv[4], NULL, 0);
	regs.efer = strtoull(argv[5], NULL, 0);
	if (argc > 6)
		n = strtoull(argv[6], NULL, 0);
	if (argc > 7)
		reps = atoi(argv[7]);
	if (n < 1 || n > 100000000 || reps < 1 || reps > 99) {
		fprintf(stderr, "xlat_cmp: bad N or REPS\n");
		return 2;
	}
	if (open_dump(&d, argv[1]) < 0)
		return 1;
	if (pgw_ctx_new_x86(&c, &regs, &pg_ops, &d, err, sizeof(err)) < 0) {
		fprintf(stderr, "xlat_cmp: %s\n", err);
		return 1;
	}
	if (pgw_ctx_mode(c) != PGW_MODE_X86_4L) {
		fprintf(stderr, "xlat_cmp: needs a 4-level guest\n");
		return 1;
	}
	if (pgw_walk(c, NULL, &wops, &pg) != 0 || pg.n == 0) {
		fprintf(stderr, "xlat_cmp: no mappings\n");
		return 1;
	}

	/* The addresses: uniform over mapped pages ("random"), and within
	 * 256 consecutive mapped pages ("local", what the TLB is for). */
	uint64_t *va = malloc(2 * n * sizeof(*va));
	uint64_t *want = malloc(2 * n * sizeof(*want));
	uint64_t *got = malloc(2 * n * sizeof(*got));

	if (!va || !want || !got)
		return 1;
	size_t base = (size_t)(xorshift(&seed) % (pg.n > 256 ? pg.n - 256 : 1));

	for (uint64_t i = 0; i < 2 * n; i++) {
		uint64_t x = xorshift(&seed);
		size_t k = i < n ? (size_t)(x % pg.n) :
			   base + (size_t)(x % (pg.n < 256 ? pg.n : 256));
		uint64_t off = (x >> 20) % pg.l[k].size;

		va[i] = pg.l[k].va + off;
		want[i] = pg.l[k].pa + off;
	}

	/* libaddrxlat: a page-table method for x86_64 rooted at CR3. */
	addrxlat_ctx_t *ax = addrxlat_ctx_new();
	addrxlat_cb_t *cb = ax ? addrxlat_ctx_add_cb(ax) : NULL;
	addrxlat_meth_t meth;

	if (!cb)
		return 1;
	cb->priv = &d;
	cb->get_page = ax_get_page;
	cb->read_caps = ax_read_caps;
	memset(&meth, 0, sizeof(meth));
	meth.kind = ADDRXLAT_PGT;
	meth.target_as = ADDRXLAT_MACHPHYSADDR;
	meth.param.pgt.root.addr = regs.cr3 & 0x000ffffffffff000ULL;
	meth.param.pgt.root.as = ADDRXLAT_MACHPHYSADDR;
	meth.param.pgt.pte_mask = 0;
	meth.param.pgt.pf.pte_format = ADDRXLAT_PTE_X86_64;
	meth.param.pgt.pf.nfields = 5;
	meth.param.pgt.pf.fieldsz[0] = 12;
	for (int i = 1; i < 5; i++)
		meth.param.pgt.pf.fieldsz[i] = 9;

	/* kind: 0 pgwalk uncached (a trace forces a full walk), 1 pgwalk
	 * with its TLB, 2 addrxlat. set: 0 random, 1 local. */
	const char *kname[3] = { "libpgwalk uncached", "libpgwalk TLB",
				 "libaddrxlat" };
	double rate[3][2];
	struct pgw_trace *tr = malloc(sizeof(*tr));

	if (!tr)
		return 1;
	for (int set = 0; set < 2; set++) {
		const uint64_t *v = va + (uint64_t)set * n;
		const uint64_t *w = want + (uint64_t)set * n;

		for (int kind = 0; kind < 3; kind++) {
			double t[100];

			for (int rep = 0; rep < reps; rep++) {
				double t0;

				pgw_ctx_invalidate(c);
				t0 = now();
				for (uint64_t i = 0; i < n; i++) {
					struct pgw_result r;

					if (kind == 2) {
						addrxlat_step_t st;

						memset(&st, 0, sizeof(st));
						st.ctx = ax;
						st.meth = &meth;
						st.base.addr = v[i];
						st.base.as = ADDRXLAT_KVADDR;
						got[i] = addrxlat_walk(&st) ==
							 ADDRXLAT_OK ?
							 st.base.addr : ~0ULL;
					} else {
						got[i] = pgw_translate(c, v[i],
							0, &r, NULL,
							kind ? NULL : tr) == 0 ?
							r.out_pa : ~0ULL;
					}
				}
				t[rep] = now() - t0;
				for (uint64_t i = 0; i < n; i++)
					bad += got[i] != w[i];
			}
			qsort(t, (size_t)reps, sizeof(t[0]), cmp_double);
			rate[kind][set] = (double)n / t[reps / 2];
		}
	}
	if (bad) {
		fprintf(stderr, "xlat_cmp: %" PRIu64 " wrong translations\n",
			bad);
		return 1;
	}
	printf("xlat_cmp: %s, CR3 %#" PRIx64 ", %zu mapped pages, %" PRIu64
	       " addresses per set, median of %d\n", argv[1], regs.cr3, pg.n,
	       n, reps);
	printf("  %-22s %16s %16s\n", "", "random (M/s)", "local (M/s)");
	for (int k = 0; k < 3; k++)
		printf("  %-22s %16.2f %16.2f\n", kname[k], rate[k][0] / 1e6,
		       rate[k][1] / 1e6);
	printf("{\"bench\":\"xlat_cmp\",\"n\":%" PRIu64 ",\"reps\":%d,"
	       "\"pgwalk_uncached_random\":%.0f,\"pgwalk_uncached_local\":%.0f,"
	       "\"pgwalk_tlb_random\":%.0f,\"pgwalk_tlb_local\":%.0f,"
	       "\"addrxlat_random\":%.0f,\"addrxlat_local\":%.0f}\n", n, reps,
	       rate[0][0], rate[0][1], rate[1][0], rate[1][1], rate[2][0],
	       rate[2][1]);
	free(tr);
	free(va);
	free(want);
	free(got);
	free(pg.l);
	addrxlat_ctx_decref(ax);
	pgw_ctx_free(c);
	return 0;
}
