#!/bin/sh
# `make install DESTDIR=TMP`, then only TMP is used: the program, libpgwalk
# through pkg-config in a program built outside the tree, the manual page,
# the bash completion, and GDB loading the Python package from the data
# directory with no `source` line.
. "$top_srcdir/tests/install/lib.sh"
command -v pkg-config >/dev/null || skip_all "pkg-config not found"
[ -x "${GDB:-/usr/bin/gdb}" ] || skip_all "gdb not found"
plan 16

tmp=$(cd "$(mktemp -d)" && pwd -P)
trap 'rm -rf "$tmp"' EXIT
d=$tmp/root
# The directories configure chose, as the Makefile spells them.
for v in prefix exec_prefix bindir libdir includedir datarootdir datadir \
	mandir bashcompletiondir; do
	eval "$v=\"$(sed -n "s/^$v = //p" "$top_builddir/Makefile")\""
done
# Not a sub-make of `make check`: its jobserver is not ours.
check "make install DESTDIR=" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -s -C "$top_builddir" install DESTDIR="$d"

# The loader does not look in a DESTDIR: the program's libraries are there.
export LD_LIBRARY_PATH="$d$libdir"
out=$(ldd "$d$bindir/pgstub" 2>&1)
echo "$out" | grep -q "libpgwalk.so.$pgwalk_so => $d$libdir/" &&
	echo "$out" | grep -q "libgdb-remote.so.$gdbr_so => $d$libdir/"
ok "pgstub runs on the installed libpgwalk and libgdb-remote" $?
out=$("$d$bindir/pgstub" --version 2>&1)
expect_line "pgstub --version is configure.ac's version" "pgstub $version" "$out"

for lib in "pgwalk $pgwalk_so" "gdb-remote $gdbr_so"; do
	set -- $lib
	so=$(readelf -d "$d$libdir/lib$1.so" 2>&1 | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
	[ "$so" = "lib$1.so.$2" ] && [ -f "$d$libdir/lib$1.so.$2" ]
	ok "lib$1 is installed with SONAME lib$1.so.$2 (-version-info in configure.ac)" $?
done

pc() {
	PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$d$libdir/pkgconfig" \
		PKG_CONFIG_SYSROOT_DIR="$d" pkg-config "$@"
}
expect_line "pgwalk.pc has the package version" "$version" "$(pc --modversion pgwalk 2>&1)"
expect_line "gdb-remote.pc has the package version" "$version" "$(pc --modversion gdb-remote 2>&1)"
# A sanitized library needs its runtime in the program that loads it.
san=
[ "${PGSTUB_SANITIZED:-no}" = yes ] && san="-fsanitize=address,undefined"
check "a program builds with only pkg-config --cflags --libs pgwalk" \
	${CC:-cc} -std=c11 -Wall -Werror $san -o "$tmp/consumer" \
	"$top_srcdir/tests/install/consumer.c" $(pc --cflags --libs pgwalk)
out=$(LD_LIBRARY_PATH="$d$libdir" "$tmp/consumer" 2>&1)
expect_line "it translates through the installed libpgwalk" "4-level: 0x400123 -> 0x5123" "$out"
printf '#include <gdb-remote.h>\nint main(void) { gdbr_server_free(0); return 0; }\n' >"$tmp/rsp.c"
check "a program builds with only pkg-config --cflags --libs gdb-remote" \
	${CC:-cc} -std=c11 -Wall -Werror $san -o "$tmp/rsp" "$tmp/rsp.c" $(pc --cflags --libs gdb-remote)

out=$(MANWIDTH=80 man -l "$d$mandir/man1/pgstub.1" 2>&1)
expect_line "man -l renders pgstub(1)" \
	"       pgstub - GDB stub server for guest memory snapshots and live QEMU" "$out"
expect_has "the manual page carries the version" "pgstub $version" "$out"

out=$(bash -c '. /usr/share/bash-completion/bash_completion 2>/dev/null; . "$1"
	COMP_WORDS=(pgstub shell --co); COMP_CWORD=2; COMP_LINE="pgstub shell --co"
	COMP_POINT=${#COMP_LINE}; _pgstub; echo "${COMPREPLY[*]}"' sh "$d$bashcompletiondir/pgstub" 2>&1)
expect_line "bash completes pgstub shell --co" "--command --color" "$out"

# GDB with the installed files in its data directory: the package is
# importable and its commands are there without any `source`.
gdb_overlay "$tmp/gdbdata" "$d$datadir/gdb/python"
out=$("${GDB:-gdb}" -nx -batch -data-directory "$tmp/gdbdata" \
	-ex 'python import os, pgstub; print(os.path.realpath(pgstub.__file__))' \
	-ex 'pte 0x8000000001234067' \
	-ex "target remote | $d$bindir/pgstub --stdio $top_builddir/demo.elf" \
	-ex 'vtop 0xffffffff81000000' 2>&1)
expect_line "python import pgstub finds the installed package" \
	"$d$datadir/gdb/python/pgstub/__init__.py" "$out"
expect_has "its commands are loaded at GDB's start-up (pte)" "pfn 0x1234" "$out"
expect_line "vtop through the installed pgstub" \
	"0xffffffff81000000 -> 0x200000 (2M page, r-x-)" "$out"
