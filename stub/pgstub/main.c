/*
 * The pgstub program: command line, opening the snapshot, and serving it to
 * GDB over --stdio, TCP (default 127.0.0.1:1234) or a Unix socket; the
 * `shell` and `export` subcommands are dispatched to shell.c and export.c.
 */
#include "config.h"
#include "limits_cli.h"
#include "proxy.h"
#include "session.h"
#include "shell.h"
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
"              [--efer N] [--reg NAME=VALUE]... [--maxphyaddr N] [LIMITS]\n"
"              IMAGE\n"
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
"LIMITS:\n"
"%s"
"Live QEMU: pgstub --qemu HOST:PORT|unix:PATH [--qemu-ram FILE] [--qmp PATH]\n"
"                 [--read-only] [--stdio|--listen|--unix] [--once] [LIMITS]\n"
"\n"
"       pgstub shell [-c CMD]... [IMAGE OPTIONS] IMAGE\n"
"       pgstub export --paging [--cpu N] [IMAGE OPTIONS] IMAGE OUT.elf\n"
"  (pgstub shell --help, pgstub export --help)\n"
"       pgstub --version\n", pgstub_limits_usage);
}

struct cli {
	const char *image, *listen, *unix_path;
	int stdio, once;
	struct guest_open_opts o;
	struct pgstub_limits lim;
};

static int parse_num(const char *opt, const char *arg, uint64_t *v)
{
	return pgstub_parse_num(opt, arg, v);
}

/* Options that say how to open the image, shared by every subcommand. */
enum { G_RAW = PGSTUB_OPT_IMAGE, G_RAWBASE, G_ARCH, G_MODE, G_CR0, G_CR3, G_CR4,
       G_EFER, G_REG, G_MAXPHY };

const struct option pgstub_guest_options[] = {
	{ "raw", no_argument, NULL, G_RAW },
	{ "raw-base", required_argument, NULL, G_RAWBASE },
	{ "arch", required_argument, NULL, G_ARCH },
	{ "mode", required_argument, NULL, G_MODE },
	{ "cr0", required_argument, NULL, G_CR0 },
	{ "cr3", required_argument, NULL, G_CR3 },
	{ "cr4", required_argument, NULL, G_CR4 },
	{ "efer", required_argument, NULL, G_EFER },
	{ "reg", required_argument, NULL, G_REG },
	{ "maxphyaddr", required_argument, NULL, G_MAXPHY },
	{ NULL, 0, NULL, 0 },
};

/*
 * --reg NAME=VALUE. The control registers that paging depends on go where
 * --cr0/--cr3/--cr4/--efer put them (the last one given wins), so the two
 * spellings agree; any other name is checked against the guest's target
 * description when the image is open (guest_open).
 */
static int reg_option(const char *arg, struct guest_open_opts *o)
{
	/* One command line per process: the values live as long as it. */
	static struct guest_reg_value regs[128];
	static char names[128][16];
	static const char *const ctl[] = { "cr0", "cr3", "cr4", "efer" };
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : 0;
	uint64_t v;

	if (!eq || len == 0 || len >= sizeof(names[0])) {
		fprintf(stderr, "pgstub: --reg: NAME=VALUE, e.g. --reg "
			"rip=0xffffffff81000000 (not '%s')\n", arg);
		return -1;
	}
	if (parse_num("--reg", eq + 1, &v))
		return -1;
	for (size_t i = 0; i < sizeof(ctl) / sizeof(*ctl); i++) {
		if (strlen(ctl[i]) != len || strncmp(arg, ctl[i], len))
			continue;
		switch (i) {
		case 0: o->have_cr0 = 1; o->cr0 = v; break;
		case 1: o->have_cr3 = 1; o->cr3 = v; break;
		case 2: o->have_cr4 = 1; o->cr4 = v; break;
		default: o->have_efer = 1; o->efer = v; break;
		}
		return 0;
	}
	if (o->regs && o->regs != regs) {
		fprintf(stderr, "pgstub: --reg: registers already set\n");
		return -1;
	}
	/* A second --reg of the same name replaces the first. */
	for (size_t i = 0; i < o->nregs; i++) {
		if (!strncmp(names[i], arg, len) && !names[i][len]) {
			regs[i].value = v;
			return 0;
		}
	}
	if (o->nregs == sizeof(regs) / sizeof(*regs)) {
		fprintf(stderr, "pgstub: --reg: at most %zu registers\n",
			sizeof(regs) / sizeof(*regs));
		return -1;
	}
	memcpy(names[o->nregs], arg, len);
	names[o->nregs][len] = '\0';
	regs[o->nregs].name = names[o->nregs];
	regs[o->nregs].value = v;
	o->regs = regs;
	o->nregs++;
	return 0;
}

