#!/bin/sh
# Real aarch64 guests recorded under /var/cache/pgstub/guests/aarch64-*
# (by tests/realguest's recorder): their QEMU 7.2 ELF and kdump dumps, read
# through pgstub, give QEMU's own answers — `xp` at every address the
# recording asked QEMU about (RAM start, the last bytes of RAM, past it,
# kernel pages), each vCPU's general registers as QEMU's `info registers`
# printed them, `gva2gpa` and `x` as QEMU answered in the EL1 view: kernel
# addresses through the tables VMCOREINFO names (the dumps hold no system
# register), user addresses with that vCPU's TTBR0_EL1 given as --reg (on
# a VHE host, aarch64-virt-4k-el2: HCR_EL2 and TTBR0_EL2, the EL2&0
# regime's), and, without it, a refusal that names the TTBR0 register of
# the vCPU's regime — never an answer. The
# kdump files are QEMU's 64 KiB blocks around a guest with 4K or 16K pages
# (16K: a 52-bit LPA2 kernel). TAP output.

pgstub=${top_builddir:-.}/pgstub
guests=${PGSTUB_GUESTS:-/var/cache/pgstub/guests}
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }

set -- "$guests"/aarch64-*/xp.txt
if [ ! -f "$1" ]; then
	echo "1..0 # SKIP no recorded aarch64 guest under $guests"
	exit 0
fi
tmp=$(mktemp -d /tmp/pgstub-a64-dumps.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

for xp in "$@"; do
	dir=${xp%/xp.txt}
	name=${dir##*/}
	# One -c per "### xp …" line of the truth; the truth without them.
	# (QEMU's monitor ends its lines with CR LF.)
	tr -d '\r' <"$xp" | sed -n 's/^### //p' >"$tmp/cmds"
	tr -d '\r' <"$xp" | grep -v '^### ' >"$tmp/want"
	for fmt in elf kdump; do
		img=$dir/dump.$fmt
		[ -f "$img" ] || continue
		set --
		while read -r line; do set -- "$@" -c "$line"; done <"$tmp/cmds"
		"$pgstub" shell "$@" "$img" >"$tmp/got" 2>"$tmp/err"
		if cmp -s "$tmp/want" "$tmp/got"; then
			ok "$name $fmt: xp at $(wc -l <"$tmp/cmds") addresses as QEMU"
		else
			notok "$name $fmt: xp differs from QEMU's"
			diff "$tmp/want" "$tmp/got" | head -10 | sed 's/^/# /'
			sed "s/^/# /" "$tmp/err" | head -5
		fi
		for tsv in "$dir"/cpu*/gva2gpa.tsv; do
			[ -f "$tsv" ] || continue
			cpudir=${tsv%/gva2gpa.tsv}
			cpu=${cpudir##*/cpu}
			# The user half's registers in the vCPU's regime.
			ropts=$("${PYTHON3:-python3}" -c 'import json, sys
r = json.load(open(sys.argv[1]))
vhe = json.load(open(sys.argv[2]))["per_cpu"]["cpu" + sys.argv[3]]["stopped"].get("regime", "").startswith("EL2&0")
print("--reg hcr_el2=%s --reg ttbr0_el2=%s" % (r["HCR_EL2"], r["TTBR0_EL2"]) if vhe
      else "--reg ttbr0_el1=" + r["TTBR0_EL1"])' "$cpudir/gdbstub_registers.json" "$dir/meta.json" "$cpu")
			{ echo "cpu $cpu"; cut -f1 "$tsv" | sed 's/^/gva2gpa /'; } \
				>"$tmp/gva"
			cut -f1,2 "$tsv" | tr -d '\r' >"$tmp/want_gva"
			# Without TTBR0_EL1: the kernel half as QEMU, every
			# user (bit 55 clear) address refused by name.
			"$pgstub" shell "$img" <"$tmp/gva" 2>&1 |
				paste "$tmp/want_gva" - >"$tmp/got_k"
			# VA bit 55 picks the half: hex digit 13 from the right.
			bad=$(awk -F'\t' '{ d = substr($1, 3); n = length(d)
				hi = n >= 14 && substr(d, n - 13, 1) ~ /[89a-f]/ }
				!hi && $3 !~ /TTBR0_EL[12] is unknown: .*--reg ttbr0_el[12]=/ { print; next }
				hi && $2 != $3 { print }' "$tmp/got_k" | head -3)
			if [ -z "$bad" ]; then
				ok "$name $fmt: vCPU $cpu kernel half from VMCOREINFO as QEMU's gva2gpa, user half refused"
			else
				notok "$name $fmt: vCPU $cpu gva2gpa without TTBR0_EL1"
				echo "$bad" | sed 's/^/# /'
			fi
			# shellcheck disable=SC2086
			"$pgstub" shell $ropts "$img" \
				<"$tmp/gva" 2>&1 | paste "$tmp/want_gva" - |
				awk -F'\t' '$2 != $3' >"$tmp/bad_u"
			if [ ! -s "$tmp/bad_u" ]; then
				ok "$name $fmt: vCPU $cpu gva2gpa at $(wc -l <"$tsv") addresses as QEMU with $ropts"
			else
				notok "$name $fmt: vCPU $cpu gva2gpa differs with $ropts"
				head -3 "$tmp/bad_u" | sed 's/^/# /'
			fi
			# QEMU's `x` at the recorded addresses, as printed.
			[ -f "$cpudir/x.txt" ] || continue
			tr -d '\r' <"$cpudir/x.txt" | grep -v '^### ' >"$tmp/want_x"
			{ echo "cpu $cpu"; tr -d '\r' <"$cpudir/x.txt" |
				sed -n 's/^### //p'; } |
				# shellcheck disable=SC2086
				"$pgstub" shell $ropts "$img" \
				>"$tmp/got_x" 2>&1
			if cmp -s "$tmp/want_x" "$tmp/got_x"; then
				ok "$name $fmt: vCPU $cpu x as QEMU's ($(wc -l <"$tmp/want_x") lines)"
			else
				notok "$name $fmt: vCPU $cpu x differs from QEMU's"
				diff "$tmp/want_x" "$tmp/got_x" | head -5 |
					sed 's/^/# /'
			fi
		done
		for regs in "$dir"/cpu*/info_registers.txt; do
			[ -f "$regs" ] || continue
			cpu=${regs%/info_registers.txt}
			cpu=${cpu##*/cpu}
			# CPU#N, PC/X00-X30/SP: the lines every QEMU CPU model
			# prints alike (PSTATE's line shows SVE/BTI fields).
			tr -d '\r' <"$regs" | sed -n '2,13p' >"$tmp/want_regs"
			"$pgstub" shell -c "cpu $cpu" -c "info registers" "$img" \
				2>/dev/null | grep -v '^$' | sed -n '1,12p' \
				>"$tmp/got_regs"
			if cmp -s "$tmp/want_regs" "$tmp/got_regs"; then
				ok "$name $fmt: vCPU $cpu registers as QEMU's info registers"
			else
				notok "$name $fmt: vCPU $cpu registers differ"
				diff "$tmp/want_regs" "$tmp/got_regs" | head -6 |
					sed 's/^/# /'
			fi
		done
	done
done
echo "1..$n"
[ "$fails" -eq 0 ]
