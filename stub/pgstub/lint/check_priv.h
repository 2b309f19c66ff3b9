/*
 * Inside `check`: the rules, a finding, the lint's state, and what its
 * parts (check.c, check_alias.c, check_tables.c) call in one another.
 */
#ifndef PGSTUB_LINT_CHECK_PRIV_H
#define PGSTUB_LINT_CHECK_PRIV_H

#include "check.h"

#include <stddef.h>

enum check_rule {
	RULE_WX,            /* writable and executable at one VA */
	RULE_WX_ALIAS,      /* writable here, executable at another VA */
	RULE_USER_KERNEL,   /* user-accessible page in the kernel half */
	RULE_TEXT_W,        /* kernel text writable */
	RULE_RESERVED,      /* an entry with reserved bits set */
	RULE_BAD_TABLE,     /* a table outside physical memory */
	RULE_OUTSIDE_RAM,   /* a page that is not RAM */
	RULE_TABLE_LOOP,    /* one table used at two levels */
	RULE_MISALIGNED,    /* a page not aligned to its size */
	RULE_FAULT,         /* any other walk fault */
	NRULES
};

/* One finding; a run of them merges while contiguous and alike. */
struct finding {
	int active;
	uint64_t va, last;   /* inclusive: a run may end at the top */
	uint64_t pa;         /* PA of va, or NO_PA */
	uint64_t page;       /* page (or entry span) size */
	unsigned perms;
	int level;           /* level of the entry at fault, or -1 */
	int other_level;     /* table-loop: the level the table had first */
	uint64_t aux;        /* reserved bits, table PA, executable VA … */
};
#define NO_PA UINT64_MAX

/* Executable physical ranges, for W^X by alias (check_alias.c). */
struct xrange {
	uint64_t pa, len, va;
};
struct xindex {
	struct xrange *r;
	uint64_t *maxend;    /* maxend[i]: the highest end of r[0..i] */
	size_t n, cap;
	int overflow;        /* more than XINDEX_MAX ranges: rule incomplete */
};

/* Table physical addresses and the level each was first used at. */
struct tset {
	uint64_t *pa;        /* open addressing; 0 is empty, keys are pa+1 */
	signed char *level;
	size_t n, cap;
	int overflow;
	int have_root;
};

struct check {
	guest *g;
	pgw_ctx *c;
	const struct check_opts *o;
	struct lint_out *out;
	struct finding pend[NRULES];
	uint64_t count[NRULES], printed[NRULES];
	int json_first;
	int have_khalf;               /* the mode has a kernel half */
	uint64_t khalf_start, khalf_last;
	struct xindex x;
	struct tset t;
};

/* check.c: report [va, last] under @rule, merging with the pending one. */
void check_add(struct check *k, int rule, const struct finding *f);

/* check_alias.c */
void xindex_add(struct xindex *x, uint64_t pa, uint64_t len, uint64_t va);
void xindex_free(struct xindex *x);
/* The second walk: writable mappings over the executable index. */
int check_alias_pass(struct check *k, const struct pgw_walk_filter *filter);

/* check_tables.c: the table callback of the first walk. */
int check_on_table(const struct pgw_table *t, void *payload);
void tset_free(struct tset *s);

#endif
