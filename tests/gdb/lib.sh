# TAP helpers for GDB-driven tests: run the system gdb in batch mode against
# pgstub --stdio and compare what it prints.
n=0
failed=0

plan() { echo "1..$1"; }

ok() {  # ok NAME STATUS
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		failed=$((failed + 1))
	fi
}

skip_all() { echo "1..0 # SKIP $1"; exit 0; }

# gdb_run IMAGE CMD... : output of gdb connected to pgstub serving IMAGE.
gdb_run() {
	img=$1; shift
	# remotetimeout: the stub may start slowly on a loaded machine.
	set -- -q -batch -nx -ex 'set pagination off' -ex 'set confirm off' \
		-ex 'set remotetimeout 30' \
		-ex "target remote | $PGSTUB --stdio $img" "$@"
	"${GDB:-gdb}" "$@" 2>&1
}

# stdio_run OPTIONS... -- GDB-ARGS...: $GDB (gdb-multiarch in the other
# architectures' tests) on pgstub --stdio OPTIONS, output and errors.
# GDB_ARCH and GDB_ENDIAN, when set, are set before connecting (a
# little-endian ppc64 dump).
stdio_run() {
	opts=
	while [ "$1" != -- ]; do opts="$opts $1"; shift; done
	shift
	[ -z "${GDB_ENDIAN:-}" ] || set -- -iex "set endian $GDB_ENDIAN" "$@"
	[ -z "${GDB_ARCH:-}" ] || set -- -iex "set architecture $GDB_ARCH" "$@"
	timeout 120 "${GDB:-gdb}" -q -batch -nx -ex 'set pagination off' \
		-ex 'set confirm off' -ex 'set remotetimeout 30' \
		-ex "target remote | $PGSTUB --stdio $opts" "$@" 2>&1
}

# expect NAME NEEDLE HAYSTACK: the haystack contains the needle line-exactly.
expect_line() {
	printf '%s\n' "$3" | grep -qxF -- "$2"
	st=$?
	[ $st -eq 0 ] || { echo "# expected line: $2"; printf '%s\n' "$3" | sed 's/^/#   /' | head -40; }
	ok "$1" $st
}

expect_has() {
	printf '%s\n' "$3" | grep -qF -- "$2"
	st=$?
	[ $st -eq 0 ] || { echo "# expected text: $2"; printf '%s\n' "$3" | sed 's/^/#   /' | head -40; }
	ok "$1" $st
}
