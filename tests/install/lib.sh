# Shared by the install tests: TAP helpers (tests/gdb/lib.sh) and the
# versions configure.ac sets, read from configure.ac itself so that what
# is installed is checked against the one source of truth.
. "$top_srcdir/tests/gdb/lib.sh"

# check NAME CMD...: one TAP case, the command's output shown on failure.
check() {
	name=$1; shift
	out=$("$@" 2>&1)
	st=$?
	[ $st -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /' | head -30
	ok "$name" $st
}

ac=$top_srcdir/configure.ac
version=$(sed -n 's/^AC_INIT(\[pgstub\], \[\([^]]*\)\].*/\1/p' "$ac")
# lt_soname VAR: the SONAME number libtool makes of CURRENT:REVISION:AGE.
lt_soname() {
	sed -n "s/^AC_SUBST(\[$1\], \[\([0-9]*\):[0-9]*:\([0-9]*\)\])/\1 \2/p" "$ac" |
		{ read -r c a && echo $((c - a)); }
}
pgwalk_so=$(lt_soname PGWALK_LT_VERSION)
gdbr_so=$(lt_soname GDBR_LT_VERSION)

# gdb_overlay DIR PYDIR: a GDB data directory at DIR made of the system
# GDB's (links) with the installed pgstub files of PYDIR (a data
# directory's python/) added, as installing into /usr/share/gdb would.
gdb_overlay() {
	sys=$(${GDB:-gdb} -nx -batch -ex 'show data-directory' |
		sed -n 's/^GDB.s data directory is "\(.*\)"\.$/\1/p')
	mkdir -p "$1/python/gdb/command"
	for e in "$sys"/*; do [ "${e##*/}" = python ] || ln -s "$e" "$1/"; done
	for e in "$sys"/python/*; do [ "${e##*/}" = gdb ] || ln -s "$e" "$1/python/"; done
	for e in "$sys"/python/gdb/*; do [ "${e##*/}" = command ] || ln -s "$e" "$1/python/gdb/"; done
	for e in "$sys"/python/gdb/command/* "$2"/gdb/command/*; do ln -s "$e" "$1/python/gdb/command/"; done
	for e in "$2"/*; do [ "${e##*/}" = gdb ] || ln -s "$e" "$1/python/"; done
}
