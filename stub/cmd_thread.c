/*
 * Thread packets: H (select thread for g/c), T (alive?), qC (current),
 * qfThreadInfo/qsThreadInfo (id list, split over as many replies as
 * PacketSize needs) and qThreadExtraInfo.  Thread ids are 1..N (vCPUs).
 */
#include <stdio.h>
#include <string.h>

#include "gdbr_priv.h"

static int valid_tid(gdbr_server *s, int tid)
{
	return tid >= 1 && tid <= gdbr__thread_count(s);
}

static int cmd_H(gdbr_server *s, const char *pkt, size_t len)
{
	const char *end = pkt + len, *p;
	int tid, rc;

	if (len < 3 || (pkt[1] != 'g' && pkt[1] != 'c'))
		return gdbr__reply(s, "");
	p = gdbr__parse_tid(pkt + 2, end, &tid);
	if (!p || p != end)
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	if (pkt[1] == 'c') {
		/* 0 ("any") and -1 ("all") both resume everything. */
		if (tid > 0 && !valid_tid(s, tid))
			return gdbr__reply_err(s, GDBR_RSP_ENOENT);
		s->tid_c = tid > 0 ? tid : -1;
		return gdbr__reply(s, "OK");
	}
	if (tid == 0)
		tid = s->tid_g;         /* "any": keep the current one */
	if (!valid_tid(s, tid))
		return gdbr__reply_err(s, tid < 0 ? GDBR_RSP_EINVAL :
		                                     GDBR_RSP_ENOENT);
	if (s->target->select_thread) {
		rc = s->target->select_thread(tid, s->target_payload);
		if (rc < 0) {
			if (gdbr__fatal(s, rc))
				return s->result;
			return gdbr__reply_err(s, GDBR_RSP_EGENERIC);
		}
	}
	s->tid_g = tid;
	return gdbr__reply(s, "OK");
}

static int cmd_T(gdbr_server *s, const char *pkt, size_t len)
{
	const char *p;
	int tid;

	p = gdbr__parse_tid(pkt + 1, pkt + len, &tid);
	if (!p || p != pkt + len)
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	if (!valid_tid(s, tid))
		return gdbr__reply_err(s, GDBR_RSP_ENOENT);
	return gdbr__reply(s, "OK");
}

/* Send "m id,id,..." from the cursor on, as many ids as fit; "l" at end. */
static int thread_list(gdbr_server *s)
{
	int n = gdbr__thread_count(s);
	int first = 1;
	char id[16];

	if (s->thread_cursor < 1 || s->thread_cursor > n) {
		s->thread_cursor = 0;
		return gdbr__reply(s, "l");
	}
	gdbr__reply_begin(s);
	gdbr__put(s, "m", 1);
	while (s->thread_cursor <= n) {
		int k = snprintf(id, sizeof(id), "%s%x", first ? "" : ",",
		                 (unsigned)s->thread_cursor);

		if ((size_t)k > gdbr__reply_room(s))
			break;
		gdbr__put(s, id, (size_t)k);
		first = 0;
		s->thread_cursor++;
	}
	return gdbr__reply_end(s);
}

static int extra_info(gdbr_server *s, const char *pkt, size_t len)
{
	const char *p, *start = pkt + strlen("qThreadExtraInfo,");
	char text[32];
	int tid, k;

	p = gdbr__parse_tid(start, pkt + len, &tid);
	if (!p || p != pkt + len)
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	if (!valid_tid(s, tid))
		return gdbr__reply_err(s, GDBR_RSP_ENOENT);
	/* Shown by "info threads"; vCPU indexes count from 0. */
	k = snprintf(text, sizeof(text), "CPU#%d", tid - 1);
	gdbr__reply_begin(s);
	gdbr__put_hex(s, text, (size_t)k);
	return gdbr__reply_end(s);
}

int gdbr__cmd_thread(gdbr_server *s, const char *pkt, size_t len)
{
	if (pkt[0] == 'H')
		return cmd_H(s, pkt, len);
	if (pkt[0] == 'T')
		return cmd_T(s, pkt, len);
	if (gdbr__is(pkt, len, "qC")) {
		gdbr__reply_begin(s);
		gdbr__putf(s, "QC%x", (unsigned)s->tid_g);
		return gdbr__reply_end(s);
	}
	if (gdbr__is(pkt, len, "qfThreadInfo")) {
		s->thread_cursor = 1;
		return thread_list(s);
	}
	if (gdbr__is(pkt, len, "qsThreadInfo"))
		return thread_list(s);
	if (gdbr__starts(pkt, len, "qThreadExtraInfo,"))
		return extra_info(s, pkt, len);
	return gdbr__reply(s, "");
}
