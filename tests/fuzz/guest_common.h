/*
 * Shared by the snapshot fuzz targets (fuzz_elf, fuzz_kdump, fuzz_migration):
 * the input becomes a memfd opened through /proc/self/fd/N with guest_open,
 * then pgstub's uses of an open guest run with their invariants checked.
 */
#ifndef PGSTUB_FUZZ_GUEST_COMMON_H
#define PGSTUB_FUZZ_GUEST_COMMON_H

#include "guest.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_MAX_RANGES 64     /* ranges checked one by one */
#define FZ_MAX_CPUS 4        /* vCPUs whose contexts are built */
#define FZ_MAX_LEAVES 16     /* leaves of the range walk checked */

/* The memfd holding the current input; reused from input to input. */
static int fz_fd = -1;
static char fz_path[64];
/* Keeps reads and register copies from being optimised away. */
static volatile uint64_t fz_sink;

static void fz_fail(const char *what)
{
	fprintf(stderr, "fuzz invariant: %s\n", what);
	abort();
}

#define FZ_CHECK(cond) do { if (!(cond)) fz_fail(#cond); } while (0)

/* A dump may be of any architecture pgstub reads (its notes or header
 * say which); its description names the one it was taken for. */
static void fz_check_arch(guest *g)
{
	static const char *const name[] = {
		[GUEST_ARCH_X86_64] = "x86_64", [GUEST_ARCH_I386] = "i386",
		[GUEST_ARCH_PPC64] = "ppc64", [GUEST_ARCH_AARCH64] = "aarch64",
		[GUEST_ARCH_RISCV64] = "riscv64", [GUEST_ARCH_RISCV32] = "riscv32",
	};
	unsigned a = (unsigned)guest_arch(g);

	FZ_CHECK(a < sizeof(name) / sizeof(name[0]));
	FZ_CHECK(strstr(guest_describe(g), name[a]) != NULL);
}

/* Replace the memfd's content with the input. */
static void fz_load(const uint8_t *data, size_t size)
{
	size_t off = 0;

	if (fz_fd < 0) {
		fz_fd = memfd_create("fuzz-guest", MFD_CLOEXEC);
		if (fz_fd < 0)
			fz_fail("memfd_create");
		snprintf(fz_path, sizeof(fz_path), "/proc/self/fd/%d", fz_fd);
	}
	if (ftruncate(fz_fd, 0))
		fz_fail("ftruncate");
	while (off < size) {
		ssize_t n = pwrite(fz_fd, data + off, size - off, (off_t)off);

		if (n <= 0)
			fz_fail("pwrite to the memfd");
		off += (size_t)n;
	}
}

/* Open the input as @p fmt; on failure the message must say something. */
static guest *fz_open(const uint8_t *data, size_t size, enum guest_format fmt)
{
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	char err[512];
	guest *g = NULL;

	fz_load(data, size);
	o.format = fmt;
	err[0] = 'x';
	if (guest_open(&g, fz_path, &o, err, sizeof(err)) < 0) {
		FZ_CHECK(g == NULL);
		FZ_CHECK(err[0] != '\0' && memchr(err, 0, sizeof(err)));
		return NULL;
	}
	FZ_CHECK(g != NULL);
	return g;
}

/* guest_phys_ranges() callback: the first page of a range read twice gives
 * the same bytes (a source's cache agrees with its decoder). */
static inline int fz_reread(uint64_t pa, uint64_t size, void *payload)
{
	guest *g = payload;
	uint8_t a[4096], b[4096];
	size_t n = size < sizeof(a) ? (size_t)size : sizeof(a);
	size_t got = guest_phys_read(g, pa, a, n);

	FZ_CHECK(got <= n);
	FZ_CHECK(guest_phys_read(g, pa, b, got) == got);
	FZ_CHECK(!memcmp(a, b, got));
	return 0;
}

struct fz_ranges {
	uint64_t pa[FZ_MAX_RANGES], size[FZ_MAX_RANGES];
	size_t n, total;
	uint64_t last_end;
	int wrapped;
};

/* Ranges come sorted, nonempty, disjoint and never touching (merged). */
static int fz_range(uint64_t pa, uint64_t size, void *payload)
{
	struct fz_ranges *r = payload;

	FZ_CHECK(size > 0);
	FZ_CHECK(!r->wrapped);
	FZ_CHECK(pa + (size - 1) >= pa);
	if (r->total)
		FZ_CHECK(pa > r->last_end);
	r->last_end = pa + size;
	r->wrapped = r->last_end == 0;
	if (r->n < FZ_MAX_RANGES) {
		r->pa[r->n] = pa;
		r->size[r->n] = size;
		r->n++;
	}
	r->total++;
	return 0;
}

/*
 * A read of @p len at @p pa: never more than asked, and what it returns is
 * RAM. With @p exact (every byte mapped from the file), a short read stops
 * exactly at the first byte that is not RAM.
 */
static size_t fz_read(guest *g, uint64_t pa, size_t len, int exact)
{
	uint8_t buf[256];
	size_t got;

	if (len > sizeof(buf))
		len = sizeof(buf);
	got = guest_phys_read(g, pa, buf, len);
	FZ_CHECK(got <= len);
	if (got) {
		FZ_CHECK(guest_phys_is_ram(g, pa, got));
		fz_sink += buf[0] + buf[got - 1];
	}
	/* A read stops where the data does: RAM the dump left out counts as
	 * RAM (guest_phys_is_ram) but has no bytes. */
	if (exact && got < len && pa + got != 0)
		FZ_CHECK(guest_phys_state(g, pa + got) != GUEST_PHYS_DATA);
	return got;
}

