/*
 * The live proxy's routing (stub/pgstub/proxy.c) on its own, no QEMU: each
 * of GDB's packets either goes to QEMU (verbatim, or split to QEMU's packet
 * size) or is answered by pgstub (NoAck, its monitor commands, the memory
 * map, the reply cache), and QEMU's replies come back to GDB rewritten
 * where pgstub owes it (split reads joined, qSupported merged, stops
 * followed by prefetches).  Both peers' descriptors are temporary files,
 * read back after each step; QEMU's replies are handed to the proxy as its
 * event loop would hand them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "live/proxy_priv.h"

struct fx {
	struct proxy *p;
	struct live_opts o;
	FILE *gdb_out, *qemu_out;
	int qemu_in[2];            /* what "QEMU" sends, for qemu_exchange */
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct proxy *p;
	char err[256];

	if (!x)
		return -1;
	x->o.lim = (struct pgstub_limits)PGSTUB_LIMITS_INIT;
	x->p = p = calloc(1, sizeof(*p));
	x->gdb_out = tmpfile();
	x->qemu_out = tmpfile();
	if (!p || !x->gdb_out || !x->qemu_out || pipe(x->qemu_in))
		return -1;
	p->o = &x->o;
	if (rsp_conn_init(&p->gdb, -1, fileno(x->gdb_out)) ||
	    rsp_conn_init(&p->q.c, x->qemu_in[0], fileno(x->qemu_out)) ||
	    proxy_engine_new(p))
		return -1;
	proxy_engine_reset(p);
	rsp_conn_set_noack(&p->q.c, 1);  /* as qemu_connect() leaves it */
	p->q.alive = 1;
	p->q.ncpus = 2;
	p->q.arch = GUEST_ARCH_X86_64;  /* as qemu_connect() learns it */
	p->q.pc_off = 16 * 8;
	p->q.pc_size = 8;
	if (guest_live_open(&p->g, 2, GUEST_ARCH_X86_64, &live_guest_ops, p,
			    err, sizeof(err)) || session_init(&p->s, p->g))
		return -1;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	session_fini(&x->p->s);
	guest_close(x->p->g);
	gdbr_server_free(x->p->eng);
	rsp_conn_release(&x->p->gdb);
	rsp_conn_release(&x->p->q.c);
	close(x->qemu_in[0]);
	close(x->qemu_in[1]);
	fclose(x->gdb_out);
	fclose(x->qemu_out);
	free(x->p);
	free(x);
	return 0;
}

/* What was written to @f since the last call. */
static const char *take(FILE *f)
{
	static char buf[4][2 * PROXY_PACKET_SIZE];
	static int turn;
	char *b = buf[turn++ % 4];
	off_t n = lseek(fileno(f), 0, SEEK_CUR);

	assert_true(n >= 0 && (size_t)n < sizeof(buf[0]));
	assert_int_equal(pread(fileno(f), b, (size_t)n, 0), n);
	b[n] = 0;
	assert_int_equal(ftruncate(fileno(f), 0), 0);
	lseek(fileno(f), 0, SEEK_SET);
	return b;
}

/* "$payload#cs", and several such in a row. */
static const char *frame(const char *payload)
{
	static char buf[4][2 * PROXY_PACKET_SIZE];
	static int turn;
	char *b = buf[turn++ % 4];
	size_t n = gdbr_packet_frame(b, payload, strlen(payload), 0);

	b[n] = 0;
	return b;
}

static int gdb_sends(struct fx *x, const char *pkt)
{
	return proxy_gdb_packet(x->p, pkt, strlen(pkt));
}

static int qemu_replies(struct fx *x, const char *pkt)
{
	return proxy_qemu_packet(x->p, pkt, strlen(pkt));
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = 0;
	return s;
}

static void test_proxy_route__plain_packets_go_to_qemu_verbatim(void **state)
{
	struct fx *x = *state;

	gdb_sends(x, "Hgp1.2");
	assert_string_equal(take(x->qemu_out), frame("Hgp1.2"));
	assert_string_equal(take(x->gdb_out), "");
	/* pgstub's views follow GDB's vCPU. */
	assert_int_equal(x->p->q.gcpu, 1);
	assert_int_equal(x->p->s.cpu, 1);
	qemu_replies(x, "OK");
	assert_string_equal(take(x->gdb_out), frame("OK"));
	/* Unasked replies (QEMU's stop at connection) are dropped. */
	qemu_replies(x, "T05thread:p01.01;");
	assert_string_equal(take(x->gdb_out), "");
}

