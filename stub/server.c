/*
 * The server object: creation (all allocation happens here), the session
 * state machine (IDLE, RUNNING, INTERRUPTED, DISCONNECTED), feeding bytes
 * to the framer (framer.c), and dispatching complete packets to the cmd_*.c
 * handlers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbr_priv.h"

#define GDBR_MIN_PACKET 256
#define GDBR_MEMMAP_CACHE (256 * 1024)

void gdbr__set_error(gdbr_server *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->errmsg, sizeof(s->errmsg), fmt, ap);
	va_end(ap);
}

const char *gdbr_server_errmsg(const gdbr_server *s)
{
	return s->errmsg;
}

enum gdbr_state gdbr_server_state(const gdbr_server *s)
{
	return s->state;
}

int gdbr_server_thread(const gdbr_server *s)
{
	return s->tid_g;
}

unsigned gdbr_server_mem_flags(const gdbr_server *s)
{
	return s->mem_flags;
}

int gdbr__thread_count(gdbr_server *s)
{
	int n = 1;

	if (s->target->thread_count)
		n = s->target->thread_count(s->target_payload);
	return n < 1 ? 1 : n;
}

/*
 * A target op returned rc < 0.  GDBR_EFATAL ends the session; anything
 * else is an ordinary error the caller turns into an Enn reply.
 * Returns nonzero when the session was ended.
 */
int gdbr__fatal(gdbr_server *s, int rc)
{
	if (rc != GDBR_EFATAL)
		return 0;
	gdbr__set_error(s, "fatal target error");
	s->state = GDBR_STATE_DISCONNECTED;
	if (!s->result)
		s->result = GDBR_EDISCONNECTED;
	return 1;
}

static int check_config(const struct gdbr_server_config *cfg)
{
	if (!cfg || cfg->version != GDBR_SERVER_CONFIG_VERSION)
		return GDBR_EINVAL;
	if (!cfg->conn || !cfg->conn->write || !cfg->target ||
	    !cfg->target->read_register || !cfg->target->read_memory)
		return GDBR_EINVAL;
	if (!cfg->packet_buf || cfg->packet_size < GDBR_MIN_PACKET)
		return GDBR_EINVAL;
	/* A g reply is all registers in hex and must fit one packet. */
	if (cfg->tdesc && 2 * gdbr_tdesc_regs_size(cfg->tdesc) >
	                  cfg->packet_size)
		return GDBR_EINVAL;
	return 0;
}

int gdbr_server_new(gdbr_server **out, const struct gdbr_server_config *cfg)
{
	gdbr_server *s;
	char *console;
	int rc;

	*out = NULL;
	rc = check_config(cfg);
	if (rc)
		return rc;
	s = calloc(1, sizeof(*s));
	if (!s)
		return GDBR_ENOMEM;
	s->conn = cfg->conn;
	s->conn_payload = cfg->conn_payload;
	s->target = cfg->target;
	s->target_payload = cfg->target_payload;
	s->tdesc = cfg->tdesc;
	s->sstep_flags = GDBR__SSTEP_DEFAULT;
	s->rx_cap = cfg->packet_size;
	gdbr__framer_init(&s->rx, cfg->packet_buf, s->rx_cap);
	s->out = malloc(s->rx_cap);
	/* Framing adds "$", "#cs"; RLE never lengthens the payload. */
	s->tx = malloc(s->rx_cap + 4);
	s->scratch_cap = s->rx_cap;
	s->scratch = malloc(s->scratch_cap);
	/* Console text goes out hex encoded after an 'O'. */
	console = malloc((s->rx_cap - 1) / 2);
	if (!s->out || !s->tx || !s->scratch || !console) {
		free(console);
		gdbr_server_free(s);
		return GDBR_ENOMEM;
	}
	gdbr__out_init(&s->console, s, GDBR__OUT_CONSOLE, console,
	               (s->rx_cap - 1) / 2);
	gdbr__out_init(&s->memmap, s, GDBR__OUT_GROW, NULL, 0);
	s->memmap_cache = GDBR_MEMMAP_CACHE;
	gdbr_server_reset(s);
	*out = s;
	return 0;
}

void gdbr_server_free(gdbr_server *s)
{
	if (!s)
		return;
	gdbr__out_release(&s->memmap);
	gdbr__out_release(&s->console);
	free(s->scratch);
	free(s->tx);
	free(s->out);
	free(s);
}

