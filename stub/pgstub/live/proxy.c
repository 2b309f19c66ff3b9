/*
 * The live proxy: GDB's packets go to QEMU's gdbstub verbatim — run control,
 * breakpoints, registers, threads, QEMU's own packets — except the ones
 * pgstub owns (its monitor commands, the memory map, qSupported merging,
 * and with --qemu-ram the memory reads), which libgdb-remote's engine answers.
 */
#include "proxy_priv.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serving/transport.h"

static int starts(const char *p, const char *prefix)
{
	return !strncmp(p, prefix, strlen(prefix));
}

/* Tell GDB the request failed, with the reason when GDB shows it. */
static int reply_error(struct proxy *p, const char *why)
{
	char buf[200];

	snprintf(buf, sizeof(buf), "E.pgstub: %s", why);
	p->told = !p->q.alive;
	return rsp_conn_send_str(&p->gdb, buf);
}

void proxy_invalidate(struct proxy *p)
{
	rcache_drop_reads(&p->rc);
	if (p->g)
		guest_live_invalidate(p->g);
	if (p->s.nested)
		pgw_ctx_invalidate(p->s.nested);
}

/*
 * "ADDR,LENGTH" after an m, M or X, in libgdb-remote's hex: @return the
 * position after LENGTH (the end, or M's and X's ':'), or NULL.
 */
static const char *parse_addr_len(const char *pkt, size_t len, uint64_t *addr,
				  uint64_t *n)
{
	const char *end = pkt + len, *q = gdbr_hex_parse(pkt + 1, end, addr);

	if (!q || q == end || *q != ',')
		return NULL;
	return gdbr_hex_parse(q + 1, end, n);
}

/* ------------------------------------------------- forwarding to QEMU */

static int forward(struct proxy *p, const char *pkt, size_t len,
		   enum pending kind, int nreplies)
{
	p->rc.wanted[0] = 0;  /* GDB asked QEMU itself: no prefetch behind */
	if (!p->q.alive)
		return reply_error(p, p->q.why);
	if (rsp_conn_send(&p->q.c, pkt, len)) {
		qemu_close(&p->q, "cannot write to QEMU's gdbstub");
		return reply_error(p, p->q.why);
	}
	if (kind == P_PASS)
		rcache_expect(&p->rc, pkt);
	else
		p->rc.expect = RC_NONE;
	p->pending = kind;
	p->npending = nreplies;
	return 0;
}

/* m beyond QEMU's limit: several m packets, sent at once, one reply. */
static int forward_read(struct proxy *p, const char *pkt, size_t len)
{
	const char *q;
	uint64_t addr, n;
	int k = 0;

	/* What pgstub does not understand, QEMU answers as it does. */
	q = parse_addr_len(pkt, len, &addr, &n);
	if (q != pkt + len || n <= QEMU_MAX_READ)
		return forward(p, pkt, len, P_PASS, 1);
	if (n > PROXY_PACKET_SIZE / 2)
		n = PROXY_PACKET_SIZE / 2;
	if (!p->q.alive)
		return reply_error(p, p->q.why);
	{
		char subs[PROXY_PACKET_SIZE / 2 / QEMU_MAX_READ + 1][48];
		const char *reqs[PROXY_PACKET_SIZE / 2 / QEMU_MAX_READ + 1];

		for (uint64_t off = 0; off < n; off += QEMU_MAX_READ, k++) {
			uint64_t c = n - off < QEMU_MAX_READ ? n - off :
				     QEMU_MAX_READ;

			snprintf(subs[k], sizeof(subs[k]), "m%llx,%llx",
				 (unsigned long long)(addr + off),
				 (unsigned long long)c);
			reqs[k] = subs[k];
		}
		if (rsp_conn_send_many(&p->q.c, reqs, (size_t)k)) {
			qemu_close(&p->q, "cannot write to QEMU's gdbstub");
			return reply_error(p, p->q.why);
		}
	}
	p->agg_len = 0;
	p->agg_done = 0;
	p->agg_chunk = QEMU_MAX_READ;
	p->pending = P_MREAD;
	p->npending = k;
	return 0;
}

