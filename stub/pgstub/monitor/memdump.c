/*
 * QEMU's `x` and `xp` monitor commands: "/[count][format][size] ADDR" and
 * the monitor's memory dump layout (address, colon, values, 16 bytes or 8
 * single bytes per line, "Cannot access memory" at the first hole).
 */
#include "serving/cli.h"
#include "serving/session.h"
#include "monitor.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

struct dumpfmt {
	unsigned long count;
	char format;   /* x d u o c */
	int size;      /* 1 2 4 8 */
};

/* "/FMT" as the HMP parses it: digits, then format and size letters. */
static int parse_fmt(const char **p, struct dumpfmt *f, gdbr_out *out)
{
	const char *s = *p;

	f->count = 1;
	f->format = 'x';
	f->size = 0;
	if (*s != '/')
		return 0;
	s++;
	if (isdigit((unsigned char)*s)) {
		f->count = 0;
		while (isdigit((unsigned char)*s)) {
			f->count = f->count * 10 + (unsigned long)(*s - '0');
			if (f->count > 1u << 20) {
				gdbr_out_printf(out, "count too large\n");
				return -1;
			}
			s++;
		}
	}
	for (; *s && !isspace((unsigned char)*s); s++) {
		switch (*s) {
		case 'x': case 'd': case 'u': case 'o': case 'c':
			f->format = *s;
			break;
		case 'b': f->size = 1; break;
		case 'h': f->size = 2; break;
		case 'w': f->size = 4; break;
		case 'g': case 'l': f->size = 8; break;
		case 'i':
			gdbr_out_printf(out, "format 'i' needs the shell's "
					"disassembler (pgstub shell: disas)\n");
			return -1;
		default:
			gdbr_out_printf(out, "invalid char in format: '%c'\n", *s);
			return -1;
		}
	}
	*p = s;
	return 0;
}

static uint64_t load_le(const unsigned char *b, int size)
{
	uint64_t v = 0;

	for (int i = size - 1; i >= 0; i--)
		v = (v << 8) | b[i];
	return v;
}

/* qemu-system-ppc64 is a big-endian target: its x/xp print words
 * big-endian whatever the guest's MSR[LE] (ldq_p in memory_dump). */
static uint64_t load_be(const unsigned char *b, int size)
{
	uint64_t v = 0;

	for (int i = 0; i < size; i++)
		v = (v << 8) | b[i];
	return v;
}

static void print_value(gdbr_out *out, const struct dumpfmt *f, uint64_t v)
{
	int bits = f->size * 8;
	int digits;

	switch (f->format) {
	case 'o':
		digits = (bits + 2) / 3;
		gdbr_out_printf(out, " %#*" PRIo64, digits, v);
		break;
	case 'u':
		digits = (bits * 10 + 32) / 33;
		gdbr_out_printf(out, " %*" PRIu64, digits, v);
		break;
	case 'd': {
		int64_t sv = bits == 64 ? (int64_t)v :
			     (int64_t)(v << (64 - bits)) >> (64 - bits);

		digits = (bits * 10 + 32) / 33;
		gdbr_out_printf(out, " %*" PRId64, digits, sv);
		break;
	}
	case 'c':
		if (v >= 32 && v < 127 && v != '\\' && v != '\'')
			gdbr_out_printf(out, " '%c'", (int)v);
		else if (v == '\n')
			gdbr_out_printf(out, " '\\n'");
		else if (v == '\r')
			gdbr_out_printf(out, " '\\r'");
		else if (v == '\\' || v == '\'')
			gdbr_out_printf(out, " '\\%c'", (int)v);
		else
			gdbr_out_printf(out, " '\\x%02x'", (unsigned)v);
		break;
	default:
		gdbr_out_printf(out, " 0x%0*" PRIx64, bits / 4, v);
		break;
	}
}

int memdump_run(struct session *s, const char *args, int physical,
		gdbr_out *out)
{
	const char *p = args;
	struct dumpfmt f;
	uint64_t addr;
	unsigned long long len;
	int line, wide;

	while (isspace((unsigned char)*p))
		p++;
	if (parse_fmt(&p, &f, out) < 0)
		return 1;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p || parse_u64(p, &addr)) {
		gdbr_out_printf(out, "usage: %s /fmt ADDR\n", physical ? "xp" : "x");
		return 1;
	}
	if (f.format == 'c')
		f.size = 1;
	else if (!f.size)
		f.size = 4;
	line = f.size == 1 ? 8 : 16;
	len = (unsigned long long)f.count * (unsigned)f.size;
	/* Virtual addresses print in the guest's word width, physical ones
	 * always as 64-bit (QEMU's target_ulong vs hwaddr). */
	wide = physical || guest_arch_bits(guest_arch(s->g)) == 64;
	while (len > 0) {
		unsigned char buf[16];
		int got;
		int l = len < (unsigned long long)line ? (int)len : line;

		if (wide)
			gdbr_out_printf(out, "%016" PRIx64 ":", addr);
		else
			gdbr_out_printf(out, "%08" PRIx64 ":", addr & 0xffffffffu);
		got = session_read(s, addr, buf, (size_t)l, physical);
		if (got != l) {
			char text[160] = "";
			uint64_t at = addr + (got > 0 ? (uint64_t)got : 0), pa;
			int why = session_not_dumped(s, at, physical, &pa);

			/* QEMU's words, and why when the dump left it out. */
			if (why)
				session_not_dumped_text(why, pa, text,
							sizeof(text));
			gdbr_out_printf(out, " Cannot access memory%s%s\n",
					why ? ": " : "", text);
			break;
		}
		for (int i = 0; i < l; i += f.size)
			print_value(out, &f, guest_arch(s->g) == GUEST_ARCH_PPC64 ?
				    load_be(buf + i, f.size) :
				    load_le(buf + i, f.size));
		gdbr_out_printf(out, "\n");
		addr += (uint64_t)l;
		len -= (unsigned long long)l;
	}
	return 0;
}
