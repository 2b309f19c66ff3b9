#!/bin/sh
# TAP: every fuzz target's checked-in corpus and regression inputs, replayed
# through the target built without libFuzzer (tests/fuzz/replay_NAME).  One
# case per target for its corpus, one per regression input, so a fixed bug
# that comes back is named by the input that found it.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
fuzzdir=$top_srcdir/tests/fuzz
PGSTUB_FUZZ_IMAGE=${PGSTUB_FUZZ_IMAGE:-$top_builddir/demo.elf}
export PGSTUB_FUZZ_IMAGE
if [ "${PGSTUB_SKIP_FUZZ_REPLAY:-}" = 1 ]; then
	echo "1..0 # SKIP PGSTUB_SKIP_FUZZ_REPLAY=1"
	exit 0
fi
n=0

ok() {  # $1: description, $2: status
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}

# The replay binary on a list of files; a hang counts as a failure.
replay() {  # $1: binary, rest: inputs
	bin=$1; shift
	timeout 300 "$bin" "$@" >/dev/null 2>"$top_builddir/tests/fuzz/replay.err"
	st=$?
	[ $st -eq 0 ] || sed 's/^/# /' "$top_builddir/tests/fuzz/replay.err" | head -40
	return $st
}

mkdir -p "$top_builddir/tests/fuzz"
for src in "$fuzzdir"/fuzz_*.c; do
	name=${src##*/fuzz_}; name=${name%.c}
	bin=$top_builddir/tests/fuzz/replay_$name
	if [ ! -x "$bin" ]; then
		ok "$name: replay binary built" 1
		continue
	fi
	set -- "$fuzzdir/corpus/$name"/*
	if [ ! -e "$1" ]; then
		ok "$name: has a seed corpus" 1
	else
		replay "$bin" "$@"
		ok "$name: $# corpus inputs replay cleanly" $?
	fi
	for r in "$fuzzdir/regress/$name"/*; do
		[ -e "$r" ] || continue
		replay "$bin" "$r"
		ok "$name: regression ${r##*/}" $?
	done
done
echo "1..$n"
