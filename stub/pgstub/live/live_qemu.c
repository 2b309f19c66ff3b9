/*
 * pgstub's own connection to QEMU's gdbstub: connecting (TCP_NODELAY, NoAck,
 * vCPU count), pipelined synchronous exchanges while the guest is stopped,
 * and the reads pgstub needs for its views — physical memory through
 * Qqemu.PhyMemMode and x86 vCPU registers through `g` (aarch64's:
 * live_arm64.c, riscv64's: live_riscv.c) — restoring GDB's modes.
 */
#include "proxy.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define TIMEOUT_MS 15000

void qemu_close(struct qemu_conn *q, const char *why)
{
	if (q->alive || q->c.in_fd >= 0) {
		if (q->c.in_fd >= 0)
			close(q->c.in_fd);
		q->c.in_fd = q->c.out_fd = -1;
	}
	if (q->alive && why)
		snprintf(q->why, sizeof(q->why), "%s", why);
	q->alive = 0;
}

static int dial(const char *spec, int *tcp, char *why, size_t whylen)
{
	int fd = -1;

	*tcp = 0;
	if (!strncmp(spec, "unix:", 5)) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		if (strlen(spec + 5) >= sizeof(sa.sun_path)) {
			snprintf(why, whylen, "socket path too long: %s", spec + 5);
			return -1;
		}
		strcpy(sa.sun_path, spec + 5);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			snprintf(why, whylen, "cannot connect to QEMU at %s: %s",
				 spec, strerror(errno));
			close(fd);
			return -1;
		}
	} else {
		struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
		const char *colon = strrchr(spec, ':');
		char host[256];
		int rc, err = 0;

		if (!colon || colon == spec || !colon[1] ||
		    (size_t)(colon - spec) >= sizeof(host)) {
			snprintf(why, whylen, "--qemu: expected HOST:PORT or "
				 "unix:PATH, got '%s'", spec);
			return -1;
		}
		snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
		rc = getaddrinfo(host, colon + 1, &hints, &res);
		if (rc) {
			snprintf(why, whylen, "%s: %s", spec, gai_strerror(rc));
			return -1;
		}
		for (ai = res; ai; ai = ai->ai_next) {
			fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
				    ai->ai_protocol);
			if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
				break;
			err = errno;
			if (fd >= 0)
				close(fd);
			fd = -1;
		}
		freeaddrinfo(res);
		if (fd < 0) {
			snprintf(why, whylen, "cannot connect to QEMU at %s: %s",
				 spec, strerror(err));
			return -1;
		}
		*tcp = rsp_nodelay(fd);
	}
	if (fd < 0)
		snprintf(why, whylen, "socket: %s", strerror(errno));
	return fd;
}

int qemu_next(struct qemu_conn *q, int timeout_ms)
{
	for (;;) {
		int ev, r;

		if (!q->alive)
			return -1;
		ev = rsp_conn_next(&q->c);
		/* A malformed reply is still QEMU's reply: its error text. */
		if (ev == RSP_PACKET || ev == RSP_MALFORMED)
			return 1;
		/* QEMU never sends 0x03; '-' was answered by the framer. */
		if (ev != RSP_NONE)
			continue;
		r = rsp_conn_fill(&q->c, timeout_ms);
		if (r == 0)
			return 0;
		if (r < 0) {
			qemu_close(q, "QEMU closed the gdbstub connection");
			return -1;
		}
	}
}

static int send_pkt(struct qemu_conn *q, const char *p)
{
	if (!q->alive)
		return -1;
	if (rsp_conn_send_str(&q->c, p)) {
		qemu_close(q, "cannot write to QEMU's gdbstub");
		return -1;
	}
	return 0;
}

