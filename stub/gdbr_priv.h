/*
 * libgdb-remote internals shared between the engine's files: the server,
 * framer and output-stream bodies, and the cross-file gdbr__ helpers
 * (hex digits, reply building, command handlers).
 */
#ifndef GDBR_PRIV_H
#define GDBR_PRIV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "gdb-remote.h"

/*
 * Error replies are "Enn".  GDB gives nn no meaning; like QEMU's gdbstub we
 * write the Linux errno in decimal ("E14" = EFAULT, "E22" = EINVAL) so
 * tools written against QEMU see the same replies.
 */
#define GDBR_RSP_EGENERIC 1     /* target op failed */
#define GDBR_RSP_ENOENT   2     /* unknown thread or document */
#define GDBR_RSP_E2BIG    7     /* packet longer than PacketSize */
#define GDBR_RSP_EFAULT   14    /* memory not readable/writable */
#define GDBR_RSP_EINVAL   22    /* malformed arguments */
#define GDBR_RSP_EROFS    30    /* write refused: read-only target */
#define GDBR_RSP_ENODATA  61    /* memory exists, its bytes are not held */

/* QEMU's default qqemu.sstep bits under TCG: ENABLE|NOIRQ|NOTIMER. */
#define GDBR__SSTEP_DEFAULT 0x7u

/* Byte framer states (framer.c). */
enum gdbr__rx_state {
	GDBR__RX_IDLE = 0,  /* between packets: acks, Ctrl-C, garbage */
	GDBR__RX_DATA,      /* after '$' */
	GDBR__RX_RLE,       /* after '*': next byte is a repeat count */
	GDBR__RX_CSUM1,     /* after '#' */
	GDBR__RX_CSUM2      /* after the first checksum digit */
};

struct gdbr_framer {
	unsigned char *buf;     /* caller's: the decoded payload */
	size_t cap;
	size_t len;
	enum gdbr__rx_state state;
	uint8_t sum;            /* running checksum of raw bytes */
	uint8_t csum_hi;        /* first checksum digit */
	int csum_got;           /* the checksum received, -1: not hex */
	int overflow;           /* decoded payload exceeded cap */
	int bad_rle;            /* '*' with nothing to repeat or bad count */
	int noack;              /* checksums ignored, no '-' events */
};

/* Output stream kinds. */
enum gdbr__out_kind {
	GDBR__OUT_CONSOLE,  /* flushed as O packets (qRcmd) */
	GDBR__OUT_GROW,     /* growable document (memory map) */
	GDBR__OUT_SINK      /* caller's writer (gdbr_out_new_sink) */
};

struct gdbr_out {
	gdbr_server *s;
	enum gdbr__out_kind kind;
	char *buf;
	size_t len;
	size_t cap;
	int err;            /* first error, sticky */
	/* Limits: CONSOLE stops after @limit bytes (0: none); GROW keeps at
	 * most @limit bytes (0: none), then fails with GDBR_ELIMIT. */
	uint64_t limit;
	uint64_t total;     /* bytes written so far (document position) */
	int truncated;      /* CONSOLE: the limit cut the output */
	char last;          /* CONSOLE: last byte kept, to end the line */
	/* GROW window mode: keep only [win_lo, win_hi) of the document and
	 * fail with GDBR_ELIMIT once the position passes win_hi. */
	int window;
	uint64_t win_lo, win_hi;
	int (*sink)(const void *buf, size_t len, void *payload); /* SINK */
	void *sink_payload;
};

struct gdbr_tdesc {
	const char *arch;
	int nregs;
	const char *const *names;
	const unsigned char *sizes;
	const char *xml;
	size_t xml_len;
};

struct gdbr_server {
	/* Configuration (borrowed). */
	const struct gdbr_conn_ops *conn;
	void *conn_payload;
	const struct gdbr_target_ops *target;
	void *target_payload;
	const gdbr_tdesc *tdesc;

	/* Receive side: the framer over the caller's buffer. */
	gdbr_framer rx;
	size_t rx_cap;          /* PacketSize: the buffer's size */

	/* Reply being built (payload, at most rx_cap bytes). */
	char *out;
	size_t out_len;
	int out_overflow;
	/* Last framed packet, kept for retransmission on '-'. */
	char *tx;
	size_t tx_len;
	int tx_valid;
	/* Scratch for memory/register data (rx_cap bytes). */
	unsigned char *scratch;
	size_t scratch_cap;

