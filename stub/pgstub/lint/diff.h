/*
 * `diff`: mappings added, removed or changed (physical address, page
 * size, permissions, entry bits such as A/D) between two address spaces —
 * two snapshots (`pgstub diff A B`, diff_cli.c) or one vCPU at two stops
 * (`monitor pg-mark`, then `pg-diff`). Both sides are sorted runs of
 * pages; a live side is walked in windows of at most DIFF_WINDOW runs, so
 * two huge spaces diff in memory bounded by two windows. A mark holds the
 * runs of one whole walk (it must outlive the tables it saw): at most
 * DIFF_MARK_MAX runs of 56 bytes.
 */
#ifndef PGSTUB_LINT_DIFF_H
#define PGSTUB_LINT_DIFF_H

#include "lint_out.h"
#include "pgwalk.h"

#define DIFF_JSON_VERSION 1
#define DIFF_WINDOW 65536
#define DIFF_MARK_MAX (1u << 21)

/* A marked address space (diff.c). */
struct diff_mark;

struct diff_opts {
	int json;
	uint64_t start, last;     /* VA window (inclusive) */
	const char *a_name, *b_name;
	size_t window;            /* runs a walked side holds; 0: DIFF_WINDOW */
};

/*
 * Record every mapping of @c in [start, last].
 * @return 0, PGW_ENOMEM, PGW_ELIMIT (more than DIFF_MARK_MAX runs, or the
 *         walk budget), or a negative walk error
 */
int diff_mark_new(struct diff_mark **out, pgw_ctx *c, uint64_t start,
		  uint64_t last);
void diff_mark_free(struct diff_mark *m);
/* Runs held and the window the mark covers. */
size_t diff_mark_runs(const struct diff_mark *m);
void diff_mark_window(const struct diff_mark *m, uint64_t *start,
		      uint64_t *last);

/*
 * Diff side A (@a walked, or the mark @ma when @a is NULL) against side B
 * (@b) and write the changes and a summary to @out; @nchanges (optional)
 * receives the number of changes.
 * @return 0, 1 when a walk stopped at its budget (said), or a negative
 *         error
 */
int diff_run(pgw_ctx *a, const struct diff_mark *ma, pgw_ctx *b,
	     const struct diff_opts *o, struct lint_out *out,
	     uint64_t *nchanges);

/* `pgstub diff …`; argv[0] is "diff". @return the exit status. */
int diff_main(int argc, char **argv);

#endif
