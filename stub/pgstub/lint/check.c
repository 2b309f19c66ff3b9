/*
 * `check`, the page-table lint: one streaming walk evaluates every rule on
 * the walker's leaves, faults and tables (never on decoded entry bits, so
 * any architecture the walker knows is checked alike), findings are merged
 * into runs and written as they complete, then the W^X-by-alias pass and
 * a summary with a count per rule.
 */
#include "check_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name, *severity, *what;
} rules[NRULES] = {
	[RULE_WX] = { "wx", "warning", "writable and executable" },
	[RULE_WX_ALIAS] = { "wx-alias", "warning",
			    "writable alias of a page executable elsewhere" },
	[RULE_USER_KERNEL] = { "user-kernel", "warning",
			       "user-accessible page in the kernel half" },
	[RULE_TEXT_W] = { "text-writable", "warning", "kernel text writable" },
	[RULE_RESERVED] = { "reserved", "error", "reserved bits set" },
	[RULE_BAD_TABLE] = { "bad-table", "error",
			     "table outside physical memory" },
	[RULE_OUTSIDE_RAM] = { "outside-ram", "info",
			       "maps physical memory the snapshot does not "
			       "hold (MMIO, ROM or nothing)" },
	[RULE_TABLE_LOOP] = { "table-loop", "error",
			      "table used at two levels (loop or shared "
			      "between levels)" },
	[RULE_MISALIGNED] = { "misaligned", "error",
			      "page not aligned to its size" },
	[RULE_FAULT] = { "fault", "error", "the walk faulted" },
};

/* The rule-specific half of a finding's reason. */
static void put_reason(struct check *k, int rule, const struct finding *f,
		       char *buf, size_t len)
{
	const char *what = rules[rule].what;

	switch (rule) {
	case RULE_RESERVED:
		snprintf(buf, len, "%s: 0x%" PRIx64 " at level %s", what,
			 f->aux, pgw_ctx_level_name(k->c, f->level));
		break;
	case RULE_TABLE_LOOP:
		snprintf(buf, len, "%s: table 0x%" PRIx64 " is a %s table "
			 "and a %s table", what, f->aux,
			 pgw_ctx_level_name(k->c, f->other_level),
			 pgw_ctx_level_name(k->c, f->level));
		break;
	case RULE_WX_ALIAS:
		snprintf(buf, len, "%s: executable at 0x%016" PRIx64, what,
			 f->aux);
		break;
	case RULE_FAULT:
		snprintf(buf, len, "%s: %s", what,
			 pgw_fault_reason_name((int)f->aux));
		break;
	default:
		snprintf(buf, len, "%s", what);
	}
}

static void print_finding(struct check *k, int rule, const struct finding *f)
{
	struct lint_out *o = k->out;
	char perms[5], size[24], reason[256];
	int leafy = f->pa != NO_PA;

	put_reason(k, rule, f, reason, sizeof(reason));
	lint_size(f->page, size);
	lint_perms(f->perms, perms);
	if (k->o->json) {
		lint_printf(o, "%s\n{\"rule\":\"%s\",\"severity\":\"%s\","
			    "\"va\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64 "\",",
			    k->json_first ? "" : ",", rules[rule].name,
			    rules[rule].severity, f->va, f->last + 1);
		k->json_first = 0;
		if (leafy)
			lint_printf(o, "\"pa\":\"0x%" PRIx64 "\",\"perms\":\"%s\",",
				    f->pa, perms);
		else
			lint_printf(o, "\"pa\":null,\"perms\":null,");
		lint_printf(o, "\"page_size\":\"0x%" PRIx64 "\",\"reason\":\"%s\","
			    "\"path\":", f->page, reason);
		lint_path(o, k->c, f->va, 1);
		lint_printf(o, "}");
		return;
	}
	lint_printf(o, "%-13s %016" PRIx64 "-%016" PRIx64 " ", rules[rule].name,
		    f->va, f->last + 1);
	if (leafy)
		lint_printf(o, "pa 0x%" PRIx64 " %s %s", f->pa, size, perms);
	else
		lint_printf(o, "span %s", size);
	lint_printf(o, ": %s\n              ", reason);
	lint_path(o, k->c, f->va, 0);
	lint_printf(o, "\n");
}

