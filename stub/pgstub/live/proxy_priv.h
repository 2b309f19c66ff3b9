/*
 * The proxy's state shared by proxy.c (packet routing), proxy_loop.c
 * (connections and the event loop) and live_ops.c (the engine's target
 * ops and the live guest's callbacks).
 */
#ifndef PGSTUB_PROXY_PRIV_H
#define PGSTUB_PROXY_PRIV_H

#include "proxy.h"

/** What the replies QEMU owes are for. */
enum pending {
	P_NONE = 0,
	P_PASS,        /* relay verbatim (O packets too) */
	P_RUN,         /* resumed: the reply is the stop */
	P_SUPPORTED,   /* qSupported: merge */
	P_MREAD,       /* a split m: join */
	P_MWRITE,      /* a split M/X: one OK or the first error */
	P_PREFETCH,    /* pgstub's g, then m<pc>, after a stop: to the cache */
};

/* proxy_cache.c: QEMU's replies to requests without effects, reused while
 * the guest is stopped. */
#define RCACHE_SLOTS 8             /* memory and register replies */
#define RCACHE_REQ 48              /* longest request kept ("m<addr>,<len>") */
#define RCACHE_REPLY 2048          /* longest reply kept (x86_64 g: 1220) */
#define RCACHE_THREAD_REPLIES 16   /* qfThreadInfo + qsThreadInfo replies */

enum rc_expect { RC_NONE, RC_READ, RC_THREADS_FIRST, RC_THREADS_NEXT };

struct rcache_reply {
	char reply[RCACHE_REPLY];
	size_t len;
};

struct rcache_mem {
	char req[RCACHE_REQ];      /* "" = empty slot */
	struct rcache_reply r;
};

struct reply_cache {
	struct rcache_mem mem[RCACHE_SLOTS];
	unsigned next;             /* slot to fill next */
	struct rcache_reply thread[RCACHE_THREAD_REPLIES];
	int nthreads;              /* replies kept, the last "l" when complete */
	int threads_complete;
	int cursor;                /* next qsThreadInfo reply to give */
	enum rc_expect expect;     /* what the forwarded request's reply is */
	char pending_req[RCACHE_REQ];
	char wanted[RCACHE_REQ];   /* a read to prefetch once GDB's waiting
				    * packets are answered (proxy.c's PC
				    * byte): dropped with the reads */
};

void rcache_drop_reads(struct reply_cache *c);
void rcache_drop_all(struct reply_cache *c);
/* @pkt changes nothing QEMU would answer differently afterwards. */
int rcache_keeps(const char *pkt);
const char *rcache_lookup(struct reply_cache *c, const char *pkt,
			  size_t *len);
/* @pkt goes to QEMU; its reply, handed to rcache_store, may be kept. */
void rcache_expect(struct reply_cache *c, const char *pkt);
void rcache_store(struct reply_cache *c, const char *reply, size_t len);

struct proxy {
	const struct live_opts *o;
	struct qemu_conn q;
	struct rsp_conn gdb;
	guest *g;                  /* the live guest of this QEMU session */
	struct session s;
	gdbr_server *eng;          /* answers the packets pgstub owns */
	unsigned char engbuf[PROXY_PACKET_SIZE];
	int eng_mute;              /* drop the engine's output */
	int fast;                  /* RAM read from the shared file */
	int running;
	int told;                  /* GDB got an error about QEMU */
	enum pending pending;
	int npending;
	/* split m / M */
	char agg[PROXY_PACKET_SIZE + 1];
	size_t agg_len, agg_chunk;
	int agg_done;
	char agg_err[16];
	char rle[PROXY_PACKET_SIZE];   /* fast reads, run-length coded */
	struct reply_cache rc;
};

int proxy_gdb_packet(struct proxy *p, const char *pkt, size_t len);
int proxy_qemu_packet(struct proxy *p, const char *pkt, size_t len);
void proxy_qemu_lost(struct proxy *p);
void proxy_invalidate(struct proxy *p);
void proxy_prefetch_deferred(struct proxy *p);
int proxy_engine_feed(struct proxy *p, const char *pkt, size_t len, int mute);
/* proxy_loop.c: the engine answering pgstub's packets (p->o set first),
 * and its fresh state per GDB session. @return 0 or -1 */
int proxy_engine_new(struct proxy *p);
void proxy_engine_reset(struct proxy *p);

/* live_ops.c */
extern const struct gdbr_target_ops live_target_ops;
extern const struct guest_live_ops live_guest_ops;

#endif /* PGSTUB_PROXY_PRIV_H */
