/*
 * Output plumbing of the views: a 64 KiB buffer flushed through the caller's
 * write callback, hand-written number formatting for the per-line hot path,
 * and the flag letters shared by info pg and vtop.
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

void pgw__perm_letters(char out[5], unsigned perms)
{
	out[0] = (perms & PGW_PERM_R) ? 'r' : '-';
	out[1] = (perms & PGW_PERM_W) ? 'w' : '-';
	out[2] = (perms & PGW_PERM_X) ? 'x' : '-';
	out[3] = (perms & PGW_PERM_U) ? 'u' : '-';
	out[4] = 0;
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

static const uint64_t x86_flag_bits[10] = {
	X86_NX, X86_G, X86_PS, X86_D, X86_A, X86_PCD, X86_PWT, X86_US,
	X86_RW, X86_P,
};

uint64_t pgw__flag_key(const struct pgw_level *lv, uint64_t e)
{
	if (lv->kind == PGW_KIND_EPT)
		return e & ((1ULL << 10) | (1ULL << 9) | (1ULL << 8) | X86_PS |
			    EPT_X | EPT_W | EPT_R);
	if (lv->leaf == PGW_LEAF_ALWAYS)
		e &= ~X86_PS;  /* bit 7 of a last-level entry is PAT */
	return e & (X86_NX | X86_G | X86_PS | X86_D | X86_A | X86_PCD |
		    X86_PWT | X86_US | X86_RW | X86_P);
}

void pgw__flag_letters(const struct pgw_level *lv, uint64_t e, char out[11])
{
	if (lv->kind == PGW_KIND_EPT) {
		/* SDM 3C 29.3.2: bit 10 user-mode execute, 9 dirty,
		 * 8 accessed, 7 page size; no present bit. */
		out[0] = (e & (1ULL << 10)) ? 'U' : '-';
		out[1] = (e & (1ULL << 9)) ? 'D' : '-';
		out[2] = (e & (1ULL << 8)) ? 'A' : '-';
		out[3] = (e & X86_PS) ? 'S' : '-';
		out[4] = (e & EPT_X) ? 'X' : '-';
		out[5] = (e & EPT_W) ? 'W' : '-';
		out[6] = (e & EPT_R) ? 'R' : '-';
		memset(out + 7, ' ', 3);
		out[10] = 0;
		return;
	}
	e = pgw__flag_key(lv, e);
	for (unsigned i = 0; i < 10; i++)
		out[i] = (e & x86_flag_bits[i]) ? "XGSDACTUWP"[i] : '-';
	out[10] = 0;
}
