/*
 * Run control and session packets: ? (stop reason), c and s (resume/step,
 * or an immediate stop for targets that never run), D (detach), k (kill),
 * and the out-of-band Ctrl-C interrupt.  Moves the server between states.
 */
#include "gdbr_priv.h"

#define SIG_INT 2
#define SIG_TRAP 5

static int cmd_resume(gdbr_server *s, int step)
{
	int rc;

	/* An optional resume address is ignored: GDB does not send one. */
	if (!s->target->resume)
		return gdbr__reply_stop(s, SIG_TRAP, s->stop_tid);
	rc = s->target->resume(s->tid_c, step, s->target_payload);
	if (rc < 0) {
		if (gdbr__fatal(s, rc))
			return s->result;
		return gdbr__reply_err(s, GDBR_RSP_EGENERIC);
	}
	/* No reply now: gdbr_server_report_stop() sends it later. */
	s->state = GDBR_STATE_RUNNING;
	return 0;
}

static int end_session(gdbr_server *s)
{
	s->state = GDBR_STATE_DISCONNECTED;
	if (!s->result)
		s->result = GDBR_EDISCONNECTED;
	return s->result;
}

int gdbr__cmd_run(gdbr_server *s, const char *pkt, size_t len)
{
	switch (pkt[0]) {
	case '?':
		return gdbr__reply_stop(s, SIG_TRAP, s->stop_tid);
	case 'c':
		return cmd_resume(s, 0);
	case 's':
		return cmd_resume(s, 1);
	case 'D':
		/* "D" or "D;pid" (multiprocess); either way detach all. */
		if (gdbr__reply(s, "OK"))
			return s->result;
		return end_session(s);
	default:
		/*
		 * 'k': no reply; GDB accepts the connection closing as a
		 * successful kill (GDB manual, "Packets").
		 */
		(void)len;
		return end_session(s);
	}
}

/* Ctrl-C (0x03) between packets, or gdbr_server_interrupt(). */
int gdbr__cmd_interrupt(gdbr_server *s)
{
	int rc;

	switch (s->state) {
	case GDBR_STATE_IDLE:
		/* Already stopped: say so, as GDB waits for a stop reply. */
		return gdbr__reply_stop(s, SIG_INT, s->stop_tid);
	case GDBR_STATE_RUNNING:
		if (!s->target->interrupt) {
			s->state = GDBR_STATE_IDLE;
			return gdbr__reply_stop(s, SIG_INT, s->stop_tid);
		}
		rc = s->target->interrupt(s->target_payload);
		if (rc < 0 && gdbr__fatal(s, rc))
			return s->result;
		s->state = GDBR_STATE_INTERRUPTED;
		return 0;
	default:
		/* Already interrupted: the stop reply is on its way. */
		return 0;
	}
}