/* M/X beyond QEMU's buffer: M packets of QEMU_MAX_WRITE bytes. */
static int forward_write(struct proxy *p, const char *pkt, size_t len)
{
	uint64_t addr, n;
	unsigned char *data;
	const char *colon = parse_addr_len(pkt, len, &addr, &n);
	char *sub;
	int k = 0, rc = 0;
	long got;

	if (!colon || colon == pkt + len || *colon != ':' ||
	    n > PROXY_PACKET_SIZE)
		return rsp_conn_send_str(&p->gdb, "E22");
	if (pkt[0] == 'M' && n <= QEMU_MAX_WRITE)
		return forward(p, pkt, len, P_PASS, 1);
	data = malloc(n + 1);
	sub = malloc(2 * QEMU_MAX_WRITE + 64);
	if (!data || !sub) {
		rc = rsp_conn_send_str(&p->gdb, "E12");
		goto out;
	}
	colon++;
	if (pkt[0] == 'M')
		got = gdbr_hex_decode(data, colon, (size_t)(pkt + len - colon));
	else
		got = gdbr_bin_unescape(data, colon, (size_t)(pkt + len - colon));
	if (got != (long)n) {
		rc = rsp_conn_send_str(&p->gdb, "E22");
		goto out;
	}
	if (n == 0) {  /* X probe: QEMU knows no X; let it say so */
		rc = forward(p, pkt, len, P_PASS, 1);
		goto out;
	}
	if (!p->q.alive) {
		rc = reply_error(p, p->q.why);
		goto out;
	}
	for (uint64_t off = 0; off < n; off += QEMU_MAX_WRITE, k++) {
		uint64_t c = n - off < QEMU_MAX_WRITE ? n - off : QEMU_MAX_WRITE;
		int h = snprintf(sub, 64, "M%llx,%llx:",
				 (unsigned long long)(addr + off),
				 (unsigned long long)c);

		gdbr_hex_encode(sub + h, data + off, (size_t)c);
		if (rsp_conn_send(&p->q.c, sub, (size_t)h + 2 * c)) {
			qemu_close(&p->q, "cannot write to QEMU's gdbstub");
			rc = reply_error(p, p->q.why);
			goto out;
		}
	}
	p->agg_err[0] = 0;
	p->pending = P_MWRITE;
	p->npending = k;
out:
	free(data);
	free(sub);
	return rc;
}

/* ------------------------------------------------- packets from GDB */

/*
 * --qemu-ram `m`: pgstub's walker and the mapped RAM file answer; what the
 * file lacks (MMIO, ROM) is read by QEMU. Answered here rather than by
 * the engine: no copy through the engine's target op.
 */
static int fast_read(struct proxy *p, const char *pkt, size_t len)
{
	uint64_t addr, n;
	int rc;

	if (parse_addr_len(pkt, len, &addr, &n) != pkt + len)
		return rsp_conn_send_str(&p->gdb, "E22");
	if (n > PROXY_PACKET_SIZE / 2)
		n = PROXY_PACKET_SIZE / 2;
	if (!p->q.alive)
		return reply_error(p, p->q.why);
	if (n == 0)
		return rsp_conn_send(&p->gdb, "", 0);
	rc = session_read(&p->s, addr, p->agg, (size_t)n, p->q.gdb_phys);
	if (rc <= 0) {
		size_t got = qemu_read(&p->q, addr, p->agg, (size_t)n);

		rc = got ? (int)got : -1;
	}
	if (rc <= 0)
		return rsp_conn_send_str(&p->gdb, "E14");
	/* agg holds PROXY_PACKET_SIZE + 1 bytes: encode from the back. */
	memmove(p->agg + rc, p->agg, (size_t)rc);
	gdbr_hex_encode(p->agg, p->agg + rc, (size_t)rc);
	/* Run-length coded: GDB's own decoding is the bottleneck of bulk
	 * reads, and guest RAM is full of repeated bytes. */
	return rsp_conn_send(&p->gdb, p->rle,
			     gdbr_rle_encode(p->rle, p->agg, 2 * (size_t)rc));
}

/* Hand a packet to the engine (pgstub's own answer goes straight out). */
int proxy_engine_feed(struct proxy *p, const char *pkt, size_t len, int mute)
{
	static const char hex[] = "0123456789abcdef";
	char tail[3] = "#";
	uint8_t sum = gdbr_packet_checksum(pkt, len);
	int rc;

	tail[1] = hex[sum >> 4];
	tail[2] = hex[sum & 15];
	p->eng_mute = mute;
	rc = gdbr_server_feed(p->eng, "$", 1);
	if (!rc)
		rc = gdbr_server_feed(p->eng, pkt, len);
	if (!rc)
		rc = gdbr_server_feed(p->eng, tail, 3);
	p->eng_mute = 0;
	return rc;
}