int pgstub_guest_option(int ch, const char *arg, struct guest_open_opts *o)
{
	uint64_t v;

	switch (ch) {
	case G_RAW: o->format = GUEST_FMT_RAW; return 0;
	case G_RAWBASE: return parse_num("--raw-base", arg, &o->raw_base);
	case G_ARCH:
		o->have_arch = 1;
		if (!strcmp(arg, "x86_64")) {
			o->raw_arch = o->arch = GUEST_ARCH_X86_64;
		} else if (!strcmp(arg, "i386")) {
			o->raw_arch = o->arch = GUEST_ARCH_I386;
		} else {
			fprintf(stderr, "pgstub: --arch: x86_64 or i386\n");
			return -1;
		}
		return 0;
	case G_MODE:
		if (strcmp(arg, "32") && strcmp(arg, "pae") &&
		    strcmp(arg, "4level") && strcmp(arg, "5level")) {
			fprintf(stderr, "pgstub: --mode: 32, pae, 4level or 5level\n");
			return -1;
		}
		o->mode = arg;
		return 0;
	case G_CR0: o->have_cr0 = 1; return parse_num("--cr0", arg, &o->cr0);
	case G_CR3: o->have_cr3 = 1; return parse_num("--cr3", arg, &o->cr3);
	case G_CR4: o->have_cr4 = 1; return parse_num("--cr4", arg, &o->cr4);
	case G_EFER: o->have_efer = 1; return parse_num("--efer", arg, &o->efer);
	case G_REG: return reg_option(arg, o);
	case G_MAXPHY:
		if (parse_num("--maxphyaddr", arg, &v))
			return -1;
		o->maxphyaddr = (unsigned)v;
		return 0;
	}
	return 1;
}

struct option *pgstub_options_merge(const struct option *own)
{
	return pgstub_options_join(own, pgstub_guest_options);
}

static int parse_cli(int argc, char **argv, struct cli *c)
{
	enum { O_STDIO = PGSTUB_OPT_OWN, O_LISTEN, O_UNIX, O_ONCE, O_HELP };
	static const struct option own[] = {
		{ "stdio", no_argument, NULL, O_STDIO },
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "unix", required_argument, NULL, O_UNIX },
		{ "once", no_argument, NULL, O_ONCE },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct option *mine = pgstub_options_join(own, pgstub_limit_options);
	struct option *opts = mine ? pgstub_options_merge(mine) : NULL;
	int ch, r, rc = -1;

	free(mine);
	if (!opts) {
		fprintf(stderr, "pgstub: out of memory\n");
		return -1;
	}
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case O_STDIO: c->stdio = 1; break;
		case O_LISTEN: c->listen = optarg; break;
		case O_UNIX: c->unix_path = optarg; break;
		case O_ONCE: c->once = 1; break;
		case 'h': case O_HELP:
			usage(stdout);
			exit(0);
		default:
			r = pgstub_limit_option(ch, optarg, &c->lim);
			if (r == 1 && ch >= G_RAW && ch <= G_MAXPHY)
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

static int serve(struct cli *c, gdbr_server *srv, struct gdbr_fd_conn *conn)
{
	int fd, rc;

	if (c->stdio)
		return gdbr_transport_serve_fd(srv, conn, 0, 1) == GDBR_EIO;
	if (pgstub_listen(c->listen, c->unix_path, &fd) < 0)
		return 1;
	pgstub_log_begin();
	rc = gdbr_transport_serve_listener(srv, conn, fd, c->once);
	close(fd);
	if (c->unix_path)
		unlink(c->unix_path);
	return rc < 0;
}

int main(int argc, char **argv)
{
	struct cli c = { .o = GUEST_OPEN_OPTS_INIT,
			 .lim = PGSTUB_LIMITS_INIT };
	struct gdbr_server_config cfg = GDBR_SERVER_CONFIG_INIT;
	static unsigned char packet[PACKET_SIZE];
	struct gdbr_fd_conn conn = { .fd = 1, .log = stderr };
	struct gdbr_target_ops ops;
	struct session s;
	gdbr_server *srv = NULL;
	guest *g = NULL;
	char err[512];
	int rc;

	/* Live QEMU (live_cli.c): pgstub --qemu HOST:PORT|unix:PATH … */
	if (live_cli_wanted(argc, argv))
		return live_cli_main(argc, argv);
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("pgstub %s\n", PACKAGE_VERSION);
		return 0;
	}
	/* Subcommands; anything else is the server's command line. */
	if (argc > 1 && !strcmp(argv[1], "shell"))
		return shell_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "export"))
		return export_main(argc - 1, argv + 1);
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
	cfg.conn = &gdbr_transport_fd_ops;
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
	rc = serve(&c, srv, &conn);
out:
	gdbr_server_free(srv);
	session_fini(&s);
	guest_close(g);
	return rc;
}
