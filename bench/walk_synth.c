/*
 * walk_synth: libpgwalk speed on a synthetic IA-32e 4-level address space of
 * 4K pages whose tables live in a sparse, mmap'd file (data pages do not
 * exist: only tables are backed). Measures the full range-walk rate, random
 * translations with a cold and a warm software TLB, the `info pg` view over
 * the whole space, and memory use.
 */
#include "pgwalk.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ULL
#define P_RW 0x3ULL                     /* present, writable */
#define PTE_FLAGS 0x63ULL               /* P, RW, A, D */
#define VA_BASE 0x0000010000000000ULL   /* PML4[2]: the walk crosses a hole */
#define DATA_BASE (1ULL << 40)          /* data pages: far past the file */

struct space {
	unsigned char *mem;  /* the tables, PA 0 at mem[0] */
	uint64_t size;
	uint64_t gib, npte;
};

static int mem_read(uint64_t pa, void *buf, size_t len, void *payload)
{
	const struct space *s = payload;

	if (pa >= s->size || len > s->size - pa)
		return -1;
	memcpy(buf, s->mem + pa, len);
	return 0;
}

static const void *mem_map(uint64_t pa, size_t len, void *payload)
{
	const struct space *s = payload;

	if (pa >= s->size || len > s->size - pa)
		return NULL;
	return s->mem + pa;
}

static const struct pgw_mem_ops ops_map = { mem_read, mem_map };
static const struct pgw_mem_ops ops_copy = { mem_read, NULL };

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

static void put64(unsigned char *p, uint64_t v)
{
	/* x86 tables are little-endian whatever the host is. */
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/*
 * Layout (physical = file offset): PML4 at 0, then the PDPTs, PDs and PTs
 * in that order; PTE i maps VA_BASE + i*4K to DATA_BASE + i*4K.
 */
static int build(struct space *s, const char *dir)
{
	uint64_t npt = s->npte / 512, npd = s->gib, npdpt = (s->gib + 511) / 512;
	uint64_t pdpt0 = PAGE, pd0 = pdpt0 + npdpt * PAGE;
	uint64_t pt0 = pd0 + npd * PAGE;
	uint64_t l4 = (VA_BASE >> 39) & 511;
	char path[4096];
	int fd;

	s->size = pt0 + npt * PAGE;
	snprintf(path, sizeof(path), "%s/pgstub-walk-synth.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0) {
		fprintf(stderr, "walk_synth: %s: %s\n", path, strerror(errno));
		return -1;
	}
	unlink(path);  /* the mapping keeps it; nothing is left behind */
	if (ftruncate(fd, (off_t)s->size) < 0) {
		fprintf(stderr, "walk_synth: ftruncate: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	s->mem = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (s->mem == MAP_FAILED) {
		fprintf(stderr, "walk_synth: mmap: %s\n", strerror(errno));
		return -1;
	}
	for (uint64_t i = 0; i < npdpt; i++)
		put64(s->mem + (l4 + i) * 8, (pdpt0 + i * PAGE) | P_RW);
	for (uint64_t i = 0; i < npd; i++)
		put64(s->mem + pdpt0 + i * 8, (pd0 + i * PAGE) | P_RW);
	for (uint64_t i = 0; i < npt; i++)
		put64(s->mem + pd0 + i * 8, (pt0 + i * PAGE) | P_RW);
	for (uint64_t i = 0; i < s->npte; i++)
		put64(s->mem + pt0 + i * 8,
		      (DATA_BASE + i * PAGE) | PTE_FLAGS);
	return 0;
}

static int count_leaf(const struct pgw_leaf *l, void *payload)
{
	(void)l;
	++*(uint64_t *)payload;
	return 0;
}

static int count_leaves(const struct pgw_leaf *l, size_t n, void *payload)
{
	(void)l;
	*(uint64_t *)payload += n;
	return 0;
}

/* `info pg` output sink: count the bytes, keep the last chunk's start. */
struct sink {
	uint64_t bytes;
	char head[256];
};

static int sink_write(const char *buf, size_t len, void *payload)
{
	struct sink *k = payload;
	size_t n = len < sizeof(k->head) - 1 ? len : sizeof(k->head) - 1;

	if (!k->bytes) {
		memcpy(k->head, buf, n);
		k->head[n] = 0;
	}
	k->bytes += len;
	return 0;
}

/* Peak and current resident memory of this process from /proc, in KiB:
 * VmHWM (peak), RssAnon (heap and stacks), RssFile (mapped table file). */
static void rss(long *hwm, long *anon, long *file)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	*hwm = *anon = *file = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "VmHWM: %ld", hwm);
		sscanf(line, "RssAnon: %ld", anon);
		sscanf(line, "RssFile: %ld", file);
	}
	fclose(f);
}

