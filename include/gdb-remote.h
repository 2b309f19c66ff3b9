/*
 * libgdb-remote public API: a transport-agnostic GDB remote serial protocol
 * (RSP) engine.  Bytes go in through gdbr_server_feed(), replies come out
 * through a caller-supplied writer, and the debugged machine is reached
 * through a target ops table whose optional members decide what is advertised.
 * Its framer (gdbr_framer) and payload coders stand on their own, for
 * callers that relay packets rather than answer them.
 */
#ifndef GDB_REMOTE_H
#define GDB_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define GDBR_API __attribute__((visibility("default")))
#define GDBR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define GDBR_API
#define GDBR_PRINTF(a, b)
#endif

/**
 * Return codes.  Functions return 0 on success or one of these.
 * GDBR_ERROR is the catch-all; gdbr_server_errmsg() then says more.
 *
 * libgdb-remote's codes lie in -199..-100, apart from libpgwalk's
 * (-99..-1, PGW_E* in pgwalk.h): a value that passed through both
 * libraries (a walker view writing into a gdbr_out stops with that
 * stream's GDBR_ELIMIT) says which one it came from.  Error text is kept
 * on the server (gdbr_server_errmsg()), never in a global.  None of these
 * values reaches GDB: error replies carry their own errno-style "Enn".
 */
enum gdbr_error {
	GDBR_OK = 0,                /**< success */
	GDBR_ERROR = -100,          /**< generic failure, see errmsg */
	GDBR_EINVAL = -101,         /**< invalid argument or state */
	GDBR_ENOMEM = -102,         /**< allocation failed */
	GDBR_EDISCONNECTED = -103,  /**< the session ended (D, k, fatal) */
	GDBR_EIO = -104,            /**< the connection writer failed */
	GDBR_EFATAL = -105,         /**< from a target op: drop the session */
	GDBR_ELIMIT = -106,         /**< an output stream reached its limit */
	/** From read_memory: the memory exists but the target does not hold
	 *  its bytes (pages a filtered crash dump left out); the reply is E61
	 *  (ENODATA) instead of E14. */
	GDBR_ENODATA = -107
};

/** Memory access flag: addresses are guest-physical (Qqemu.PhyMemMode:1). */
#define GDBR_MEM_PHYS 0x1u

/** Server states (gdbr_server_state()). */
enum gdbr_state {
	GDBR_STATE_IDLE = 0,        /**< target stopped, serving packets */
	GDBR_STATE_RUNNING,         /**< target resumed, stop reply pending */
	GDBR_STATE_INTERRUPTED,     /**< Ctrl-C forwarded, stop reply pending */
	GDBR_STATE_DISCONNECTED     /**< session over until gdbr_server_reset() */
};

/** The protocol engine, one per connection at a time.  Opaque. */
typedef struct gdbr_server gdbr_server;

/** An output stream handed to monitor / memory-map producers.  Opaque. */
typedef struct gdbr_out gdbr_out;

/** A target description: register layout plus its XML.  Opaque. */
typedef struct gdbr_tdesc gdbr_tdesc;

/**
 * Connection ops: where the engine's output bytes go.
 */
struct gdbr_conn_ops {
	/**
	 * Required.  Write all @p len bytes of @p buf to the peer.
	 * @return 0, or negative: the engine then enters DISCONNECTED and
	 *         gdbr_server_feed() returns GDBR_EIO.
	 */
	int (*write)(const void *buf, size_t len, void *payload);
	/**
	 * Optional: if NULL, nothing is done.  Called once at the end of each
	 * gdbr_server_feed() call that produced output, for buffered writers.
	 */
	int (*flush)(void *payload);
};

/**
 * Target ops: the machine being debugged.  Thread ids are 1..N.
 * Any op may return GDBR_EFATAL to end the session.
 */
