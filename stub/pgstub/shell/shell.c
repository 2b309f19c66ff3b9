/*
 * `pgstub shell IMAGE`: an interactive console on the monitor commands
 * without GDB — readline editing, ~/.pgstub_history, completion of commands
 * and options, colour on a terminal — or a script runner (-c CMD, stdin).
 */
#include "shell.h"
#include "monitor/monitor.h"

#include <readline/history.h>
#include <readline/readline.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HISTORY_MAX 1000
#define CAPTURE_MAX (1u << 20)
#define MAX_SCRIPT 64

static const struct shell_style plain_style = {
	"", "", "", "", "", "", ""
};
static const struct shell_style color_style = {
	"\033[36m", "\033[2m", "\033[1m", "\033[31m", "\033[1;34m", "\033[2m",
	"\033[0m"
};

/*
 * Output: on a terminal a command's text is held (up to CAPTURE_MAX) so
 * that a failing command's message can be shown in the error colour; past
 * that, or when piped, it streams.
 */
struct capture {
	FILE *f;
	int on;
	char *buf;
	size_t len, cap;
};

static int sink_write(const void *buf, size_t len, void *payload)
{
	struct capture *c = payload;

	if (c->on && c->len + len <= CAPTURE_MAX) {
		if (c->len + len > c->cap) {
			size_t cap = c->cap ? c->cap : 4096;
			char *nb;

			while (cap < c->len + len)
				cap *= 2;
			nb = realloc(c->buf, cap);
			if (!nb)
				return -1;
			c->buf = nb;
			c->cap = cap;
		}
		memcpy(c->buf + c->len, buf, len);
		c->len += len;
		return 0;
	}
	if (c->on && c->len) {
		/* Too long to hold: stream from here on. */
		if (fwrite(c->buf, 1, c->len, c->f) != c->len)
			return -1;
		c->len = 0;
		c->on = 0;
	}
	return fwrite(buf, 1, len, c->f) == len ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Completion: command words from `help` (so commands other engineers  */
/* add to the monitor table complete too) and the shell's own table.   */

struct word {
	char *prefix;   /* the words before, "" for a first word, "info " … */
	char *word;
};

static struct word *words;
static size_t nwords, capwords;

static void add_word(const char *prefix, size_t plen, const char *w,
		     size_t wlen)
{
	struct word *nw;

	for (size_t i = 0; i < nwords; i++)
		if (strlen(words[i].prefix) == plen &&
		    !strncmp(words[i].prefix, prefix, plen) &&
		    strlen(words[i].word) == wlen &&
		    !strncmp(words[i].word, w, wlen))
			return;
	if (nwords == capwords) {
		size_t cap = capwords ? capwords * 2 : 64;

		nw = realloc(words, cap * sizeof(*words));
		if (!nw)
			return;
		words = nw;
		capwords = cap;
	}
	words[nwords].prefix = strndup(prefix, plen);
	words[nwords].word = strndup(w, wlen);
	if (!words[nwords].prefix || !words[nwords].word) {
		free(words[nwords].prefix);
		free(words[nwords].word);
		return;
	}
	nwords++;
}

static int is_word(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') || w[i] == '_' ||
		      (i > 0 && w[i] >= '0' && w[i] <= '9')))
			return 0;
	return n > 0;
}

/*
 * One "NAME ARGS -- HELP" line (a C string of @len chars) whose name has @nname words ("info pg" 2):
 * each name word completes after the ones before it ("help|?" gives both);
 * in ARGS, options ("-w", "--range") and literal alternatives (the words
 * around a '|': "ept|npt ROOT | off") complete after the whole name, while
 * placeholders ("ADDR", QEMU's "addr") do not.
 */
