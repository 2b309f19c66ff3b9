/*
 * The live proxy's connections: GDB on stdio, TCP (TCP_NODELAY) or a Unix
 * socket, one QEMU gdbstub connection per GDB session (QEMU stops the guest
 * when a debugger connects, as it would for GDB itself), and the event
 * loop that moves packets both ways until GDB leaves.
 */
#include "proxy_priv.h"
#include "serving/transport.h"
#include "serving/serve.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>


static int engine_write(const void *buf, size_t len, void *payload)
{
	struct proxy *p = payload;

	if (p->eng_mute)
		return 0;
	return rsp_conn_raw(&p->gdb, buf, len) ? GDBR_EIO : 0;
}

static const struct gdbr_conn_ops engine_conn = { engine_write, NULL };

int proxy_engine_new(struct proxy *p)
{
	struct gdbr_server_config cfg = GDBR_SERVER_CONFIG_INIT;

	cfg.conn = &engine_conn;
	cfg.conn_payload = p;
	cfg.target = &live_target_ops;
	cfg.target_payload = p;
	cfg.packet_buf = p->engbuf;
	cfg.packet_size = sizeof(p->engbuf);
	if (gdbr_server_new(&p->eng, &cfg) < 0)
		return -1;
	pgstub_limits_apply(&p->o->lim, NULL, p->eng);
	return 0;
}

void proxy_engine_reset(struct proxy *p)
{
	static const char noack[] = "QStartNoAckMode";

	gdbr_server_reset(p->eng);
	proxy_engine_feed(p, noack, sizeof(noack) - 1, 1);
	rcache_drop_all(&p->rc);
}

/* Connect to QEMU and build the live guest; failures leave q.alive 0. */
static int open_qemu(struct proxy *p)
{
	struct guest_live_range *r = NULL;
	uint64_t ram_size = 0;
	struct stat st;
	char err[512];
	size_t n = 0;

	if (qemu_connect(&p->q, p->o->qemu)) {
		fprintf(stderr, "pgstub: %s\n", p->q.why);
		return 0;
	}
	if (guest_live_open(&p->g, p->q.ncpus, p->q.arch, &live_guest_ops, p,
			    err, sizeof(err)))
		goto fatal;
	for (size_t i = 0; i < p->o->nregs; i++)
		if (guest_live_set_reg(p->g, p->o->regs[i].name,
				       p->o->regs[i].value, err, sizeof(err)))
			goto fatal;
	if (p->o->ram) {
		if (stat(p->o->ram, &st) || st.st_size <= 0) {
			snprintf(err, sizeof(err), "--qemu-ram %s: %s", p->o->ram,
				 strerror(errno ? errno : EINVAL));
			goto fatal;
		}
		ram_size = (uint64_t)st.st_size;
	}
	/* The layout comes from QEMU (QMP, else its monitor through the
	 * gdbstub); without it every physical address is asked of QEMU. */
	if (live_layout(&p->q, p->o->qmp, ram_size, &r, &n, err, sizeof(err)) ||
	    guest_live_set_ranges(p->g, r, n, p->o->ram, err, sizeof(err))) {
		free(r);
		if (p->o->ram || !p->q.alive)
			goto fatal;
		fprintf(stderr, "pgstub: warning: %s\n", err);
	} else {
		free(r);
	}
	session_init(&p->s, p->g);
	pgstub_limits_apply(&p->o->lim, &p->s, NULL);
	p->fast = guest_live_has_ram_file(p->g);
	return 0;
fatal:
	fprintf(stderr, "pgstub: %s\n", err);
	qemu_close(&p->q, err);
	return -1;
}

static void close_qemu(struct proxy *p)
{
	qemu_close(&p->q, "the session ended");
	if (p->g) {
		session_fini(&p->s);
		guest_close(p->g);
		p->g = NULL;
	}
	memset(&p->s, 0, sizeof(p->s));
	p->fast = 0;
}

/* Until something is ready or @wake (pgstub_now_ms(), 0: none) passes. */
static int wait_ready(struct pollfd *fds, int nfd, long long wake)
{
	int r = pgstub_transport_poll(fds, nfd, wake);

	/* Spinning before blocking was tried: on 2 shared CPUs it takes
	 * time from QEMU and GDB and made round trips slower. */
	return r < 0 && errno != EINTR ? -1 : 0;
}

/* GDB closed its end (seen without consuming what it sent). */
static int peer_closed(int fd)
{
	char b;
	ssize_t n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);

	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
			  errno != EINTR && errno != ENOTSOCK);
}

/*
 * One GDB session. @return 0 when GDB left (or was closed: an idle or
 * write timeout), 1 when QEMU went away (or was unreachable), -1 on a
 * setup error.  Connections on @p listen_fd (-1: none) meanwhile are
 * refused through @p ref.
 */
static int serve(struct proxy *p, int in_fd, int out_fd, int listen_fd,
		 struct pgstub_refusals *ref)
{
	const int idle_ms = (int)(p->o->lim.idle_s * 1000);
	long long idle_end = 0;
	int lost = 0;