struct gdbr_target_ops {
	/**
	 * Optional: if NULL, the XML of the config's tdesc is served (when a
	 * tdesc is set), else qXfer:features:read is not advertised.
	 * Return the document named @p annex ("target.xml" or an include), or
	 * NULL if there is none.  The text is borrowed and must stay valid
	 * until the next call.
	 */
	const char *(*target_xml)(const char *annex, size_t *len, void *payload);
	/**
	 * Required.  Read register @p regno of thread @p tid into @p buf
	 * (@p size bytes, target byte order).
	 * @return bytes written (== size normally), 0 if the value is
	 *         unavailable (sent as "xx" bytes), negative on error (E01).
	 */
	int (*read_register)(int tid, int regno, void *buf, size_t size,
	                     void *payload);
	/**
	 * Optional: if NULL, G and P get an error reply (E30, read-only).
	 * @return 0 or negative (E01).
	 */
	int (*write_register)(int tid, int regno, const void *buf, size_t size,
	                      void *payload);
	/**
	 * Required.  Read up to @p len bytes at @p addr.  @p flags holds
	 * GDBR_MEM_PHYS when GDB selected physical mode.
	 * @return bytes read (> 0; may be short, the reply is then short),
	 *         GDBR_ENODATA (the reply is E61), or another negative value
	 *         (the reply is E14).  0 counts as an error.
	 */
	int (*read_memory)(uint64_t addr, void *buf, size_t len,
	                   unsigned flags, void *payload);
	/**
	 * Optional: if NULL, M and X get an error reply (E30): snapshots are
	 * read-only.  @return 0 or negative (E14).
	 */
	int (*write_memory)(uint64_t addr, const void *buf, size_t len,
	                    unsigned flags, void *payload);
	/**
	 * Optional: if NULL, the target has exactly one thread.
	 * @return the number of threads N >= 1 (ids 1..N).
	 */
	int (*thread_count)(void *payload);
	/**
	 * Optional: if NULL, nothing is told.  Called when GDB selects a
	 * thread for register access (Hg), so the target can follow it
	 * (e.g. for "monitor" commands acting on the current vCPU).
	 * @return 0, or negative to refuse (E01).
	 */
	int (*select_thread)(int tid, void *payload);
	/**
	 * Optional: if NULL, qRcmd gets an empty (unsupported) reply.
	 * Run monitor command @p cmd (NUL-terminated, decoded).  Output
	 * written to @p out is streamed to GDB as it is produced.
	 * @return 0 (reply OK), or nonzero (reply E01 after the output).
	 */
	int (*monitor)(const char *cmd, gdbr_out *out, void *payload);
	/**
	 * Optional: if NULL, qXfer:memory-map:read is not advertised.
	 * Write the whole memory-map XML document to @p xml.  Called when GDB
	 * reads offset 0 (gdbr_out_offset() is then 0); later windows are
	 * served from the kept copy.  A document longer than the server's
	 * cache (gdbr_server_set_limits()) is not kept whole: the op is called
	 * again for each later window (gdbr_out_offset() > 0), the stream
	 * keeps only that window's bytes, and once it has them its writes
	 * fail with GDBR_ELIMIT: stop there (any return value is then fine).
	 * A target may keep a compact form between such calls.
	 * @return 0 or negative (E01).
	 */
	int (*memory_map)(gdbr_out *xml, void *payload);
	/**
	 * Optional: if NULL, c and s reply at once with a stop reply: the
	 * target never runs (snapshot).  Resume (@p step = 0) or single-step
	 * (@p step = 1) thread @p tid (-1: all).  On 0 the server enters
	 * RUNNING and the caller later calls gdbr_server_report_stop().
	 * @return 0, or negative (E01).
	 */
	int (*resume)(int tid, int step, void *payload);
	/**
	 * Optional: if NULL, a Ctrl-C while RUNNING is reported as a stop
	 * (SIGINT) immediately.  Ask a running target to stop; the server
	 * enters INTERRUPTED until gdbr_server_report_stop().
	 */
	int (*interrupt)(void *payload);
};

/** Current version of struct gdbr_server_config. */
#define GDBR_SERVER_CONFIG_VERSION 1

/**
 * Server configuration.  Initialise with GDBR_SERVER_CONFIG_INIT.
 */