int qemu_exchange(struct qemu_conn *q, const char *const *reqs, size_t n,
		  char **replies, size_t *lens, int timeout_ms,
		  int (*console)(const char *text, size_t len, void *payload),
		  void *payload)
{
	size_t got = 0;

	for (size_t i = 0; i < n; i++)
		replies[i] = NULL;
	if (!q->alive)
		return -1;
	if (rsp_conn_send_many(&q->c, reqs, n)) {
		qemu_close(q, "cannot write to QEMU's gdbstub");
		return -1;
	}
	while (got < n) {
		int r = qemu_next(q, timeout_ms);

		if (r == 0) {
			qemu_close(q, "QEMU's gdbstub stopped answering");
			r = -1;
		}
		if (r < 0)
			goto fail;
		if (rsp_is_console(q->c.pkt, q->c.len)) {
			char text[PROXY_PACKET_SIZE / 2];
			size_t tl = (q->c.len - 1) / 2;

			if (console && gdbr_hex_decode(text, q->c.pkt + 1,
							tl * 2) >= 0)
				console(text, tl, payload);
			continue;
		}
		replies[got] = malloc(q->c.len + 1);
		if (!replies[got])
			goto fail;
		memcpy(replies[got], q->c.pkt, q->c.len + 1);
		if (lens)
			lens[got] = q->c.len;
		got++;
	}
	return 0;
fail:
	for (size_t i = 0; i < got; i++) {
		free(replies[i]);
		replies[i] = NULL;
	}
	return -1;
}

void qemu_thread_id(char *buf, size_t len, int cpu)
{
	/* QEMU parses the multiprocess form whatever was negotiated; its
	 * one process is 1 and thread N is cpu_index + 1. */
	snprintf(buf, len, "p1.%x", cpu + 1);
}

/* Count "m" thread lists: "mp01.01,p01.02" or "m01,02". */
static int count_threads(struct qemu_conn *q)
{
	const char *req[1] = { "qfThreadInfo" };
	int n = 0;

	for (int round = 0; round < 4097; round++) {
		char *rep = NULL;

		if (qemu_exchange(q, req, 1, &rep, NULL, TIMEOUT_MS, NULL, NULL))
			return -1;
		if (rep[0] != 'm') {
			free(rep);
			return n;
		}
		n++;
		for (const char *p = rep; *p; p++)
			n += *p == ',';
		free(rep);
		req[0] = "qsThreadInfo";
	}
	return n;
}

/*
 * Learn QEMU's target from its target.xml: x86-64 (also when QEMU gives no
 * description), i386, aarch64, riscv64 or ppc64 (then its whole description, for
 * the register numbers); anything else is refused, saying what it is.
 */
static int learn_target(struct qemu_conn *q)
{
	struct live_tdesc t;
	char err[sizeof(q->why)];
	const char *req[1] = { "qXfer:features:read:target.xml:0,ffb" };
	char *rep = NULL;
	int rc = 0;

	/* A first look at target.xml: includes are read only for aarch64,
	 * riscv and ppc64.
	 * QEMU answers p/P only once a connection has read it. */
	if (qemu_exchange(q, req, 1, &rep, NULL, TIMEOUT_MS, NULL, NULL))
		return -1;
	q->arch = GUEST_ARCH_X86_64;
	q->pc_off = 16 * 8;  /* rax … r15, then rip (gdbr_tdesc_x86_64) */
	q->pc_size = 8;
	if (rep[0] != 'l' && rep[0] != 'm') {
		free(rep);
		return 0;
	}
	if (strstr(rep, "<architecture>i386</architecture>")) {
		q->arch = GUEST_ARCH_I386;
		q->pc_off = 8 * 4;  /* eax … edi, then eip */
		q->pc_size = 4;
	} else if (strstr(rep, "<architecture>aarch64</architecture>")) {
		if (live_tdesc_read(q, &t, 1, err, sizeof(err)) ||
		    qemu_arm64_layout(q, &t, err, sizeof(err))) {
			qemu_close(q, err);
			rc = -1;
		}
		live_tdesc_free(&t);
	} else if (strstr(rep, "<architecture>riscv:rv64</architecture>") ||
		   strstr(rep, "<architecture>riscv:rv32</architecture>")) {
		if (live_tdesc_read(q, &t, 1, err, sizeof(err)) ||
		    qemu_riscv_layout(q, &t, err, sizeof(err))) {
			qemu_close(q, err);
			rc = -1;
		}
		live_tdesc_free(&t);
	} else if (strstr(rep, "<architecture>powerpc:common64</architecture>")) {
		if (live_tdesc_read(q, &t, 1, err, sizeof(err)) ||
		    qemu_ppc64_layout(q, &t, err, sizeof(err))) {
			qemu_close(q, err);
			rc = -1;
		}
		live_tdesc_free(&t);
	} else if (!strstr(rep, "<architecture>i386:x86-64</architecture>") &&
		   strstr(rep, "<architecture>")) {
		const char *a = strstr(rep, "<architecture>") + 14;

		/* q->why holds 160 bytes: say it in fewer. */
		snprintf(err, sizeof(err), "QEMU serves a '%.*s' guest; "
			 "pgstub --qemu serves x86_64, i386, aarch64, riscv "
			 "and ppc64 (for others, use a snapshot)", (int)strcspn(a, "<") > 40 ?
			 40 : (int)strcspn(a, "<"), a);
		qemu_close(q, err);
		rc = -1;
	}
	free(rep);
	return rc;
}

