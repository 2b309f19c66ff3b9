/*
 * Shared helpers of the text views (view_*.c): a buffered output sink that
 * formats numbers by hand, so that printing one line costs a few stores and
 * nothing is allocated per line, and the arch's flag letters.
 */
#ifndef PGW_VIEW_PRIV_H
#define PGW_VIEW_PRIV_H

#include "walker_priv.h"

#include <string.h>

#define PGW_OUT_BUF 65536

/* Output buffer, flushed through the caller's write callback. */
struct pgw_out {
	pgw_write_fn write;
	void *payload;
	int err;                  /* first negative write() result, sticky */
	size_t n;
	char buf[PGW_OUT_BUF];
};

/* Allocate (the buffer is too large for some thread stacks); NULL if OOM. */
struct pgw_out *pgw__out_new(pgw_write_fn write, void *payload);
/* Flush, free, and return @rc unless a write failed first. */
int pgw__out_done(struct pgw_out *o, int rc);
int pgw__out_flush(struct pgw_out *o);

/* Room for one line: flush when fewer than @need bytes are left. */
static inline char *pgw__out_reserve(struct pgw_out *o, size_t need)
{
	if (PGW_OUT_BUF - o->n < need)
		pgw__out_flush(o);
	return o->buf + o->n;
}

static inline void pgw__out_commit(struct pgw_out *o, char *end)
{
	o->n = (size_t)(end - o->buf);
}

/*
 * End the open JSON record's line: ",\n" when another record follows,
 * "\n" after the first. Written before the buffer may be flushed, so the
 * sink still receives whole lines (pgw_write_fn); records reserve far more
 * than they write, so the room is always there.
 */
static inline void pgw__out_json_end_line(struct pgw_out *o, bool first)
{
	const char *sep = first ? "\n" : ",\n";
	size_t n = first ? 1 : 2;

	if (PGW_OUT_BUF - o->n >= n) {
		memcpy(o->buf + o->n, sep, n);
		o->n += n;
	}
}

/* Append helpers on a raw cursor (caller reserved the room). */
static inline char *pgw__put_hex_fixed(char *p, uint64_t v, unsigned digits)
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned i = digits; i-- > 0;) {
		p[i] = hex[v & 15];
		v >>= 4;
	}
	return p + digits;
}

/* At least @min digits, more if @v needs them (like "%0*llx"). */
char *pgw__put_hex(char *p, uint64_t v, unsigned min);
char *pgw__put_str(char *p, const char *s);
char *pgw__put_pad(char *p, const char *s, unsigned width, int left);
char *pgw__put_udec(char *p, uint64_t v);

/* Append formatted text (vtop and other rare lines only). */
void pgw__out_printf(struct pgw_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Flag letters of an entry, 10 characters plus NUL, and the bits they
 * show as a comparison key: the arch's (struct pgw_arch.flag_letters). */
static inline void pgw__flag_letters(const pgw_ctx *c, int level, uint64_t e,
				     char out[11])
{
	c->fmt->arch->flag_letters(&c->fmt->lv[level], e, out);
}

static inline uint64_t pgw__flag_key(const pgw_ctx *c, int level, uint64_t e)
{
	return c->fmt->arch->flag_key(&c->fmt->lv[level], e);
}

/* QEMU's addr_canonical(): sign-extend from bit va_bits-1, never clear. */
static inline uint64_t pgw__qemu_canon(unsigned va_bits, uint64_t a)
{
	if (va_bits > 32 && va_bits < 64 && (a & (1ULL << (va_bits - 1))))
		a |= ~((1ULL << va_bits) - 1);
	return a;
}

/* Mask of the format's input-index space (all ones for 64 bits). */
static inline uint64_t pgw__index_mask(const struct pgw_format *f)
{
	return f->va_bits >= 64 ? ~0ULL : (1ULL << f->va_bits) - 1;
}

/* Effective permissions as "rwxu" ('-' where a right is missing), then 'X'
 * when arm64 grants EL0 execution (PGW_PERM_UX), NUL terminated: vtop's
 * result and hash `info pg` rows. */
void pgw__perm_letters(char out[6], unsigned perms);

/* Size as "4K", "2M", "1G" … or hex bytes. */
char *pgw__put_size(char *p, uint64_t size);

#endif /* PGW_VIEW_PRIV_H */
