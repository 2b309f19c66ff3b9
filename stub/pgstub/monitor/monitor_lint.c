/*
 * The lint monitor commands: `check` (lint/check.c) and the live pair
 * `pg-mark` / `pg-diff` (lint/diff.c) — argument parsing, the vCPU they
 * run on, and the mark a session keeps between stops.
 */
#include "serving/cli.h"
#include "serving/session.h"
#include "lint/check.h"
#include "lint/diff.h"
#include "monitor.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int monitor_cmd_check(struct session *s, int argc, char **argv,
		      gdbr_out *out);
int monitor_cmd_pg_mark(struct session *s, int argc, char **argv,
			gdbr_out *out);
int monitor_cmd_pg_diff(struct session *s, int argc, char **argv,
			gdbr_out *out);

static int to_out(const char *buf, size_t len, void *payload)
{
	return gdbr_out_write(payload, buf, len);
}

int monitor_cpu_arg(struct session *s, const char *cmd, const char *arg,
		    int *cpu, gdbr_out *out)
{
	uint64_t n;

	if (parse_u64(arg, &n) || n >= (uint64_t)guest_ncpus(s->g)) {
		gdbr_out_printf(out, "%s: invalid CPU index '%s' (0..%d)\n", cmd,
				arg ? arg : "", guest_ncpus(s->g) - 1);
		return -1;
	}
	*cpu = (int)n;
	return 0;
}

static int addr_pair(const char *cmd, const char *opt, char **argv,
		     uint64_t *a, uint64_t *b, gdbr_out *out)
{
	if (parse_u64(argv[0], a) || parse_u64(argv[1], b) || *b <= *a) {
		gdbr_out_printf(out, "%s: %s START END: two addresses, END above "
				"START\n", cmd, opt);
		return -1;
	}
	return 0;
}

pgw_ctx *monitor_cpu_ctx(struct session *s, int cpu, gdbr_out *out)
{
	int saved = s->cpu;
	pgw_ctx *c;

	s->cpu = cpu;
	c = session_ctx(s, out);
	s->cpu = saved;
	return c;
}

static void say_limit(struct session *s, gdbr_out *out)
{
	gdbr_out_printf(out, "*** walk limit reached after %" PRIu64
			" tables (pgstub --walk-budget): the page tables are "
			"huge or alias themselves; narrow it: --range A B\n",
			s->walk_budget ? s->walk_budget : (uint64_t)1 << 22);
}

int monitor_cmd_check(struct session *s, int argc, char **argv,
		      gdbr_out *out)
{
	struct check_opts o = { .max_per_rule = CHECK_MAX_PER_RULE,
				.last = UINT64_MAX, .cpu = s->cpu };
	struct lint_out lo = { to_out, out, 0 };
	const char *why = NULL;
	pgw_ctx *c;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			o.json = 1;
		} else if (!strcmp(argv[i], "--all")) {
			o.all = 1;
		} else if (!strcmp(argv[i], "--cpu") && i + 1 < argc) {
			if (monitor_cpu_arg(s, "check", argv[++i], &o.cpu, out))
				return 1;
		} else if (!strcmp(argv[i], "--range") && i + 2 < argc) {
			if (addr_pair("check", "--range", argv + i + 1, &o.start,
				      &o.last, out))
				return 1;
			o.last--;  /* [A, B) */
			i += 2;
		} else if (!strcmp(argv[i], "--text") && i + 2 < argc) {
			if (addr_pair("check", "--text", argv + i + 1,
				      &o.text_start, &o.text_end, out))
				return 1;
			o.have_text = 1;
			i += 2;
		} else {
			gdbr_out_printf(out, "check: unknown option '%s' (use "
					"--json, --all, --cpu N, --range A B, "
					"--text START END)\n", argv[i]);
			return 1;
		}
	}
	if (!o.have_text)
		o.have_text = check_text_from_vmcoreinfo(guest_vmcoreinfo(s->g),
							 &o.text_start,
							 &o.text_end, &why);
	o.text_why = why;
	if (!(c = monitor_cpu_ctx(s, o.cpu, out)))
		return 1;
	rc = check_run(s->g, c, &o, &lo);
	if (gdbr_out_error(out) == GDBR_ELIMIT)
		return 1;
	if (rc == 1 && !o.json)
		say_limit(s, out);
	return rc < 0;
}