int qemu_connect(struct qemu_conn *q, const char *spec)
{
	gdbr_framer *fr = q->c.fr;  /* kept across connections */
	int fd, tcp;

	memset(q, 0, sizeof(*q));
	q->c.fr = fr;
	q->c.in_fd = q->c.out_fd = -1;
	q->gcpu = 0;
	fd = dial(spec, &tcp, q->why, sizeof(q->why));
	if (fd < 0)
		return -1;
	if (rsp_conn_init(&q->c, fd, fd)) {
		close(fd);
		snprintf(q->why, sizeof(q->why), "out of memory");
		return -1;
	}
	rsp_conn_set_noack(&q->c, 1);
	q->c.quickack = tcp;
	q->alive = 1;
	/*
	 * QEMU stops the guest when a debugger connects and may announce it
	 * with a stop reply: packets before our first reply are dropped.
	 * QEMU 7.2 answers "" (no NoAck mode) but never waits for acks in
	 * system emulation; its '+' are skipped, ours are not needed.
	 */
	if (send_pkt(q, "QStartNoAckMode"))
		return -1;
	for (;;) {
		int r = qemu_next(q, TIMEOUT_MS);

		if (r <= 0) {
			qemu_close(q, r == 0 ? "QEMU's gdbstub does not answer" :
				   "QEMU closed the gdbstub connection");
			return -1;
		}
		if (!strcmp(q->c.pkt, "OK") || !q->c.pkt[0])
			break;
		if (!rsp_is_stop(q->c.pkt, q->c.len)) {
			snprintf(q->why, sizeof(q->why), "not a gdbstub: "
				 "'%.40s'", q->c.pkt);
			qemu_close(q, NULL);
			return -1;
		}
	}
	q->ncpus = count_threads(q);
	if (q->ncpus < 1) {
		qemu_close(q, "QEMU lists no vCPU");
		if (!q->why[0])
			snprintf(q->why, sizeof(q->why), "QEMU lists no vCPU");
		return -1;
	}
	return learn_target(q);
}

/*
 * Up to PROXY_PACKET_SIZE bytes as QEMU-sized `m` packets sent at once,
 * optionally between @p pre and @p post (mode switches): one round trip.
 */