/* Best of @reps: a callback walk, a batched walk, or `info pg`. */
static double time_walk(pgw_ctx *c, int kind, int reps, uint64_t expect,
			uint64_t *pg_bytes)
{
	struct pgw_walk_ops one = { .leaf = count_leaf };
	struct pgw_walk_ops batch = { .leaves = count_leaves };
	double best = 1e30;

	for (int rep = 0; rep < reps; rep++) {
		uint64_t leaves = 0;
		struct sink k = { 0 };
		double t0 = now(), t;
		int rc;

		if (kind == 2)
			rc = pgw_view_pg(c, NULL, sink_write, &k);
		else
			rc = pgw_walk(c, NULL, kind ? &batch : &one, &leaves);
		t = now() - t0;
		if (rc != 0) {
			fprintf(stderr, "walk_synth: walk failed (%d)\n", rc);
			exit(1);
		}
		if (kind == 2) {
			*pg_bytes = k.bytes;
			/* One folded run: header + 4 lines (PML4..PT). */
			if (k.bytes == 0 || k.bytes > 4096) {
				fprintf(stderr, "walk_synth: info pg printed "
					"%" PRIu64 " bytes\n", k.bytes);
				exit(1);
			}
		} else if (leaves != expect) {
			fprintf(stderr, "walk_synth: %" PRIu64 " leaves, "
				"expected %" PRIu64 "\n", leaves, expect);
			exit(1);
		}
		if (t < best)
			best = t;
	}
	return best;
}

/* Random translations; returns the number of wrong answers. */
static uint64_t lookups(pgw_ctx *c, const struct space *s, uint64_t n,
			uint64_t window, uint64_t seed, double *secs)
{
	uint64_t bad = 0, rnd = seed, first;
	struct pgw_result r;
	double t0;

	first = xorshift(&rnd) % (s->npte - window + 1);
	t0 = now();
	for (uint64_t i = 0; i < n; i++) {
		uint64_t x = xorshift(&rnd);
		uint64_t page = first + (x >> 12) % window, off = x & 4095;

		if (pgw_translate(c, VA_BASE + page * PAGE + off, 0, &r, NULL,
				  NULL) != 0 ||
		    r.out_pa != DATA_BASE + page * PAGE + off)
			bad++;
	}
	*secs = now() - t0;
	return bad;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: walk_synth [--gib N] [--lookups N] [--reps N] [--dir DIR]\n"
		"  --gib N      GiB of 4K mappings (default 64: 16M PTEs)\n"
		"  --lookups N  random translations per measurement (4M)\n"
		"  --reps N     repetitions of each walk, best kept (3)\n"
		"  --dir DIR    where the sparse table file lives (/tmp)\n");
}

