/*
 * The guest-physical layout of a live QEMU, read from QEMU itself: the
 * flattened "memory" address space of `info mtree -f` (the low/high RAM
 * split around the PCI hole, ROMs) and which memory backend is the shared
 * RAM file, over QMP (jansson) or, without --qmp, the gdbstub's monitor.
 */
#include "proxy.h"

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define QMP_TIMEOUT_MS 10000

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---------------------------------------------------------------- QMP */

struct qmp {
	int fd;
	char buf[1 << 16];
	size_t len;
};

/* The next JSON line that is not an event; caller decrefs. */
static json_t *qmp_line(struct qmp *m, char *err, size_t errlen)
{
	for (;;) {
		char *nl = memchr(m->buf, '\n', m->len);
		struct pollfd p = { .fd = m->fd, .events = POLLIN };
		ssize_t n;

		if (nl) {
			json_error_t je;
			json_t *j;

			*nl = 0;
			j = json_loads(m->buf, 0, &je);
			m->len -= (size_t)(nl + 1 - m->buf);
			memmove(m->buf, nl + 1, m->len);
			if (!j)
				return fail(err, errlen, "QMP: bad JSON: %s",
					    je.text), NULL;
			if (json_object_get(j, "event")) {
				json_decref(j);
				continue;
			}
			return j;
		}
		if (m->len == sizeof(m->buf))
			return fail(err, errlen, "QMP: line too long"), NULL;
		if (poll(&p, 1, QMP_TIMEOUT_MS) <= 0)
			return fail(err, errlen, "QMP: no answer"),
			       NULL;
		n = read(m->fd, m->buf + m->len, sizeof(m->buf) - m->len);
		if (n <= 0)
			return fail(err, errlen, "QMP: connection closed"), NULL;
		m->len += (size_t)n;
	}
}

/* Execute @p cmd; returns its "return" member (new reference). */
static json_t *qmp_cmd(struct qmp *m, json_t *cmd, char *err, size_t errlen)
{
	char *text = json_dumps(cmd, JSON_COMPACT);
	json_t *r, *ret;
	size_t len;
	int bad;

	json_decref(cmd);
	if (!text)
		return fail(err, errlen, "out of memory"), NULL;
	len = strlen(text);
	text[len] = '\n';
	bad = send(m->fd, text, len + 1, MSG_NOSIGNAL) != (ssize_t)(len + 1);
	free(text);
	if (bad)
		return fail(err, errlen, "QMP: write: %s", strerror(errno)), NULL;
	r = qmp_line(m, err, errlen);
	if (!r)
		return NULL;
	ret = json_object_get(r, "return");
	if (!ret) {
		json_t *e = json_object_get(json_object_get(r, "error"), "desc");

		fail(err, errlen, "QMP: %s",
		     json_is_string(e) ? json_string_value(e) : "error");
		json_decref(r);
		return NULL;
	}
	json_incref(ret);
	json_decref(r);
	return ret;
}

/*
 * Ask QMP for the flattened memory tree and for the shared memory backend
 * whose size is the RAM file's: its id names the RAM region in the tree.
 */
static int qmp_query(const char *path, uint64_t ram_size, char **mtree,
		     char **backend, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct qmp *m = calloc(1, sizeof(*m));
	json_t *r = NULL, *greet;
	int rc = -1;

	*mtree = *backend = NULL;
	if (!m)
		return fail(err, errlen, "out of memory");
	if (strlen(path) >= sizeof(sa.sun_path)) {
		free(m);
		return fail(err, errlen, "--qmp: path too long: %s", path);
	}
	strcpy(sa.sun_path, path);
	m->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (m->fd < 0 || connect(m->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fail(err, errlen, "cannot connect to QMP at %s: %s", path,
		     strerror(errno));
		goto out;
	}
	greet = qmp_line(m, err, errlen);
	if (!greet)
		goto out;
	if (!json_object_get(greet, "QMP")) {
		json_decref(greet);
		fail(err, errlen, "%s: not a QMP socket", path);
		goto out;
	}
	json_decref(greet);
	if (!(r = qmp_cmd(m, json_pack("{s:s}", "execute", "qmp_capabilities"),
			  err, errlen)))
		goto out;
	json_decref(r);
	if (ram_size) {
		size_t i;
		json_t *d;

		if (!(r = qmp_cmd(m, json_pack("{s:s}", "execute", "query-memdev"),
				  err, errlen)))
			goto out;
		json_array_foreach(r, i, d) {
			json_t *id = json_object_get(d, "id");

			if (json_is_true(json_object_get(d, "share")) &&
			    json_integer_value(json_object_get(d, "size")) ==
			    (json_int_t)ram_size && json_is_string(id)) {
				*backend = strdup(json_string_value(id));
				break;
			}
		}
		json_decref(r);
		if (!*backend) {
			fail(err, errlen, "QEMU has no shared memory backend "
			     "(share=on) of the RAM file's size; start it with "
			     "-object memory-backend-file,id=ID,share=on,"
			     "mem-path=FILE,size=SIZE -machine "
			     "memory-backend=ID");
			goto out;
		}
	}
	if (!(r = qmp_cmd(m, json_pack("{s:s,s:{s:s}}", "execute",
				       "human-monitor-command", "arguments",
				       "command-line", "info mtree -f"),
			  err, errlen)))
		goto out;
	if (json_is_string(r))
		*mtree = strdup(json_string_value(r));
	json_decref(r);
	rc = *mtree ? 0 : fail(err, errlen, "QMP: no memory tree");
out:
	if (m->fd >= 0)
		close(m->fd);
	free(m);
	return rc;
}

/* ------------------------------------------------------ mtree parsing */

struct ranges {
	struct guest_live_range *r;
	size_t n, cap;
};

static int add_range(struct ranges *v, uint64_t pa, uint64_t len,
		     uint64_t off)
{
	if (v->n && v->r[v->n - 1].pa + v->r[v->n - 1].len == pa &&
	    ((off == UINT64_MAX && v->r[v->n - 1].file_off == UINT64_MAX) ||
	     (off != UINT64_MAX && v->r[v->n - 1].file_off != UINT64_MAX &&
	      v->r[v->n - 1].file_off + v->r[v->n - 1].len == off))) {
		v->r[v->n - 1].len += len;  /* ram and rom views of one RAM */
		return 0;
	}
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		struct guest_live_range *r = realloc(v->r, cap * sizeof(*r));

		if (!r)
			return -1;
		v->r = r;
		v->cap = cap;
	}
	v->r[v->n++] = (struct guest_live_range){ pa, len, off };
	return 0;
}

