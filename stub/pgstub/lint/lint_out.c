/*
 * Output helpers of `check` and `diff` (lint_out.h): a printf over a
 * pgw_write_fn sink, permission and size words, and the path of entries
 * that leads to a VA, taken from the walker's translation trace.
 */
#include "lint_out.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lint_printf(struct lint_out *o, const char *fmt, ...)
{
	char small[512], *buf = small;
	va_list ap;
	int n, rc;

	if (o->err)
		return o->err;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(small)) {
		buf = malloc((size_t)n + 1);
		if (!buf)
			return o->err = PGW_ENOMEM;
		va_start(ap, fmt);
		vsnprintf(buf, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	rc = o->write(buf, (size_t)n, o->payload);
	if (buf != small)
		free(buf);
	if (rc < 0)
		o->err = rc;
	return rc < 0 ? rc : 0;
}

const char *lint_perms(unsigned perms, char buf[5])
{
	buf[0] = (perms & PGW_PERM_R) ? 'r' : '-';
	buf[1] = (perms & PGW_PERM_W) ? 'w' : '-';
	buf[2] = (perms & PGW_PERM_X) ? 'x' : '-';
	buf[3] = (perms & PGW_PERM_U) ? 'u' : '-';
	buf[4] = 0;
	return buf;
}

const char *lint_size(uint64_t size, char buf[24])
{
	static const char unit[] = "KMGT";

	for (int u = 3; u >= 0; u--) {
		uint64_t one = 1ULL << (10 * (u + 1));

		if (size >= one && size % one == 0 && size / one < 1024) {
			snprintf(buf, 24, "%" PRIu64 "%c", size / one, unit[u]);
			return buf;
		}
	}
	snprintf(buf, 24, "0x%" PRIx64, size);
	return buf;
}

/* A trace is ~2.5 KiB: keep it off the stack (one command at a time). */
static struct pgw_trace path_trace;

void lint_path(struct lint_out *o, pgw_ctx *c, uint64_t va, int json)
{
	struct pgw_trace *t = &path_trace;
	struct pgw_result r;
	struct pgw_fault f;
	int nested = pgw_ctx_nested(c) != NULL;

	memset(t, 0, sizeof(*t));
	memset(&f, 0, sizeof(f));
	/* A fault is fine: the trace holds the entries read up to it. */
	(void)pgw_translate(c, va, 0, &r, &f, t);
	if (json)
		lint_printf(o, "[");
	for (unsigned i = 0; i < t->n && i < PGW_TRACE_MAX; i++) {
		const struct pgw_step *s = &t->step[i];
		const char *name = s->level_name ? s->level_name : "?";

		if (json) {
			lint_printf(o, "%s{\"stage\":\"%s\",\"level\":%d,"
				    "\"name\":\"%s\",\"index\":%u,\"entry\":\"0x%"
				    PRIx64 "\"}", i ? "," : "",
				    s->stage == PGW_STAGE_NESTED ? "nested" :
				    "guest", s->level, name, s->index, s->entry);
		} else {
			lint_printf(o, "%s%s%s[%03x]=0x%" PRIx64, i ? " > " : "",
				    nested && s->stage == PGW_STAGE_NESTED ?
				    "nested " : "", name, s->index, s->entry);
		}
	}
	if (json)
		lint_printf(o, "]");
}

int lint_write_file(const char *buf, size_t len, void *payload)
{
	return fwrite(buf, 1, len, payload) == len ? 0 : -1;
}