static void flush(struct check *k, int rule)
{
	struct finding *p = &k->pend[rule];

	if (!p->active)
		return;
	p->active = 0;
	k->count[rule]++;
	if (!k->o->all && k->printed[rule] >= k->o->max_per_rule)
		return;
	k->printed[rule]++;
	print_finding(k, rule, p);
}

/* Does @f continue the pending finding @p? */
static int continues(int rule, const struct finding *p,
		     const struct finding *f)
{
	uint64_t off = f->va - p->va;

	if (p->last + 1 != f->va || p->last == UINT64_MAX ||
	    p->page != f->page || p->perms != f->perms || p->level != f->level)
		return 0;
	if ((p->pa == NO_PA) != (f->pa == NO_PA))
		return 0;
	if (p->pa != NO_PA && p->pa + off != f->pa)
		return 0;
	if (rule == RULE_WX_ALIAS)
		return p->aux + off == f->aux;
	return p->aux == f->aux;
}

void check_add(struct check *k, int rule, const struct finding *f)
{
	struct finding *p = &k->pend[rule];

	if (p->active && continues(rule, p, f)) {
		p->last = f->last;
		return;
	}
	flush(k, rule);
	*p = *f;
	p->active = 1;
}

static void add_leaf(struct check *k, int rule, const struct pgw_leaf *l,
		     uint64_t va, uint64_t last)
{
	struct finding f = {
		.va = va, .last = last, .pa = l->pa + (va - l->va),
		.page = l->size, .perms = l->perms, .level = l->level,
	};

	check_add(k, rule, &f);
}

/* Pages [first, first+n) of the run that are not RAM, by halving. */
static void not_ram(struct check *k, const struct pgw_leaf *l,
		    uint64_t first, uint64_t n)
{
	uint64_t pa = l->pa + first * l->size, va = l->va + first * l->size;

	if (guest_phys_is_ram(k->g, pa, n * l->size))
		return;
	if (n == 1) {
		add_leaf(k, RULE_OUTSIDE_RAM, l, va, va + l->size - 1);
		return;
	}
	not_ram(k, l, first, n / 2);
	not_ram(k, l, first + n / 2, n - n / 2);
}

static int on_leaves(const struct pgw_leaf *l, size_t n, void *payload)
{
	struct check *k = payload;
	uint64_t len = l->size * n, last = l->va + len - 1;
	const unsigned wx = PGW_PERM_W | PGW_PERM_X;

	if ((l->perms & wx) == wx)
		add_leaf(k, RULE_WX, l, l->va, last);
	if (k->have_khalf && (l->perms & PGW_PERM_U) &&
	    l->va >= k->khalf_start && l->va <= k->khalf_last)
		add_leaf(k, RULE_USER_KERNEL, l, l->va, last);
	if (k->o->have_text && (l->perms & PGW_PERM_W) &&
	    l->va < k->o->text_end && last >= k->o->text_start) {
		uint64_t a = l->va > k->o->text_start ? l->va : k->o->text_start;
		uint64_t b = last < k->o->text_end - 1 ? last :
			     k->o->text_end - 1;

		add_leaf(k, RULE_TEXT_W, l, a, b);
	}
	/* Walkers of formats whose large-frame alignment is a reserved-bit
	 * rule fault such entries instead (x86: SDM 3A 4.5, bits 20:13 of
	 * a 2M PDE); this catches a walker that reports them as pages. */
	if (l->size && ((l->va | l->pa) % l->size))
		add_leaf(k, RULE_MISALIGNED, l, l->va, last);
	not_ram(k, l, 0, n);
	if (l->perms & PGW_PERM_X)
		xindex_add(&k->x, l->pa, len, l->va);
	return k->out->err;
}

