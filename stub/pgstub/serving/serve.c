/*
 * Serving a snapshot: the server's command line, opening the image, and
 * handing it to GDB over --stdio, TCP (default 127.0.0.1:1234) or a Unix
 * socket through the engine and the transports.
 */
#include "cli_limits.h"
#include "serve.h"
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
"              [--raw [--raw-base PADDR]] [--arch x86_64|i386|aarch64|riscv64|riscv32|ppc64]\n"
"              [--mode 32|pae|4level|5level] [--cr0 N] [--cr3 N] [--cr4 N]\n"
"              [--efer N] [--reg NAME=VALUE]... [--maxphyaddr N] [LIMITS]\n"
"              [--vmcoreinfo FILE] IMAGE\n"
"\n"
"Serve a guest snapshot (QEMU ELF dump, kdump-compressed, raw image) to GDB:\n"
"  gdb -ex 'target remote | pgstub --stdio IMAGE'\n"
"  pgstub IMAGE   (then in gdb: target remote 127.0.0.1:1234)\n"
"Monitor commands: gdb 'monitor help'.\n"
"Listens on 127.0.0.1:1234 unless --listen names another address (a warning\n"
"is printed for non-loopback ones); --unix sockets are created 0600; one GDB\n"
"at a time (another connection is refused with an error); the image is\n"
"opened read-only.\n"
"Registers the image does not hold read as 0 in GDB unless --reg sets them\n"
"(any register of GDB's target description: rip, rsp, eflags, cr3, efer;\n"
"ppc64: pc, msr, r1, …; every vCPU); --reg cr3=N is --cr3 N.\n"
"aarch64: registers the image lacks are unavailable in GDB; --reg names\n"
"them in any case (ttbr0_el1, ttbr1_el1, tcr_el1, sctlr_el1, x0, pc, …).\n"
"ppc64 dumps hold no MMU registers: a radix guest needs --reg patb=PATE1\n"
"(pseries: the entry the guest registered) or --reg ptcr=N (powernv), and\n"
"--reg pidr=N for user addresses (also lpidr=, lpcr=).\n"
"A vCPU whose CR3 (TTBR1_EL1) the image lacks (a kdump vmcore, any QEMU\n"
"aarch64 dump) translates kernel addresses through the kernel's page\n"
"tables that VMCOREINFO names (the dump's note, or --vmcoreinfo FILE);\n"
"without either, none at all.\n"
"LIMITS:\n"
"%s"
"Live QEMU: pgstub --qemu HOST:PORT|unix:PATH [--qemu-ram FILE] [--qmp PATH]\n"
"                 [--read-only] [--stdio|--listen|--unix] [--once] [LIMITS]\n"
"\n"
"       pgstub shell [-c CMD]... [IMAGE OPTIONS] IMAGE\n"
"       pgstub export --paging [--cpu N] [IMAGE OPTIONS] IMAGE OUT.elf\n"
"       pgstub diff [--cpu N] [--json] [--range START END] [--window RUNS]\n"
"                   [IMAGE OPTIONS] A B\n"
"  (pgstub shell --help, pgstub export --help, pgstub diff --help)\n"
"       pgstub --version\n", pgstub_limits_usage);
}

struct cli {
	const char *image, *listen, *unix_path;
	int stdio, once;
	struct guest_open_opts o;
	struct pgstub_limits lim;
};

static int parse_cli(int argc, char **argv, struct cli *c)
{
	struct option *opts = pgstub_options(pgstub_serve_cmdline);
	int ch, r, rc = -1;

	if (!opts)
		return -1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case PGSTUB_O_STDIO: c->stdio = 1; break;
		case PGSTUB_O_LISTEN: c->listen = optarg; break;
		case PGSTUB_O_UNIX: c->unix_path = optarg; break;
		case PGSTUB_O_ONCE: c->once = 1; break;
		case 'h': case PGSTUB_O_HELP:
			usage(stdout);
			exit(0);
		default:
			r = pgstub_limit_option(ch, optarg, &c->lim);
			if (r == 1)
				r = pgstub_guest_option(ch, optarg, &c->o);
			if (r == 0)
				break;
			if (r > 0)
				usage(stderr);
			goto out;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		goto out;
	}
	if (c->stdio + !!c->listen + !!c->unix_path > 1) {
		fprintf(stderr, "pgstub: choose one of --stdio, --listen, --unix\n");
		goto out;
	}
	c->image = argv[optind];
	rc = 0;
out:
	free(opts);
	return rc;
}

static int serve(struct cli *c, gdbr_server *srv, struct pgstub_fd_conn *conn)
{
	int fd, rc;

	if (c->stdio)
		return pgstub_transport_serve_fd(srv, conn, 0, 1) == GDBR_EIO;
	if (pgstub_listen(c->listen, c->unix_path, &fd) < 0)
		return 1;
	pgstub_log_begin();
	rc = pgstub_transport_serve_listener(srv, conn, fd, c->once);
	close(fd);
	if (c->unix_path)
		unlink(c->unix_path);
	return rc < 0;
}

int serve_main(int argc, char **argv)
{
	struct cli c = { .o = GUEST_OPEN_OPTS_INIT,
			 .lim = PGSTUB_LIMITS_INIT };
	struct gdbr_server_config cfg = GDBR_SERVER_CONFIG_INIT;
	static unsigned char packet[PACKET_SIZE];
	struct pgstub_fd_conn conn = { .fd = 1, .log = stderr };
	struct gdbr_target_ops ops;
	struct session s;
	gdbr_server *srv = NULL;
	guest *g = NULL;
	char err[512];
	int rc;

	if (parse_cli(argc, argv, &c) < 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	if (pgstub_log_prepare(&c.lim, c.stdio) < 0)
		return 1;
	if (guest_open(&g, c.image, &c.o, err, sizeof(err)) < 0) {
		fprintf(stderr, "pgstub: %s\n", err);
		return 1;
	}
	session_init(&s, g);
	pgstub_limits_finish(&c.lim, c.stdio);
	conn.idle_ms = (int)(c.lim.idle_s * 1000);
	conn.write_ms = (int)(c.lim.write_s * 1000);
	cfg.conn = &pgstub_transport_fd_ops;
	cfg.conn_payload = &conn;
	/* The engine advertises the memory map only when the op is set. */
	pgstub_limits_apply(&c.lim, &s, NULL);
	ops = session_target_ops;
	if (!session_map_offered(&s))
		ops.memory_map = NULL;
	cfg.target = &ops;
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
	pgstub_limits_apply(&c.lim, &s, srv);
	if (!c.stdio)
		fprintf(stderr, "pgstub: %s\n", guest_describe(g));
	session_say_roots(g, stderr);
	rc = serve(&c, srv, &conn);
out:
	gdbr_server_free(srv);
	session_fini(&s);
	guest_close(g);
	return rc;
}
