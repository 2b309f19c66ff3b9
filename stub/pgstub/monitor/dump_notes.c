/*
 * What a dump left out, said beside the views: `info dump` (the file's
 * format, compression and filtered RAM), the note `vtop`/`gva2gpa` add when
 * the page they translate to is not in the dump, and the count `info pg`
 * and `info mem` add of the bytes their mappings reach that are not.
 */
#include "serving/session.h"
#include "monitor.h"

#include <inttypes.h>
#include <stdio.h>

int monitor_cmd_info_dump(struct session *s, int argc, char **argv,
			  gdbr_out *out)
{
	uint64_t left = guest_phys_not_dumped(s->g, 0, UINT64_MAX);
	const char *notice = guest_notice(s->g);

	(void)argc;
	(void)argv;
	gdbr_out_printf(out, "%s\n", guest_describe(s->g));
	if (left)
		gdbr_out_printf(out, "not in the dump: %" PRIu64 " KiB of RAM "
				"(filtered out: reads there say so)\n",
				left >> 10);
	if (notice)
		gdbr_out_printf(out, "%s\n", notice);
	return 0;
}

void monitor_note_not_dumped(struct session *s, uint64_t va, gdbr_out *out)
{
	char text[160];
	uint64_t pa;
	int why = session_not_dumped(s, va, 0, &pa);

	if (why)
		gdbr_out_printf(out, "note: the data is %s\n",
				session_not_dumped_text(why, pa, text,
							sizeof(text)));
}

struct tally {
	const guest *g;
	uint64_t mapped, missing;
};

static int add_mapping(const struct pgw_mapping *m, void *payload)
{
	struct tally *t = payload;

	t->mapped += m->size;
	t->missing += guest_phys_not_dumped(t->g, m->pa, m->size);
	return 0;
}

void monitor_count_not_dumped(struct session *s, pgw_ctx *c,
			      const struct pgw_walk_filter *filter,
			      gdbr_out *out)
{
	struct tally t = { .g = s->g };

	/* A second walk: only for dumps that left something out. */
	if (!guest_phys_not_dumped(s->g, 0, UINT64_MAX) ||
	    pgw_ctx_mode(c) == PGW_MODE_NONE)
		return;
	pgw_ctx_set_walk_budget(c, s->walk_budget);
	if (pgw_mappings(c, filter, NULL, NULL, add_mapping, &t) < 0)
		return;
	gdbr_out_printf(out, "not in the dump: %" PRIu64 " KiB of the %" PRIu64
			" KiB mapped here\n", t.missing >> 10, t.mapped >> 10);
}
