/*
 * The lint monitor commands: `check` (lint/check.c) and the live pair
 * `pg-mark` / `pg-diff` (lint/diff.c) — argument parsing, the vCPU they
 * run on, and the mark a session keeps between stops.
 */
#include "serving/cli.h"
#include "serving/session.h"
#include "lint/check.h"
#include "monitor.h"

#include <inttypes.h>
#include <string.h>

int monitor_cmd_check(struct session *s, int argc, char **argv,
		      gdbr_out *out);

static int to_out(const char *buf, size_t len, void *payload)
{
	return gdbr_out_write(payload, buf, len);
}

/* --cpu N: 0 (and *cpu set), or -1 with a message. */
static int cpu_arg(struct session *s, const char *cmd, const char *arg,
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

/* The context of vCPU @cpu, with the session's walk budget. */
static pgw_ctx *cpu_ctx(struct session *s, int cpu, gdbr_out *out)
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
			if (cpu_arg(s, "check", argv[++i], &o.cpu, out))
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
	if (!(c = cpu_ctx(s, o.cpu, out)))
		return 1;
	rc = check_run(s->g, c, &o, &lo);
	if (gdbr_out_error(out) == GDBR_ELIMIT)
		return 1;
	if (rc == 1 && !o.json)
		say_limit(s, out);
	return rc < 0;
}
