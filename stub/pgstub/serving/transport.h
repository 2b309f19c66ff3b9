/*
 * The program's transports around libgdb-remote's engine, which stays
 * transport-agnostic: serve a gdbr_server over a pair of file descriptors
 * (--stdio), a TCP listener or a Unix socket listener; the live proxy uses
 * the same listeners, clock and writers.
 */
#ifndef PGSTUB_TRANSPORT_H
#define PGSTUB_TRANSPORT_H

#include "gdb-remote.h"

#include <poll.h>
#include <stdio.h>

/**
 * Payload of pgstub_transport_fd_ops: the descriptor replies go to, and the
 * connection's bounds.  Zero-initialised members mean "no limit, quiet".
 */
struct pgstub_fd_conn {
	int fd;     /**< output descriptor; set by the serve functions */
	/** Close a connection that sent nothing for this long; 0: never. */
	int idle_ms;
	/** Close a connection whose peer stopped reading (a write blocked
	 *  this long: half-open or stuck); 0: never. */
	int write_ms;
	/** Where closings and refusals are told; NULL: nowhere.  Borrowed. */
	FILE *log;
	/** Set by the serve functions: why the last connection ended
	 *  (a static string), or NULL when the peer left on its own. */
	const char *why;
};

/**
 * Connection ops writing to a descriptor (send() with MSG_NOSIGNAL on
 * sockets so a vanished peer gives an error, not SIGPIPE).  Use with a
 * struct pgstub_fd_conn payload when creating the server.  Pipes (--stdio)
 * fall back to write(): the program should ignore SIGPIPE.
 */
extern const struct gdbr_conn_ops pgstub_transport_fd_ops;

/**
 * Serve one connection: reset @p s, then read @p in_fd and feed the server
 * (replies go to @p out_fd through @p conn) until the peer closes, detaches
 * or kills, or one of @p conn's timeouts ends it (conn->why then says
 * which).  The server is left ready for another connection.
 * Serving GDB's `target remote | PROGRAM` on stdio: GDB 13 polls PROGRAM's
 * stderr after every character it receives until that stream ends, so a
 * program that keeps it open makes every reply cost GDB a system call per
 * byte; pgstub moves its stderr away at GDB's first memory read
 * (stub/pgstub/serve_log.c).
 * @return 0 (peer closed or timed out), GDBR_EDISCONNECTED (D or k),
 *         GDBR_EIO.
 */
int pgstub_transport_serve_fd(gdbr_server *s, struct pgstub_fd_conn *conn,
                            int in_fd, int out_fd);

/**
 * Open a TCP listener (SO_REUSEADDR) on @p host (NULL: 127.0.0.1) and
 * @p port (0: pick one).
 * @param out_fd receives the listening socket; caller closes.
 * @param bound_port if not NULL, receives the port actually bound.
 * @return 0, GDBR_EINVAL (bad address) or GDBR_EIO.
 */
int pgstub_transport_listen_tcp(int *out_fd, const char *host, int port,
                              int *bound_port);

/**
 * Open a Unix stream socket listener at @p path, mode 0600.  A stale
 * socket file at @p path is replaced; any other file is an error.
 * @param out_fd receives the listening socket; caller closes (and unlinks).
 * @return 0, GDBR_EINVAL (path too long or not a socket) or GDBR_EIO.
 */
int pgstub_transport_listen_unix(int *out_fd, const char *path);

/** An accepted socket: TCP_NODELAY, and keepalive probes after @p idle_s
 *  seconds of silence (the system's default when 0). */
void pgstub_transport_tune_socket(int fd, int idle_s);

/**
 * Accept connections on @p listen_fd and serve them one at a time
 * (TCP_NODELAY and keepalive on TCP), until an error, or after the first
 * one if @p once.  A connection made while one is served is refused: its
 * first packet is answered "E.<why>" (GDB prints "Remote failure reply:
 * E.pgstub: …") and it is closed; the session being served goes on.
 * @return 0 (once: the connection ended) or GDBR_EIO (accept failed).
 */
int pgstub_transport_serve_listener(gdbr_server *s, struct pgstub_fd_conn *conn,
                                  int listen_fd, int once);

/**
 * A log line for a serving program: formatted, then written to @p f only if
 * that cannot block (a pipe nobody drains must not stop the server), else
 * dropped and counted; the next line that gets through says how many were
 * lost. Lines over 1 KiB are cut. @p f NULL: nothing.
 */
void pgstub_transport_log(FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** poll(2) until something in @p pf is ready or the pgstub_now_ms() time
 *  @p wake passes (0: no deadline). @return as poll(2) */
int pgstub_transport_poll(struct pollfd *pf, int n, long long wake);

/** Wait until @p fd is writable, at most @p ms.
 *  @return 1 ready, 0 timed out, -1 error */
int pgstub_transport_wait_writable(int fd, int ms);

/**
 * Write all of @p buf to @p fd (a socket or a pipe). With @p write_ms set,
 * never blocks longer than that waiting for the peer to take bytes; a
 * timeout sets @p *why (optional) to a sentence for the log.
 * @return 0, or GDBR_EIO
 */
int pgstub_transport_write(int fd, const void *buf, size_t len, int write_ms,
			 const char **why);

/** CLOCK_MONOTONIC in milliseconds (the deadlines below use it). */
long long pgstub_now_ms(void);

/** Peers refused at once while a session is served; more are just closed. */
#define PGSTUB_MAX_REFUSALS 8

/**
 * Connections made while a session is served, each waiting (briefly) for
 * its first packet to be answered "E.pgstub: another GDB is already
 * attached…".  For loops other than pgstub_transport_serve_listener's (the
 * live proxy's): accept on the listener's POLLIN, poll what
 * pgstub_refusals_poll() adds, then call pgstub_refusals_update().
 */
struct pgstub_refusals {
	int fd[PGSTUB_MAX_REFUSALS];
	long long deadline[PGSTUB_MAX_REFUSALS];
	int n;
	FILE *log;  /**< where refusals are told; NULL: nowhere */
};

/** Accept one connection on @p listen_fd and queue its refusal. */
void pgstub_refusals_accept(struct pgstub_refusals *r, int listen_fd);
/**
 * Append a pollfd per waiting peer to @p pf (room for PGSTUB_MAX_REFUSALS)
 * and lower @p *wake (a pgstub_now_ms() deadline, 0: none) to theirs.
 * @return how many were appended
 */
int pgstub_refusals_poll(const struct pgstub_refusals *r, struct pollfd *pf,
                       long long *wake);
/** After poll(): answer peers whose packet came or whose time is up.
 *  @p pf is what pgstub_refusals_poll() filled (NULL: poll timed out). */
void pgstub_refusals_update(struct pgstub_refusals *r, const struct pollfd *pf,
                          long long now);
/** Answer and close every waiting peer (the session ended). */
void pgstub_refusals_flush(struct pgstub_refusals *r);

#endif /* PGSTUB_TRANSPORT_H */
