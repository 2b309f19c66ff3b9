#!/bin/sh
# Soak (make check part): 1,000 connect/disconnect cycles against a TCP
# pgstub on the demo image, including disconnects mid-packet and
# mid-output; the server's open descriptors must be equal and its anonymous RSS grow
# less than SOAK_RSS_KB (4096) from the start to the end.
command -v python3 >/dev/null || { echo "1..0 # SKIP no python3"; exit 0; }
[ -f demo.elf ] || { echo "1..0 # SKIP no demo.elf"; exit 0; }
echo "1..1"
# Under ASan the quarantine keeps freed memory resident: measure without it.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
export ASAN_OPTIONS
out=$(timeout 120 python3 "${srcdir:-.}/tests/soak/soak.py" cycles \
	"${PGSTUB:-./pgstub}" demo.elf 1000 2>&1)
st=$?
printf '%s\n' "$out" | sed 's/^/# /'
if [ $st -eq 0 ]; then echo "ok 1 - 1000 cycles: fds flat, RSS bounded"
else echo "not ok 1 - 1000 cycles: fds flat, RSS bounded"; fi