static void fz_memory(guest *g, int exact)
{
	static const uint64_t fixed[] = {
		0, 0xff8, 0x1000, 0x9fff8, 0xffff8, 0x100000, 0x7ffffff8,
		0xfffffff8, 0x100000000ULL, UINT64_MAX - 7,
	};
	struct fz_ranges r = { .n = 0 };

	FZ_CHECK(guest_phys_ranges(g, fz_range, &r) == 0);
	for (size_t i = 0; i < r.n; i++) {
		uint64_t pa = r.pa[i], size = r.size[i];
		size_t head = size < 64 ? (size_t)size : 64;

		/* Ranges with data, merged: no data just outside them. */
		FZ_CHECK(guest_phys_is_ram(g, pa, size));
		if (pa)
			FZ_CHECK(guest_phys_state(g, pa - 1) != GUEST_PHYS_DATA);
		if (pa + size)
			FZ_CHECK(guest_phys_state(g, pa + size) !=
				 GUEST_PHYS_DATA);
		if (exact)
			FZ_CHECK(fz_read(g, pa, head, 1) == head);
		else
			fz_read(g, pa, head, 0);
		/* Straddling the end: the bytes up to it and no more. */
		if (size >= 8 && pa + size) {
			size_t got = fz_read(g, pa + size - 8, 16, exact);

			FZ_CHECK(got <= 8);
			if (exact)
				FZ_CHECK(got == 8);
		}
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		fz_read(g, fixed[i], 16, exact);
}

struct fz_walk {
	pgw_ctx *ctx;
	unsigned n;
	uint64_t next_va;
};

/* Leaves come in ascending order and agree with a single translation. */
static int fz_leaf(const struct pgw_leaf *l, void *payload)
{
	struct fz_walk *w = payload;
	struct pgw_result res;

	FZ_CHECK(l->size && !(l->size & (l->size - 1)));
	FZ_CHECK(!(l->va & (l->size - 1)));
	if (w->n)
		FZ_CHECK(l->va >= w->next_va);
	w->next_va = l->va + l->size;
	if (pgw_translate(w->ctx, l->va, 0, &res, NULL, NULL) == 0)
		FZ_CHECK(res.out_pa == l->pa);
	return ++w->n >= FZ_MAX_LEAVES;
}

/* Translate a few addresses; a checked access that succeeds agrees with
 * the debugger's unchecked view. */
static void fz_translate(pgw_ctx *ctx, uint64_t va)
{
	struct pgw_result any, rd;
	struct pgw_fault f;
	int rc = pgw_translate(ctx, va, 0, &any, &f, NULL);

	if (rc == 0)
		FZ_CHECK(any.out_page_size != 0);
	if (pgw_translate(ctx, va, PGW_ACC_READ, &rd, &f, NULL) == 0) {
		FZ_CHECK(rc == 0);
		FZ_CHECK(rd.out_pa == any.out_pa);
	}
}

static void fz_contexts(guest *g)
{
	int n = guest_ncpus(g) < FZ_MAX_CPUS ? guest_ncpus(g) : FZ_MAX_CPUS;

	for (int i = 0; i < n; i++) {
		static const struct pgw_walk_ops ops = { .leaf = fz_leaf };
		struct fz_walk w = { .n = 0 };
		pgw_ctx *ctx, *again;
		char err[256];
		uint64_t pc;

		if (guest_cpu_ctx(g, i, &ctx, err, sizeof(err))) {
			FZ_CHECK(ctx == NULL && err[0]);
			continue;
		}
		FZ_CHECK(guest_cpu_ctx(g, i, &again, err, sizeof(err)) == 0);
		FZ_CHECK(again == ctx);
		pgw_ctx_set_walk_budget(ctx, 64);
		pc = guest_arch(g) == GUEST_ARCH_PPC64 ?
		     guest_ppc64_cpu(g, i)->nip : guest_x86_cpu(g, i)->rip;
		fz_translate(ctx, pc);
		fz_translate(ctx, 0);
		fz_translate(ctx, 0x1000);
		fz_translate(ctx, 0xffffffff81000000ULL);
		fz_translate(ctx, 0xc000000000000000ULL);
		if (guest_arch(g) != GUEST_ARCH_PPC64) {
			w.ctx = ctx;
			pgw_walk(ctx, NULL, &ops, &w);
		}
	}
}

/* Everything pgstub does with a freshly opened snapshot. */
static void fz_exercise(guest *g, int exact)
{
	const char *d = guest_describe(g);
	int n = guest_ncpus(g);

	FZ_CHECK(d && d[0] && strlen(d) < 192);
	FZ_CHECK(n >= 1 && n <= 4096);
	for (int i = 0; i < n; i++) {
		if (guest_arch(g) == GUEST_ARCH_PPC64) {
			const struct guest_ppc64_cpu *p = guest_ppc64_cpu(g, i);

			FZ_CHECK(p && p->nslb <= GUEST_PPC64_SLB_MAX);
			fz_sink += p->nip + p->msr + p->slb[p->nslb ? p->nslb - 1 : 0].vsid;
		} else {
			const struct guest_x86_cpu *c = guest_x86_cpu(g, i);

			FZ_CHECK(c != NULL);
			fz_sink += c->rip + c->cr3 + c->gpr[15] + c->seg[GUEST_GS].base;
		}
	}
	FZ_CHECK(guest_x86_cpu(g, n) == NULL);
	FZ_CHECK(guest_ppc64_cpu(g, n) == NULL);
	FZ_CHECK(guest_x86_cpu(g, -1) == NULL);
	fz_memory(g, exact);
	fz_contexts(g);
}

#endif /* PGSTUB_FUZZ_GUEST_COMMON_H */