	/* Session. */
	enum gdbr_state state;
	int tid_g;              /* thread for register access, 1..N */
	int tid_c;              /* thread for resume, -1 = all */
	int stop_tid;           /* thread of the last stop */
	int thread_cursor;      /* next id for qsThreadInfo, 0 = done */
	unsigned mem_flags;     /* GDBR_MEM_PHYS */
	unsigned sstep_flags;   /* QEMU's qqemu.sstep bits (cmd_query.c) */
	int result;             /* sticky feed result (disconnect, EIO) */

	struct gdbr_out console;   /* qRcmd output, cap = (rx_cap - 1) / 2 */
	struct gdbr_out memmap;    /* memory-map document, grows */
	int memmap_valid;          /* memmap holds the whole document */
	int memmap_big;            /* longer than memmap_cache: windowed */
	size_t memmap_head;        /* big: bytes of its head still in memmap */
	size_t memmap_cache;       /* bytes kept whole (struct gdbr_limits) */
	const char *output_hint;   /* struct gdbr_limits, borrowed */

	char errmsg[160];
};

/* server.c */
void gdbr__set_error(gdbr_server *s, const char *fmt, ...) GDBR_PRINTF(2, 3);
int gdbr__dispatch(gdbr_server *s, const char *pkt, size_t len);
int gdbr__thread_count(gdbr_server *s);
int gdbr__fatal(gdbr_server *s, int rc);

/* hex.c: hex digits, thread ids, packet prefixes (the public coders are
 * in gdb-remote.h). */
int gdbr__hex_val(int c);
const char *gdbr__parse_tid(const char *p, const char *end, int *tid);
int gdbr__starts(const char *p, size_t len, const char *prefix);
int gdbr__is(const char *p, size_t len, const char *str);

/* framer.c */
void gdbr__framer_init(gdbr_framer *f, void *buf, size_t cap);

/* packet.c: framer events in, replies out. */
int gdbr__rx_event(gdbr_server *s, int ev);
int gdbr__write_raw(gdbr_server *s, const void *buf, size_t len);
void gdbr__reply_begin(gdbr_server *s);
int gdbr__put(gdbr_server *s, const void *buf, size_t n);
int gdbr__put_str(gdbr_server *s, const char *str);
int gdbr__putf(gdbr_server *s, const char *fmt, ...) GDBR_PRINTF(2, 3);
size_t gdbr__put_hex(gdbr_server *s, const void *buf, size_t n);
size_t gdbr__put_bin(gdbr_server *s, const void *buf, size_t n);
size_t gdbr__reply_room(const gdbr_server *s);
int gdbr__reply_end(gdbr_server *s);
int gdbr__reply(gdbr_server *s, const char *str);
int gdbr__reply_err(gdbr_server *s, int code);
int gdbr__reply_stop(gdbr_server *s, int signal, int tid);

/* out.c */
void gdbr__out_init(struct gdbr_out *o, gdbr_server *s,
                    enum gdbr__out_kind kind, char *buf, size_t cap);
int gdbr__out_flush(struct gdbr_out *o);
void gdbr__out_clear(struct gdbr_out *o);
void gdbr__out_release(struct gdbr_out *o);

/* Command handlers, one file per family: reply, return 0 or GDBR_E*. */
int gdbr__cmd_query(gdbr_server *s, const char *pkt, size_t len);
int gdbr__cmd_set(gdbr_server *s, const char *pkt, size_t len);
int gdbr__cmd_mem(gdbr_server *s, const char *pkt, size_t len);
int gdbr__cmd_regs(gdbr_server *s, const char *pkt, size_t len);
int gdbr__cmd_thread(gdbr_server *s, const char *pkt, size_t len);
int gdbr__cmd_xfer(gdbr_server *s, const char *pkt, size_t len);
int gdbr__cmd_rcmd(gdbr_server *s, const char *pkt, size_t len);
int gdbr__cmd_run(gdbr_server *s, const char *pkt, size_t len);
int gdbr__cmd_interrupt(gdbr_server *s);

#endif /* GDBR_PRIV_H */
