/*
 * `check`: the page-table lint (check.c, with the W^X-by-alias index in
 * check_alias.c and the table-reuse set in check_tables.c). One streaming
 * walk of a vCPU's tables reports each finding as it is found, runs merged,
 * then a second walk over writable mappings finds aliases of executable
 * physical pages. Memory: the executable-PA index and the set of table
 * addresses, both bounded (check_alias.c, check_tables.c say how).
 */
#ifndef PGSTUB_LINT_CHECK_H
#define PGSTUB_LINT_CHECK_H

#include "guest.h"
#include "lint_out.h"
#include "pgwalk.h"

/* Version of `check --json`'s object; bumped on incompatible changes. */
#define CHECK_JSON_VERSION 1

struct check_opts {
	int json;
	int all;                  /* print every finding */
	unsigned max_per_rule;    /* else at most this many per rule */
	uint64_t start, last;     /* VA window (inclusive) */
	int have_text;            /* kernel text [text_start, text_end) */
	uint64_t text_start, text_end;
	const char *text_why;     /* why it is not known, or NULL */
	int cpu;                  /* for the header only */
};
#define CHECK_MAX_PER_RULE 20

/*
 * Kernel text from a VMCOREINFO text: SYMBOL(_stext) and SYMBOL(_etext).
 * @return 1 with [*start, *end) set; 0 with @why saying what is missing.
 */
int check_text_from_vmcoreinfo(const char *vmcoreinfo, uint64_t *start,
			       uint64_t *end, const char **why);

/*
 * Lint @c (a vCPU of @g) and write the findings and a summary to @out.
 * @return 0 (findings are output, not errors), 1 when the walk stopped at
 *         its budget (said in the output), or a negative write/walk error
 */
int check_run(guest *g, pgw_ctx *c, const struct check_opts *o,
	      struct lint_out *out);

#endif
