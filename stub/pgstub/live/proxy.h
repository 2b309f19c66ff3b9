/*
 * pgstub in front of a live QEMU: one connection per peer (proxy_conn.c,
 * framed by libgdb-remote's framer), the client of QEMU's gdbstub
 * (live_qemu.c), the RAM layout from QMP (live_layout.c) and the proxy
 * loop (proxy.c, live_ops.c).
 */
#ifndef PGSTUB_PROXY_H
#define PGSTUB_PROXY_H

#include "serving/cli_limits.h"
#include "serving/session.h"

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ framing */

/** Bytes framed per packet, either side (GDB's PacketSize is ours). */
#define PROXY_PACKET_SIZE 0x20000
/** QEMU 7.2's gdbstub: a 4096-byte packet buffer; `m` answers at most
 *  MAX_PACKET_LENGTH / 2 bytes and refuses more with E22. */
#define QEMU_MAX_READ 0x800
#define QEMU_MAX_WRITE 0x600

enum rsp_event {
	RSP_NONE = 0,    /* byte consumed, nothing complete */
	RSP_PACKET,      /* rsp_conn.pkt holds a whole packet */
	RSP_INTERRUPT,   /* 0x03 between packets */
	RSP_MALFORMED,   /* acked but undecodable: rsp_conn.pkt holds the
			  * error reply it gets ("E22", "E07") */
};

/** One side of the proxy: a descriptor pair, framer and input buffer. */
struct rsp_conn {
	int in_fd, out_fd;
	int eof;               /* the peer closed or failed */
	int quickack;          /* TCP: re-arm TCP_QUICKACK after reads */
	int write_ms;          /* a write blocked this long ends it; 0: never */
	const char *why;       /* why it ended, when pgstub ended it */
	gdbr_framer *fr;       /* libgdb-remote's, over pkt; NoAck is its */
	char pkt[PROXY_PACKET_SIZE + 1];   /* decoded payload, NUL added */
	size_t len;
	/* raw input not yet framed */
	unsigned char in[PROXY_PACKET_SIZE * 2];
	size_t in_pos, in_len;
	/* last packet sent, for a '-' */
	char last[PROXY_PACKET_SIZE + 8];
	size_t last_len;
};

/** Ready @p c for a new peer (ack mode); its framer is made on the first
 *  call and kept. @return 0, or -1 (out of memory) */
int rsp_conn_init(struct rsp_conn *c, int in_fd, int out_fd);
/** Free what rsp_conn_init() made. */
void rsp_conn_release(struct rsp_conn *c);
/** Acks are neither sent nor expected (QStartNoAckMode agreed). */
void rsp_conn_set_noack(struct rsp_conn *c, int on);
/** Frame the next packet from buffered input. @return an rsp_event */
int rsp_conn_next(struct rsp_conn *c);
/** Read what is available (blocking up to @p timeout_ms, -1 forever).
 *  @return >0 bytes, 0 timeout, -1 closed or failed (c->eof set) */
int rsp_conn_fill(struct rsp_conn *c, int timeout_ms);
/** Send one packet. @return 0 or -1 */
int rsp_conn_send(struct rsp_conn *c, const char *payload, size_t len);
int rsp_conn_send_str(struct rsp_conn *c, const char *payload);
/** Send @p n NUL-terminated packets in one write. @return 0 or -1 */
int rsp_conn_send_many(struct rsp_conn *c, const char *const *pkts,
		       size_t n);
/** Send raw bytes (acks, 0x03, engine output). @return 0 or -1 */
int rsp_conn_raw(struct rsp_conn *c, const void *buf, size_t len);
/** Set TCP_NODELAY when @p fd is a TCP socket. @return 1 if it is */
int rsp_nodelay(int fd);
/** A console "O" packet (hex text) rather than a reply such as "OK". */
int rsp_is_console(const char *pkt, size_t len);
/** A stop reply: T, S, W or X. */
int rsp_is_stop(const char *pkt, size_t len);

/* ------------------------------------------------------- QEMU client */

/** One register of QEMU's target description. */
struct live_tdesc_reg {
	char name[48];
	int regnum;            /* GDB's number: `p`/`P` take it */
	int bits;
};

/** QEMU's target description (live_tdesc.c). */
struct live_tdesc {
	char arch[48];         /* <architecture>, "" when none */
	struct live_tdesc_reg *regs;
	size_t n, cap;
	int next;              /* the number of a register without regnum= */
};

/** Where an aarch64 vCPU's registers are in QEMU's gdbstub (learned from
 *  its target description at connection; -1: QEMU has no such one). */
struct qemu_a64_layout {
	int sys[GUEST_A64_NSYS];  /* `p` number of each system register */
	int cpsr;                 /* `p` number of cpsr */
	long x0, sp, pc;          /* byte offsets in `g` */
};

/** Where a riscv64 hart's registers are in QEMU's gdbstub (learned from
 *  its target description; -1: QEMU has no such one). */
