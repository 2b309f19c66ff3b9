/*
 * Output streams given to target producers: the console stream of a monitor
 * command (fixed buffer, flushed to GDB as hex "O" packets when full) and
 * growable documents (the memory map, kept for later qXfer windows), and
 * sinks that hand every write to a caller's function (pgstub's shell).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbr_priv.h"

void gdbr__out_init(struct gdbr_out *o, gdbr_server *s,
                    enum gdbr__out_kind kind, char *buf, size_t cap)
{
	o->s = s;
	o->kind = kind;
	o->buf = buf;
	o->cap = cap;
	o->len = 0;
	o->err = 0;
	o->limit = 0;
	o->total = 0;
	o->truncated = 0;
	o->last = '\n';
	o->window = 0;
	o->win_lo = o->win_hi = 0;
	o->sink = NULL;
	o->sink_payload = NULL;
}

int gdbr_out_new_sink(gdbr_out **out,
		      int (*write)(const void *buf, size_t len, void *payload),
		      void *payload)
{
	struct gdbr_out *o;

	if (!out)
		return GDBR_EINVAL;
	*out = NULL;
	if (!write)
		return GDBR_EINVAL;
	o = calloc(1, sizeof(*o));
	if (!o)
		return GDBR_ENOMEM;
	gdbr__out_init(o, NULL, GDBR__OUT_SINK, NULL, 0);
	o->sink = write;
	o->sink_payload = payload;
	*out = o;
	return 0;
}

void gdbr_out_free(gdbr_out *o)
{
	/* Only sinks are allocated on their own; a server's streams are
	 * part of the server and freed with it. */
	if (!o || o->kind != GDBR__OUT_SINK)
		return;
	free(o);
}

int gdbr_out_error(const gdbr_out *o)
{
	return o ? o->err : GDBR_EINVAL;
}

void gdbr_out_clear_error(gdbr_out *o)
{
	if (o && o->kind == GDBR__OUT_SINK)
		o->err = 0;
}

void gdbr__out_clear(struct gdbr_out *o)
{
	o->len = 0;
	o->err = 0;
	o->total = 0;
	o->truncated = 0;
	o->last = '\n';
}

uint64_t gdbr_out_offset(const gdbr_out *o)
{
	return o && o->kind == GDBR__OUT_GROW && o->window ? o->win_lo : 0;
}

void gdbr__out_release(struct gdbr_out *o)
{
	free(o->buf);
	o->buf = NULL;
	o->cap = 0;
	o->len = 0;
}

/* Send buffered console text as one "O<hex>" packet. */
int gdbr__out_flush(struct gdbr_out *o)
{
	gdbr_server *s = o->s;

	if (o->kind != GDBR__OUT_CONSOLE || o->len == 0 || o->err)
		return o->err;
	gdbr__reply_begin(s);
	gdbr__put(s, "O", 1);
	gdbr__put_hex(s, o->buf, o->len);
	o->len = 0;
	if (gdbr__reply_end(s))
		o->err = GDBR_EIO;
	return o->err;
}

static int grow(struct gdbr_out *o, size_t need)
{
	size_t cap = o->cap ? o->cap : 1024;
	char *nb;

	while (cap - o->len < need) {
		if (cap > ((size_t)-1) / 2)
			return GDBR_ENOMEM;
		cap *= 2;
	}
	if (cap == o->cap)
		return 0;
	nb = realloc(o->buf, cap);
	if (!nb)
		return GDBR_ENOMEM;
	o->buf = nb;
	o->cap = cap;
	return 0;
}

/*
 * A document: kept whole up to @limit bytes; in window mode only the bytes
 * of [win_lo, win_hi) are kept (the buffer holds win_hi - win_lo) and the
 * producer is stopped once it wrote past the window, so the caller knows
 * more follows without the rest being produced.
 */
static int grow_write(struct gdbr_out *o, const char *p, size_t len)
{
	uint64_t pos = o->total;

	o->total += len;
	if (o->window) {
		uint64_t lo = pos > o->win_lo ? pos : o->win_lo;
		uint64_t hi = o->total < o->win_hi ? o->total : o->win_hi;

		if (lo < hi) {
			memcpy(o->buf + (lo - o->win_lo), p + (lo - pos),
			       (size_t)(hi - lo));
			o->len = (size_t)(hi - o->win_lo);
		}
		if (o->total > o->win_hi)
			o->err = GDBR_ELIMIT;
		return o->err;
	}
	if (o->limit && len > o->limit - o->len) {
		o->err = GDBR_ELIMIT;
		return o->err;
	}
	o->err = grow(o, len);
	if (o->err)
		return o->err;
	memcpy(o->buf + o->len, p, len);
	o->len += len;
	return 0;
}

int gdbr_out_write(gdbr_out *o, const void *buf, size_t len)
{
	const char *p = buf;

	if (o->err)
		return o->err;
	if (o->kind == GDBR__OUT_SINK) {
		/* Unbuffered: the writer (often stdio) buffers if it wants. */
		if (len > 0 && o->sink(buf, len, o->sink_payload) < 0)
			o->err = GDBR_EIO;
		return o->err;
	}
	if (o->kind == GDBR__OUT_GROW)
		return grow_write(o, p, len);
	/* Console: past the limit the command is cut, not the session. */
	if (o->limit && len > o->limit - o->total) {
		len = (size_t)(o->limit - o->total);
		o->truncated = 1;
	}
	o->total += len;
	if (len)
		o->last = p[len - 1];
	while (len > 0) {
		size_t n = o->cap - o->len;

		if (n > len)
			n = len;
		memcpy(o->buf + o->len, p, n);
		o->len += n;
		p += n;
		len -= n;
		if (o->len == o->cap && gdbr__out_flush(o))
			return o->err;
	}
	if (o->truncated)
		o->err = GDBR_ELIMIT;
	return o->err;
}

int gdbr_out_printf(gdbr_out *o, const char *fmt, ...)
{
	char small[256];
	char *big;
	va_list ap;
	int n, rc;

	if (o->err)
		return o->err;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return GDBR_EINVAL;
	if ((size_t)n < sizeof(small))
		return gdbr_out_write(o, small, (size_t)n);
	/* Long output (monitor help, tables): not a hot path. */
	big = malloc((size_t)n + 1);
	if (!big) {
		o->err = GDBR_ENOMEM;
		return o->err;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = gdbr_out_write(o, big, (size_t)n);
	free(big);
	return rc;
}