int gdbr_server_set_limits(gdbr_server *s, const struct gdbr_limits *l)
{
	if (!s || !l || l->version != GDBR_LIMITS_VERSION)
		return GDBR_EINVAL;
	s->console.limit = l->max_output;
	s->output_hint = l->output_hint;
	s->memmap_cache = l->memmap_cache ? l->memmap_cache : GDBR_MEMMAP_CACHE;
	/* The cache must hold any window a reply can carry. */
	if (s->memmap_cache < s->rx_cap)
		s->memmap_cache = s->rx_cap;
	return 0;
}

void gdbr_server_reset(gdbr_server *s)
{
	gdbr_framer_reset(&s->rx);
	s->tx_valid = 0;
	s->out_len = 0;
	s->out_overflow = 0;
	s->state = GDBR_STATE_IDLE;
	s->tid_g = 1;
	s->tid_c = -1;
	s->stop_tid = 1;
	s->thread_cursor = 0;
	s->mem_flags = 0;
	s->result = 0;
	s->memmap_valid = 0;
	s->memmap_big = 0;
	s->memmap_head = 0;
	gdbr__out_clear(&s->memmap);
	gdbr__out_clear(&s->console);
	s->errmsg[0] = '\0';
}

static int finish_feed(gdbr_server *s, int wrote)
{
	if (wrote && s->conn->flush && !s->result &&
	    s->conn->flush(s->conn_payload) < 0) {
		gdbr__set_error(s, "connection flush failed");
		s->state = GDBR_STATE_DISCONNECTED;
		s->result = GDBR_EIO;
	}
	return s->result;
}

int gdbr_server_feed(gdbr_server *s, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	if (s->state == GDBR_STATE_DISCONNECTED)
		return s->result ? s->result : GDBR_EDISCONNECTED;
	while (len > 0) {
		size_t used;
		int ev = gdbr_framer_feed(&s->rx, p, len, &used);

		p += used;
		len -= used;
		if (ev == GDBR_FRAME_NONE || gdbr__rx_event(s, ev))
			break;
	}
	return finish_feed(s, 1);
}

int gdbr_server_interrupt(gdbr_server *s)
{
	if (s->state == GDBR_STATE_DISCONNECTED)
		return s->result ? s->result : GDBR_EDISCONNECTED;
	gdbr__cmd_interrupt(s);
	return finish_feed(s, 1);
}

int gdbr_server_report_stop(gdbr_server *s, int tid, int signal)
{
	if (s->state != GDBR_STATE_RUNNING &&
	    s->state != GDBR_STATE_INTERRUPTED)
		return GDBR_EINVAL;
	if (tid < 1 || tid > gdbr__thread_count(s))
		return GDBR_EINVAL;
	s->state = GDBR_STATE_IDLE;
	s->stop_tid = tid;
	s->tid_g = tid;
	gdbr__reply_stop(s, signal, tid);
	return finish_feed(s, 1);
}

/*
 * Route a packet by its first byte.  Unknown packets get an empty reply,
 * which GDB reads as "not supported" (GDB manual, "Packets").
 */
int gdbr__dispatch(gdbr_server *s, const char *pkt, size_t len)
{
	if (len == 0)
		return gdbr__reply(s, "");
	switch (pkt[0]) {
	case 'q':
		if (gdbr__starts(pkt, len, "qXfer:"))
			return gdbr__cmd_xfer(s, pkt, len);
		if (gdbr__starts(pkt, len, "qRcmd,"))
			return gdbr__cmd_rcmd(s, pkt, len);
		if (gdbr__starts(pkt, len, "qC") ||
		    gdbr__starts(pkt, len, "qfThreadInfo") ||
		    gdbr__starts(pkt, len, "qsThreadInfo") ||
		    gdbr__starts(pkt, len, "qThreadExtraInfo,"))
			return gdbr__cmd_thread(s, pkt, len);
		return gdbr__cmd_query(s, pkt, len);
	case 'Q':
		return gdbr__cmd_set(s, pkt, len);
	case 'm':
	case 'M':
	case 'x':
	case 'X':
		return gdbr__cmd_mem(s, pkt, len);
	case 'g':
	case 'G':
	case 'p':
	case 'P':
		return gdbr__cmd_regs(s, pkt, len);
	case 'H':
	case 'T':
		return gdbr__cmd_thread(s, pkt, len);
	case '?':
	case 'c':
	case 's':
	case 'D':
	case 'k':
		return gdbr__cmd_run(s, pkt, len);
	default:
		return gdbr__reply(s, "");
	}
}
