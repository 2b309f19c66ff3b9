/*
 * qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH for the objects "features" (target
 * description XML) and "memory-map".  Documents are served in windows:
 * "m" + data when more follows, "l" + data for the last one (GDB manual,
 * "General Query Packets", qXfer).
 */
#include <stdlib.h>
#include <string.h>

#include "gdbr_priv.h"

/* qXfer's own error convention: E00 = malformed request or bad annex. */
#define XFER_EBADREQ 0

struct xfer_req {
	const char *object;
	size_t object_len;
	char annex[64];
	uint64_t offset;
	uint64_t length;
};

static int parse_req(const char *pkt, size_t len, struct xfer_req *r)
{
	const char *end = pkt + len, *p = pkt + strlen("qXfer:"), *c;
	size_t n;

	c = memchr(p, ':', (size_t)(end - p));
	if (!c)
		return -1;
	r->object = p;
	r->object_len = (size_t)(c - p);
	p = c + 1;
	if ((size_t)(end - p) < 5 || memcmp(p, "read:", 5) != 0)
		return 1;               /* write or unknown verb */
	p += 5;
	c = memchr(p, ':', (size_t)(end - p));
	if (!c || (n = (size_t)(c - p)) >= sizeof(r->annex))
		return -1;
	memcpy(r->annex, p, n);
	r->annex[n] = '\0';
	p = gdbr_hex_parse(c + 1, end, &r->offset);
	if (!p || p == end || *p != ',')
		return -1;
	p = gdbr_hex_parse(p + 1, end, &r->length);
	if (!p || p != end)
		return -1;
	return 0;
}

static int object_is(const struct xfer_req *r, const char *name)
{
	return r->object_len == strlen(name) &&
	       memcmp(r->object, name, r->object_len) == 0;
}

/* Reply with the window [offset, offset + length) of doc. */
static int send_window(gdbr_server *s, const struct xfer_req *r,
                       const char *doc, size_t doc_len)
{
	size_t n, used;

	if (r->offset >= doc_len)
		return gdbr__reply(s, "l");
	n = doc_len - (size_t)r->offset;
	if (r->length < n)
		n = (size_t)r->length;
	gdbr__reply_begin(s);
	gdbr__put(s, "m", 1);
	used = gdbr__put_bin(s, doc + r->offset, n);
	if (r->offset + used >= doc_len)
		s->out[0] = 'l';
	return gdbr__reply_end(s);
}

static int features(gdbr_server *s, const struct xfer_req *r)
{
	const char *doc;
	size_t len = 0;

	if (s->target->target_xml)
		doc = s->target->target_xml(r->annex, &len, s->target_payload);
	else if (s->tdesc)
		doc = gdbr_tdesc_xml(s->tdesc, r->annex, &len);
	else
		return gdbr__reply(s, "");
	if (!doc)
		return gdbr__reply_err(s, XFER_EBADREQ);
	return send_window(s, r, doc, len);
}

/*
 * Call the target's producer on the memory-map stream; a GDBR_ELIMIT stop
 * (cache or window full) is not a failure.  Returns 0, or the reply sent.
 */
static int produce_map(gdbr_server *s, int *rc_out)
{
	int rc = s->target->memory_map(&s->memmap, s->target_payload);

	*rc_out = 0;
	if (s->memmap.err == GDBR_ELIMIT)
		return 0;
	if (rc < 0 && gdbr__fatal(s, rc)) {
		*rc_out = s->result;
		return -1;
	}
	if (rc < 0 || s->memmap.err) {
		gdbr__set_error(s, "memory map generation failed");
		*rc_out = gdbr__reply_err(s, GDBR_RSP_EGENERIC);
		return -1;
	}
	return 0;
}

/*
 * A window of a document too long to keep: have the target produce it
 * again, keeping only [offset, offset + n); it stops once past the window.
 */
static int map_window(gdbr_server *s, const struct xfer_req *r)
{
	size_t n = s->rx_cap - 1, used;
	struct gdbr_out *o = &s->memmap;
	int rc, more;

	if (r->length < n)
		n = (size_t)r->length;
	if (n == 0)
		return gdbr__reply(s, "m");
	gdbr__out_clear(o);
	if (o->cap < n) {
		/* The cache is at least rx_cap bytes (gdbr_server_set_limits):
		 * only reached before the first document was made. */
		char *nb = realloc(o->buf, s->rx_cap);

		if (!nb)
			return gdbr__reply_err(s, GDBR_RSP_EGENERIC);
		o->buf = nb;
		o->cap = s->rx_cap;
	}
	o->window = 1;
	o->win_lo = r->offset;
	o->win_hi = r->offset + n;
	/* The kept head is overwritten from here on. */
	s->memmap_head = 0;
	if (produce_map(s, &rc)) {
		o->window = 0;
		return rc;
	}
	more = o->err == GDBR_ELIMIT;
	o->window = 0;
	o->err = 0;
	if (r->offset >= o->total)
		return gdbr__reply(s, "l");
	gdbr__reply_begin(s);
	gdbr__put(s, "m", 1);
	used = gdbr__put_bin(s, o->buf, o->len);
	if (!more && used == o->len)
		s->out[0] = 'l';
	return gdbr__reply_end(s);
}

static int memory_map(gdbr_server *s, const struct xfer_req *r)
{
	struct gdbr_out *o = &s->memmap;
	size_t used;
	int rc;

	if (!s->target->memory_map)
		return gdbr__reply(s, "");
	if (r->annex[0] != '\0')
		return gdbr__reply_err(s, XFER_EBADREQ);
	/* Offset 0 starts a new read: regenerate, later windows reuse it. */
	if (r->offset == 0 || (!s->memmap_valid && !s->memmap_big)) {
		gdbr__out_clear(o);
		s->memmap_valid = 0;
		s->memmap_big = 0;
		o->limit = s->memmap_cache;
		if (produce_map(s, &rc))
			return rc;
		/* Longer than the cache: keep its head, window the rest. */
		s->memmap_big = o->err == GDBR_ELIMIT;
		s->memmap_valid = !s->memmap_big;
		s->memmap_head = s->memmap_big ? o->len : 0;
		o->err = 0;
	}
	if (s->memmap_valid)
		return send_window(s, r, o->buf, o->len);
	/* Too long to keep: windows inside the kept head are served from
	 * it, the others are produced again. */
	if (r->offset >= s->memmap_head)
		return map_window(s, r);
	gdbr__reply_begin(s);
	gdbr__put(s, "m", 1);
	used = (size_t)(s->memmap_head - r->offset);
	if (r->length < used)
		used = (size_t)r->length;
	gdbr__put_bin(s, o->buf + r->offset, used);
	return gdbr__reply_end(s);
}

int gdbr__cmd_xfer(gdbr_server *s, const char *pkt, size_t len)
{
	struct xfer_req r;
	int rc = parse_req(pkt, len, &r);

	if (rc > 0)
		return gdbr__reply(s, "");
	if (rc < 0)
		return gdbr__reply_err(s, XFER_EBADREQ);
	if (object_is(&r, "features"))
		return features(s, &r);
	if (object_is(&r, "memory-map"))
		return memory_map(s, &r);
	return gdbr__reply(s, "");
}