struct qemu_rv_layout {
	int csr[GUEST_RV_NCSR];   /* `p` number of each CSR (and "priv") */
	long x0, pc;              /* byte offsets in `g` */
	int xlen_bytes;           /* 8 (riscv64) or 4 (riscv32) */
};

/** SPRs pgstub reads from a ppc64 vCPU (live_ppc64.c: PIDR, LPCR, LPIDR,
 *  PTCR, PVR, AMR, SDR1). */
#define QEMU_PPC_NSPR 7

/** Where a ppc64 vCPU's registers are in QEMU's gdbstub (learned from
 *  its target description; -1: QEMU has no such one). */
struct qemu_ppc_layout {
	int core[6], core_bits[6];  /* `p` numbers: pc msr cr lr ctr xer */
	int spr[QEMU_PPC_NSPR];     /* `p` number of each SPR */
};

/** The connection to QEMU's gdbstub, plus what pgstub knows of its state. */
struct qemu_conn {
	struct rsp_conn c;
	int alive;
	char why[160];         /* why not alive */
	int ncpus;
	enum guest_arch arch;  /* from target.xml: x86_64, i386, aarch64,
				* riscv64 or ppc64 */
	size_t pc_off, pc_size;  /* the PC's bytes in `g` (the prefetch) */
	struct qemu_a64_layout a64;
	struct qemu_rv_layout rv;
	struct qemu_ppc_layout ppc;
	int gdb_phys;          /* the PhyMemMode GDB chose */
	int qemu_phys;         /* QEMU's PhyMemMode now */
	int gcpu;              /* QEMU's register/memory vCPU (0-based), -1 */
	char gdb_hg[64];       /* GDB's last Hg since the last stop, or "" */
};

/** Connect to "HOST:PORT" or "unix:PATH", switch QEMU to NoAck mode,
 *  count its vCPUs and learn its target (x86-64, i386, aarch64, riscv64
 *  or ppc64; another is refused, saying which). @return 0, or -1 with
 *  q->why set */
int qemu_connect(struct qemu_conn *q, const char *spec);
void qemu_close(struct qemu_conn *q, const char *why);
/** Wait for the next packet (O packets included). @return 1, 0 on
 *  timeout, -1 when QEMU is gone */
int qemu_next(struct qemu_conn *q, int timeout_ms);
/**
 * A synchronous exchange while the guest is stopped: send every packet of
 * @p reqs (pipelined), collect the final reply to each into @p replies
 * (malloc'd, caller frees each) — O packets go to @p console if set.
 * @return 0, or -1 (QEMU gone or silent: the connection is closed)
 */
int qemu_exchange(struct qemu_conn *q, const char *const *reqs, size_t n,
		  char **replies, size_t *lens, int timeout_ms,
		  int (*console)(const char *text, size_t len, void *payload),
		  void *payload);
/** Read guest memory in QEMU's current mode (split at QEMU's limit).
 *  @return bytes read before the first failing chunk */
size_t qemu_read(struct qemu_conn *q, uint64_t addr, void *buf, size_t len);
/** Put QEMU back in the PhyMemMode GDB chose. @return 0 or -1 */
int qemu_restore(struct qemu_conn *q);
/** Read guest-physical memory (Qqemu.PhyMemMode:1, left on until
 *  qemu_restore()). */
size_t qemu_phys_read(struct qemu_conn *q, uint64_t pa, void *buf,
		      size_t len);
/** Registers of vCPU @p cpu from a `g` packet (Hg switched and restored). */
int qemu_cpu_regs(struct qemu_conn *q, int cpu, struct guest_x86_cpu *out,
		  char *err, size_t errlen);
/** Registers of aarch64 vCPU @p cpu: `g` for the core, `p` for cpsr and
 *  the system registers (Hg switched and restored), in one round trip. */
int qemu_arm64_regs(struct qemu_conn *q, int cpu,
		    struct guest_arm64_cpu *out, char *err, size_t errlen);
/** Registers of riscv64 hart @p cpu: `g` for x0-x31 and pc, `p` for
 *  "priv" and each CSR QEMU has (Hg switched and restored), in one round
 *  trip. */
int qemu_riscv_regs(struct qemu_conn *q, int cpu,
		    struct guest_riscv_cpu *out, char *err, size_t errlen);
/** Registers of ppc64 vCPU @p cpu: `g` for r0-r31, `p` for pc, msr, cr,
 *  lr, ctr, xer and the SPRs QEMU has (Hg switched and restored), in one
 *  round trip, in the byte order the vCPU's MSR[LE] gives them. */
int qemu_ppc64_regs(struct qemu_conn *q, int cpu,
		    struct guest_ppc64_cpu *out, char *err, size_t errlen);
/** The little-endian value of @p size (at most 8) bytes at @p p. */
uint64_t qemu_le(const unsigned char *p, size_t size);
/** A `p` reply of at most 8 bytes: 0 and *@p v, or -1 (E, empty, odd). */
int qemu_p_value(const char *rep, size_t len, uint64_t *v);
/** QEMU's monitor runs @p cmd (qRcmd, through the gdbstub): its output
 *  in *@p out (malloc'd, "" when none). @return 0, or -1 (QEMU gone or
 *  out of memory; *@p out NULL) */