/*
 * pg-mark [--cpu N] [--range A B]: record vCPU N's mappings now (a live
 * guest: at this stop), replacing the previous mark. The mark holds one
 * run per stretch of pages alike (DIFF_MARK_MAX at most), not the pages.
 */
int monitor_cmd_pg_mark(struct session *s, int argc, char **argv,
			gdbr_out *out)
{
	uint64_t start = 0, last = UINT64_MAX;
	int cpu = s->cpu, rc;
	struct diff_mark *m;
	pgw_ctx *c;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cpu") && i + 1 < argc) {
			if (monitor_cpu_arg(s, "pg-mark", argv[++i], &cpu, out))
				return 1;
		} else if (!strcmp(argv[i], "--range") && i + 2 < argc) {
			if (addr_pair("pg-mark", "--range", argv + i + 1, &start,
				      &last, out))
				return 1;
			last--;
			i += 2;
		} else {
			gdbr_out_printf(out, "pg-mark: unknown option '%s' (use "
					"--cpu N, --range A B)\n", argv[i]);
			return 1;
		}
	}
	if (!(c = monitor_cpu_ctx(s, cpu, out)))
		return 1;
	if (pgw_ctx_mode(c) == PGW_MODE_NONE) {
		gdbr_out_printf(out, "pg-mark: vCPU %d has paging off\n", cpu);
		return 1;
	}
	rc = diff_mark_new(&m, c, start, last);
	if (rc == PGW_ELIMIT) {
		gdbr_out_printf(out, "pg-mark: more than %u runs of mappings "
				"or tables beyond the walk budget; narrow it: "
				"--range A B\n", DIFF_MARK_MAX);
		return 1;
	}
	if (rc < 0) {
		gdbr_out_printf(out, "pg-mark: the walk failed (error %d)\n", rc);
		return 1;
	}
	diff_mark_free(s->mark);
	s->mark = m;
	s->mark_cpu = cpu;
	gdbr_out_printf(out, "pg-mark: vCPU %d, %zu runs of mappings marked\n",
			cpu, diff_mark_runs(m));
	return 0;
}

/*
 * pg-diff [--cpu N] [--json]: what changed since pg-mark, on the marked
 * vCPU (or N), over the marked range; the mark stays for later diffs.
 */
int monitor_cmd_pg_diff(struct session *s, int argc, char **argv,
			gdbr_out *out)
{
	struct diff_opts o = { 0 };
	struct lint_out lo = { to_out, out, 0 };
	char aname[48], bname[48];
	int cpu, rc;
	pgw_ctx *c;

	if (!s->mark) {
		gdbr_out_printf(out, "pg-diff: no mark: run pg-mark first\n");
		return 1;
	}
	cpu = s->mark_cpu;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			o.json = 1;
		} else if (!strcmp(argv[i], "--cpu") && i + 1 < argc) {
			if (monitor_cpu_arg(s, "pg-diff", argv[++i], &cpu, out))
				return 1;
		} else {
			gdbr_out_printf(out, "pg-diff: unknown option '%s' (use "
					"--cpu N, --json)\n", argv[i]);
			return 1;
		}
	}
	if (!(c = monitor_cpu_ctx(s, cpu, out)))
		return 1;
	if (pgw_ctx_mode(c) == PGW_MODE_NONE) {
		gdbr_out_printf(out, "pg-diff: vCPU %d has paging off\n", cpu);
		return 1;
	}
	diff_mark_window(s->mark, &o.start, &o.last);
	snprintf(aname, sizeof(aname), "mark (vCPU %d)", s->mark_cpu);
	snprintf(bname, sizeof(bname), "now (vCPU %d)", cpu);
	o.a_name = aname;
	o.b_name = bname;
	rc = diff_run(NULL, s->mark, c, &o, &lo, NULL);
	if (gdbr_out_error(out) == GDBR_ELIMIT)
		return 1;
	if (rc == 1 && !o.json)
		say_limit(s, out);
	return rc < 0;
}
