/*
 * The command line of the live mode, `pgstub --qemu HOST:PORT|unix:PATH`:
 * kept apart from serving/serve.c's snapshot options, which it does not share.
 */
#include "proxy.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
"usage: pgstub --qemu HOST:PORT|unix:PATH [--qemu-ram FILE [--qmp PATH]]\n"
"              [--qmp PATH] [--read-only] [--reg patb=PATE1]\n"
"              [--stdio | --listen HOST:PORT | --unix PATH] [--once]\n"
"              [LIMITS]\n"
"\n"
"Stand in front of QEMU's gdbstub (qemu -gdb tcp::PORT): run control,\n"
"breakpoints and registers pass through to QEMU; pgstub adds its views\n"
"(monitor info pg, info tlb, info mem, vtop, ptov, nested, the memory map).\n"
"Other monitor commands go to QEMU's monitor ('monitor qemu CMD' forces it).\n"
"QEMU's x86_64, i386, aarch64, riscv64 and ppc64 targets are served; others\n"
"are refused.\n"
"  --qemu-ram FILE  QEMU's RAM as a shared file (-object memory-backend-file,\n"
"                   share=on,mem-path=FILE -machine memory-backend=ID):\n"
"                   memory is read from it directly\n"
"  --qmp PATH       QEMU's QMP unix socket, for the RAM layout (else the\n"
"                   gdbstub's monitor is asked)\n"
"  --read-only      refuse memory writes\n"
"  --reg patb=PATE1 a ppc64 pseries radix guest's process-table entry (QEMU\n"
"                   keeps it outside the vCPUs: read it from a migration\n"
"                   stream of the guest, monitor info patb)\n"
"One GDB at a time: another connection is refused with an error. A\n"
"connection is not idle while the guest runs.\n"
"LIMITS:\n%s", pgstub_limits_usage);
}

/* --reg NAME=VALUE: kept for the guest (guest_live_set_reg says which
 * it takes). */
static int reg_option(const char *arg, struct live_opts *o)
{
	static char names[4][24];
	uint64_t v;

	if (o->nregs == sizeof(o->regs) / sizeof(*o->regs)) {
		fprintf(stderr, "pgstub: --reg: too many\n");
		return -1;
	}
	if (pgstub_parse_reg(arg, names[o->nregs], sizeof(names[0]), &v,
			     "patb=0x800000001e00000c"))
		return -1;
	o->regs[o->nregs].name = names[o->nregs];
	o->regs[o->nregs++].value = v;
	return 0;
}

int live_cli_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--qemu") || !strncmp(argv[i], "--qemu=", 7))
			return 1;
	}
	return 0;
}

int live_cli_main(int argc, char **argv)
{
	struct live_opts o = { .lim = PGSTUB_LIMITS_INIT };
	struct option *all = pgstub_options(pgstub_live_cmdline);
	int ch, r;

	if (!all)
		return 1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", all, NULL)) != -1) {
		switch (ch) {
		case PGSTUB_O_QEMU: o.qemu = optarg; break;
		case PGSTUB_O_QEMU_RAM: o.ram = optarg; break;
		case PGSTUB_O_QMP: o.qmp = optarg; break;
		case PGSTUB_O_READ_ONLY: o.read_only = 1; break;
		case PGSTUB_O_REG:
			if (reg_option(optarg, &o)) {
				free(all);
				return 2;
			}
			break;
		case PGSTUB_O_STDIO: o.stdio = 1; break;
		case PGSTUB_O_LISTEN: o.listen = optarg; break;
		case PGSTUB_O_UNIX: o.unix_path = optarg; break;
		case PGSTUB_O_ONCE: o.once = 1; break;
		case 'h': case PGSTUB_O_HELP:
			usage(stdout);
			free(all);
			return 0;
		default:
			r = pgstub_limit_option(ch, optarg, &o.lim);
			if (r == 0)
				break;
			if (r > 0)
				usage(stderr);
			free(all);
			return 2;
		}
	}
	free(all);
	if (optind != argc) {
		fprintf(stderr, "pgstub: --qemu takes no IMAGE ('%s')\n",
			argv[optind]);
		return 2;
	}
	if (!o.qemu || !*o.qemu) {
		usage(stderr);
		return 2;
	}
	if (o.lim.map_policy == SESSION_MAP_MAPPINGS) {
		/* Processes come and go while GDB holds the map. */
		fprintf(stderr, "pgstub: --memory-map mappings: only for "
			"snapshots; a live guest's mappings change after GDB "
			"reads the map\n");
		return 2;
	}
	if (o.stdio + !!o.listen + !!o.unix_path > 1) {
		fprintf(stderr, "pgstub: choose one of --stdio, --listen, --unix\n");
		return 2;
	}
	pgstub_limits_finish(&o.lim, o.stdio);
	if (pgstub_log_prepare(&o.lim, o.stdio) < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	return proxy_main(&o);
}
