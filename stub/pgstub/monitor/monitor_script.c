/*
 * Monitor commands for scripts (the pgstub Python package for GDB, tools
 * written for QEMU's gdbstub): `info version` as QEMU answers it,
 * `pgstub-version` to recognise the stub, `vtop-json ADDR` for one walk in
 * JSON, and `rc [--cpu N] CMD…`, which runs CMD and reports its status.
 */
#include "config.h"
#include "serving/cli.h"
#include "serving/session.h"
#include "monitor.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Bumped when the output of these commands changes incompatibly. */
#define SCRIPT_API 1

int monitor_cmd_version(struct session *s, int argc, char **argv,
			gdbr_out *out);
int monitor_cmd_info_version(struct session *s, int argc, char **argv,
			     gdbr_out *out);
int monitor_cmd_vtop_json(struct session *s, int argc, char **argv,
			  gdbr_out *out);
int monitor_cmd_rc(struct session *s, int argc, char **argv, gdbr_out *out);

int monitor_cmd_version(struct session *s, int argc, char **argv,
			gdbr_out *out)
{
	(void)argv;
	if (argc != 1) {
		gdbr_out_printf(out, "usage: pgstub-version\n");
		return 1;
	}
	gdbr_out_printf(out, "pgstub %s api %d cpus %d\n", PACKAGE_VERSION,
			SCRIPT_API, guest_ncpus(s->g));
	return 0;
}

/*
 * QEMU's HMP prints "VERSION PKGVERSION", e.g. "7.2.0 (Debian
 * 1:7.2+dfsg-7)". Tools written for QEMU's gdbstub (Linux's scripts/gdb)
 * send `info version` to learn that the stub numbers threads as QEMU does
 * (thread N is vCPU N-1), which pgstub does: answer in QEMU's shape, with
 * pgstub's version and its name where QEMU names its package.
 */
int monitor_cmd_info_version(struct session *s, int argc, char **argv,
			     gdbr_out *out)
{
	(void)s;
	(void)argv;
	if (argc != 1) {
		gdbr_out_printf(out, "usage: info version\n");
		return 1;
	}
	gdbr_out_printf(out, "%s (pgstub)\n", PACKAGE_VERSION);
	return 0;
}

/* A trace is ~2.5 KiB: keep it off the stack (commands run one at a time). */
static struct pgw_trace trace;

static const char *stage_name(enum pgw_stage st)
{
	return st == PGW_STAGE_NESTED ? "nested" : "guest";
}

static const char *mode_of(const pgw_ctx *c)
{
	return c ? pgw_mode_name(pgw_ctx_mode(c)) : NULL;
}

/* A JSON string member for a name we produce ourselves (no escaping
 * needed: mode and level names are plain ASCII words). */
static void put_name(gdbr_out *out, const char *key, const char *v)
{
	if (v)
		gdbr_out_printf(out, "\"%s\":\"%s\"", key, v);
	else
		gdbr_out_printf(out, "\"%s\":null", key);
}

static void put_steps(gdbr_out *out, const struct pgw_trace *t)
{
	gdbr_out_printf(out, ",\"steps\":[");
	for (unsigned i = 0; i < t->n && i < PGW_TRACE_MAX; i++) {
		const struct pgw_step *p = &t->step[i];

		gdbr_out_printf(out, "%s{\"stage\":\"%s\",\"level\":%d,",
				i ? "," : "", stage_name(p->stage), p->level);
		put_name(out, "name", p->level_name);
		gdbr_out_printf(out, ",\"index\":%u,\"table\":\"0x%" PRIx64
				"\",\"addr\":\"0x%" PRIx64 "\",\"entry\":\"0x%"
				PRIx64 "\",\"leaf\":%s,\"load_rsvd\":\"0x%"
				PRIx64 "\",\"entry2\":\"0x%" PRIx64
				"\",\"hash\":\"0x%" PRIx64 "\"}", p->index,
				p->table, p->entry_addr, p->entry,
				p->leaf ? "true" : "false", p->load_rsvd,
				p->entry2, p->hash);
	}
	gdbr_out_printf(out, "]");
}

static void put_fault(gdbr_out *out, const struct pgw_fault *f)
{
	gdbr_out_printf(out, ",\"fault\":{\"reason\":\"%s\",\"stage\":\"%s\","
			"\"level\":%d,", pgw_fault_reason_name(f->out_reason),
			stage_name(f->out_stage), f->out_level);
	put_name(out, "name", f->out_level >= 0 ? f->out_level_name : NULL);
	gdbr_out_printf(out, ",\"index\":%u,\"table\":\"0x%" PRIx64
			"\",\"entry\":\"0x%" PRIx64 "\",\"rsvd\":\"0x%" PRIx64
			"\",\"addr\":\"0x%" PRIx64 "\"}", f->out_index,
			f->out_table, f->out_entry, f->out_rsvd, f->out_addr);
}