int main(int argc, char **argv)
{
	struct space s = { .gib = 64 };
	uint64_t nlook = 4u << 20, bad = 0, pg_bytes = 0;
	long hwm0, anon0, file0, hwm1, anon1, file1;
	int reps = 3;
	const char *dir = "/tmp";
	double t0, t_build, t_walk, t_batch, t_pg, t_cold, t_warm, t_copy;
	struct pgw_x86_regs regs = PGW_X86_REGS_INIT;
	struct rusage ru;
	pgw_ctx *c = NULL, *cc = NULL;
	char err[128];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--gib") && i + 1 < argc)
			s.gib = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--lookups") && i + 1 < argc)
			nlook = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else {
			usage();
			return 2;
		}
	}
	if (s.gib < 1 || s.gib > 256 * 1024 || nlook < 1 || reps < 1 ||
	    reps > 100) {
		usage();
		return 2;
	}
	s.npte = s.gib << 18;

	t0 = now();
	if (build(&s, dir) < 0)
		return 1;
	t_build = now() - t0;

	regs.cr0 = PGW_CR0_PG | PGW_CR0_WP;
	regs.cr4 = PGW_CR4_PAE;
	regs.efer = PGW_EFER_LME | PGW_EFER_LMA | PGW_EFER_NXE;
	regs.cr3 = 0;
	if (pgw_ctx_new_x86(&c, &regs, &ops_map, &s, err, sizeof(err)) < 0 ||
	    pgw_ctx_new_x86(&cc, &regs, &ops_copy, &s, err, sizeof(err)) < 0) {
		fprintf(stderr, "walk_synth: %s\n", err);
		return 1;
	}

	rss(&hwm0, &anon0, &file0);
	t_walk = time_walk(c, 0, reps, s.npte, NULL);
	t_batch = time_walk(c, 1, reps, s.npte, NULL);
	t_pg = time_walk(c, 2, reps, s.npte, &pg_bytes);
	rss(&hwm1, &anon1, &file1);
	/* Cold: random pages over the whole space, 16M pages against a
	 * 1024-entry TLB, so practically every lookup walks. */
	bad += lookups(c, &s, nlook, s.npte, 0x9e3779b97f4a7c15ULL, &t_cold);
	/* Warm: 512 consecutive pages land in distinct TLB slots. */
	bad += lookups(c, &s, nlook, 512, 0x2545f4914f6cdd1dULL, &t_warm);
	/* Cold again, through read() and the table-page cache (no map()). */
	bad += lookups(cc, &s, nlook / 4, s.npte, 0xda942042e4dd58b5ULL,
		       &t_copy);
	if (bad) {
		fprintf(stderr, "walk_synth: %" PRIu64 " wrong translations\n",
			bad);
		return 1;
	}
	getrusage(RUSAGE_SELF, &ru);

	double walk_rate = (double)s.npte / t_walk;
	double batch_rate = (double)s.npte / t_batch;
	double pg_rate = (double)s.npte / t_pg;
	double cold = (double)nlook / t_cold, warm = (double)nlook / t_warm;
	double copy = (double)(nlook / 4) / t_copy;
	uint64_t tables = s.size;

	printf("walk_synth: %" PRIu64 " GiB of 4K pages, %" PRIu64 " PTEs, "
	       "%.1f MiB of tables (built in %.2f s), best of %d\n", s.gib,
	       s.npte, (double)tables / (1 << 20), t_build, reps);
	printf("  %-34s %14s %12s\n", "measurement", "rate", "time");
	printf("  %-34s %11.1f M/s %10.3f s\n", "range walk, leaf callback",
	       walk_rate / 1e6, t_walk);
	printf("  %-34s %11.1f M/s %10.3f s\n", "range walk, leaves runs",
	       batch_rate / 1e6, t_batch);
	printf("  %-34s %11.1f M/s %10.3f s\n", "info pg (PTEs)",
	       pg_rate / 1e6, t_pg);
	printf("  %-34s %11.2f M/s %10.3f s\n", "translate, TLB cold (map)",
	       cold / 1e6, t_cold);
	printf("  %-34s %11.2f M/s %10.3f s\n", "translate, TLB warm",
	       warm / 1e6, t_warm);
	printf("  %-34s %11.2f M/s %10.3f s\n", "translate, TLB cold (read)",
	       copy / 1e6, t_copy);
	printf("  %-34s %11ld MiB\n", "peak RSS (incl. mapped tables)",
	       ru.ru_maxrss / 1024);
	printf("  %-34s %7ld -> %ld KiB\n", "anonymous RSS before/after walks",
	       anon0, anon1);
	printf("{\"bench\":\"walk_synth\",\"gib\":%" PRIu64 ",\"ptes\":%" PRIu64
	       ",\"table_bytes\":%" PRIu64 ",\"build_s\":%.3f,\"reps\":%d,"
	       "\"walk_s\":%.4f,\"walk_ptes_per_s\":%.0f,"
	       "\"walk_batch_s\":%.4f,\"walk_batch_ptes_per_s\":%.0f,"
	       "\"info_pg_s\":%.4f,\"info_pg_ptes_per_s\":%.0f,"
	       "\"info_pg_bytes\":%" PRIu64 ",\"lookups\":%" PRIu64 ","
	       "\"xlat_cold_per_s\":%.0f,\"xlat_warm_per_s\":%.0f,"
	       "\"xlat_cold_read_per_s\":%.0f,\"peak_rss_kib\":%ld,"
	       "\"rss_anon_kib_before\":%ld,\"rss_anon_kib_after\":%ld,"
	       "\"rss_file_kib_after\":%ld,\"vm_hwm_kib\":%ld}\n",
	       s.gib, s.npte, tables, t_build, reps, t_walk, walk_rate,
	       t_batch, batch_rate, t_pg, pg_rate, pg_bytes, nlook, cold, warm,
	       copy, ru.ru_maxrss, anon0, anon1, file1, hwm1);

	pgw_ctx_free(cc);
	pgw_ctx_free(c);
	munmap(s.mem, s.size);
	return 0;
}
