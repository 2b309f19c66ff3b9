#!/bin/sh
# Limits under abuse and safe defaults, through GDB and a raw client:
# monitor output cap, walk budget on self-aliasing tables, the memory map
# (windowed, same bytes as before, bounded memory), packet limits, idle and
# stuck connections, a second GDB refused, Unix socket mode, loopback
# default, the image never written.
. "${srcdir:-.}/tests/gdb/lib.sh"
PGSTUB=${PGSTUB:-./pgstub}
MK=./tests/gdb/mklimits
CLIENT="python3 ${srcdir:-.}/tests/gdb/limits_client.py"
command -v "${GDB:-gdb}" >/dev/null || skip_all "no gdb"
[ -f demo.elf ] || skip_all "no demo.elf"
T=$(mktemp -d /tmp/pgstub-limits.XXXXXX)
PIDS=
trap 'for p in $PIDS; do kill $p 2>/dev/null; done; rm -rf "$T"' EXIT
plan 31

# start_tcp LOG ARGS...: pgstub listening on a free loopback port; sets PID PORT
start_tcp() {
	log=$1; shift
	$PGSTUB --listen 127.0.0.1:0 "$@" 2>"$log" &
	PID=$!; PIDS="$PIDS $PID"
	for _ in $(seq 50); do
		PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$log")
		[ -n "$PORT" ] && return 0
		sleep 0.1
	done
	return 1
}

$MK alias "$T/alias.elf" && $MK fan "$T/fan.elf" &&
	$MK many "$T/many.elf" 20000 && $MK many "$T/many2.elf" 200000
ok "mklimits builds the images" $?

# 1. One monitor command's output is capped; the session goes on.
out=$(gdb_run demo.elf -ex 'monitor info tlb' -ex 'monitor info mem' \
	-ex 'x/s 0xffffffff81000000' | sed "s|$PGSTUB|PGSTUB|")
PGSTUB_SAVE=$PGSTUB; PGSTUB="$PGSTUB --max-output 100"
cut=$(gdb_run demo.elf -ex 'monitor info tlb' -ex 'monitor info mem' \
	-ex 'x/s 0xffffffff81000000')
PGSTUB=$PGSTUB_SAVE
expect_line "output cap: one truncation line" "*** output truncated after 100 bytes (output limit); raise pgstub --max-output or narrow the command, e.g. monitor info pg --range START END" "$cut"
first=$(printf '%s\n' "$out" | grep -m1 -E '^[0-9a-f]{16}: ')
expect_line "output cap: the kept text is the head of the full output" "$first" "$cut"
mem=$(printf '%s\n' "$out" | grep -m1 -E '^[0-9a-f]{16}-')
expect_line "output cap: the next command still works" "$mem" "$cut"
expect_has "output cap: memory reads still work" '"Hello from the pgstub demo guest!"' "$cut"