static void test_proxy_route__noack_and_empty_answered_here(void **state)
{
	struct fx *x = *state;

	gdb_sends(x, "QStartNoAckMode");
	assert_string_equal(take(x->gdb_out), frame("OK"));
	assert_true(gdbr_framer_noack(x->p->gdb.fr));
	gdb_sends(x, "");
	assert_string_equal(take(x->gdb_out), "$#00");
	assert_string_equal(take(x->qemu_out), "");
}

static void test_proxy_route__big_read_split_and_joined(void **state)
{
	struct fx *x = *state;
	char *a = repeat('a', 2 * QEMU_MAX_READ), *b = repeat('b', 2 * QEMU_MAX_READ);
	char *ab = malloc(4 * QEMU_MAX_READ + 1);

	gdb_sends(x, "m1000,1000");
	/* One write of QEMU-sized reads. */
	strcpy(ab, frame("m1000,800"));
	strcat(ab, frame("m1800,800"));
	assert_string_equal(take(x->qemu_out), ab);
	qemu_replies(x, a);
	assert_string_equal(take(x->gdb_out), "");
	qemu_replies(x, b);
	strcpy(ab, a);
	strcat(ab, b);
	assert_string_equal(take(x->gdb_out), frame(ab));
	/* A short first part ends the read there. */
	gdb_sends(x, "m1000,1000");
	take(x->qemu_out);
	qemu_replies(x, "0102");
	qemu_replies(x, b);
	assert_string_equal(take(x->gdb_out), frame("0102"));
	/* An error first is the answer. */
	gdb_sends(x, "m1000,1000");
	take(x->qemu_out);
	qemu_replies(x, "E14");
	qemu_replies(x, "E14");
	assert_string_equal(take(x->gdb_out), frame("E14"));
	/* Not understood: QEMU says what it thinks. */
	gdb_sends(x, "m1000,1000z");
	assert_string_equal(take(x->qemu_out), frame("m1000,1000z"));
	free(a);
	free(b);
	free(ab);
}

static void test_proxy_route__writes_become_qemu_sized_M(void **state)
{
	struct fx *x = *state;

	/* X's binary (escaped '}') goes to QEMU, which knows no X, as M. */
	gdb_sends(x, "X1000,3:a}]b");
	assert_string_equal(take(x->qemu_out), frame("M1000,3:617d62"));
	qemu_replies(x, "OK");
	assert_string_equal(take(x->gdb_out), frame("OK"));
	/* A small M goes as it is. */
	gdb_sends(x, "M1000,1:ff");
	assert_string_equal(take(x->qemu_out), frame("M1000,1:ff"));
	qemu_replies(x, "OK");
	take(x->gdb_out);
	/* The length must match the data; the address must parse. */
	gdb_sends(x, "X1000,4:a}]b");
	assert_string_equal(take(x->gdb_out), frame("E22"));
	gdb_sends(x, "Mzz,1:ff");
	assert_string_equal(take(x->gdb_out), frame("E22"));
	assert_string_equal(take(x->qemu_out), "");
	/* --read-only: refused here. */
	x->o.read_only = 1;
	gdb_sends(x, "M1000,1:ff");
	assert_string_equal(take(x->gdb_out), frame("E30"));
	assert_string_equal(take(x->qemu_out), "");
}

static void test_proxy_route__big_write_split_first_error_wins(void **state)
{
	struct fx *x = *state;
	size_t n = QEMU_MAX_WRITE + 1;
	char *pkt = malloc(2 * n + 32), *hex = repeat('c', 2 * QEMU_MAX_WRITE);
	char want[2 * QEMU_MAX_WRITE + 64], *both = malloc(8 * QEMU_MAX_WRITE);

	snprintf(pkt, 2 * n + 32, "M2000,%zx:%s01", n, hex);
	gdb_sends(x, pkt);
	snprintf(want, sizeof(want), "M2000,%x:%s", QEMU_MAX_WRITE, hex);
	strcpy(both, frame(want));
	snprintf(want, sizeof(want), "M%x,1:01", 0x2000 + QEMU_MAX_WRITE);
	strcat(both, frame(want));
	assert_string_equal(take(x->qemu_out), both);
	qemu_replies(x, "E14");
	qemu_replies(x, "OK");
	assert_string_equal(take(x->gdb_out), frame("E14"));
	free(pkt);
	free(hex);
	free(both);
}