struct gdbr_server_config {
	unsigned version;                  /**< GDBR_SERVER_CONFIG_VERSION */
	const struct gdbr_conn_ops *conn;  /**< required */
	void *conn_payload;                /**< passed to conn ops */
	const struct gdbr_target_ops *target; /**< required */
	void *target_payload;              /**< passed to target ops */
	/**
	 * Register layout used for g/G/p/P and as default target.xml.
	 * Optional: if NULL, g/G/p/P reply E01.  Borrowed; must outlive s.
	 */
	const gdbr_tdesc *tdesc;
	/**
	 * Receive buffer, caller-owned, must outlive the server.  Its size is
	 * advertised as PacketSize, so it bounds both incoming packets and
	 * reply payloads.  At least 256 bytes and twice the tdesc's g size.
	 */
	void *packet_buf;
	size_t packet_size;                /**< capacity of packet_buf */
};

/** Initialiser for struct gdbr_server_config. */
#define GDBR_SERVER_CONFIG_INIT { GDBR_SERVER_CONFIG_VERSION, NULL, NULL, \
	NULL, NULL, NULL, NULL, 0 }

/** Current version of struct gdbr_limits. */
#define GDBR_LIMITS_VERSION 1

/**
 * Bounds on what one request may cost.  Initialise with GDBR_LIMITS_INIT.
 */
struct gdbr_limits {
	unsigned version;          /**< GDBR_LIMITS_VERSION */
	/**
	 * Text one monitor command may send (bytes before hex coding); 0: no
	 * limit.  Past it the command's writes fail with GDBR_ELIMIT, GDB gets
	 * one line saying so (plus @p output_hint) and the reply is OK.
	 */
	uint64_t max_output;
	/** Optional: if NULL, none.  Appended to the truncation line, e.g.
	 *  "narrow it: monitor info pg --range A B".  Borrowed. */
	const char *output_hint;
	/**
	 * Bytes of a memory-map document kept between qXfer windows; a longer
	 * one is regenerated per window (see gdbr_target_ops.memory_map).
	 * 0: the default, 256 KiB.
	 */
	size_t memmap_cache;
};

/** Initialiser for struct gdbr_limits: no output limit, default cache. */
#define GDBR_LIMITS_INIT { GDBR_LIMITS_VERSION, 0, NULL, 0 }

/**
 * Create a server.  All memory the session needs is allocated here.
 * @param out receives the server; caller frees with gdbr_server_free().
 * @param cfg configuration; copied (its buffers stay borrowed).
 * @return 0, GDBR_EINVAL (bad config) or GDBR_ENOMEM.
 */
GDBR_API int gdbr_server_new(gdbr_server **out,
                             const struct gdbr_server_config *cfg);

/**
 * Free a server.  @param s the server; NULL is a no-op.
 */
GDBR_API void gdbr_server_free(gdbr_server *s);

/**
 * Consume bytes received from GDB, writing acks and replies.
 * @param s the server.
 * @param buf received bytes (any split: packets may span calls).
 * @param len number of bytes.
 * @return 0; GDBR_EDISCONNECTED after D, k or a fatal target error (the
 *         caller closes the connection and calls gdbr_server_reset()
 *         before serving another one); GDBR_EIO if the writer failed.
 */
GDBR_API int gdbr_server_feed(gdbr_server *s, const void *buf, size_t len);

/**
 * Deliver an out-of-band interrupt (Ctrl-C), as if a 0x03 byte arrived
 * between packets.  A stopped target gets a stop reply at once.
 * @return 0, GDBR_EDISCONNECTED or GDBR_EIO.
 */
GDBR_API int gdbr_server_interrupt(gdbr_server *s);

/**
 * Set the per-request bounds (defaults: GDBR_LIMITS_INIT).
 * @param s the server.
 * @param l the limits; copied (the hint stays borrowed).
 * @return 0 or GDBR_EINVAL (NULL or wrong version).
 */
GDBR_API int gdbr_server_set_limits(gdbr_server *s,
                                    const struct gdbr_limits *l);

/**
 * Ready the server for a new connection: ack mode on, framer and
 * session state (threads, PhyMemMode, cached documents) cleared.
 * @param s the server.
 */
GDBR_API void gdbr_server_reset(gdbr_server *s);

/**
 * Report that a resumed target stopped: sends "T<sig>thread:<tid>;".
 * @param s the server, in RUNNING or INTERRUPTED state.
 * @param tid the thread that stopped (1..N).
 * @param signal GDB signal number (5 = SIGTRAP, 2 = SIGINT).
 * @return 0, GDBR_EINVAL (not running) or GDBR_EIO.
 */
