/*
 * What `check` and `diff` share: an output sink (the monitor's packets or
 * stdout) with printf, and the renderings of permissions, page sizes and a
 * VA's path of entries that their text and JSON forms both use.
 */
#ifndef PGSTUB_LINT_OUT_H
#define PGSTUB_LINT_OUT_H

#include "pgwalk.h"

#include <stdint.h>

struct lint_out {
	pgw_write_fn write;
	void *payload;
	int err;                 /* first negative write result, sticky */
};

/* printf to the sink; after a failed write, nothing more is written. */
int lint_printf(struct lint_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "rwxu" with '-' for what is missing; @buf holds 5 bytes. */
const char *lint_perms(unsigned perms, char buf[5]);

/* "4K", "2M", "1G", "64K", "16M", "16G", else "0x…" bytes; @buf 24 bytes. */
const char *lint_size(uint64_t size, char buf[24]);

/*
 * The entries a translation of @va reads on @c (guest and nested stages),
 * as text "NAME[idx]=0xENTRY > …" or as a JSON array of
 * {"stage","level","name","index","entry"}. One uncached translation: call
 * it per finding, not per page.
 */
void lint_path(struct lint_out *o, pgw_ctx *c, uint64_t va, int json);

/* pgw_write_fn over stdio: payload is a FILE *. */
int lint_write_file(const char *buf, size_t len, void *payload);

#endif