static int is_resume(const char *pkt)
{
	if (pkt[0] == 'c' || pkt[0] == 's' || pkt[0] == 'C' || pkt[0] == 'S')
		return 1;
	return starts(pkt, "vCont;");
}

/* A resume that single-steps some vCPU ("s", "S", vCont's s, S or r). */
static int is_step(const char *pkt)
{
	if (pkt[0] == 's' || pkt[0] == 'S')
		return 1;
	return starts(pkt, "vCont;") && (strstr(pkt, ";s") ||
					 strstr(pkt, ";S") ||
					 strstr(pkt, ";r"));
}

/* "Hg…" names a vCPU: follow it for pgstub's views. */
static void note_hg(struct proxy *p, const char *pkt)
{
	const char *t = pkt + 2, *dot;
	unsigned long tid;

	snprintf(p->q.gdb_hg, sizeof(p->q.gdb_hg), "%s", pkt);
	if (*t == 'p' && (dot = strchr(t, '.')))
		t = dot + 1;
	tid = strtoul(t, NULL, 16);
	if (tid >= 1 && (int)tid <= p->q.ncpus) {
		p->q.gcpu = (int)tid - 1;
		p->s.cpu = p->q.gcpu;
	} else {
		p->q.gcpu = -1;  /* "any": QEMU's choice, unknown here */
	}
}

/* qSupported: QEMU's features, our PacketSize, our additions. */
static int merge_supported(struct proxy *p, const char *rep)
{
	char out[1024], item[256];
	size_t o = 0;
	const char *s = rep;

	o += (size_t)snprintf(out, sizeof(out),
			      "PacketSize=%x;QStartNoAckMode+%s",
			      PROXY_PACKET_SIZE, p->g && session_map_offered(&p->s) ?
			      ";qXfer:memory-map:read+" : "");
	while (*s && o < sizeof(out) - 256) {
		const char *e = strchr(s, ';');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		snprintf(item, sizeof(item), "%.*s", (int)n, s);
		s += n + (e != NULL);
		if (!item[0] || starts(item, "PacketSize=") ||
		    starts(item, "QStartNoAckMode") ||
		    starts(item, "qXfer:memory-map"))
			continue;
		o += (size_t)snprintf(out + o, sizeof(out) - o, ";%s", item);
	}
	if (p->fast && o < sizeof(out) - 32)
		o += (size_t)snprintf(out + o, sizeof(out) - o,
				      ";binary-upload+");
	return rsp_conn_send(&p->gdb, out, o);
}

