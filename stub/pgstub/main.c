/*
 * The pgstub program's entry: which subsystem a command line is for. A live
 * QEMU (--qemu), `shell`, `export`, `diff`, --version, or else a snapshot to serve.
 */
#include "config.h"
#include "export/export.h"
#include "lint/diff.h"
#include "live/proxy.h"
#include "serving/serve.h"
#include "shell/shell.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (live_cli_wanted(argc, argv))
		return live_cli_main(argc, argv);
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("pgstub %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "shell"))
		return shell_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "export"))
		return export_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "diff"))
		return diff_main(argc - 1, argv + 1);
	return serve_main(argc, argv);
}