static void learn_line(const char *line, size_t len, int nname)
{
	const char *end = line + len, *p = line;
	size_t name_end = 0;
	char prefix[256];
	const char *tok[64];
	size_t tlen[64], nt = 0;

	for (const char *q = line; q + 3 < end; q++)
		if (!strncmp(q, " -- ", 4)) {
			end = q;
			break;
		}
	if (end == line + len)
		return;
	for (int w = 0; w < nname && p < end; w++) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (p + n > end)
			n = (size_t)(end - p);
		for (size_t i = 0; i < n;) {  /* "help|?" */
			size_t k = strcspn(p + i, "|");

			if (k > n - i)
				k = n - i;
			if (k)
				add_word(prefix, name_end, p + i, k);
			i += k + 1;
		}
		if (w == 0 && strchr(p, '|') && (size_t)(strchr(p, '|') - p) < n)
			n = strcspn(p, "|");  /* the prefix uses the first alias */
		memmove(prefix + name_end, p, n);
		name_end += n;
		prefix[name_end++] = ' ';
		p += n;
		if (name_end + 64 >= sizeof(prefix))
			return;
		p += strcspn(p, " ");
	}
	/* Argument tokens: words, with '|' kept as its own token. */
	while (p < end && nt < 64) {
		size_t n;

		p += strspn(p, " []");
		if (p >= end)
			break;
		n = *p == '|' ? 1 : strcspn(p, " []|");
		if (p + n > end)
			n = (size_t)(end - p);
		tok[nt] = p;
		tlen[nt++] = n;
		p += n;
	}
	for (size_t i = 0; i < nt; i++) {
		int lit = tok[i][0] == '-' ||
			  (is_word(tok[i], tlen[i]) &&
			   ((i > 0 && tok[i - 1][0] == '|') ||
			    (i + 1 < nt && tok[i + 1][0] == '|')));

		if (lit && tok[i][0] != '|')
			add_word(prefix, name_end, tok[i], tlen[i]);
	}
}

static int learn_sink(const void *buf, size_t len, void *payload)
{
	struct capture *c = payload;

	c->on = 1;
	return sink_write(buf, len, c);
}

/* Run @cmd into memory and learn its help lines. */
static void learn_from(struct shell *sh, const char *cmd, int nname)
{
	struct capture c = { NULL, 1, NULL, 0, 0 };
	gdbr_out *o;

	if (gdbr_out_new_sink(&o, learn_sink, &c) == 0) {
		monitor_run(&sh->s, cmd, o);
		gdbr_out_free(o);
	}
	for (size_t i = 0; i < c.len;) {
		char line[512];
		size_t n = 0;

		while (i + n < c.len && c.buf[i + n] != '\n')
			n++;
		/* learn_line() scans with str* functions: a C string. */
		if (n < sizeof(line)) {
			memcpy(line, c.buf + i, n);
			line[n] = 0;
			learn_line(line, n, nname);
		}
		i += n + 1;
	}
	free(c.buf);
}

static void learn_commands(struct shell *sh)
{
	char line[512];

	learn_from(sh, "help", 1);
	learn_from(sh, "help info", 2);
	for (size_t i = 0; i < shell_ncmd_docs; i++) {
		const char *n = shell_cmd_docs[i].name;
		int nw = 1;

		for (; *n; n++)
			nw += *n == ' ';
		snprintf(line, sizeof(line), "%s %s -- %s", shell_cmd_docs[i].name,
			 shell_cmd_docs[i].args, shell_cmd_docs[i].help);
		learn_line(line, strlen(line), nw);
	}
	add_word("", 0, "help", 4);
	add_word("", 0, "exit", 4);
	/* Values: disassembler modes after -m. */
	for (const char *m = disas_mode_names(); *m;) {
		size_t n = strcspn(m, " ");

		add_word("disas -m ", 9, m, n);
		m += n + strspn(m + n, " ");
	}
}

static char *comp_prefix;   /* normalised words before the one completed */
static size_t comp_index;

static char *generator(const char *text, int state)
{
	size_t tl = strlen(text);

	if (!state)
		comp_index = 0;
	while (comp_index < nwords) {
		struct word *w = &words[comp_index++];

		if (!strcmp(w->prefix, comp_prefix) && !strncmp(w->word, text, tl))
			return strdup(w->word);
	}
	return NULL;
}

/*
 * The words before the cursor decide what completes: the first word, the
 * second of a two-word name ("info p" -> "pg"), else the arguments of the
 * longest name they start with ("info pg -w --r" -> "--range").
 */