int proxy_gdb_packet(struct proxy *p, const char *pkt, size_t len)
{
	const char *cached;
	size_t cached_len;

	if (len == 0)  /* the empty packet: unsupported, as the engine says */
		return rsp_conn_send(&p->gdb, "", 0);
	if (p->running)
		return reply_error(p, "the guest is running; interrupt it "
				   "first");
	if (!strcmp(pkt, "QStartNoAckMode")) {
		int rc = rsp_conn_send_str(&p->gdb, "OK");

		rsp_conn_set_noack(&p->gdb, 1);
		return rc;
	}
	if (pkt[0] == 'm' || pkt[0] == 'x')
		pgstub_log_begin();  /* GDB's setup is over (serve_log.c) */
	if (!rcache_keeps(pkt))
		rcache_drop_reads(&p->rc);
	if (starts(pkt, "qSupported"))
		return forward(p, pkt, len, P_SUPPORTED, 1);
	if (p->fast && pkt[0] == 'm')
		return fast_read(p, pkt, len);
	cached = rcache_lookup(&p->rc, pkt, &cached_len);
	if (cached)
		return rsp_conn_send(&p->gdb, cached, cached_len);
	/* Not offered (qSupported): unsupported, as the engine says it. */
	if (starts(pkt, "qXfer:memory-map:read:") && !session_map_offered(&p->s))
		return rsp_conn_send_str(&p->gdb, "");
	if (starts(pkt, "qRcmd,") || starts(pkt, "qXfer:memory-map:read:") ||
	    (p->fast && pkt[0] == 'x')) {
		int rc;

		/* A monitor command relayed to QEMU may add or remove vCPUs. */
		if (starts(pkt, "qRcmd,"))
			rcache_drop_all(&p->rc);
		rc = proxy_engine_feed(p, pkt, len, 0);

		/* Page-table reads leave QEMU in physical mode. */
		if (p->q.alive)
			qemu_restore(&p->q);
		return rc;
	}
	if (starts(pkt, "Qqemu.PhyMemMode:")) {
		p->q.gdb_phys = p->q.qemu_phys = pkt[17] == '1';
		proxy_engine_feed(p, pkt, len, 1);
		return forward(p, pkt, len, P_PASS, 1);
	}
	if (pkt[0] == 'm')
		return forward_read(p, pkt, len);
	if (pkt[0] == 'M' || pkt[0] == 'X') {
		if (p->o->read_only)
			return rsp_conn_send_str(&p->gdb, "E30");
		proxy_invalidate(p);
		return forward_write(p, pkt, len);
	}
	if (pkt[0] == 'G' || pkt[0] == 'P' || pkt[0] == 'D') {
		proxy_invalidate(p);
		if (pkt[0] == 'D')
			rcache_drop_all(&p->rc);
		return forward(p, pkt, len, P_PASS, 1);
	}
	if (pkt[0] == 'k') {
		/* QEMU exits without a reply. */
		proxy_invalidate(p);
		rcache_drop_all(&p->rc);
		return forward(p, pkt, len, P_NONE, 0);
	}
	if (is_resume(pkt)) {
		proxy_invalidate(p);
		if (!is_step(pkt))
			rcache_drop_all(&p->rc);
		if (forward(p, pkt, len, P_RUN, 1))
			return -1;
		p->running = p->q.alive;
		return 0;
	}
	if (starts(pkt, "Hg"))
		note_hg(p, pkt);
	return forward(p, pkt, len, P_PASS, 1);
}

/* ------------------------------------------------- packets from QEMU */

static void note_stop(struct proxy *p, const char *pkt)
{
	const char *t = strstr(pkt, "thread:");

	p->running = 0;
	p->q.gdb_hg[0] = 0;
	proxy_invalidate(p);
	if (!t)
		return;
	t += 7;
	if (*t == 'p' && strchr(t, '.'))
		t = strchr(t, '.') + 1;
	/* QEMU makes the stopping vCPU current for registers and memory. */
	p->q.gcpu = (int)strtoul(t, NULL, 16) - 1;
	if (p->q.gcpu >= 0 && p->q.gcpu < p->q.ncpus)
		p->s.cpu = p->q.gcpu;
	else
		p->q.gcpu = -1;
}

/*
 * GDB reads the registers after every stop, then the byte at the PC: ask
 * QEMU for both now, so that the answers are on their way while GDB takes
 * the stop in (about 375 us on GDB 13). The replies go to the cache, under
 * the request text GDB will use; anything GDB sends first that is not a
 * read (Hg, say) drops them unused.
 */
static void prefetch(struct proxy *p, const char *req)
{
	if (!p->q.alive || rsp_conn_send(&p->q.c, req, strlen(req)))
		return;
	rcache_expect(&p->rc, req);
	p->pending = P_PREFETCH;
	p->npending = 1;
}

/* GDB has sent something pgstub has not read yet. */
static int gdb_waiting(struct proxy *p)
{
	struct pollfd pf = { .fd = p->gdb.in_fd, .events = POLLIN };

	return p->gdb.in_pos < p->gdb.in_len || poll(&pf, 1, 0) > 0;
}

/*
 * The second prefetch, once QEMU answered "g": "m<pc>,1" as GDB spells it
 * (lower-case hex, no leading zeros). The PC's place in `g` is the
 * target's (qemu_connect: x86-64's RIP after 16 general registers, i386's
 * EIP after 8, aarch64's pc where its description puts it); little-endian.
 * When GDB has already sent something (its "g",
 * usually), that is answered first and the prefetch follows
 * (proxy_prefetch_deferred), so that GDB never waits behind it. Not with
 * --qemu-ram, where pgstub reads memory itself.
 */
