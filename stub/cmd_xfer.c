/*
 * qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH for the objects "features" (target
 * description XML) and "memory-map".  Documents are served in windows:
 * "m" + data when more follows, "l" + data for the last one (GDB manual,
 * "General Query Packets", qXfer).
 */
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
	p = gdbr__parse_hex(c + 1, end, &r->offset);
	if (!p || p == end || *p != ',')
		return -1;
	p = gdbr__parse_hex(p + 1, end, &r->length);
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

static int memory_map(gdbr_server *s, const struct xfer_req *r)
{
	int rc;

	if (!s->target->memory_map)
		return gdbr__reply(s, "");
	if (r->annex[0] != '\0')
		return gdbr__reply_err(s, XFER_EBADREQ);
	/* Offset 0 starts a new read: regenerate, later windows reuse it. */
	if (r->offset == 0 || !s->memmap_valid) {
		gdbr__out_clear(&s->memmap);
		s->memmap_valid = 0;
		rc = s->target->memory_map(&s->memmap, s->target_payload);
		if (rc < 0 && gdbr__fatal(s, rc))
			return s->result;
		if (rc < 0 || s->memmap.err) {
			gdbr__set_error(s, "memory map generation failed");
			return gdbr__reply_err(s, GDBR_RSP_EGENERIC);
		}
		s->memmap_valid = 1;
	}
	return send_window(s, r, s->memmap.buf, s->memmap.len);
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
