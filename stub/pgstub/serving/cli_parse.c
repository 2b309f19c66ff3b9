/*
 * What every command line's parser shares: numbers, with one strictness for
 * options and monitor commands alike, and joining its tables (cli.h).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int parse_u64(const char *str, uint64_t *v)
{
	char *end;

	/* strtoull would take leading blanks and a sign too. */
	if (!str || *str < '0' || *str > '9')
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

/* At most a day: poll takes milliseconds in an int. */
int pgstub_parse_secs(const char *opt, const char *arg, double *v)
{
	char *end;

	*v = strtod(arg, &end);
	if (*arg && !*end && *v >= 0 && *v <= 86400)
		return 0;
	fprintf(stderr, "pgstub: %s: seconds from 0 to 86400, not '%s'\n",
		opt, arg);
	return -1;
}

int pgstub_parse_reg(const char *arg, char *name, size_t namelen,
		     uint64_t *v, const char *example)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : 0;

	if (!eq || len == 0 || len >= namelen) {
		fprintf(stderr, "pgstub: --reg: NAME=VALUE, e.g. --reg %s "
			"(not '%s')\n", example, arg);
		return -1;
	}
	if (pgstub_parse_num("--reg", eq + 1, v))
		return -1;
	memcpy(name, arg, len);
	name[len] = '\0';
	return 0;
}

int pgstub_parse_bytes(const char *opt, const char *arg, uint64_t *v)
{
	char num[32];
	size_t n = strlen(arg);
	unsigned shift = 0;

	if (n > 0 && n < sizeof(num) && strchr("KkMmGg", arg[n - 1])) {
		shift = strchr("Kk", arg[n - 1]) ? 10 :
			strchr("Mm", arg[n - 1]) ? 20 : 30;
		memcpy(num, arg, n - 1);
		num[n - 1] = 0;
		arg = num;
	}
	if (pgstub_parse_num(opt, arg, v))
		return -1;
	if (*v > (UINT64_MAX >> shift)) {
		fprintf(stderr, "pgstub: %s: too large\n", opt);
		return -1;
	}
	*v <<= shift;
	return 0;
}

struct option *pgstub_options(const struct option *const *cmdline)
{
	size_t n = 0, at = 0;
	struct option *all;

	for (size_t t = 0; cmdline[t]; t++)
		for (const struct option *o = cmdline[t]; o->name; o++)
			n++;
	all = calloc(n + 1, sizeof(*all));
	if (!all) {
		fprintf(stderr, "pgstub: out of memory\n");
		return NULL;
	}
	for (size_t t = 0; cmdline[t]; t++)
		for (const struct option *o = cmdline[t]; o->name; o++)
			all[at++] = *o;
	return all;  /* calloc ended it with a zeroed entry */
}