static void test_proxy_route__qsupported_merged(void **state)
{
	struct fx *x = *state;
	char want[160];

	gdb_sends(x, "qSupported:multiprocess+;xmlRegisters=i386");
	assert_string_equal(take(x->qemu_out),
			    frame("qSupported:multiprocess+;xmlRegisters=i386"));
	qemu_replies(x, "PacketSize=1000;qXfer:features:read+;"
		     "QStartNoAckMode+;multiprocess+;qXfer:memory-map:read+");
	/* pgstub's PacketSize, NoAck and memory map; QEMU's other features. */
	snprintf(want, sizeof(want), "PacketSize=%x;QStartNoAckMode+;"
		 "qXfer:memory-map:read+;qXfer:features:read+;multiprocess+",
		 PROXY_PACKET_SIZE);
	assert_string_equal(take(x->gdb_out), frame(want));
}

static void test_proxy_route__memory_map_answered_here(void **state)
{
	struct fx *x = *state;
	const char *out;

	/* pgstub's map of the live guest, never QEMU's. */
	gdb_sends(x, "qXfer:memory-map:read::0,fff");
	out = take(x->gdb_out);
	assert_string_equal(take(x->qemu_out), "");
	assert_memory_equal(out, "$l<?xml", 7);
	assert_non_null(strstr(out, "<memory-map>"));
	/* Offered no more (--memory-map none, say): unsupported. */
	x->p->s.map_policy = SESSION_MAP_NONE;
	gdb_sends(x, "qXfer:memory-map:read::0,fff");
	assert_string_equal(take(x->gdb_out), frame(""));
	assert_string_equal(take(x->qemu_out), "");
}

static void test_proxy_route__monitor_pgstub_or_qemu(void **state)
{
	struct fx *x = *state;
	static const char qemu_says[] = "$O564d0a#e3$OK#9a";  /* "VM\n" */
	const char *out;

	/* pgstub's own command: its engine answers, QEMU hears nothing. */
	gdb_sends(x, "qRcmd,68656c70");  /* "help" */
	out = take(x->gdb_out);
	assert_string_equal(take(x->qemu_out), "");
	assert_true(out[0] == '$' && out[1] == 'O');
	assert_non_null(strstr(out, "$OK#9a"));
	/* Anything else is QEMU's monitor, its output relayed. */
	assert_int_equal(write(x->qemu_in[1], qemu_says, sizeof(qemu_says) - 1),
			 (ssize_t)sizeof(qemu_says) - 1);
	gdb_sends(x, "qRcmd,696e666f20737461747573");  /* "info status" */
	assert_string_equal(take(x->qemu_out),
			    frame("qRcmd,696e666f20737461747573"));
	assert_string_equal(take(x->gdb_out), "$O564d0a#e3$OK#9a");
}

static void test_proxy_route__resume_stop_and_prefetch(void **state)
{
	struct fx *x = *state;
	char *g = repeat('0', 16 * 16 + 64);

	gdb_sends(x, "c");
	assert_string_equal(take(x->qemu_out), frame("c"));
	assert_true(x->p->running);
	/* While it runs, GDB is told to interrupt first. */
	gdb_sends(x, "g");
	assert_string_equal(take(x->gdb_out),
			    frame("E.pgstub: the guest is running; interrupt "
				  "it first"));
	assert_string_equal(take(x->qemu_out), "");
	/* The stop goes to GDB, and pgstub asks for the registers. */
	qemu_replies(x, "T05thread:p01.02;");
	assert_string_equal(take(x->gdb_out), frame("T05thread:p01.02;"));
	assert_false(x->p->running);
	assert_int_equal(x->p->q.gcpu, 1);
	assert_string_equal(take(x->qemu_out), frame("g"));
	/* RIP (after 16 registers) = 0x1234: then the byte at the PC. */
	memcpy(g + 16 * 16, "3412000000000000", 16);
	qemu_replies(x, g);
	assert_string_equal(take(x->gdb_out), "");
	assert_string_equal(take(x->qemu_out), frame("m1234,1"));
	qemu_replies(x, "90");
	/* GDB's own questions are answered from the cache. */
	gdb_sends(x, "g");
	assert_string_equal(take(x->gdb_out), frame(g));
	gdb_sends(x, "m1234,1");
	assert_string_equal(take(x->gdb_out), frame("90"));
	assert_string_equal(take(x->qemu_out), "");
	/* A write drops them: the next read goes to QEMU. */
	gdb_sends(x, "M1234,1:cc");
	qemu_replies(x, "OK");
	take(x->qemu_out);
	take(x->gdb_out);
	gdb_sends(x, "m1234,1");
	assert_string_equal(take(x->qemu_out), frame("m1234,1"));
	free(g);
}

