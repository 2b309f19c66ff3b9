#!/bin/sh
# README's "Try it" commands work copied as they are, as root without sudo
# (a minimal container) and as a user: they are exactly the lines tested
# here; setup-deps succeeds as root with no sudo on PATH when every package
# is present, never asks for sudo then, and without root or sudo says
# clearly what it cannot do; the demo line runs as written; CI runs the
# check line as written.
. "$top_srcdir/tests/gdb/lib.sh"
demo_line='scripts/setup-deps && scripts/demo'
check_line='scripts/setup-deps && scripts/check'
work=$(mktemp -d "${TMPDIR:-/tmp}/pgstub-readme.XXXXXX")
trap 'rm -rf "$work"' EXIT
plan 7

# The indented command lines of "## Try it", in order.
sed -n '/^## Try it/,/^## /{/^    /s/^    //p}' "$top_srcdir/README.md" >"$work/lines"
printf '%s\n%s\n' "$demo_line" "$check_line" >"$work/want"
cmp -s "$work/lines" "$work/want"; st=$?
[ $st -eq 0 ] || sed 's/^/#   README: /' "$work/lines"
ok "README's Try-it lines are exactly the tested ones" $st
if [ -f "$top_srcdir/.ci/run" ]; then
	grep -qxF "$check_line" "$top_srcdir/.ci/run"
	ok "CI (.ci/run) runs the README's check line as written" $?
else
	ok "CI runs the README's check line # SKIP no .ci/run (a release tarball)" 0
fi

# PATH without sudo: directories that hold one are replaced by a copy of
# their links without it.
nosudo=
i=0
for d in $(printf '%s' "$PATH" | tr ':' ' '); do
	if [ -e "$d/sudo" ]; then
		i=$((i + 1))
		mkdir "$work/path$i"
		for f in "$d"/*; do
			[ "${f##*/}" = sudo ] || ln -s "$f" "$work/path$i/"
		done
		d=$work/path$i
	fi
	nosudo=${nosudo:+$nosudo:}$d
done
PATH=$nosudo command -v sudo >/dev/null; [ $? -ne 0 ]
ok "the test's PATH has no sudo" $?

if [ "$(id -u)" -eq 0 ]; then
	out=$(cd "$top_srcdir" && PATH=$nosudo scripts/setup-deps 2>&1); st=$?
	[ $st -eq 0 ] && printf '%s\n' "$out" | grep -qx "setup-deps: all dependencies present"
	st=$?
	[ $st -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'
	ok "root without sudo: setup-deps succeeds, every package present" $st
else
	ok "root without sudo # SKIP not running as root" 0
fi

# The demo line itself, as written, from the top of the tree. scripts/demo
# builds in build/ when it finds no pgstub there: that is scripts/check's
# first build, so the line is run where that build exists.
if [ -x "$top_srcdir/build/pgstub" ]; then
	out=$(cd "$top_srcdir" && PATH=$nosudo sh -c "$(sed -n 1p "$work/lines")" 2>&1)
	st=$?
	[ $st -eq 0 ] && printf '%s\n' "$out" |
		grep -qF '0xffffffff81000000:	"Hello from the pgstub demo guest!"'
	st=$?
	[ $st -eq 0 ] || printf '%s\n' "$out" | tail -20 | sed 's/^/#   /'
	ok "the README's demo line runs as README writes it, without sudo" $st
else
	ok "the README's demo line # SKIP no build/pgstub in the source tree (scripts/demo would build the tree)" 0
fi

# A user: nothing to install needs no root; something to install without
# root or sudo is a clear error, not "sudo: not found".
as_user() {
	(cd "$top_srcdir" && PATH=$nosudo setpriv --reuid=nobody --regid=nogroup \
		--clear-groups scripts/setup-deps "$@" 2>&1)
}
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	ok "user, all present # SKIP needs root and setpriv to become nobody" 0
	ok "user, no sudo # SKIP needs root and setpriv to become nobody" 0
elif ! setpriv --reuid=nobody --regid=nogroup --clear-groups \
		test -x "$top_srcdir/scripts/setup-deps"; then
	ok "user, all present # SKIP the tree is not readable by nobody" 0
	ok "user, no sudo # SKIP the tree is not readable by nobody" 0
else
	out=$(as_user); st=$?
	[ $st -eq 0 ] && printf '%s\n' "$out" | grep -qx "setup-deps: all dependencies present"
	ok "a user with every package present needs neither root nor sudo" $?
	out=$(as_user pgstub-no-such-package); st=$?
	[ $st -eq 1 ] && printf '%s\n' "$out" | grep -qF \
		"setup-deps: missing: pgstub-no-such-package; installing them needs root, and there is no sudo: run scripts/setup-deps as root"
	st=$?
	[ $st -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'
	ok "a user without sudo gets a clear error when something is missing" $st
fi
[ "$failed" -eq 0 ]
