/*
 * Output plumbing of the views: a 64 KiB buffer flushed through the caller's
 * write callback, and hand-written number formatting for the per-line hot
 * path.
 */
#include "view_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pgw_out *pgw__out_new(pgw_write_fn write, void *payload)
{
	struct pgw_out *o;

	if (!write)
		return NULL;
	o = malloc(sizeof(*o));
	if (!o)
		return NULL;
	o->write = write;
	o->payload = payload;
	o->err = 0;
	o->n = 0;
	return o;
}

int pgw__out_flush(struct pgw_out *o)
{
	if (o->n && !o->err) {
		int rc = o->write(o->buf, o->n, o->payload);

		if (rc < 0)
			o->err = rc;
	}
	o->n = 0;
	return o->err;
}

int pgw__out_done(struct pgw_out *o, int rc)
{
	int werr;

	if (!o)
		return rc;
	werr = pgw__out_flush(o);
	free(o);
	return werr ? werr : rc;
}

char *pgw__put_hex(char *p, uint64_t v, unsigned min)
{
	unsigned digits = 1;

	for (uint64_t t = v >> 4; t; t >>= 4)
		digits++;
	return pgw__put_hex_fixed(p, v, digits > min ? digits : min);
}

char *pgw__put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

char *pgw__put_pad(char *p, const char *s, unsigned width, int left)
{
	size_t n = strlen(s);
	size_t pad = n < width ? width - n : 0;

	if (!left) {
		memset(p, ' ', pad);
		p += pad;
	}
	memcpy(p, s, n);
	p += n;
	if (left) {
		memset(p, ' ', pad);
		p += pad;
	}
	return p;
}

char *pgw__put_udec(char *p, uint64_t v)
{
	char tmp[24];
	unsigned n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

void pgw__perm_letters(char out[6], unsigned perms)
{
	out[0] = (perms & PGW_PERM_R) ? 'r' : '-';
	out[1] = (perms & PGW_PERM_W) ? 'w' : '-';
	out[2] = (perms & PGW_PERM_X) ? 'x' : '-';
	out[3] = (perms & PGW_PERM_U) ? 'u' : '-';
	/* arm64's second execute right (EL0): only where it is granted, so
	 * that the other arches keep their four letters. */
	out[4] = (perms & PGW_PERM_UX) ? 'X' : 0;
	out[5] = 0;
}

char *pgw__put_size(char *p, uint64_t size)
{
	static const struct { uint64_t unit; char c; } u[] = {
		{ 1ULL << 40, 'T' }, { 1ULL << 30, 'G' }, { 1ULL << 20, 'M' },
		{ 1ULL << 10, 'K' },
	};

	for (unsigned i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		if (size >= u[i].unit && size % u[i].unit == 0) {
			p = pgw__put_udec(p, size / u[i].unit);
			*p++ = u[i].c;
			return p;
		}
	}
	p = pgw__put_str(p, "0x");
	return pgw__put_hex(p, size, 1);
}

void pgw__out_printf(struct pgw_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p = pgw__out_reserve(o, 1024);

	va_start(ap, fmt);
	n = vsnprintf(p, 1024, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n >= 1024)
		n = 1023;  /* lines are short; never split one across flushes */
	o->n += (size_t)n;
}