GDBR_API int gdbr_server_report_stop(gdbr_server *s, int tid, int signal);

/** @return the server's state. */
GDBR_API enum gdbr_state gdbr_server_state(const gdbr_server *s);

/**
 * @return the thread GDB selected for register access (1..N).
 */
GDBR_API int gdbr_server_thread(const gdbr_server *s);

/**
 * @return the flags (GDBR_MEM_PHYS) memory ops are currently called with.
 */
GDBR_API unsigned gdbr_server_mem_flags(const gdbr_server *s);

/**
 * @return the text of the last error or protocol anomaly; borrowed,
 *         valid until the next call on @p s.  "" if none.
 */
GDBR_API const char *gdbr_server_errmsg(const gdbr_server *s);

/**
 * Append bytes to an output stream.  In a monitor command, the text is
 * sent to GDB as O packets whenever a packet's worth is buffered.
 * @return 0, GDBR_ENOMEM, GDBR_EIO or GDBR_ELIMIT (a limit was reached:
 *         stop producing).
 */
GDBR_API int gdbr_out_write(gdbr_out *out, const void *buf, size_t len);

/**
 * printf into an output stream.  @return 0, GDBR_ENOMEM or GDBR_EIO.
 */
GDBR_API int gdbr_out_printf(gdbr_out *out, const char *fmt, ...)
	GDBR_PRINTF(2, 3);

/**
 * Create a stand-alone output stream that hands every write, unbuffered, to
 * @p write: for running monitor producers outside a GDB session (a console,
 * a log, a test).
 * @param out receives the stream; caller frees with gdbr_out_free().
 * @param write required; called with each chunk written (never with 0
 *        bytes).  Return 0, or negative: the stream then fails with
 *        GDBR_EIO, stickily, and later writes are dropped.
 * @param payload passed to @p write.
 * @return 0, GDBR_EINVAL (NULL @p out or @p write) or GDBR_ENOMEM.
 */
GDBR_API int gdbr_out_new_sink(gdbr_out **out,
                               int (*write)(const void *buf, size_t len,
                                            void *payload),
                               void *payload);

/**
 * Free a stream made by gdbr_out_new_sink().  NULL, and the streams a
 * server hands to target ops (owned by the server), are ignored.
 */
GDBR_API void gdbr_out_free(gdbr_out *out);

/**
 * @return the stream's sticky error: 0, GDBR_ENOMEM, GDBR_EIO or
 *         GDBR_ELIMIT (GDBR_EINVAL for NULL).
 */
GDBR_API int gdbr_out_error(const gdbr_out *out);

/**
 * Where in its document a stream starts: for a memory-map stream, the
 * offset of the window being produced (0: a new read starts, regenerate);
 * 0 for every other stream.
 */
GDBR_API uint64_t gdbr_out_offset(const gdbr_out *out);

/**
 * Clear the sticky error of a sink (e.g. after the reader of a pipe went
 * away and a new command starts).  Other streams are left alone.
 */
GDBR_API void gdbr_out_clear_error(gdbr_out *out);

/* ---------------------------------------------------------- framing */

/**
 * A byte framer: turns the bytes one peer sends into packets, for a server
 * (gdbr_server uses one) or a proxy standing between two peers.  It writes
 * nothing: the caller sends the acks its events call for.  Opaque.
 *
 * Rules (GDB manual, "Overview"), the same for every caller:
 * - "$data#cs" is a packet; '$' always starts a new one (a packet it cuts
 *   short is dropped: GDBR_FRAME_TRUNCATED).
 * - A wrong or non-hex checksum is GDBR_FRAME_CORRUPT (answer '-'); in
 *   NoAck mode checksums are not checked.
 * - '*' and a count character n + 29 repeat the previous byte n more
 *   times.  A count below 3 or above 97, '#' or '$' as a count ("*#" ends
 *   the packet with the run uncounted), or '*' first in a packet make the
 *   packet GDBR_FRAME_MALFORMED: it arrived intact, so answer '+' and an
 *   error reply ("E22"), not '-', which would only bring it back.
 * - A packet longer than the buffer is GDBR_FRAME_TOOLONG: '+' and an
 *   error reply ("E07").
 * - Between packets, 0x03 is GDBR_FRAME_INTERRUPT, '-' is GDBR_FRAME_NAK
 *   (ack mode only), '+' and anything else are ignored.
 */
