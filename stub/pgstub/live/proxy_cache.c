/*
 * QEMU's answers to requests that change nothing, kept while the guest
 * stays stopped. After every single-step GDB reads the registers, the byte
 * at the PC several times and the whole vCPU list; each forwarded exchange
 * costs pgstub two more trips through the kernel, which made stepping
 * through pgstub slower than stepping on QEMU directly (proxy.c also asks
 * for the registers and the byte at the PC as soon as a stop is relayed,
 * while GDB takes it in).
 * Memory and register replies live until anything other than a read is
 * asked (proxy.c drops them on every resume, stop and write too); the vCPU
 * list lives across single-steps, since only QEMU's monitor adds or removes
 * vCPUs: a continue, a monitor command or a new session drops it.
 */
#include "proxy_priv.h"

#include <string.h>

void rcache_drop_reads(struct reply_cache *c)
{
	for (unsigned i = 0; i < RCACHE_SLOTS; i++)
		c->mem[i].req[0] = 0;
	c->expect = RC_NONE;
	c->wanted[0] = 0;
}

void rcache_drop_all(struct reply_cache *c)
{
	rcache_drop_reads(c);
	c->nthreads = 0;
	c->threads_complete = 0;
	c->cursor = 0;
}

static int starts(const char *pkt, const char *prefix)
{
	return !strncmp(pkt, prefix, strlen(prefix));
}

int rcache_keeps(const char *pkt)
{
	return pkt[0] == 'm' || pkt[0] == 'g' || pkt[0] == 'p' ||
	       !strcmp(pkt, "qfThreadInfo") || !strcmp(pkt, "qsThreadInfo") ||
	       !strcmp(pkt, "qC") ||
	       starts(pkt, "qAttached") || starts(pkt, "qThreadExtraInfo,");
}

/* A read of memory or registers, kept by its request text. */
static int cacheable_read(const char *pkt)
{
	return (pkt[0] == 'm' || pkt[0] == 'g' || pkt[0] == 'p') &&
	       strlen(pkt) < RCACHE_REQ;
}

const char *rcache_lookup(struct reply_cache *c, const char *pkt,
			  size_t *len)
{
	if (c->threads_complete && !strcmp(pkt, "qfThreadInfo")) {
		c->cursor = 1;
		*len = c->thread[0].len;
		return c->thread[0].reply;
	}
	if (c->threads_complete && !strcmp(pkt, "qsThreadInfo") &&
	    c->cursor > 0 && c->cursor < c->nthreads) {
		*len = c->thread[c->cursor].len;
		return c->thread[c->cursor++].reply;
	}
	if (cacheable_read(pkt))
		for (unsigned i = 0; i < RCACHE_SLOTS; i++)
			if (!strcmp(c->mem[i].req, pkt)) {
				*len = c->mem[i].r.len;
				return c->mem[i].r.reply;
			}
	return NULL;
}

void rcache_expect(struct reply_cache *c, const char *pkt)
{
	c->expect = RC_NONE;
	if (!strcmp(pkt, "qfThreadInfo")) {
		c->expect = RC_THREADS_FIRST;
	} else if (!strcmp(pkt, "qsThreadInfo")) {
		if (c->nthreads > 0 && !c->threads_complete)
			c->expect = RC_THREADS_NEXT;
	} else if (cacheable_read(pkt)) {
		c->expect = RC_READ;
		strcpy(c->pending_req, pkt);
	}
}

static void keep(struct rcache_reply *r, const char *reply, size_t len)
{
	memcpy(r->reply, reply, len);
	r->len = len;
}

void rcache_store(struct reply_cache *c, const char *reply, size_t len)
{
	enum rc_expect e = c->expect;
	struct rcache_mem *m;

	c->expect = RC_NONE;
	if (len > RCACHE_REPLY || e == RC_NONE)
		return;
	switch (e) {
	case RC_THREADS_FIRST:
		c->nthreads = 0;
		c->threads_complete = 0;
		/* fall through */
	case RC_THREADS_NEXT:
		if (c->nthreads == RCACHE_THREAD_REPLIES ||
		    (reply[0] != 'm' && reply[0] != 'l')) {
			c->nthreads = 0;  /* too many, or an error: not kept */
			return;
		}
		keep(&c->thread[c->nthreads++], reply, len);
		c->threads_complete = reply[0] == 'l';
		return;
	case RC_READ:
		if (len == 0 || reply[0] == 'E')
			return;
		m = &c->mem[c->next++ % RCACHE_SLOTS];
		strcpy(m->req, c->pending_req);
		keep(&m->r, reply, len);
		return;
	case RC_NONE:
		break;
	}
}
