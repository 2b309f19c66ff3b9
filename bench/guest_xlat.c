/*
 * guest_xlat: random virtual-to-physical translations per second on any
 * snapshot pgstub opens (x86, aarch64, ppc64 hash and radix, riscv64), the
 * way pgstub translates: the guest layer builds the vCPU's context, the
 * walker translates with its caches. The addresses are uniform over the
 * vCPU's mapped pages ("random") or within 256 consecutive ones ("local"),
 * as in xlat_cmp, so the architectures' figures compare with each other.
 *
 * usage: guest_xlat [--cpu N] [--reg NAME=VALUE]... IMAGE [N [REPS]]
 * Prints one JSON line: mode, pages, random and local (translations/s,
 * best of REPS), and how many answers disagreed with the walk (must be 0).
 */
#include "guest.h"
#include "bench_pages.h"  /* pages, addresses, CPU time (as xlat_cmp) */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Best rate of @p reps passes over va[0..n); wrong answers into *bad. */
static double rate(pgw_ctx *c, const uint64_t *va, const uint64_t *want,
		   uint64_t n, int reps, uint64_t *bad)
{
	double best = 0;

	for (int r = 0; r < reps; r++) {
		double t0 = cpu_now(), dt;

		for (uint64_t i = 0; i < n; i++) {
			struct pgw_result res;

			if (pgw_translate(c, va[i], 0, &res, NULL, NULL) != 0 ||
			    res.out_pa != want[i])
				(*bad)++;
		}
		dt = cpu_now() - t0;
		if (dt > 0 && (double)n / dt > best)
			best = (double)n / dt;
	}
	return best;
}

int main(int argc, char **argv)
{
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	struct guest_reg_value regs[16];
	struct pgw_walk_ops ops = { .leaf = pages_add_leaf };
	struct pages pg = { 0 };
	uint64_t n = 1000000, seed = 0x9e3779b97f4a7c15ULL, bad = 0;
	int cpu = 0, reps = 5, i = 1;
	char err[256];
	pgw_ctx *c;
	guest *g;

	for (; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
		char *eq = i + 1 < argc ? strchr(argv[i + 1], '=') : NULL;

		if (!strcmp(argv[i], "--cpu") && i + 1 < argc) {
			cpu = atoi(argv[i + 1]);
		} else if (!strcmp(argv[i], "--reg") && eq && o.nregs < 16) {
			*eq = 0;
			regs[o.nregs].name = argv[i + 1];
			regs[o.nregs++].value = strtoull(eq + 1, NULL, 0);
		} else {
			break;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: guest_xlat [--cpu N] [--reg NAME=VALUE]"
			"... IMAGE [N [REPS]]\n");
		return 2;
	}
	if (i + 1 < argc)
		n = strtoull(argv[i + 1], NULL, 0);
	if (i + 2 < argc)
		reps = atoi(argv[i + 2]);
	if (n < 1 || n > 100000000 || reps < 1 || reps > 99) {
		fprintf(stderr, "guest_xlat: bad N or REPS\n");
		return 2;
	}
	o.regs = regs;
	if (guest_open(&g, argv[i], &o, err, sizeof(err)) ||
	    guest_cpu_ctx(g, cpu, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "guest_xlat: %s\n", err);
		return 1;
	}
	if (pgw_walk(c, NULL, &ops, &pg) != 0 || pg.n == 0) {
		fprintf(stderr, "guest_xlat: vCPU %d maps nothing\n", cpu);
		return 1;
	}

	uint64_t *va = malloc(2 * n * sizeof(*va));
	uint64_t *want = malloc(2 * n * sizeof(*want));

	if (!va || !want)
		return 1;
	pages_draw(&pg, n, &seed, va, want);
	double rnd = rate(c, va, want, n, reps, &bad);
	double loc = rate(c, va + n, want + n, n, reps, &bad);

	printf("{\"mode\":\"%s\",\"cpu\":%d,\"pages\":%zu,\"random\":%.0f,"
	       "\"local\":%.0f,\"wrong\":%" PRIu64 "}\n",
	       pgw_mode_name(pgw_ctx_mode(c)), cpu, pg.n, rnd, loc, bad);
	free(va);
	free(want);
	free(pg.l);
	guest_close(g);
	return bad != 0;
}