int qemu_monitor_text(struct qemu_conn *q, const char *cmd, char **out,
		      int timeout_ms);
/** Run @p reqs (one round trip) on vCPU @p cpu: Hg to it first and back
 *  to GDB's choice after, when needed. @p replies as qemu_exchange's,
 *  one per request of @p reqs. @return 0, or -1 with a message */
int qemu_on_cpu(struct qemu_conn *q, int cpu, const char *const *reqs,
		size_t n, char **replies, size_t *lens, char *err,
		size_t errlen);

/** Learn where an aarch64 vCPU's registers are from QEMU's description
 *  (q->a64, q->arch, the PC's place in `g`). @return 0, or -1 with a
 *  message naming a missing register */
int qemu_arm64_layout(struct qemu_conn *q, const struct live_tdesc *t,
		      char *err, size_t errlen);
/** The same for a riscv64 hart (q->rv): satp, sstatus and priv are
 *  required. @return 0, or -1 with a message naming a missing one */
int qemu_riscv_layout(struct qemu_conn *q, const struct live_tdesc *t,
		      char *err, size_t errlen);

/** The same for a ppc64 vCPU (q->ppc): the core registers and LPCR are
 *  required. @return 0, or -1 with a message naming a missing one */
int qemu_ppc64_layout(struct qemu_conn *q, const struct live_tdesc *t,
		      char *err, size_t errlen);

/* --------------------------------------------- target description */

/** Parse one document of a target description into @p t, calling
 *  @p include (if set) for each xi:include in place, so that numbering
 *  follows document order. @return 0, or -1 with a message */
int live_tdesc_parse(struct live_tdesc *t, const char *xml,
		     int (*include)(struct live_tdesc *t, const char *annex,
				    void *payload),
		     void *payload, char *err, size_t errlen);
/** Read QEMU's target.xml (and, with @p includes, what it includes).
 *  @return 0, or -1 with a message; free @p t with live_tdesc_free() */
int live_tdesc_read(struct qemu_conn *q, struct live_tdesc *t, int includes,
		    char *err, size_t errlen);
void live_tdesc_free(struct live_tdesc *t);
/** Register @p name, or NULL. Borrowed from @p t. */
const struct live_tdesc_reg *live_tdesc_find(const struct live_tdesc *t,
					     const char *name);
/** Byte offset of register @p regnum in a `g` reply: -1 unless every
 *  lower number is there once, in whole bytes. */
long live_tdesc_g_offset(const struct live_tdesc *t, int regnum);
/** Byte offset in a `g` reply of register @p name, which must be @p bits
 *  wide, or -1. */
long live_tdesc_g_offset_of(const struct live_tdesc *t, const char *name,
			    int bits);
/** The thread-id syntax QEMU accepts for vCPU @p cpu ("p1.N"). */
void qemu_thread_id(char *buf, size_t len, int cpu);

/* ------------------------------------------------------- RAM layout */

/**
 * The guest-physical layout from QEMU's flattened memory tree (`info
 * mtree -f`, "memory" address space): ram and rom ranges, with file
 * offsets for those of the shared memory backend.
 * @param qmp_path  QMP unix socket, or NULL to ask through the gdbstub's
 *                  monitor (qRcmd)
 * @param ram_size  size of the RAM file (to pick the backend), 0 if none
 * @param out, n    malloc'd ranges; caller frees
 * @return 0, or -1 with a message
 */
int live_layout(struct qemu_conn *q, const char *qmp_path, uint64_t ram_size,
		struct guest_live_range **out, size_t *n, char *err,
		size_t errlen);
/** Parse `info mtree -f` text (exposed for tests). @p backend names the
 *  memory region whose ranges get file offsets (NULL: the lowest RAM). */
int live_layout_parse(const char *text, const char *backend,
		      struct guest_live_range **out, size_t *n, char *err,
		      size_t errlen);

/* ------------------------------------------------------------- proxy */

/** Command-line options of the live mode. */
struct live_opts {
	const char *qemu;      /* HOST:PORT or unix:PATH */
	const char *ram;       /* --qemu-ram PATH or NULL */
	const char *qmp;       /* --qmp PATH or NULL */
	int read_only;
	struct guest_reg_value regs[4];  /* --reg: what QEMU does not show */
	size_t nregs;
	int stdio, once;
	const char *listen, *unix_path;
	struct pgstub_limits lim;
};

/** Serve GDB in front of QEMU until an error (or one session with once).
 *  @return the process exit code */
int proxy_main(const struct live_opts *o);

/** Nonzero when the command line asks for the live mode (--qemu). */
int live_cli_wanted(int argc, char **argv);
/** main() of the live mode (live_cli.c). @return the exit code */
int live_cli_main(int argc, char **argv);

#endif /* PGSTUB_PROXY_H */
