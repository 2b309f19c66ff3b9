/*
 * The pgstub program: command line, opening the snapshot, and serving it to
 * GDB over --stdio, TCP (default 127.0.0.1:1234) or a Unix socket.
 */
#include "proxy.h"
#include "session.h"
#include "transport.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PACKET_SIZE (64 * 1024)

static void usage(FILE *f)
{
	fprintf(f,
"usage: pgstub [--stdio | --listen HOST:PORT | --unix PATH] [--once]\n"
"              [--raw [--raw-base PADDR]] [--arch x86_64|i386]\n"
"              [--mode 32|pae|4level|5level] [--cr0 N] [--cr3 N] [--cr4 N]\n"
"              [--efer N] [--maxphyaddr N] IMAGE\n"
"\n"
"Serve a guest snapshot (QEMU ELF dump, kdump-compressed, raw image) to GDB:\n"
"  gdb -ex 'target remote | pgstub --stdio IMAGE'\n"
"  pgstub IMAGE   (then in gdb: target remote 127.0.0.1:1234)\n"
"Monitor commands: gdb 'monitor help'.\n"
"Live QEMU: pgstub --qemu HOST:PORT|unix:PATH [--qemu-ram FILE] [--qmp PATH]\n"
"                 [--read-only] [--stdio|--listen|--unix] [--once]\n");
}

struct cli {
	const char *image, *listen, *unix_path;
	int stdio, once;
	struct guest_open_opts o;
};

static int parse_num(const char *opt, const char *arg, uint64_t *v)
{
	if (parse_u64(arg, v) == 0)
		return 0;
	fprintf(stderr, "pgstub: %s: invalid number '%s'\n", opt, arg);
	return -1;
}

static int parse_cli(int argc, char **argv, struct cli *c)
{
	enum { O_STDIO = 256, O_LISTEN, O_UNIX, O_ONCE, O_RAW, O_RAWBASE,
	       O_ARCH, O_MODE, O_CR0, O_CR3, O_CR4, O_EFER, O_MAXPHY, O_HELP };
	static const struct option opts[] = {
		{ "stdio", no_argument, NULL, O_STDIO },
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "unix", required_argument, NULL, O_UNIX },
		{ "once", no_argument, NULL, O_ONCE },
		{ "raw", no_argument, NULL, O_RAW },
		{ "raw-base", required_argument, NULL, O_RAWBASE },
		{ "arch", required_argument, NULL, O_ARCH },
		{ "mode", required_argument, NULL, O_MODE },
		{ "cr0", required_argument, NULL, O_CR0 },
		{ "cr3", required_argument, NULL, O_CR3 },
		{ "cr4", required_argument, NULL, O_CR4 },
		{ "efer", required_argument, NULL, O_EFER },
		{ "maxphyaddr", required_argument, NULL, O_MAXPHY },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	uint64_t v;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case O_STDIO: c->stdio = 1; break;
		case O_LISTEN: c->listen = optarg; break;
		case O_UNIX: c->unix_path = optarg; break;
		case O_ONCE: c->once = 1; break;
		case O_RAW: c->o.format = GUEST_FMT_RAW; break;
		case O_RAWBASE:
			if (parse_num("--raw-base", optarg, &c->o.raw_base))
				return -1;
			break;
		case O_ARCH:
			c->o.have_arch = 1;
			if (!strcmp(optarg, "x86_64")) {
				c->o.raw_arch = c->o.arch = GUEST_ARCH_X86_64;
			} else if (!strcmp(optarg, "i386")) {
				c->o.raw_arch = c->o.arch = GUEST_ARCH_I386;
			} else {
				fprintf(stderr, "pgstub: --arch: x86_64 or i386\n");
				return -1;
			}
			break;
		case O_MODE:
			if (strcmp(optarg, "32") && strcmp(optarg, "pae") &&
			    strcmp(optarg, "4level") && strcmp(optarg, "5level")) {
				fprintf(stderr, "pgstub: --mode: 32, pae, 4level or 5level\n");
				return -1;
			}
			c->o.mode = optarg;
			break;
		case O_CR0: if (parse_num("--cr0", optarg, &c->o.cr0)) return -1;
			c->o.have_cr0 = 1; break;
		case O_CR3: if (parse_num("--cr3", optarg, &c->o.cr3)) return -1;
			c->o.have_cr3 = 1; break;
		case O_CR4: if (parse_num("--cr4", optarg, &c->o.cr4)) return -1;
			c->o.have_cr4 = 1; break;
		case O_EFER: if (parse_num("--efer", optarg, &c->o.efer)) return -1;
			c->o.have_efer = 1; break;
		case O_MAXPHY:
			if (parse_num("--maxphyaddr", optarg, &v))
				return -1;
			c->o.maxphyaddr = (unsigned)v;
			break;
		case 'h': case O_HELP:
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return -1;
	}
	if (c->stdio + !!c->listen + !!c->unix_path > 1) {
		fprintf(stderr, "pgstub: choose one of --stdio, --listen, --unix\n");
		return -1;
	}
	c->image = argv[optind];
	return 0;
}

