/*
 * guest_dumpinfo: print what guest/ makes of a snapshot (format, vCPU
 * registers — x86 or aarch64 —, physical ranges, hashes of sampled
 * physical reads) so the dump tests can compare the ELF and kdump dumps of
 * one QEMU instance.
 */
#include "guest.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int print_range(uint64_t pa, uint64_t size, void *payload)
{
	(void)payload;
	printf("range 0x%" PRIx64 " 0x%" PRIx64 "\n", pa, size);
	return 0;
}

static void print_seg(const char *name, const struct guest_x86_seg *s)
{
	printf(" %s=%04x/%08x/%08x/%" PRIx64, name, s->selector, s->limit,
	       s->flags, s->base);
}

/* aarch64: the NT_PRSTATUS and NT_PRFPREG values, then the context. */
static void print_arm64(guest *g, int i, const struct guest_arm64_cpu *a)
{
	const char *why;
	char err[256];
	pgw_ctx *ctx;

	printf("cpu%d valid=0x%" PRIx64 " pc=0x%" PRIx64 " sp=0x%" PRIx64 " pstate=0x%"
	       PRIx64, i, a->valid, a->pc, a->sp, a->pstate);
	for (int r = 0; r < 31; r++)
		printf(" x%d=%" PRIx64, r, a->x[r]);
	printf("\ncpu%d fpsr=0x%x fpcr=0x%x", i, a->fpsr, a->fpcr);
	for (int r = 0; r < 32; r++)
		printf(" v%d=%016" PRIx64 "%016" PRIx64, r, a->v[r][1],
		       a->v[r][0]);
	printf("\n");
	guest_cpu_root(g, i, &why);
	printf("cpu%d root %s\n", i, why ? why : "(its registers)");
	if (guest_cpu_ctx(g, i, &ctx, err, sizeof(err)))
		printf("cpu%d ctx error: %s\n", i, err);
	else
		printf("cpu%d mode %s\n", i, pgw_mode_name(pgw_ctx_mode(ctx)));
}

static void print_cpu(guest *g, int i)
{
	static const char *const segs[] = { "es", "cs", "ss", "ds", "fs", "gs" };
	const struct guest_x86_cpu *c = guest_x86_cpu(g, i);
	char err[256];
	pgw_ctx *ctx;

	if (guest_arm64_cpu(g, i)) {
		print_arm64(g, i, guest_arm64_cpu(g, i));
		return;
	}
	printf("cpu%d valid=0x%x rip=0x%" PRIx64 " rflags=0x%" PRIx64, i,
	       c->valid, c->rip, c->rflags);
	for (int r = 0; r < 16; r++)
		printf(" r%d=%" PRIx64, r, c->gpr[r]);
	printf("\n");
	printf("cpu%d", i);
	for (int s = 0; s < GUEST_NSEG; s++)
		print_seg(segs[s], &c->seg[s]);
	print_seg("ldt", &c->ldt);
	print_seg("tr", &c->tr);
	print_seg("gdt", &c->gdt);
	print_seg("idt", &c->idt);
	printf("\n");
	printf("cpu%d CR0=%" PRIx64 " CR2=%" PRIx64 " CR3=%" PRIx64
	       " CR4=%" PRIx64 " EFER=%" PRIx64 " kgsbase=%" PRIx64 "\n", i,
	       c->cr0, c->cr2, c->cr3, c->cr4, c->efer, c->kernel_gs_base);
	if (guest_cpu_ctx(g, i, &ctx, err, sizeof(err)))
		printf("cpu%d ctx error: %s\n", i, err);
	else
		printf("cpu%d mode %s\n", i, pgw_mode_name(pgw_ctx_mode(ctx)));
}

/* FNV-1a over what was read, with the count: equal iff the bytes are. */
static void print_read(guest *g, uint64_t pa, size_t len)
{
	uint8_t *buf = malloc(len ? len : 1);
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t n;

	if (!buf)
		exit(2);
	n = guest_phys_read(g, pa, buf, len);
	for (size_t i = 0; i < n; i++)
		h = (h ^ buf[i]) * 0x100000001b3ULL;
	printf("read 0x%" PRIx64 " 0x%zx -> 0x%zx fnv %016" PRIx64 "\n", pa,
	       len, n, h);
	free(buf);
}

int main(int argc, char **argv)
{
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	char err[512];
	guest *g;
	int i = 2;

	if (argc < 2) {
		fprintf(stderr, "usage: %s IMAGE [--cr3 X] [--mode M] "
			"[PA LEN]...\n", argv[0]);
		return 2;
	}
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--cr3")) {
			o.have_cr3 = 1;
			o.cr3 = strtoull(argv[i + 1], NULL, 0);
		} else if (!strcmp(argv[i], "--mode")) {
			o.mode = argv[i + 1];
		} else if (!strcmp(argv[i], "--base")) {
			o.raw_base = strtoull(argv[i + 1], NULL, 0);
		}
	}
	if (guest_open(&g, argv[1], &o, err, sizeof(err))) {
		printf("error: %s\n", err);
		return 1;
	}
	printf("format %d\narch %d\ndescribe %s\nncpus %d\n", guest_format(g),
	       guest_arch(g), guest_describe(g), guest_ncpus(g));
	for (int c = 0; c < guest_ncpus(g); c++)
		print_cpu(g, c);
	guest_phys_ranges(g, print_range, NULL);
	for (; i + 1 < argc; i += 2)
		print_read(g, strtoull(argv[i], NULL, 0),
			   strtoull(argv[i + 1], NULL, 0));
	guest_close(g);
	return 0;
}