static int on_leaf(const struct pgw_leaf *l, void *payload)
{
	return on_leaves(l, 1, payload);
}

static int on_fault(uint64_t start, uint64_t end, const struct pgw_fault *f,
		    void *payload)
{
	struct check *k = payload;
	struct finding fd = {
		.va = start, .last = end - 1, .pa = NO_PA, .page = end - start,
		.level = f->out_level,
	};
	int rule;

	switch (f->out_reason) {
	case PGW_FAULT_RESERVED:
		rule = RULE_RESERVED;
		fd.aux = f->out_rsvd;
		break;
	case PGW_FAULT_BAD_TABLE:
		rule = RULE_BAD_TABLE;
		fd.aux = f->out_table;
		break;
	default:
		rule = RULE_FAULT;
		fd.aux = (uint64_t)f->out_reason;
	}
	check_add(k, rule, &fd);
	return k->out->err;
}

int check_text_from_vmcoreinfo(const char *vmci, uint64_t *start,
			       uint64_t *end, const char **why)
{
	const char *s = vmci ? strstr(vmci, "SYMBOL(_stext)=") : NULL;
	const char *e = vmci ? strstr(vmci, "SYMBOL(_etext)=") : NULL;

	if (!vmci) {
		*why = "no VMCOREINFO names the kernel text; give --text START END";
		return 0;
	}
	if (!s) {
		*why = "VMCOREINFO does not name _stext; give --text START END";
		return 0;
	}
	if (!e) {
		/* Linux's VMCOREINFO has _stext but no _etext. */
		*why = "VMCOREINFO names _stext but not _etext; give "
		       "--text START END";
		return 0;
	}
	*start = strtoull(s + 15, NULL, 16);
	*end = strtoull(e + 15, NULL, 16);
	if (*end <= *start) {
		*why = "VMCOREINFO's _etext is not above _stext";
		return 0;
	}
	return 1;
}

static void header(struct check *k)
{
	pgw_ctx *n = pgw_ctx_nested(k->c);

	if (k->o->json) {
		lint_printf(k->out, "{\"schema\":\"pgstub-check\",\"version\":%d,"
			    "\"cpu\":%d,\"mode\":\"%s\",\"nested\":", CHECK_JSON_VERSION,
			    k->o->cpu, pgw_mode_name(pgw_ctx_mode(k->c)));
		if (n)
			lint_printf(k->out, "\"%s\",", pgw_mode_name(pgw_ctx_mode(n)));
		else
			lint_printf(k->out, "null,");
		lint_printf(k->out, "\"findings\":[");
	} else {
		lint_printf(k->out, "check: vCPU %d, %s%s%s\n", k->o->cpu,
			    pgw_mode_name(pgw_ctx_mode(k->c)),
			    n ? ", nested " : "",
			    n ? pgw_mode_name(pgw_ctx_mode(n)) : "");
	}
}

/* Rules that could not run, and why (NULL: it ran). */
struct skipped {
	const char *why[NRULES];
};