/* "HOST:PORT", ":PORT" or "PORT"; the host defaults to loopback. */
static int split_hostport(const char *s, char *host, size_t hlen, int *port)
{
	const char *colon = strrchr(s, ':');
	uint64_t p;

	snprintf(host, hlen, "127.0.0.1");
	if (colon) {
		if (colon != s)
			snprintf(host, hlen, "%.*s", (int)(colon - s), s);
		s = colon + 1;
	}
	if (parse_u64(s, &p) || p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}

static int serve(struct cli *c, gdbr_server *srv, struct gdbr_fd_conn *conn)
{
	char host[256];
	int fd, port = 1234, rc;

	if (c->stdio)
		return gdbr_transport_serve_fd(srv, conn, 0, 1) == GDBR_EIO;
	if (c->unix_path) {
		if (gdbr_transport_listen_unix(&fd, c->unix_path) < 0) {
			fprintf(stderr, "pgstub: cannot listen on %s\n", c->unix_path);
			return 1;
		}
		fprintf(stderr, "pgstub: listening on %s\n", c->unix_path);
	} else {
		if (c->listen && split_hostport(c->listen, host, sizeof(host), &port)) {
			fprintf(stderr, "pgstub: --listen: expected HOST:PORT\n");
			return 1;
		}
		if (!c->listen)
			snprintf(host, sizeof(host), "127.0.0.1");
		if (strcmp(host, "127.0.0.1") && strcmp(host, "localhost") &&
		    strcmp(host, "::1"))
			fprintf(stderr, "pgstub: warning: listening on %s exposes "
				"guest memory beyond this machine\n", host);
		if (gdbr_transport_listen_tcp(&fd, host, port, &port) < 0) {
			fprintf(stderr, "pgstub: cannot listen on %s:%d\n", host, port);
			return 1;
		}
		fprintf(stderr, "pgstub: listening on %s:%d\n", host, port);
	}
	rc = gdbr_transport_serve_listener(srv, conn, fd, c->once);
	close(fd);
	if (c->unix_path)
		unlink(c->unix_path);
	return rc < 0;
}

int main(int argc, char **argv)
{
	struct cli c = { .o = GUEST_OPEN_OPTS_INIT };
	struct gdbr_server_config cfg = GDBR_SERVER_CONFIG_INIT;
	static unsigned char packet[PACKET_SIZE];
	struct gdbr_fd_conn conn = { .fd = 1 };
	struct session s;
	gdbr_server *srv = NULL;
	guest *g = NULL;
	char err[512];
	int rc;

	/* Live QEMU (live_cli.c): pgstub --qemu HOST:PORT|unix:PATH … */
	if (live_cli_wanted(argc, argv))
		return live_cli_main(argc, argv);
	if (parse_cli(argc, argv, &c) < 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	if (guest_open(&g, c.image, &c.o, err, sizeof(err)) < 0) {
		fprintf(stderr, "pgstub: %s\n", err);
		return 1;
	}
	session_init(&s, g);
	cfg.conn = &gdbr_transport_fd_ops;
	cfg.conn_payload = &conn;
	cfg.target = &session_target_ops;
	cfg.target_payload = &s;
	cfg.tdesc = s.tdesc;
	cfg.packet_buf = packet;
	cfg.packet_size = sizeof(packet);
	if (gdbr_server_new(&srv, &cfg) < 0) {
		fprintf(stderr, "pgstub: cannot create the protocol engine\n");
		rc = 1;
		goto out;
	}
	s.server = srv;
	if (!c.stdio)
		fprintf(stderr, "pgstub: %s\n", guest_describe(g));
	rc = serve(&c, srv, &conn);
out:
	gdbr_server_free(srv);
	session_fini(&s);
	guest_close(g);
	return rc;
}