# 2. Walks on tables that alias themselves end quickly, with a clear line.
for img in alias:0x1000 fan:0x5000; do
	pa=${img#*:}; img=${img%:*}
	t0=$(date +%s)
	PGSTUB_SAVE=$PGSTUB; PGSTUB="$PGSTUB --max-output 64K"
	o=$(gdb_run "$T/$img.elf" -ex 'monitor info mem' -ex 'monitor info tlb' \
		-ex 'monitor info pg' -ex "monitor ptov $pa" -ex 'monitor vtop 0x1000')
	PGSTUB=$PGSTUB_SAVE
	t=$(( $(date +%s) - t0 ))
	expect_line "$img: info mem says the walk limit was reached" "*** walk limit reached after 262144 tables (pgstub --walk-budget): the page tables are huge or alias themselves; narrow it: info pg --range A B" "$o"
	cnt=$(printf '%s\n' "$o" | grep -c '^\*\*\* output truncated after 65536 bytes')
	[ "$cnt" -eq 3 ]; ok "$img: info tlb, info pg, ptov stop at the output cap ($cnt)" $?
	[ "$t" -lt 30 ]; ok "$img: the whole session took ${t}s (< 30)" $?
done
PGSTUB_SAVE=$PGSTUB; PGSTUB="$PGSTUB --walk-budget 100"
o=$(gdb_run "$T/alias.elf" -ex 'monitor info mem')
PGSTUB=$PGSTUB_SAVE
expect_has "--walk-budget is honoured" "walk limit reached after 100 tables" "$o"

echo "# $(date +%T) memory map"
# 3. Memory map: windows of a document longer than the cache give the bytes
# the whole-document implementation gave (md5 recorded from it), and memory
# does not grow with the number of regions.
$CLIENT map $PGSTUB "$T/many.elf" --memory-map mappings >"$T/many.xml" 2>"$T/many.hwm"
set -- $(md5sum "$T/many.xml"); [ "$1" = 3a272761255c9f094165ee02e2ae6e29 ]
ok "memory map of 20000 regions: same bytes as before" $?
$CLIENT map $PGSTUB "$T/many2.elf" --memory-map mappings --max-map-regions 300000 >"$T/many2.xml" 2>/dev/null
set -- $(md5sum "$T/many2.xml"); [ "$1" = 0a74ec844e38c706da1e5bed227ca9d3 ]
ok "memory map of 200000 regions: same bytes as before" $?
$CLIENT map $PGSTUB "$T/many2.elf" --memory-map mappings >"$T/many2c.xml" 2>"$T/many2c.hwm"
cnt=$(grep -c '<memory ' "$T/many2c.xml")
[ "$cnt" -le 65536 ] && [ "$cnt" -gt 1 ]; ok "over --max-map-regions: $cnt regions" $?
grep -q 'start="0x10000000" length="0x' "$T/many2c.xml"; ok "coarsened map still covers the mappings" $?
a=$(sed -n 's/VmHWM \([0-9]*\) kB/\1/p' "$T/many.hwm")
b=$(sed -n 's/VmHWM \([0-9]*\) kB/\1/p' "$T/many2c.hwm")
echo "# VmHWM: 20000 regions ${a} kB, 200000 regions ${b} kB"
[ $((b - a)) -lt 6144 ]; ok "memory does not scale with the regions (+$((b - a)) kB)" $?

echo "# $(date +%T) packets"
# 4. Packets: absurd lengths, oversize packets, resync, writes refused.
start_tcp "$T/p.log" demo.elf
o=$($CLIENT packets 127.0.0.1:$PORT 2>&1)
want='m-absurd ok
m-overflow E22
x-absurd b True
oversize E07
resync 1
M E30
X E30
still ok'
[ "$o" = "$want" ]; ok "packets: capped reads, E07 oversize, resync, E30 writes" $?
[ "$o" = "$want" ] || printf '%s\n' "$o" | sed 's/^/#   /'

# 5. A second GDB is refused; the first session goes on.
"${GDB:-gdb}" -q -batch -nx -ex "target remote 127.0.0.1:$PORT" \
	-ex 'shell sleep 3' -ex 'x/s 0xffffffff81000000' >"$T/gdb1.out" 2>&1 &
G1=$!
sleep 1.5
"${GDB:-gdb}" -q -batch -nx -ex "target remote 127.0.0.1:$PORT" >"$T/gdb2.out" 2>&1
wait $G1
expect_has "second GDB: clear refusal" "Remote failure reply: E.pgstub: another GDB is already attached to this stub (one session at a time); detach it first" "$(cat "$T/gdb2.out")"
expect_has "second GDB: the first session is unaffected" '"Hello from the pgstub demo guest!"' "$(cat "$T/gdb1.out")"
kill $PID; wait $PID 2>/dev/null

echo "# $(date +%T) timeouts"
# 6. Idle and stuck connections are dropped; the server goes on accepting.
start_tcp "$T/i.log" --idle-timeout 1 demo.elf
o=$($CLIENT idle 127.0.0.1:$PORT 1)
case "$o" in "idle closed 1"|"idle closed 2") st=0;; *) st=1;; esac
ok "idle connection closed after 1 s ($o)" $st
o=$("${GDB:-gdb}" -q -batch -nx -ex "target remote 127.0.0.1:$PORT" \
	-ex 'x/s 0xffffffff81000000' 2>&1)