/*
 * Lines of the FlatView of the "memory" address space:
 *   "  START-END (prio P, KIND): NAME[ @OFFSET]"
 * KIND "ram"/"rom"/"romd" is memory; "i/o" is a device, left out.
 */
int live_layout_parse(const char *text, const char *backend,
		      struct guest_live_range **out, size_t *n, char *err,
		      size_t errlen)
{
	struct ranges v = { 0 };
	const char *as = strstr(text, " AS \"memory\","), *p = NULL, *q;
	char first_ram[128] = "";
	int pass;

	*out = NULL;
	*n = 0;
	/* FlatViews come in no fixed order: take the one that lists the
	 * "memory" address space among its users. */
	for (q = strstr(text, "FlatView #"); as && q && q < as;
	     q = strstr(q + 1, "FlatView #"))
		p = q;
	if (!p)
		return fail(err, errlen, "QEMU's memory tree has no \"memory\" "
			    "address space");
	/* Two passes: the first finds the lowest RAM region when no backend
	 * was named (a PC's at 0, Arm virt's at 1 GiB, after its flash). */
	for (pass = backend ? 1 : 0; pass < 2; pass++) {
		const char *line = p, *eol;

		v.n = 0;
		/* Each line after the view's header, up to the next view. */
		while ((eol = strchr(line, '\n')) && *(line = eol + 1)) {
			unsigned long long s, e, off = 0;
			char buf[256], kind[32], name[128];
			size_t len = strcspn(line, "\n");
			const char *at;
			int used = -1;

			if (!strncmp(line, "FlatView #", 10))
				break;
			/* Parse a copy: sscanf must not run into the next
			 * line. HMP output over QMP ends lines in "\r\n". */
			snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
			buf[strcspn(buf, "\r")] = 0;
			/* %n is only stored when the ": " after KIND is there. */
			if (sscanf(buf, " %llx-%llx (prio %*d, %31[^)]): %n",
				   &s, &e, kind, &used) != 3 || used < 0)
				continue;
			if (strcmp(kind, "ram") && strcmp(kind, "rom") &&
			    strcmp(kind, "romd"))
				continue;
			snprintf(name, sizeof(name), "%s", buf + used);
			at = strstr(name, " @");
			if (at) {
				off = strtoull(at + 2, NULL, 16);
				name[at - name] = 0;
			}
			if (pass == 0) {
				if (!first_ram[0] && !strcmp(kind, "ram"))
					snprintf(first_ram, sizeof(first_ram),
						 "%s", name);
				continue;
			}
			/* A flat view is ascending and never overlaps. Nothing
			 * ends at 2^64 - 1 (sscanf's value for a number too
			 * long): merged, such ranges would have no length. */
			if (e < s || e == UINT64_MAX ||
			    (v.n && s <= v.r[v.n - 1].pa + (v.r[v.n - 1].len - 1))) {
				free(v.r);
				return fail(err, errlen, "QEMU's memory tree: "
					    "range %llx-%llx is out of order, overlaps "
					    "or ends at 2^64", s, e);
			}
			if (add_range(&v, s, e - s + 1,
				      !strcmp(name, backend) ? off : UINT64_MAX)) {
				free(v.r);
				return fail(err, errlen, "out of memory");
			}
		}
		if (pass == 0) {
			if (!first_ram[0])
				return fail(err, errlen, "no RAM region in "
					    "QEMU's memory tree");
			backend = first_ram;
		}
	}
	if (!v.n) {
		free(v.r);
		return fail(err, errlen, "no RAM in QEMU's memory tree");
	}
	*out = v.r;
	*n = v.n;
	return 0;
}

int live_layout(struct qemu_conn *q, const char *qmp_path, uint64_t ram_size,
		struct guest_live_range **out, size_t *n, char *err,
		size_t errlen)
{
	char *mtree = NULL, *backend = NULL;
	int rc;

	if (qmp_path) {
		if (qmp_query(qmp_path, ram_size, &mtree, &backend, err, errlen))
			return -1;
	} else {
		/* "info mtree -f" through the gdbstub's qRcmd. */
		if (qemu_monitor_text(q, "info mtree -f", &mtree, 60000))
			return fail(err, errlen, "%s", q->alive ? "out of "
				    "memory" : q->why);
		if (!mtree[0]) {
			free(mtree);
			return fail(err, errlen, "QEMU's monitor printed no "
				    "memory tree");
		}
	}
	rc = live_layout_parse(mtree, backend, out, n, err, errlen);
	free(mtree);
	free(backend);
	return rc;
}