	if (rsp_conn_init(&p->gdb, in_fd, out_fd)) {
		fprintf(stderr, "pgstub: out of memory\n");
		return -1;
	}
	p->gdb.write_ms = (int)(p->o->lim.write_s * 1000);
	p->running = 0;
	p->pending = P_NONE;
	p->npending = 0;
	p->told = 0;
	proxy_engine_reset(p);
	if (open_qemu(p))
		return -1;
	if (!p->q.alive)
		lost = 1;
	for (;;) {
		struct pollfd fds[3 + PGSTUB_MAX_REFUSALS];
		int nfd = 0, gi = -1, qi = -1, li = -1, ri, ev;
		long long wake = 0, now;

		/* GDB's next packet once QEMU answered the last; Ctrl-C and
		 * stray packets while the guest runs. */
		while ((p->npending == 0 || p->running) && !p->gdb.eof) {
			ev = rsp_conn_next(&p->gdb);
			if (ev == RSP_PACKET)
				proxy_gdb_packet(p, p->gdb.pkt, p->gdb.len);
			else if (ev == RSP_MALFORMED)  /* its error reply */
				rsp_conn_send(&p->gdb, p->gdb.pkt, p->gdb.len);
			else if (ev == RSP_INTERRUPT && p->q.alive)
				rsp_conn_raw(&p->q.c, "\003", 1);
			else if (ev == RSP_NONE)
				break;
		}
		proxy_prefetch_deferred(p);
		/* A malformed reply from QEMU reaches GDB as its error. */
		while (p->q.alive && (ev = rsp_conn_next(&p->q.c)) != RSP_NONE)
			if (ev == RSP_PACKET || ev == RSP_MALFORMED)
				proxy_qemu_packet(p, p->q.c.pkt, p->q.c.len);
		if (!p->q.alive && p->npending) {
			proxy_qemu_lost(p);
			lost = 1;
		}
		/* --once: end when GDB has been told QEMU is gone. */
		if (p->gdb.eof || (lost && p->o->once && p->told))
			break;
		/* Idle means GDB owes the next move: not while the guest
		 * runs or QEMU has yet to answer. */
		if (!idle_ms || p->running || p->npending)
			idle_end = 0;
		else if (!idle_end)
			idle_end = pgstub_now_ms() + idle_ms;
		wake = idle_end;
		if (p->npending == 0 || p->running) {
			fds[nfd] = (struct pollfd){ .fd = p->gdb.in_fd, .events = POLLIN };
			gi = nfd++;
		}
		if (p->q.alive) {
			fds[nfd] = (struct pollfd){ .fd = p->q.c.in_fd, .events = POLLIN };
			qi = nfd++;
		}
		if (listen_fd >= 0) {
			fds[nfd] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
			li = nfd++;
		}
		ri = nfd;
		nfd += pgstub_refusals_poll(ref, fds + ri, &wake);
		if (wait_ready(fds, nfd, wake) < 0)
			break;
		now = pgstub_now_ms();
		if (qi >= 0 && fds[qi].revents &&
		    rsp_conn_fill(&p->q.c, -1) < 0) {
			qemu_close(&p->q, "QEMU closed the gdbstub connection");
			proxy_qemu_lost(p);
			lost = 1;
		}
		if (gi >= 0 && fds[gi].revents) {
			rsp_conn_fill(&p->gdb, -1);
			idle_end = 0;
		}
		pgstub_refusals_update(ref, fds + ri, now);
		/* A newcomer while GDB is still there is refused; if GDB just
		 * left, the newcomer is the next session. */
		if (li >= 0 && fds[li].revents && !p->gdb.eof &&
		    !peer_closed(p->gdb.in_fd))
			pgstub_refusals_accept(ref, listen_fd);
		if (idle_end && now >= idle_end) {
			p->gdb.why = "idle timeout";
			break;
		}
	}
	if (p->gdb.why)
		pgstub_transport_log(stderr, "pgstub: connection closed: %s\n",
				   p->gdb.why);
	close_qemu(p);
	return lost;
}

int proxy_main(const struct live_opts *o)
{
	struct proxy *p = calloc(1, sizeof(*p));
	struct pgstub_refusals ref = { .n = 0, .log = stderr };
	int lfd = -1, rc = 1;

	if (!p)
		return 1;
	p->o = o;
	p->q.c.in_fd = p->q.c.out_fd = -1;
	if (proxy_engine_new(p)) {
		fprintf(stderr, "pgstub: cannot create the protocol engine\n");
		goto out;
	}
	if (o->stdio) {
		int r = serve(p, 0, 1, -1, &ref);

		rc = r != 0;
		goto out;
	}
	if (pgstub_listen(o->listen, o->unix_path, &lfd))
		goto out;
	pgstub_log_begin();
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC), r;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, "pgstub: accept: %s\n", strerror(errno));
			break;
		}
		pgstub_transport_tune_socket(fd, (int)o->lim.idle_s);
		r = serve(p, fd, fd, lfd, &ref);
		pgstub_refusals_flush(&ref);
		close(fd);
		if (r < 0 || o->once) {
			rc = r != 0;
			break;
		}
	}
out:
	if (lfd >= 0)
		close(lfd);
	if (o->unix_path && !o->stdio)
		unlink(o->unix_path);
	gdbr_server_free(p->eng);
	rsp_conn_release(&p->gdb);
	rsp_conn_release(&p->q.c);
	free(p);
	return rc;
}