expect_has "after an idle drop, GDB connects again" '"Hello from the pgstub demo guest!"' "$o"
kill $PID; wait $PID 2>/dev/null
start_tcp "$T/s.log" --write-timeout 1 "$T/alias.elf"
o=$($CLIENT stuck 127.0.0.1:$PORT 1)
expect_has "a peer that stops reading is dropped" "connection closed: the peer stopped reading (write timeout)" "$(cat "$T/s.log")"
o=$($CLIENT idle 127.0.0.1:$PORT 0 2>&1 | head -1; true)
ps -p $PID >/dev/null; ok "the server is still running after the drop" $?
kill $PID; wait $PID 2>/dev/null
# Log lines never block serving: stderr a pipe nobody reads, 1,500 refusals
# logged to it (over its 64 KiB), and the attached GDB is still answered.
o=$(timeout 120 $CLIENT mute-log "$PGSTUB" demo.elf 1500 2>&1)
expect_line "a full stderr pipe does not stop the server" "refused 1500, still served: True" "$o"

# 7. Safe defaults: loopback, a warning otherwise, Unix socket 0600.
$PGSTUB --help | grep -q -- '--idle-timeout SECS'; ok "--help documents the timeouts" $?
$PGSTUB --listen 0.0.0.0:0 demo.elf 2>"$T/w.log" & W=$!; PIDS="$PIDS $W"
sleep 1; kill $W; wait $W 2>/dev/null
expect_line "non-loopback --listen warns" "pgstub: warning: listening on 0.0.0.0 exposes guest memory beyond this machine" "$(cat "$T/w.log")"
$PGSTUB demo.elf --listen 0 2>"$T/l.log" & W=$!; PIDS="$PIDS $W"
sleep 1; kill $W; wait $W 2>/dev/null
grep -q '^pgstub: listening on 127.0.0.1:[0-9]*$' "$T/l.log" && ! grep -q warning "$T/l.log"
ok "a port alone listens on loopback, no warning" $?
(umask 0; $PGSTUB --unix "$T/sock" demo.elf 2>/dev/null) & W=$!; PIDS="$PIDS $W"
for _ in $(seq 50); do [ -S "$T/sock" ] && break; sleep 0.1; done
[ "$(stat -c %a "$T/sock")" = 600 ]; ok "Unix socket created 0600 (umask 0)" $?
kill $W 2>/dev/null; wait $W 2>/dev/null

# 8. The snapshot is opened read-only and never written.
cp demo.elf "$T/ro.elf"
sum0=$(md5sum <"$T/ro.elf"); mt0=$(stat -c %Y.%y "$T/ro.elf")
start_tcp "$T/r.log" "$T/ro.elf"
$CLIENT packets 127.0.0.1:$PORT >/dev/null 2>&1
"${GDB:-gdb}" -q -batch -nx -ex "target remote 127.0.0.1:$PORT" \
	-ex 'set {int}0xffffffff81000000 = 1' -ex 'monitor xp /4xb 0' >/dev/null 2>&1
acc=
for f in /proc/$PID/fd/*; do
	[ "$(readlink "$f")" = "$T/ro.elf" ] || continue
	fl=$(sed -n 's/^flags:[[:space:]]*//p' /proc/$PID/fdinfo/${f##*/})
	acc="$acc$(( 0$fl & 3 ))"
done
echo "# image descriptors' access modes: '$acc'"
case "$acc" in ""|*[12]*) st=1;; *) st=0;; esac
ok "the image is open O_RDONLY" $st
kill $PID; wait $PID 2>/dev/null
[ "$(md5sum <"$T/ro.elf")" = "$sum0" ] && [ "$(stat -c %Y.%y "$T/ro.elf")" = "$mt0" ]
ok "image checksum and mtime unchanged after M/X attempts" $?
exit $((failed > 0))