int monitor_cmd_vtop_json(struct session *s, int argc, char **argv,
			  gdbr_out *out)
{
	struct pgw_result r;
	struct pgw_fault f;
	struct pgw_trace *t;
	uint64_t va;
	pgw_ctx *c;
	int rc;

	if (argc != 2 || parse_u64(argv[1], &va)) {
		gdbr_out_printf(out, "usage: vtop-json ADDR\n");
		return 1;
	}
	if (!(c = session_ctx(s, out)))
		return 1;
	t = &trace;
	memset(t, 0, sizeof(*t));
	memset(&f, 0, sizeof(f));
	rc = pgw_translate(c, va, 0, &r, &f, t);
	gdbr_out_printf(out, "{\"va\":\"0x%" PRIx64 "\",\"cpu\":%d,", va,
			s->cpu);
	put_name(out, "mode", mode_of(c));
	gdbr_out_printf(out, ",");
	put_name(out, "nested", mode_of(pgw_ctx_nested(c)));
	{
		const char *desc, *region = pgw_ctx_region(c, va, &desc);

		/* Readers decode entries by the region's granule and
		 * LPA/LPA2 (gdb-python's vtop), faults included. */
		gdbr_out_printf(out, ",");
		put_name(out, "region", region);
		gdbr_out_printf(out, ",");
		put_name(out, "region_desc", desc);
	}
	if (rc == 0)
		gdbr_out_printf(out, ",\"ok\":true,\"pa\":\"0x%" PRIx64
				"\",\"gpa\":\"0x%" PRIx64 "\",\"size\":\"0x%"
				PRIx64 "\",\"perms\":\"%s%s%s%s\",\"entry\":\"0x%"
				PRIx64 "\",\"level\":%d,\"pkey\":%d",
				r.out_pa, r.out_gpa, r.out_page_size,
				(r.out_perms & PGW_PERM_R) ? "r" : "-",
				(r.out_perms & PGW_PERM_W) ? "w" : "-",
				(r.out_perms & PGW_PERM_X) ? "x" : "-",
				(r.out_perms & PGW_PERM_U) ? "u" : "-",
				r.out_entry, r.out_level, r.out_pkey);
	else
		gdbr_out_printf(out, ",\"ok\":false");
	put_steps(out, t);
	if (rc != 0)
		put_fault(out, &f);
	gdbr_out_printf(out, "}\n");
	return 0;
}

/*
 * rc [--cpu N] CMD…: GDB drops a monitor command's output when the command
 * fails, so scripts run it through here and read the status from the last
 * line ("rc=N"). --cpu runs CMD on vCPU N and then restores the current
 * vCPU, which must keep matching the thread GDB last selected with Hg.
 */
int monitor_cmd_rc(struct session *s, int argc, char **argv, gdbr_out *out)
{
	char line[1024];
	int saved = s->cpu, first = 1, rc;
	uint64_t cpu;
	size_t len = 0;

	if (argc >= 3 && !strcmp(argv[1], "--cpu")) {
		if (parse_u64(argv[2], &cpu) ||
		    cpu >= (uint64_t)guest_ncpus(s->g)) {
			gdbr_out_printf(out, "invalid CPU index (0..%d)\nrc=1\n",
					guest_ncpus(s->g) - 1);
			return 0;
		}
		first = 3;
	}
	if (first >= argc) {
		gdbr_out_printf(out, "usage: rc [--cpu N] CMD...\nrc=1\n");
		return 0;
	}
	line[0] = 0;
	for (int i = first; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (len + n + 2 > sizeof(line)) {
			gdbr_out_printf(out, "command too long\nrc=1\n");
			return 0;
		}
		if (i > first)
			line[len++] = ' ';
		memcpy(line + len, argv[i], n + 1);
		len += n;
	}
	if (!strcmp(argv[first], "rc")) {
		gdbr_out_printf(out, "rc: cannot nest\nrc=1\n");
		return 0;
	}
	if (first == 3)
		s->cpu = (int)cpu;
	rc = monitor_run(s, line, out);
	s->cpu = saved;
	gdbr_out_printf(out, "rc=%d\n", rc);
	return 0;
}