typedef struct gdbr_framer gdbr_framer;

/** What gdbr_framer_feed() stopped at. */
enum gdbr_frame_event {
	GDBR_FRAME_NONE = 0,    /**< all input consumed, nothing complete */
	GDBR_FRAME_PACKET,      /**< a packet: gdbr_framer_packet() */
	GDBR_FRAME_CORRUPT,     /**< bad checksum (ack mode): answer '-' */
	GDBR_FRAME_MALFORMED,   /**< bad run-length coding: '+', then E22 */
	GDBR_FRAME_TOOLONG,     /**< longer than the buffer: '+', then E07 */
	GDBR_FRAME_TRUNCATED,   /**< a '$' cut the packet short: dropped */
	GDBR_FRAME_INTERRUPT,   /**< 0x03 between packets (Ctrl-C) */
	GDBR_FRAME_NAK          /**< '-' between packets (ack mode only) */
};

/**
 * Create a framer in ack mode, between packets.
 * @param out receives the framer; caller frees with gdbr_framer_free().
 * @param buf where decoded payloads go; caller-owned, borrowed, must
 *        outlive the framer.
 * @param cap capacity of @p buf: the longest packet accepted.
 * @return 0, GDBR_EINVAL (NULL @p out, or NULL @p buf with @p cap > 0) or
 *         GDBR_ENOMEM.
 */
GDBR_API int gdbr_framer_new(gdbr_framer **out, void *buf, size_t cap);

/** Free a framer.  @param f the framer; NULL is a no-op. */
GDBR_API void gdbr_framer_free(gdbr_framer *f);

/**
 * Ready the framer for a new connection: between packets, ack mode.
 * @param f the framer.
 */
GDBR_API void gdbr_framer_reset(gdbr_framer *f);

/**
 * Turn NoAck mode on or off (after QStartNoAckMode was agreed): checksums
 * are no longer checked and '-' is no longer an event.
 * @param f the framer.
 * @param on nonzero for NoAck mode.
 */
GDBR_API void gdbr_framer_set_noack(gdbr_framer *f, int on);

/** @return nonzero when @p f is in NoAck mode. */
GDBR_API int gdbr_framer_noack(const gdbr_framer *f);

/**
 * Frame received bytes until something happens.  Call again with the
 * rest (@p buf + *@p used) until it returns GDBR_FRAME_NONE; packets may
 * span calls.
 * @param f the framer.
 * @param buf received bytes.
 * @param len number of bytes.
 * @param used receives how many bytes were consumed (all of them when
 *        the result is GDBR_FRAME_NONE).
 * @return an enum gdbr_frame_event (>= 0).
 */
GDBR_API int gdbr_framer_feed(gdbr_framer *f, const void *buf, size_t len,
                              size_t *used);

/**
 * The payload of the packet the last GDBR_FRAME_PACKET announced,
 * run-length expanded ('}' escapes are left to the packet's parser:
 * gdbr_bin_unescape()).  Not NUL-terminated.
 * @param f the framer.
 * @param len receives the payload's length.
 * @return the payload, borrowed: it lies in the framer's buffer and is
 *         valid until the next gdbr_framer_feed().
 */
GDBR_API const char *gdbr_framer_packet(const gdbr_framer *f, size_t *len);

/** gdbr_packet_frame() flag: run-length encode the payload. */
#define GDBR_PACKET_RLE 0x1u

/**
 * Frame a packet for sending: "$", the payload, "#", two checksum digits.
 * The payload must hold no '$' or '#' (escape binary data first:
 * gdbr_bin_escape()).
 * @param dst receives the packet: room for @p len + 4 bytes.
 * @param payload the payload.
 * @param len its length.
 * @param flags 0, or GDBR_PACKET_RLE to run-length encode it
 *        (gdbr_rle_encode(); the packet then never gets longer).
 * @return the number of bytes written to @p dst (not NUL-terminated).
 */
GDBR_API size_t gdbr_packet_frame(char *dst, const void *payload, size_t len,
                                  unsigned flags);

