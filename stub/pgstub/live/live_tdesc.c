/*
 * QEMU's target description as pgstub needs it on a live guest: the
 * architecture, and every register's name, GDB number and size, read from
 * target.xml and the features it includes (qXfer:features:read), in
 * document order as GDB numbers them. Register numbers are learned at run
 * time: QEMU numbers aarch64's system registers in hash-table order.
 */
#include "proxy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMEOUT_MS 15000
/* An include inside an include is not something QEMU writes. */
#define MAX_DEPTH 2
/* QEMU 7.2's whole aarch64 description is about 30 KiB. */
#define MAX_DOC (1u << 20)

void live_tdesc_free(struct live_tdesc *t)
{
	free(t->regs);
	memset(t, 0, sizeof(*t));
}

/* The value of attribute @p name inside the tag [tag, end) into @p out. */
static int attr(const char *tag, const char *end, const char *name,
		char *out, size_t outlen)
{
	size_t nl = strlen(name);

	for (const char *p = tag; p + nl + 2 < end; p++) {
		const char *v, *close;

		if (strncmp(p, name, nl) || p[nl] != '=' ||
		    (p[nl + 1] != '"' && p[nl + 1] != '\'') ||
		    (p > tag && p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n'))
			continue;
		v = p + nl + 2;
		close = memchr(v, p[nl + 1], (size_t)(end - v));
		if (!close || (size_t)(close - v) >= outlen)
			return -1;
		memcpy(out, v, (size_t)(close - v));
		out[close - v] = 0;
		return 0;
	}
	return -1;
}

static int add_reg(struct live_tdesc *t, const char *name, int regnum,
		   int bits, char *err, size_t errlen)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 128;
		struct live_tdesc_reg *r;

		if (cap > 8192 || !(r = realloc(t->regs, cap * sizeof(*r)))) {
			snprintf(err, errlen, "QEMU's target description: too "
				 "many registers");
			return -1;
		}
		t->regs = r;
		t->cap = cap;
	}
	snprintf(t->regs[t->n].name, sizeof(t->regs[t->n].name), "%s", name);
	t->regs[t->n].regnum = regnum;
	t->regs[t->n].bits = bits;
	t->n++;
	return 0;
}

/* One <reg .../>: GDB numbers a register without regnum= one past the
 * previous one, across features. */
static int one_reg(struct live_tdesc *t, const char *tag, const char *end,
		   char *err, size_t errlen)
{
	char name[sizeof(t->regs[0].name)], num[16], bits[16];
	long regnum = t->next, nbits;
	char *e;

	if (attr(tag, end, "name", name, sizeof(name)) ||
	    attr(tag, end, "bitsize", bits, sizeof(bits))) {
		snprintf(err, errlen, "QEMU's target description: a register "
			 "without name or bitsize: '%.60s'", tag);
		return -1;
	}
	nbits = strtol(bits, &e, 10);
	if (*e || nbits < 1 || nbits > 65536) {
		snprintf(err, errlen, "QEMU's target description: register %s "
			 "has bitsize '%s'", name, bits);
		return -1;
	}
	if (!attr(tag, end, "regnum", num, sizeof(num))) {
		regnum = strtol(num, &e, 10);
		if (*e || regnum < 0 || regnum > 65535) {
			snprintf(err, errlen, "QEMU's target description: "
				 "register %s has regnum '%s'", name, num);
			return -1;
		}
	}
	t->next = (int)regnum + 1;
	return add_reg(t, name, (int)regnum, (int)nbits, err, errlen);
}

int live_tdesc_parse(struct live_tdesc *t, const char *xml,
		     int (*include)(struct live_tdesc *t, const char *annex,
				    void *payload),
		     void *payload, char *err, size_t errlen)
{
	const char *p = xml, *a;

	/* <architecture>NAME</architecture> */
	if ((a = strstr(xml, "<architecture>")) != NULL) {
		const char *e = strstr(a + 14, "</architecture>");

		if (e && (size_t)(e - (a + 14)) < sizeof(t->arch))
			snprintf(t->arch, sizeof(t->arch), "%.*s",
				 (int)(e - (a + 14)), a + 14);
	}
	while ((p = strchr(p, '<')) != NULL) {
		const char *end = strchr(p, '>');
		char href[128];

		if (!end)
			break;
		if (!strncmp(p, "<!--", 4)) {
			const char *c = strstr(p + 4, "-->");

			if (!c)
				break;
			p = c + 3;
			continue;
		}
		if (!strncmp(p, "<reg", 4) && (p[4] == ' ' || p[4] == '\t' ||
					       p[4] == '\n')) {
			if (one_reg(t, p, end, err, errlen))
				return -1;
		} else if (!strncmp(p, "<xi:include", 11) && include) {
			if (attr(p, end, "href", href, sizeof(href))) {
				snprintf(err, errlen, "QEMU's target description: "
					 "an include without href");
				return -1;
			}
			if (include(t, href, payload))
				return -1;
		}
		p = end + 1;
	}
	return 0;
}