static char **complete(const char *text, int start, int end)
{
	char before[1024], norm[1024];
	char **m;
	size_t n = 0;
	int k;

	(void)end;
	rl_attempted_completion_over = 1;   /* no file names */
	if (start < 0 || (size_t)start >= sizeof(before))
		return NULL;
	memcpy(before, rl_line_buffer, (size_t)start);
	before[start] = 0;
	norm[0] = 0;
	for (char *save = NULL, *t = strtok_r(before, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		size_t tl = strlen(t);

		if (n + tl + 2 > sizeof(norm))
			return NULL;
		memcpy(norm + n, t, tl);
		n += tl;
		norm[n++] = ' ';
		norm[n] = 0;
	}
	/* Longest known prefix of the words typed. */
	for (k = (int)n; k >= 0; k--) {
		if (k > 0 && norm[k - 1] != ' ')
			continue;
		for (size_t i = 0; i < nwords; i++) {
			if (strlen(words[i].prefix) == (size_t)k &&
			    !strncmp(words[i].prefix, norm, (size_t)k))
				goto found;
		}
	}
	return NULL;
found:
	/* Past the first word, commands are no arguments ("cpu <Tab>"). */
	if (k == 0 && n > 0)
		return NULL;
	comp_prefix = strndup(norm, (size_t)k);
	if (!comp_prefix)
		return NULL;
	m = rl_completion_matches(text, generator);
	free(comp_prefix);
	comp_prefix = NULL;
	return m;
}

/* ------------------------------------------------------------------ */

static char *history_path(void)
{
	const char *home = getenv("HOME");
	char *p;

	if (!home || !*home)
		return NULL;
	p = malloc(strlen(home) + sizeof("/.pgstub_history"));
	if (p)
		sprintf(p, "%s/.pgstub_history", home);
	return p;
}

static int run_line(struct shell *sh, struct capture *cap, const char *line)
{
	int rc;

	cap->on = sh->st != &plain_style;
	cap->len = 0;
	gdbr_out_clear_error(sh->out);
	rc = shell_exec(sh, line);
	if (cap->on && cap->len) {
		int err = rc != 0;

		if (err)
			fputs(sh->st->err, cap->f);
		fwrite(cap->buf, 1, cap->len, cap->f);
		if (err)
			fputs(sh->st->reset, cap->f);
	}
	cap->on = 0;
	cap->len = 0;
	fflush(cap->f);
	return rc;
}

static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

/* Ctrl-C at the prompt drops the line being typed, as shells do. */
static int check_sigint(void)
{
	if (got_sigint) {
		got_sigint = 0;
		rl_replace_line("", 0);
		rl_crlf();
		rl_on_new_line();
		rl_redisplay();
	}
	return 0;
}

/* Also look before each key: a SIGINT that came while readline was busy
 * (not blocked in read) would otherwise be seen only after the next key. */
static int getc_checked(FILE *f)
{
	check_sigint();
	return rl_getc(f);
}

static int interactive(struct shell *sh, struct capture *cap)
{
	char *hist = history_path(), *line, prompt[64];
	int last = 0;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	rl_catch_signals = 0;
	rl_signal_event_hook = check_sigint;
	rl_getc_function = getc_checked;
	rl_readline_name = "pgstub";
	rl_attempted_completion_function = complete;
	rl_basic_word_break_characters = " \t";
	using_history();
	stifle_history(HISTORY_MAX);
	if (hist)
		read_history(hist);
	if (*sh->st->prompt)
		snprintf(prompt, sizeof(prompt), "\001%s\002(pgstub)\001%s\002 ",
			 sh->st->prompt, sh->st->reset);
	else
		snprintf(prompt, sizeof(prompt), "(pgstub) ");
	while (!sh->quit && (line = readline(prompt)) != NULL) {
		const char *p = line + strspn(line, " \t");
		size_t n = strlen(line);

		/* Completion leaves a space: keep history entries tidy. */
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = 0;
		if (*p) {
			HIST_ENTRY *prev = history_length ?
				history_get(history_base + history_length - 1) : NULL;

			if (!prev || strcmp(prev->line, line))
				add_history(line);
			last = run_line(sh, cap, line);
		}
		free(line);
	}
	if (!sh->quit)
		fputc('\n', stdout);
	if (hist) {
		if (write_history(hist) != 0)
			fprintf(stderr, "pgstub: cannot write %s\n", hist);
		free(hist);
	}
	return last ? 1 : 0;
}

/* Lines from a pipe or file: no prompt, no history; status of the worst. */
static int batch(struct shell *sh, struct capture *cap, FILE *in)
{
	char line[1024];
	int rc = 0;

	while (!sh->quit && fgets(line, sizeof(line), in)) {
		size_t n = strlen(line);

		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			int ch;

			while ((ch = fgetc(in)) != EOF && ch != '\n')
				;
			fprintf(stdout, "command too long\n");
			rc = 1;
			continue;
		}
		if (line[strspn(line, " \t\r\n")] == '#')
			continue;
		if (run_line(sh, cap, line))
			rc = 1;
	}
	return rc;
}

