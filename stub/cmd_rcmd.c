/*
 * qRcmd,HEX ("monitor CMD"): decodes the command, runs the target's monitor
 * op with a console stream whose text leaves as hex "O" packets while it is
 * produced, then ends with OK (or E01 when the command failed).  Output past
 * the server's limit is cut with one line saying so, and the reply is OK.
 */
#include <inttypes.h>
#include <string.h>

#include "gdbr_priv.h"

int gdbr__cmd_rcmd(gdbr_server *s, const char *pkt, size_t len)
{
	const char *hex = pkt + strlen("qRcmd,");
	size_t nhex = len - strlen("qRcmd,");
	char *cmd = (char *)s->scratch;
	int rc;

	if (!s->target->monitor)
		return gdbr__reply(s, "");
	/* nhex / 2 + 1 <= rx_cap = scratch_cap, so the decode fits. */
	if (gdbr_hex_decode(cmd, hex, nhex) < 0)
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	cmd[nhex / 2] = '\0';
	if (memchr(cmd, '\0', nhex / 2))
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);

	gdbr__out_clear(&s->console);
	rc = s->target->monitor(cmd, &s->console, s->target_payload);
	if (rc < 0 && gdbr__fatal(s, rc))
		return s->result;
	if (s->console.truncated && s->console.err == GDBR_ELIMIT) {
		uint64_t cut = s->console.total;

		/* The command stopped at the limit: say so on a line of its
		 * own, outside the limit, and let the session go on. */
		s->console.err = 0;
		s->console.limit = 0;
		s->console.truncated = 0;
		gdbr_out_printf(&s->console, "%s*** output truncated after %"
				PRIu64 " bytes (output limit)%s%s\n",
				s->console.last == '\n' ? "" : "\n", cut,
				s->output_hint ? "; " : "",
				s->output_hint ? s->output_hint : "");
		s->console.limit = cut;
		rc = 0;
	}
	if (gdbr__out_flush(&s->console) && s->result)
		return s->result;
	if (rc != 0) {
		gdbr__set_error(s, "monitor command failed (%d)", rc);
		return gdbr__reply_err(s, GDBR_RSP_EGENERIC);
	}
	return gdbr__reply(s, "OK");
}