static size_t read_pipelined(struct qemu_conn *q, uint64_t addr, void *buf,
			     size_t len, const char *pre, const char *post)
{
	enum { MAXREQ = PROXY_PACKET_SIZE / QEMU_MAX_READ + 2 };
	char reqbuf[MAXREQ][48], *rep[MAXREQ];
	const char *reqs[MAXREQ];
	size_t done = 0, nreq = 0, first, lens[MAXREQ];

	if (len > (size_t)(MAXREQ - 2) * QEMU_MAX_READ)
		len = (size_t)(MAXREQ - 2) * QEMU_MAX_READ;
	if (pre)
		reqs[nreq++] = pre;
	first = nreq;
	for (size_t off = 0; off < len; off += QEMU_MAX_READ, nreq++) {
		size_t n = len - off < QEMU_MAX_READ ? len - off : QEMU_MAX_READ;

		snprintf(reqbuf[nreq], sizeof(reqbuf[nreq]), "m%llx,%zx",
			 (unsigned long long)(addr + off), n);
		reqs[nreq] = reqbuf[nreq];
	}
	if (post)
		reqs[nreq++] = post;
	if (qemu_exchange(q, reqs, nreq, rep, lens, TIMEOUT_MS, NULL, NULL))
		return 0;
	for (size_t i = 0; i < nreq; i++) {
		size_t want = len - done < QEMU_MAX_READ ? len - done : QEMU_MAX_READ;
		size_t have = lens[i] / 2;

		if (i < first || (post && i == nreq - 1)) {
			free(rep[i]);
			continue;
		}
		if (done < len && rep[i][0] != 'E' && !(lens[i] & 1) &&
		    have <= want &&
		    gdbr_hex_decode((char *)buf + done, rep[i], have * 2) >= 0) {
			done += have;
			if (have < want)
				len = done;  /* short: stop here */
		} else {
			len = done;
		}
		free(rep[i]);
	}
	return done;
}

int qemu_restore(struct qemu_conn *q)
{
	const char *req[1];
	char *rep;

	if (q->qemu_phys == q->gdb_phys)
		return 0;
	req[0] = q->gdb_phys ? "Qqemu.PhyMemMode:1" : "Qqemu.PhyMemMode:0";
	if (qemu_exchange(q, req, 1, &rep, NULL, TIMEOUT_MS, NULL, NULL))
		return -1;
	free(rep);
	q->qemu_phys = q->gdb_phys;
	return 0;
}

static size_t read_loop(struct qemu_conn *q, uint64_t addr, void *buf,
			size_t len, int phys)
{
	size_t done = 0;

	while (done < len && q->alive) {
		size_t want = len - done, got;
		/* Switch once, in the same batch as the first reads. */
		const char *pre = q->qemu_phys == phys ? NULL :
				  phys ? "Qqemu.PhyMemMode:1" :
				  "Qqemu.PhyMemMode:0";

		got = read_pipelined(q, addr + done, (char *)buf + done, want,
				     pre, NULL);
		if (q->alive)
			q->qemu_phys = phys;
		done += got;
		if (got < (want < PROXY_PACKET_SIZE ? want : PROXY_PACKET_SIZE))
			break;
	}
	return done;
}

size_t qemu_read(struct qemu_conn *q, uint64_t addr, void *buf, size_t len)
{
	return read_loop(q, addr, buf, len, q->gdb_phys);
}

size_t qemu_phys_read(struct qemu_conn *q, uint64_t pa, void *buf, size_t len)
{
	return read_loop(q, pa, buf, len, 1);
}