static void shell_usage(FILE *f)
{
	fprintf(f,
"usage: pgstub shell [-c CMD]... [--color auto|always|never]\n"
"                    [--raw [--raw-base PADDR]]\n"
"                    [--arch x86_64|i386|aarch64|riscv64|riscv32|ppc64]\n"
"                    [--mode 32|pae|4level|5level] [--cr0 N] [--cr3 N]\n"
"                    [--cr4 N] [--efer N] [--reg NAME=VALUE]...\n"
"                    [--maxphyaddr N] [--vmcoreinfo FILE] IMAGE\n"
"\n"
"An interactive console on the monitor commands (type 'help'), with\n"
"'disas ADDR [N]' and 'x /Ni ADDR'.  With -c, runs each CMD in order and\n"
"exits (status 1 if any failed); with stdin not a terminal, runs its lines.\n"
"History: ~/.pgstub_history.\n");
}

static int out_file(const void *buf, size_t len, void *payload)
{
	return sink_write(buf, len, payload);
}

/* What the command line asks for. */
struct shell_args {
	struct guest_open_opts o;
	const char *image;
	const char *script[MAX_SCRIPT];  /* -c commands, in order */
	int nscript;
	const char *color;                /* auto, always or never */
};

/* 0 to go on, 1 after --help, -1 on a usage error (said). */
static int parse_args(int argc, char **argv, struct shell_args *a)
{
	struct option *opts = pgstub_options(pgstub_shell_cmdline);
	int ch, r, rc = -1;

	if (!opts)
		return -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if (a->nscript == MAX_SCRIPT) {
				fprintf(stderr, "pgstub shell: at most %d -c\n",
					MAX_SCRIPT);
				goto out;
			}
			a->script[a->nscript++] = optarg;
			break;
		case PGSTUB_O_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") &&
			    strcmp(optarg, "never")) {
				fprintf(stderr, "pgstub shell: --color: auto, "
					"always or never\n");
				goto out;
			}
			a->color = optarg;
			break;
		case 'h': case PGSTUB_O_HELP:
			shell_usage(stdout);
			rc = 1;
			goto out;
		default:
			r = pgstub_guest_option(ch, optarg, &a->o);
			if (r == 0)
				break;
			if (r > 0)
				shell_usage(stderr);
			goto out;
		}
	}
	if (optind != argc - 1) {
		shell_usage(stderr);
		goto out;
	}
	a->image = argv[optind];
	rc = 0;
out:
	free(opts);
	return rc;
}

static int want_color(const char *color)
{
	const char *term = getenv("TERM");

	if (strcmp(color, "auto"))
		return !strcmp(color, "always");
	return isatty(1) && !getenv("NO_COLOR") &&
	       !(term && !strcmp(term, "dumb"));
}

/* The -c commands, else a terminal's prompt, else stdin's lines. */
static int run(struct shell *sh, struct capture *cap,
	       const struct shell_args *a)
{
	int rc = 0;

	if (a->nscript) {
		for (int i = 0; i < a->nscript && !sh->quit; i++)
			if (run_line(sh, cap, a->script[i]))
				rc = 1;
		return rc;
	}
	if (isatty(0)) {
		learn_commands(sh);
		fprintf(stdout, "pgstub shell: %s; 'help' lists commands\n",
			guest_describe(sh->s.g));
		return interactive(sh, cap);
	}
	return batch(sh, cap, stdin);
}

int shell_main(int argc, char **argv)
{
	struct shell_args a = { .o = GUEST_OPEN_OPTS_INIT, .color = "auto" };
	struct capture cap = { stdout, 0, NULL, 0, 0 };
	struct shell sh;
	int rc;
	guest *g = NULL;
	char err[512];

	memset(&sh, 0, sizeof(sh));
	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc > 0 ? 0 : 2;
	signal(SIGPIPE, SIG_IGN);
	if (guest_open(&g, a.image, &a.o, err, sizeof(err)) < 0) {
		fprintf(stderr, "pgstub: %s\n", err);
		return 1;
	}
	session_init(&sh.s, g);
	sh.st = want_color(a.color) ? &color_style : &plain_style;
	if (gdbr_out_new_sink(&sh.out, out_file, &cap) < 0) {
		fprintf(stderr, "pgstub: out of memory\n");
		rc = 1;
	} else {
		rc = run(&sh, &cap, &a);
		fflush(stdout);
		gdbr_out_free(sh.out);
	}
	session_fini(&sh.s);
	guest_close(g);
	for (size_t i = 0; i < nwords; i++) {
		free(words[i].prefix);
		free(words[i].word);
	}
	free(words);
	words = NULL;
	nwords = capwords = 0;
	free(cap.buf);
	return rc;
}