static void prefetch_pc(struct proxy *p, const char *g, size_t len)
{
	const size_t at = 2 * p->q.pc_off, size = p->q.pc_size;
	unsigned char pc_le[8];
	uint64_t pc = 0;

	if (p->fast || !size || len < at + 2 * size || g[0] == 'E' ||
	    gdbr_hex_decode(pc_le, g + at, 2 * size) != (int)size)
		return;
	for (size_t i = size; i-- > 0;)
		pc = pc << 8 | pc_le[i];
	snprintf(p->rc.wanted, sizeof(p->rc.wanted), "m%llx,1",
		 (unsigned long long)pc);
	if (!gdb_waiting(p))
		proxy_prefetch_deferred(p);
}

/* The PC prefetch, if still wanted: GDB's packets since were all answered
 * from the cache, and nothing is on its way from QEMU. */
void proxy_prefetch_deferred(struct proxy *p)
{
	char req[sizeof(p->rc.wanted)];

	if (!p->rc.wanted[0] || p->npending || p->running)
		return;
	memcpy(req, p->rc.wanted, sizeof(req));
	p->rc.wanted[0] = 0;
	if (!rcache_lookup(&p->rc, req, &(size_t){ 0 }))
		prefetch(p, req);
}

int proxy_qemu_packet(struct proxy *p, const char *pkt, size_t len)
{
	if (rsp_is_console(pkt, len) && (p->pending == P_PASS ||
					 p->pending == P_RUN))
		return rsp_conn_send(&p->gdb, pkt, len);
	if (p->npending == 0)
		return 0;  /* unasked (QEMU's stop at connection): dropped */
	p->npending--;
	switch (p->pending) {
	case P_RUN: {
		int rc;

		note_stop(p, pkt);
		p->pending = P_NONE;
		rc = rsp_conn_send(&p->gdb, pkt, len);
		if (!rc && (pkt[0] == 'T' || pkt[0] == 'S'))
			prefetch(p, "g");
		return rc;
	}
	case P_PREFETCH: {
		int was_g = !strcmp(p->rc.pending_req, "g");

		p->pending = P_NONE;
		rcache_store(&p->rc, pkt, len);
		if (was_g)
			prefetch_pc(p, pkt, len);
		return 0;
	}
	case P_SUPPORTED:
		p->pending = P_NONE;
		return merge_supported(p, pkt);
	case P_MREAD:
		if (!p->agg_done) {
			if (pkt[0] == 'E' || (len & 1) ||
			    p->agg_len + len > PROXY_PACKET_SIZE) {
				p->agg_done = 1;
				if (p->agg_len == 0)
					snprintf(p->agg, sizeof(p->agg), "%s",
						 len < 8 ? pkt : "E14"),
					p->agg_len = strlen(p->agg);
			} else {
				memcpy(p->agg + p->agg_len, pkt, len);
				p->agg_len += len;
				if (len / 2 < p->agg_chunk)
					p->agg_done = 1;  /* short read */
			}
		}
		if (p->npending)
			return 0;
		p->pending = P_NONE;
		return rsp_conn_send(&p->gdb, p->agg, p->agg_len);
	case P_MWRITE:
		if (strcmp(pkt, "OK") && !p->agg_err[0])
			snprintf(p->agg_err, sizeof(p->agg_err), "%.15s", pkt);
		if (p->npending)
			return 0;
		p->pending = P_NONE;
		proxy_invalidate(p);
		return rsp_conn_send_str(&p->gdb, p->agg_err[0] ? p->agg_err : "OK");
	case P_PASS:
		rcache_store(&p->rc, pkt, len);
		break;
	default:
		break;
	}
	if (!p->npending)
		p->pending = P_NONE;
	return rsp_conn_send(&p->gdb, pkt, len);
}

/* QEMU went away: answer what GDB waits for, keep serving. */
void proxy_qemu_lost(struct proxy *p)
{
	rcache_drop_all(&p->rc);
	pgstub_transport_log(stderr, "pgstub: %s\n", p->q.why);
	if (p->running) {
		char o[256] = "O";
		char msg[200];

		snprintf(msg, sizeof(msg), "pgstub: %s\n", p->q.why);
		gdbr_hex_encode(o + 1, msg, strlen(msg));
		rsp_conn_send(&p->gdb, o, 1 + 2 * strlen(msg));
		/* The machine is gone: report it killed. */
		rsp_conn_send_str(&p->gdb, "X09");
		p->running = 0;
		p->told = 1;
	} else if (p->npending && p->pending != P_NONE &&
		   p->pending != P_PREFETCH) {
		reply_error(p, p->q.why);
	}
	p->pending = P_NONE;
	p->npending = 0;
}