static uint64_t le(const unsigned char *p, int size)
{
	uint64_t v = 0;

	for (int i = size - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t qemu_le(const unsigned char *p, size_t size)
{
	return le(p, (int)size);
}

int qemu_p_value(const char *rep, size_t len, uint64_t *v)
{
	unsigned char b[8];

	if (!len || len > 16 || (len & 1) || rep[0] == 'E' ||
	    gdbr_hex_decode(b, rep, len) < 0)
		return -1;
	*v = le(b, (int)(len / 2));
	return 0;
}

/* QEMU 7.2's x86-64 `g` order: gdbr_tdesc_x86_64() (regs 0..65). */
static int parse_g(const unsigned char *b, size_t n, struct guest_x86_cpu *c)
{
	static const int seg_of[6] = { GUEST_CS, GUEST_SS, GUEST_DS, GUEST_ES,
				       GUEST_FS, GUEST_GS };
	const gdbr_tdesc *t = gdbr_tdesc_x86_64();
	size_t off = 0;

	for (int r = 0; r <= GDBR_X86_64_EFER; r++) {
		int size = gdbr_tdesc_reg_size(t, r);
		uint64_t v;

		if (size <= 0 || off + (size_t)size > n)
			return -1;
		v = le(b + off, size > 8 ? 8 : size);
		off += (size_t)size;
		if (r < 16)
			c->gpr[r] = v;
		else if (r == 16)
			c->rip = v;
		else if (r == 17)
			c->rflags = v;
		else if (r < 24)
			c->seg[seg_of[r - 18]].selector = (uint32_t)v;
		else if (r == 24)
			c->fs_base = v;
		else if (r == 25)
			c->gs_base = v;
		else if (r == 26)
			c->kernel_gs_base = v;
		else if (r == 27)
			c->cr0 = v;
		else if (r == 28)
			c->cr2 = v;
		else if (r == 29)
			c->cr3 = v;
		else if (r == 30)
			c->cr4 = v;
		else if (r == 31)
			c->cr8 = v;
		else
			c->efer = v;
	}
	c->valid = GUEST_X86_HAS_GPRS | GUEST_X86_HAS_SEGS | GUEST_X86_HAS_CRS |
		   GUEST_X86_HAS_EFER | GUEST_X86_HAS_BASES |
		   GUEST_X86_HAS_KGSBASE | GUEST_X86_HAS_CR8;
	return 0;
}

/*
 * QEMU 7.2's i386 `g`, 344 bytes: eax, ecx, edx, ebx, esp, ebp, esi, edi,
 * eip, eflags, cs, ss, ds, es, fs, gs, three base registers, cr0, cr2,
 * cr3, cr4, cr8, efer (4 bytes each), then the x87 and SSE registers. Its
 * i386-32bit.xml lists six base registers, but `g` carries three (cr0 is
 * at byte 76: 0x60000010 at reset), so the layout is checked by length.
 */
enum { I386_G_LEN = 344, I386_CR0 = 76 };

static int parse_g_i386(const unsigned char *b, size_t n,
			struct guest_x86_cpu *c)
{
	/* guest_x86_cpu's gpr[] index of each i386 `g` register */
	static const int gpr_of[8] = { 0, 2, 3, 1, 7, 6, 4, 5 };
	static const int seg_of[6] = { GUEST_CS, GUEST_SS, GUEST_DS, GUEST_ES,
				       GUEST_FS, GUEST_GS };

	if (n != I386_G_LEN)
		return -1;
	for (int r = 0; r < 8; r++)
		c->gpr[gpr_of[r]] = le(b + 4 * r, 4);
	c->rip = le(b + 32, 4);
	c->rflags = le(b + 36, 4);
	for (int s = 0; s < 6; s++)
		c->seg[seg_of[s]].selector = (uint32_t)le(b + 40 + 4 * s, 4);
	c->cr0 = le(b + I386_CR0, 4);
	c->cr2 = le(b + I386_CR0 + 4, 4);
	c->cr3 = le(b + I386_CR0 + 8, 4);
	c->cr4 = le(b + I386_CR0 + 12, 4);
	c->cr8 = le(b + I386_CR0 + 16, 4);
	c->efer = le(b + I386_CR0 + 20, 4);
	c->valid = GUEST_X86_HAS_GPRS | GUEST_X86_HAS_SEGS |
		   GUEST_X86_HAS_CRS | GUEST_X86_HAS_EFER | GUEST_X86_HAS_CR8;
	return 0;
}

int qemu_on_cpu(struct qemu_conn *q, int cpu, const char *const *reqs,
		size_t n, char **replies, size_t *lens, char *err,
		size_t errlen)
{
	char hg[64], back[64], **rep;
	const char **all;
	size_t *all_lens, m = 0, first;
	int rc = -1;

	if (!q->alive) {
		snprintf(err, errlen, "%s", q->why);
		return -1;
	}
	all = calloc(n + 2, sizeof(*all));
	rep = calloc(n + 2, sizeof(*rep));
	all_lens = calloc(n + 2, sizeof(*all_lens));
	if (!all || !rep || !all_lens) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (cpu != q->gcpu) {
		char tid[32];

		qemu_thread_id(tid, sizeof(tid), cpu);
		snprintf(hg, sizeof(hg), "Hg%s", tid);
		all[m++] = hg;
	}
	first = m;
	for (size_t i = 0; i < n; i++)
		all[m++] = reqs[i];
	if (cpu != q->gcpu) {
		/* Back to GDB's last Hg, else the vCPU QEMU chose at the stop. */
		if (q->gdb_hg[0]) {
			snprintf(back, sizeof(back), "%s", q->gdb_hg);
		} else {
			char tid[32];

			qemu_thread_id(tid, sizeof(tid), q->gcpu < 0 ? 0 : q->gcpu);
			snprintf(back, sizeof(back), "Hg%s", tid);
		}
		all[m++] = back;
	}
	if (qemu_exchange(q, all, m, rep, all_lens, TIMEOUT_MS, NULL, NULL)) {
		snprintf(err, errlen, "%s", q->why);
		goto out;
	}
	for (size_t i = 0; i < m; i++) {
		if (i >= first && i < first + n) {
			replies[i - first] = rep[i];
			if (lens)
				lens[i - first] = all_lens[i];
		} else {
			free(rep[i]);
		}
	}
	rc = 0;
out:
	free(all);
	free(rep);
	free(all_lens);
	return rc;
}

int qemu_cpu_regs(struct qemu_conn *q, int cpu, struct guest_x86_cpu *out,
		  char *err, size_t errlen)
{
	const char *reqs[1] = { "g" };
	char *rep = NULL;
	size_t len = 0;
	unsigned char *bin;
	int rc = -1, i386 = q->arch == GUEST_ARCH_I386;

	if (qemu_on_cpu(q, cpu, reqs, 1, &rep, &len, err, errlen))
		return -1;
	bin = malloc(len / 2 + 1);
	if (!bin || rep[0] == 'E' ||
	    gdbr_hex_decode(bin, rep, len & ~(size_t)1) < 0 ||
	    (i386 ? parse_g_i386(bin, len / 2, out) :
		    parse_g(bin, len / 2, out)) < 0)
		snprintf(err, errlen, "vCPU %d: QEMU's register reply is not "
			 "%s ('%.20s', %zu bytes)", cpu,
			 i386 ? "QEMU 7.2's i386 layout" : "x86-64",
			 rep, len / 2);
	else
		rc = 0;
	free(bin);
	free(rep);
	return rc;
}

static int collect(const char *text, size_t len, void *payload)
{
	char **acc = payload;
	size_t old = *acc ? strlen(*acc) : 0;
	char *n = realloc(*acc, old + len + 1);

	if (!n)
		return -1;
	memcpy(n + old, text, len);
	n[old + len] = 0;
	*acc = n;
	return 0;
}

int qemu_monitor_text(struct qemu_conn *q, const char *cmd, char **out,
		      int timeout_ms)
{
	size_t n = strlen(cmd);
	char *pkt = malloc(2 * n + 8), *rep = NULL;
	const char *req[1] = { pkt };
	int rc;

	*out = NULL;
	if (!pkt)
		return -1;
	memcpy(pkt, "qRcmd,", 6);
	gdbr_hex_encode(pkt + 6, cmd, n);
	pkt[6 + 2 * n] = 0;
	rc = qemu_exchange(q, req, 1, &rep, NULL, timeout_ms, collect, out);
	free(pkt);
	free(rep);
	if (rc) {
		free(*out);
		*out = NULL;
		return -1;
	}
	if (!*out && !(*out = calloc(1, 1)))
		return -1;
	return 0;
}
