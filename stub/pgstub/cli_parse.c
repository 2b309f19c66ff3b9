/*
 * Number parsing for the command line and the monitor commands: one
 * strictness everywhere (cli.h).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int parse_u64(const char *str, uint64_t *v)
{
	char *end;

	if (!str || !*str || *str == '-')
		return -1;
	errno = 0;
	*v = strtoull(str, &end, 0);
	return (errno || *end) ? -1 : 0;
}

int pgstub_parse_num(const char *opt, const char *arg, uint64_t *v)
{
	if (parse_u64(arg, v) == 0)
		return 0;
	fprintf(stderr, "pgstub: %s: invalid number '%s'\n", opt, arg);
	return -1;
}
