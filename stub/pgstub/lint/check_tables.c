/*
 * `check`'s table rule: every table a walk descends into is looked up by
 * its physical address; one used at two different levels is a loop (or a
 * table shared between levels), and its subtree is not walked again. The
 * walker's table callback does not carry the table's address, so one
 * traced translation of the span's first VA reads it from the step of the
 * level below. Memory: one slot per distinct table, so at most the walk
 * budget's tables (TSET_MAX caps it below that).
 */
#include "check_priv.h"

#include <stdlib.h>
#include <string.h>

#define TSET_MAX (1u << 22)

static size_t slot_of(const struct tset *s, uint64_t pa)
{
	uint64_t h = (pa >> 12) * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 20) & (s->cap - 1);
}

static int grow(struct tset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	uint64_t *pa = calloc(cap, sizeof(*pa));
	signed char *lv = calloc(cap, 1);
	struct tset n = { pa, lv, 0, cap, 0, s->have_root };

	if (!pa || !lv) {
		free(pa);
		free(lv);
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++) {
		size_t j;

		if (!s->pa[i])
			continue;
		for (j = slot_of(&n, s->pa[i] - 1); n.pa[j];
		     j = (j + 1) & (cap - 1))
			;
		n.pa[j] = s->pa[i];
		n.level[j] = s->level[i];
		n.n++;
	}
	free(s->pa);
	free(s->level);
	*s = n;
	return 0;
}

/* The level @pa was first seen at, after recording @level if it is new;
 * -1 when the set is full. */
static int tset_see(struct tset *s, uint64_t pa, int level)
{
	size_t j;

	if (s->overflow)
		return -1;
	if ((s->n + 1) * 2 > s->cap) {
		if (s->n >= TSET_MAX || grow(s)) {
			s->overflow = 1;
			return -1;
		}
	}
	for (j = slot_of(s, pa); s->pa[j]; j = (j + 1) & (s->cap - 1))
		if (s->pa[j] == pa + 1)
			return s->level[j];
	s->pa[j] = pa + 1;
	s->level[j] = (signed char)level;
	s->n++;
	return level;
}

void tset_free(struct tset *s)
{
	free(s->pa);
	free(s->level);
	memset(s, 0, sizeof(*s));
}

static struct pgw_trace tab_trace;

/* The guest-stage table that @t's entry points to (and the root). */
static int child_table(struct check *k, const struct pgw_table *t,
		       uint64_t *pa)
{
	struct pgw_trace *tr = &tab_trace;
	struct pgw_result r;
	struct pgw_fault f;
	int found = 0;

	tr->n = 0;
	memset(&f, 0, sizeof(f));
	(void)pgw_translate(k->c, t->va, 0, &r, &f, tr);
	for (unsigned i = 0; i < tr->n && i < PGW_TRACE_MAX; i++) {
		const struct pgw_step *s = &tr->step[i];

		if (s->stage != PGW_STAGE_GUEST)
			continue;
		if (s->level == 0 && !k->t.have_root) {
			k->t.have_root = 1;
			tset_see(&k->t, s->table, 0);
		}
		if (s->level == t->level + 1) {
			*pa = s->table;
			found = 1;
		}
	}
	if (!found && f.out_reason == PGW_FAULT_BAD_TABLE &&
	    f.out_stage == PGW_STAGE_GUEST) {
		*pa = f.out_table;
		found = 1;
	}
	return found;
}

int check_on_table(const struct pgw_table *t, void *payload)
{
	struct check *k = payload;
	uint64_t pa;
	int seen;

	if (!child_table(k, t, &pa))
		return 0;
	seen = tset_see(&k->t, pa, t->level + 1);
	if (seen < 0 || seen == t->level + 1)
		return 0;  /* new, or shared at one level (not a loop) */
	{
		struct finding f = {
			.va = t->va, .last = t->va + t->size - 1, .pa = NO_PA,
			.page = t->size, .level = t->level + 1,
			.other_level = seen, .aux = pa,
		};

		check_add(k, RULE_TABLE_LOOP, &f);
	}
	/* Its contents are entries of another level: walking them again
	 * would only repeat the loop until the budget runs out. */
	return k->out->err ? k->out->err : PGW_WALK_SKIP;
}