const struct live_tdesc_reg *live_tdesc_find(const struct live_tdesc *t,
					     const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->regs[i].name, name))
			return &t->regs[i];
	return NULL;
}

long live_tdesc_g_offset_of(const struct live_tdesc *t, const char *name,
			    int bits)
{
	const struct live_tdesc_reg *r = live_tdesc_find(t, name);

	return r && r->bits == bits ? live_tdesc_g_offset(t, r->regnum) : -1;
}

long live_tdesc_g_offset(const struct live_tdesc *t, int regnum)
{
	long off = 0;

	/* `g` holds registers 0, 1, … in order: each lower one once. */
	for (int r = 0; r < regnum; r++) {
		int found = 0;

		for (size_t i = 0; i < t->n; i++) {
			if (t->regs[i].regnum != r)
				continue;
			if (found++ || t->regs[i].bits % 8)
				return -1;
			off += t->regs[i].bits / 8;
		}
		if (!found)
			return -1;
	}
	return off;
}

/* --------------------------------------------------- reading from QEMU */

struct fetch {
	struct qemu_conn *q;
	int depth;
	char *err;
	size_t errlen;
};

/* The whole annex, reassembled from QEMU's m/l chunks; caller frees. */
static char *read_annex(struct qemu_conn *q, const char *annex, char *err,
			size_t errlen)
{
	char *doc = NULL, req[192];
	size_t len = 0;

	for (;;) {
		const char *reqs[1] = { req };
		char *rep = NULL, *grown;
		size_t rl = 0;

		snprintf(req, sizeof(req), "qXfer:features:read:%s:%zx,ffb",
			 annex, len);
		if (qemu_exchange(q, reqs, 1, &rep, &rl, TIMEOUT_MS, NULL,
				  NULL)) {
			snprintf(err, errlen, "%s", q->why);
			free(doc);
			return NULL;
		}
		if ((rep[0] != 'm' && rep[0] != 'l') || len + rl > MAX_DOC ||
		    !(grown = realloc(doc, len + rl + 1))) {
			snprintf(err, errlen, "QEMU's gdbstub does not give its "
				 "%s ('%.20s')", annex, rep);
			free(rep);
			free(doc);
			return NULL;
		}
		doc = grown;
		memcpy(doc + len, rep + 1, rl - 1);
		len += rl - 1;
		doc[len] = 0;
		if (rep[0] == 'l' || rl == 1) {
			free(rep);
			return doc;
		}
		free(rep);
	}
}

static int include_from_qemu(struct live_tdesc *t, const char *annex,
			     void *payload)
{
	struct fetch *f = payload;
	char *doc;
	int rc;

	if (f->depth >= MAX_DEPTH) {
		snprintf(f->err, f->errlen, "QEMU's target description: "
			 "includes nest deeper than %d", MAX_DEPTH);
		return -1;
	}
	if (!(doc = read_annex(f->q, annex, f->err, f->errlen)))
		return -1;
	f->depth++;
	rc = live_tdesc_parse(t, doc, include_from_qemu, f, f->err, f->errlen);
	f->depth--;
	free(doc);
	return rc;
}

int live_tdesc_read(struct qemu_conn *q, struct live_tdesc *t, int includes,
		    char *err, size_t errlen)
{
	struct fetch f = { q, 1, err, errlen };
	char *doc;
	int rc;

	memset(t, 0, sizeof(*t));
	if (!(doc = read_annex(q, "target.xml", err, errlen)))
		return -1;
	rc = live_tdesc_parse(t, doc, includes ? include_from_qemu : NULL, &f,
			      err, errlen);
	free(doc);
	if (rc)
		live_tdesc_free(t);
	return rc;
}