/**
 * @return the RSP checksum of @p n bytes at @p payload: their sum
 *         modulo 256.
 */
GDBR_API uint8_t gdbr_packet_checksum(const void *payload, size_t n);

/* ----------------------------------------------------------- coders */

/**
 * Hex encode bytes, two lower-case digits each.
 * @param dst receives 2 * @p n characters (not NUL-terminated).
 * @param src the bytes.
 * @param n number of bytes.
 * @return 2 * @p n.
 */
GDBR_API size_t gdbr_hex_encode(char *dst, const void *src, size_t n);

/**
 * Decode hex digits (either case) into bytes.
 * @param dst receives @p nchars / 2 bytes.
 * @param src the digits.
 * @param nchars number of digits, even, at most 2 * INT_MAX.
 * @return the number of bytes decoded, or GDBR_EINVAL (odd count, or a
 *         character that is no hex digit; @p dst is then partly written).
 */
GDBR_API int gdbr_hex_decode(void *dst, const char *src, size_t nchars);

/**
 * Parse a hex number (no sign, no "0x") at @p p, up to @p end or the
 * first character that is no hex digit.
 * @param p where the number starts.
 * @param end the end of the text.
 * @param v receives the value.
 * @return the position after the number, or NULL if @p p holds no digit
 *         or the value does not fit 64 bits (@p v is then untouched).
 */
GDBR_API const char *gdbr_hex_parse(const char *p, const char *end,
                                    uint64_t *v);

/**
 * Escape binary data for a packet (x replies, X packets): '#', '$', '}'
 * and '*' become '}' and the byte XOR 0x20.  Stops before a byte whose
 * encoding would not fit.
 * @param dst receives at most @p dst_cap bytes.
 * @param dst_cap capacity of @p dst.
 * @param src the bytes.
 * @param n number of bytes.
 * @param consumed receives the number of bytes of @p src encoded.
 * @return the number of bytes written to @p dst.
 */
GDBR_API size_t gdbr_bin_escape(char *dst, size_t dst_cap, const void *src,
                                size_t n, size_t *consumed);

/**
 * Undo gdbr_bin_escape().
 * @param dst receives at most @p n bytes; may equal @p src.
 * @param src escaped data.
 * @param n its length.
 * @return the decoded length, or GDBR_EINVAL if the data ends inside an
 *         escape.
 */
GDBR_API long gdbr_bin_unescape(void *dst, const char *src, size_t n);

/**
 * Run-length encode a payload: a run of 4 to 98 equal bytes becomes the
 * byte, '*' and a count character (never '#', '$', '+' or '-').
 * @param dst receives at most @p n bytes: the result is never longer.
 * @param src the payload.
 * @param n its length.
 * @return the number of bytes written to @p dst.
 */
GDBR_API size_t gdbr_rle_encode(char *dst, const char *src, size_t n);

/**
 * Expand run-length coding, by the framer's rules (see gdbr_framer).
 * @param dst receives at most @p cap bytes.
 * @param cap capacity of @p dst.
 * @param src coded payload (as between '$' and '#').
 * @param n its length.
 * @return the expanded length; GDBR_EINVAL if the coding is malformed (or
 *         @p src holds '#' or '$'); GDBR_ELIMIT if it is valid but
 *         expands past @p cap.
 */
GDBR_API long gdbr_rle_expand(char *dst, size_t cap, const char *src,
                              size_t n);

/* ------------------------------------------------ target descriptions */

/**
 * x86-64 description with QEMU 7.2's gdbstub register numbering:
 * rax..r15 0-15, rip 16, eflags 17, cs ss ds es fs gs 18-23, fs_base 24,
 * gs_base 25, k_gs_base 26, cr0 27, cr2 28, cr3 29, cr4 30, cr8 31,
 * efer 32, st0-st7 33-40, fctrl fstat ftag fiseg fioff foseg fooff fop
 * 41-48, xmm0-xmm15 49-64, mxcsr 65.
 * @return a static description (borrowed, never freed).
 */
GDBR_API const gdbr_tdesc *gdbr_tdesc_x86_64(void);