static void test_proxy_route__kill_and_phys_mode(void **state)
{
	struct fx *x = *state;

	/* The engine learns the mode too, silently; QEMU answers. */
	gdb_sends(x, "Qqemu.PhyMemMode:1");
	assert_string_equal(take(x->qemu_out), frame("Qqemu.PhyMemMode:1"));
	assert_string_equal(take(x->gdb_out), "");
	assert_int_equal(gdbr_server_mem_flags(x->p->eng), GDBR_MEM_PHYS);
	assert_true(x->p->q.gdb_phys);
	qemu_replies(x, "OK");
	assert_string_equal(take(x->gdb_out), frame("OK"));
	/* QEMU exits on k without a reply: none is awaited. */
	gdb_sends(x, "k");
	assert_string_equal(take(x->qemu_out), frame("k"));
	assert_int_equal(x->p->npending, 0);
}

/* The framer's verdicts as the proxy answers them, either peer. */
static void test_proxy_route__malformed_input_answered(void **state)
{
	struct fx *x = *state;
	struct rsp_conn *c = &x->p->gdb;
	static const char wire[] = "$a*#8b$qC#b5$qC#b4";

	memcpy(c->in, wire, sizeof(wire) - 1);
	c->in_pos = 0;
	c->in_len = sizeof(wire) - 1;
	/* "*#": acked, answered E22 (the loop sends it). */
	assert_int_equal(rsp_conn_next(c), RSP_MALFORMED);
	assert_string_equal(c->pkt, "E22");
	/* A bad checksum gets '-', then the good copy '+'. */
	assert_int_equal(rsp_conn_next(c), RSP_PACKET);
	assert_string_equal(c->pkt, "qC");
	assert_string_equal(take(x->gdb_out), "+-+");
	/* From QEMU (NoAck): the error is its reply, nothing is acked. */
	rsp_conn_set_noack(&x->p->q.c, 1);
	c = &x->p->q.c;
	memcpy(c->in, "$0*~0*~#00", 10);
	c->in_pos = 0;
	c->in_len = 10;
	assert_int_equal(rsp_conn_next(c), RSP_PACKET);
	assert_int_equal(c->len, 2 * 98);
	memcpy(c->in, "$*0#00", 6);
	c->in_pos = 0;
	c->in_len = 6;
	assert_int_equal(rsp_conn_next(c), RSP_MALFORMED);
	assert_string_equal(c->pkt, "E22");
	assert_string_equal(take(x->qemu_out), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_proxy_route__plain_packets_go_to_qemu_verbatim),
		T(test_proxy_route__noack_and_empty_answered_here),
		T(test_proxy_route__big_read_split_and_joined),
		T(test_proxy_route__writes_become_qemu_sized_M),
		T(test_proxy_route__big_write_split_first_error_wins),
		T(test_proxy_route__qsupported_merged),
		T(test_proxy_route__memory_map_answered_here),
		T(test_proxy_route__monitor_pgstub_or_qemu),
		T(test_proxy_route__resume_stop_and_prefetch),
		T(test_proxy_route__kill_and_phys_mode),
		T(test_proxy_route__malformed_input_answered),
#undef T
	};

	return cmocka_run_group_tests_name("live/proxy_route", tests, NULL,
					   NULL);
}
