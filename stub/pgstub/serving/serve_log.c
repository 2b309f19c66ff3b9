/*
 * Where pgstub's messages go while it serves (--log).
 *
 * `target remote | pgstub --stdio …` gives pgstub's stderr to a socket or
 * pipe whose text GDB shows the user. GDB 13 drains it with a read(2) after
 * every character it takes from the stub, so while it is open each byte of
 * a reply costs GDB a system call: reads through `target remote |` ran 30
 * times slower than over TCP (16 MiB: 15.8 s against 0.53 s). GDB stops
 * polling it at its end of file. So pgstub leaves it once GDB's setup is
 * over (the messages that explain a failed start, or a coarsened memory
 * map, are shown by then): at GDB's first memory read, stderr moves to the
 * --log file, else to /dev/null. `--log stderr` keeps it where it is. On
 * TCP and Unix sockets, --log takes effect once pgstub is listening.
 */
#include "cli_limits.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int log_fd = -1;  /* stderr's next home, until pgstub_log_begin */

int pgstub_log_prepare(const struct pgstub_limits *l, int stdio)
{
	const char *path = l->log;
	struct stat st;

	if (path && !strcmp(path, "stderr"))
		return 0;
	if (!path) {
		/* Only GDB's end needs it: a terminal or a file costs no one
		 * anything, and keeps the messages where they were. */
		if (!stdio || fstat(2, &st) ||
		    !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
			return 0;
		path = "/dev/null";
	}
	log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (log_fd < 0) {
		fprintf(stderr, "pgstub: --log %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

void pgstub_log_begin(void)
{
	if (log_fd < 0)
		return;
	fflush(stderr);
	if (dup2(log_fd, 2) < 0)
		fprintf(stderr, "pgstub: --log: %s; messages stay here\n",
			strerror(errno));
	close(log_fd);
	log_fd = -1;
}