/**
 * i386 description with QEMU 7.2's numbering: eax ecx edx ebx esp ebp
 * esi edi 0-7, eip 8, eflags 9, cs ss ds es fs gs 10-15, fs_base 16,
 * gs_base 17, k_gs_base 18, cr0 19, cr2 20, cr3 21, cr4 22, cr8 23,
 * efer 24, st0-st7 25-32, fctrl..fop 33-40, xmm0-xmm7 41-48, mxcsr 49.
 * @return a static description (borrowed, never freed).
 */
GDBR_API const gdbr_tdesc *gdbr_tdesc_i386(void);

/**
 * powerpc:common64 description with QEMU 7.2's gdbstub numbering: r0-r31
 * 0-31 (64-bit), f0-f31 32-63, pc 64, msr 65, cr 66 (32-bit), lr 67,
 * ctr 68, xer 69 (32-bit), fpscr 70 (32-bit). Values go in the target's
 * byte order, which GDB does not learn from the description (`set endian`
 * or the kernel's ELF file tell it).
 * @return a static description (borrowed, never freed).
 */
GDBR_API const gdbr_tdesc *gdbr_tdesc_ppc64(void);

/**
 * aarch64 description with QEMU 7.2's gdbstub numbering: x0-x30 0-30, sp
 * 31, pc 32, cpsr 33 (32-bit), v0-v31 34-65 (128-bit), fpsr 66, fpcr 67
 * (32-bit); then, from 68, the EL1 system registers under QEMU's names
 * (feature org.qemu.gdb.arm.sys.regs): SCTLR, TTBR0_EL1, TTBR1_EL1,
 * TCR_EL1, MAIR_EL1, ID_AA64MMFR0_EL1, ESR_EL1, FAR_EL1, VBAR, ELR_EL1,
 * SPSR_EL1, SP_EL0, SP_EL1, TPIDR_EL0, TPIDR_EL1, CONTEXTIDR_EL1, PAR_EL1,
 * ID_AA64MMFR1_EL1, ID_AA64MMFR2_EL1, HCR_EL2, SCTLR_EL2, TTBR0_EL2,
 * TTBR1_EL2, TCR_EL2, MAIR_EL2, VTTBR_EL2, VTCR_EL2
 * (QEMU numbers these in hash-table order: tools find them by name).
 * @return a static description (borrowed, never freed).
 */
GDBR_API const gdbr_tdesc *gdbr_tdesc_aarch64(void);

/** aarch64 register numbers of gdbr_tdesc_aarch64(). */
enum gdbr_aarch64_reg {
	GDBR_AARCH64_X0 = 0, GDBR_AARCH64_SP = 31, GDBR_AARCH64_PC = 32,
	GDBR_AARCH64_CPSR = 33, GDBR_AARCH64_V0 = 34, GDBR_AARCH64_FPSR = 66,
	GDBR_AARCH64_FPCR = 67, GDBR_AARCH64_SCTLR = 68,
	GDBR_AARCH64_TTBR0_EL1 = 69, GDBR_AARCH64_TTBR1_EL1 = 70,
	GDBR_AARCH64_TCR_EL1 = 71, GDBR_AARCH64_HCR_EL2 = 87,
	GDBR_AARCH64_NREGS = 95
};

/**
 * riscv64 description ("riscv:rv64"): x0-x31 0-31 under their ABI names
 * as QEMU 7.2's gdbstub gives them (zero, ra, sp, gp, tp, t0-t2, fp, s1,
 * a0-a7, s2-s11, t3-t6), pc 32 (feature org.gnu.gdb.riscv.cpu); priv 33
 * (org.gnu.gdb.riscv.virtual); from 34 the CSRs sstatus, stvec, sscratch,
 * sepc, scause, stval, satp, mstatus, misa, medeleg, mideleg, mie, mtvec,
 * mscratch, mepc, mcause, mtval, mip, mhartid (org.gnu.gdb.riscv.csr;
 * QEMU numbers these after its FPU: tools find them by name). All 64-bit.
 * @return a static description (borrowed, never freed).
 */
GDBR_API const gdbr_tdesc *gdbr_tdesc_riscv64(void);

/**
 * riscv32 description ("riscv:rv32"): gdbr_tdesc_riscv64()'s registers,
 * numbers and features, every one 32 bits wide (the same numbers:
 * enum gdbr_riscv64_reg).
 * @return a static description (borrowed, never freed).
 */
