/*
 * `pgstub diff [options] A B`: the mappings of vCPU N in snapshot A
 * against those in snapshot B (diff.c), both opened read-only with the
 * same image options.
 */
#include "diff.h"
#include "serving/cli.h"
#include "guest.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void diff_usage(FILE *f)
{
	fprintf(f,
"usage: pgstub diff [--cpu N] [--json] [--range START END] [--window RUNS]\n"
"                   [IMAGE OPTIONS (see pgstub --help)] A B\n"
"\n"
"List the virtual mappings of vCPU N (default 0) that snapshot B adds,\n"
"removes or changes (physical address, page size, permissions, entry\n"
"bits such as accessed/dirty) against snapshot A. Both page-table walks\n"
"stream side by side, each holding at most RUNS runs of alike pages\n"
"(default 65536), so memory stays bounded whatever their size.\n"
"Exit status: 0 no differences, 1 differences, 2 trouble.\n");
}

struct diff_args {
	struct guest_open_opts o;
	struct diff_opts d;
	uint64_t cpu;
	const char *a, *b;
};

/* 0 to go on, 1 after --help, -1 on a usage error (said). */
static int parse_args(int argc, char **argv, struct diff_args *x)
{
	struct option *opts = pgstub_options(pgstub_diff_cmdline);
	int ch, r, rc = -1;
	uint64_t n;

	if (!opts)
		return -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case PGSTUB_O_CPU:
			if (parse_u64(optarg, &x->cpu) || x->cpu > INT_MAX) {
				fprintf(stderr, "pgstub diff: --cpu: invalid "
					"number '%s'\n", optarg);
				goto out;
			}
			break;
		case PGSTUB_O_JSON: x->d.json = 1; break;
		case PGSTUB_O_WINDOW:
			if (parse_u64(optarg, &n) || n == 0 || n > (1u << 24)) {
				fprintf(stderr, "pgstub diff: --window: 1 to %u "
					"runs, not '%s'\n", 1u << 24, optarg);
				goto out;
			}
			x->d.window = (size_t)n;
			break;
		case PGSTUB_O_RANGE:
			/* --range START END: END is the next word. */
			if (optind >= argc || parse_u64(optarg, &x->d.start) ||
			    parse_u64(argv[optind], &x->d.last) ||
			    x->d.last <= x->d.start) {
				fprintf(stderr, "pgstub diff: --range START END: "
					"two addresses, END above START\n");
				goto out;
			}
			x->d.last--;
			optind++;
			break;
		case 'h': case PGSTUB_O_HELP:
			diff_usage(stdout);
			rc = 1;
			goto out;
		default:
			r = pgstub_guest_option(ch, optarg, &x->o);
			if (r == 0)
				break;
			if (r > 0)
				diff_usage(stderr);
			goto out;
		}
	}
	if (optind != argc - 2) {
		diff_usage(stderr);
		goto out;
	}
	x->a = argv[optind];
	x->b = argv[optind + 1];
	rc = 0;
out:
	free(opts);
	return rc;
}

static int open_side(const char *path, const struct diff_args *x, guest **g,
		     pgw_ctx **c)
{
	char err[512];

	if (guest_open(g, path, &x->o, err, sizeof(err)) < 0) {
		fprintf(stderr, "pgstub diff: %s\n", err);
		return -1;
	}
	if (x->cpu >= (uint64_t)guest_ncpus(*g)) {
		fprintf(stderr, "pgstub diff: --cpu: %s has vCPUs 0..%d\n", path,
			guest_ncpus(*g) - 1);
		return -1;
	}
	if (guest_cpu_ctx(*g, (int)x->cpu, c, err, sizeof(err)) < 0) {
		fprintf(stderr, "pgstub diff: %s: vCPU %d: %s\n", path,
			(int)x->cpu, err);
		return -1;
	}
	return 0;
}

int diff_main(int argc, char **argv)
{
	struct diff_args x = { .o = GUEST_OPEN_OPTS_INIT,
			       .d = { .last = UINT64_MAX } };
	struct lint_out out = { lint_write_file, stdout, 0 };
	guest *ga = NULL, *gb = NULL;
	pgw_ctx *ca, *cb;
	uint64_t n = 0;
	int rc;

	rc = parse_args(argc, argv, &x);
	if (rc)
		return rc > 0 ? 0 : 2;
	rc = 2;
	x.d.a_name = x.a;
	x.d.b_name = x.b;
	if (open_side(x.a, &x, &ga, &ca) || open_side(x.b, &x, &gb, &cb))
		goto out;
	if (pgw_ctx_mode(ca) == PGW_MODE_NONE || pgw_ctx_mode(cb) == PGW_MODE_NONE) {
		fprintf(stderr, "pgstub diff: vCPU %d has paging off in %s\n",
			(int)x.cpu, pgw_ctx_mode(ca) == PGW_MODE_NONE ? x.a : x.b);
		goto out;
	}
	rc = diff_run(ca, NULL, cb, &x.d, &out, &n);
	if (fflush(stdout) || rc < 0) {
		fprintf(stderr, "pgstub diff: %s\n", rc < 0 && rc != -1 ?
			"the walk failed" : "cannot write the output");
		rc = 2;
		goto out;
	}
	rc = n ? 1 : 0;
out:
	guest_close(ga);
	guest_close(gb);
	return rc;
}