static void footer(struct check *k, const struct skipped *sk, int limit)
{
	struct lint_out *o = k->out;
	uint64_t total = 0;

	for (int r = 0; r < NRULES; r++)
		total += k->count[r];
	if (k->o->json) {
		lint_printf(o, "%s],\"summary\":{", k->json_first ? "" : "\n");
		for (int r = 0; r < NRULES; r++)
			lint_printf(o, "%s\"%s\":%" PRIu64, r ? "," : "",
				    rules[r].name, k->count[r]);
		lint_printf(o, "},\"total\":%" PRIu64 ",\"skipped\":{", total);
		for (int r = 0, first = 1; r < NRULES; r++) {
			if (!sk->why[r])
				continue;
			lint_printf(o, "%s\"%s\":\"%s\"", first ? "" : ",",
				    rules[r].name, sk->why[r]);
			first = 0;
		}
		lint_printf(o, "},\"complete\":%s}\n", limit ? "false" : "true");
		return;
	}
	for (int r = 0; r < NRULES; r++)
		if (k->count[r] > k->printed[r])
			lint_printf(o, "(%s: %" PRIu64 " more not shown; "
				    "check --all shows every finding)\n",
				    rules[r].name, k->count[r] - k->printed[r]);
	for (int r = 0; r < NRULES; r++)
		if (sk->why[r])
			lint_printf(o, "%s: skipped: %s\n", rules[r].name,
				    sk->why[r]);
	if (limit)
		lint_printf(o, "*** walk limit reached: the findings are "
			    "incomplete\n");
	lint_printf(o, "summary: %" PRIu64 " finding%s:", total,
		    total == 1 ? "" : "s");
	for (int r = 0; r < NRULES; r++)
		lint_printf(o, " %s %" PRIu64 "%s", rules[r].name, k->count[r],
			    r + 1 < NRULES ? "," : "\n");
}

int check_run(guest *g, pgw_ctx *c, const struct check_opts *o,
	      struct lint_out *out)
{
	struct pgw_walk_ops ops = { .leaves = on_leaves, .leaf = on_leaf,
				    .fault = on_fault,
				    .table = check_on_table };
	struct pgw_walk_filter f = PGW_WALK_FILTER_INIT;
	struct skipped sk = { { 0 } };
	struct check *k = calloc(1, sizeof(*k));
	uint64_t spans[2][2];
	int rc, limit = 0;

	if (!k)
		return PGW_ENOMEM;
	k->g = g;
	k->c = c;
	k->o = o;
	k->out = out;
	k->json_first = 1;
	f.start = o->start;
	f.last = o->last;
	if (pgw_mode_va_spans(pgw_ctx_mode(c), spans) == 2) {
		/* The upper canonical half is the kernel's by the
		 * architecture's convention (x86-64 and the like). */
		k->have_khalf = 1;
		k->khalf_start = spans[1][0];
		k->khalf_last = spans[1][1] - 1;
	} else {
		sk.why[RULE_USER_KERNEL] = "the paging mode has no kernel half";
	}
	header(k);
	if (pgw_ctx_mode(c) == PGW_MODE_NONE) {
		for (int r = 0; r < NRULES; r++)
			sk.why[r] = "paging is off";
		goto done;
	}
	if (!o->have_text)
		sk.why[RULE_TEXT_W] = o->text_why ? o->text_why :
				       "the kernel text is not known; give --text START END";
	rc = pgw_walk(c, &f, &ops, k);
	for (int r = 0; r < NRULES; r++)
		flush(k, r);
	if (rc == PGW_ELIMIT)
		limit = 1;
	else if (rc < 0 && rc != out->err)
		goto fail;
	if (!limit && !out->err) {
		rc = check_alias_pass(k, &f);
		flush(k, RULE_WX_ALIAS);
		if (rc == PGW_ELIMIT)
			limit = 1;
		else if (rc < 0 && rc != out->err)
			goto fail;
	} else {
		sk.why[RULE_WX_ALIAS] = "the first walk did not complete";
	}
	if (k->x.overflow)
		sk.why[RULE_WX_ALIAS] = "too many executable ranges; narrow "
					"it with --range";
	if (k->t.overflow)
		sk.why[RULE_TABLE_LOOP] = "too many tables; narrow it with "
					  "--range";
done:
	footer(k, &sk, limit);
	rc = out->err ? out->err : limit;
	goto out;
fail:
	lint_printf(out, "%scheck: the walk failed: error %d\n",
		    o->json ? "\n" : "", rc);
out:
	xindex_free(&k->x);
	tset_free(&k->t);
	free(k);
	return rc;
}