GDBR_API const gdbr_tdesc *gdbr_tdesc_riscv32(void);

/** riscv64 register numbers of gdbr_tdesc_riscv64(). */
enum gdbr_riscv64_reg {
	GDBR_RISCV64_X0 = 0, GDBR_RISCV64_SP = 2, GDBR_RISCV64_PC = 32,
	GDBR_RISCV64_PRIV = 33, GDBR_RISCV64_SSTATUS = 34,
	GDBR_RISCV64_SATP = 40, GDBR_RISCV64_NREGS = 53
};

/** ppc64 register numbers of gdbr_tdesc_ppc64(). */
enum gdbr_ppc64_reg {
	GDBR_PPC64_R0 = 0, GDBR_PPC64_R1 = 1, GDBR_PPC64_F0 = 32,
	GDBR_PPC64_PC = 64, GDBR_PPC64_MSR = 65, GDBR_PPC64_CR = 66,
	GDBR_PPC64_LR = 67, GDBR_PPC64_CTR = 68, GDBR_PPC64_XER = 69,
	GDBR_PPC64_FPSCR = 70, GDBR_PPC64_NREGS = 71
};

/** x86-64 register numbers of gdbr_tdesc_x86_64() that targets often need. */
enum gdbr_x86_64_reg {
	GDBR_X86_64_RAX = 0, GDBR_X86_64_RSP = 7, GDBR_X86_64_RIP = 16,
	GDBR_X86_64_EFLAGS = 17, GDBR_X86_64_CS = 18, GDBR_X86_64_FS_BASE = 24,
	GDBR_X86_64_CR0 = 27, GDBR_X86_64_CR2 = 28, GDBR_X86_64_CR3 = 29,
	GDBR_X86_64_CR4 = 30, GDBR_X86_64_CR8 = 31, GDBR_X86_64_EFER = 32,
	GDBR_X86_64_ST0 = 33, GDBR_X86_64_XMM0 = 49, GDBR_X86_64_MXCSR = 65,
	GDBR_X86_64_NREGS = 66
};

/** i386 register numbers of gdbr_tdesc_i386() that targets often need. */
enum gdbr_i386_reg {
	GDBR_I386_EAX = 0, GDBR_I386_ESP = 4, GDBR_I386_EIP = 8,
	GDBR_I386_EFLAGS = 9, GDBR_I386_CS = 10, GDBR_I386_FS_BASE = 16,
	GDBR_I386_CR0 = 19, GDBR_I386_CR2 = 20, GDBR_I386_CR3 = 21,
	GDBR_I386_CR4 = 22, GDBR_I386_CR8 = 23, GDBR_I386_EFER = 24,
	GDBR_I386_ST0 = 25, GDBR_I386_XMM0 = 41, GDBR_I386_MXCSR = 49,
	GDBR_I386_NREGS = 50
};

/** @return the number of registers in @p t. */
GDBR_API int gdbr_tdesc_nregs(const gdbr_tdesc *t);

/** @return the size in bytes of register @p regno, or GDBR_EINVAL. */
GDBR_API int gdbr_tdesc_reg_size(const gdbr_tdesc *t, int regno);

/** @return the total size in bytes of all registers (a g reply / 2). */
GDBR_API size_t gdbr_tdesc_regs_size(const gdbr_tdesc *t);

/** @return register @p regno's name (borrowed), or NULL if out of range. */
GDBR_API const char *gdbr_tdesc_reg_name(const gdbr_tdesc *t, int regno);

/** @return the number of the register called @p name, or GDBR_EINVAL. */
GDBR_API int gdbr_tdesc_find_reg(const gdbr_tdesc *t, const char *name);

/** @return the BFD architecture name ("i386:x86-64", "i386"); borrowed. */
GDBR_API const char *gdbr_tdesc_arch(const gdbr_tdesc *t);

/**
 * Look up a target description document, suitable for a target_xml op.
 * @param t the description.
 * @param annex "target.xml" (the only document; it holds every feature).
 * @param len receives the length.
 * @return the XML (static, borrowed) or NULL for an unknown annex.
 */
GDBR_API const char *gdbr_tdesc_xml(const gdbr_tdesc *t, const char *annex,
                                    size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* GDB_REMOTE_H */
