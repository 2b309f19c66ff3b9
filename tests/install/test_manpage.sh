#!/bin/sh
# pgstub(1) stays true to the program: every option that `pgstub --help`,
# `pgstub --qemu --help`, `pgstub shell --help`, `pgstub export --help` and
# `pgstub diff --help` print, and every command `monitor help` lists, is in
# the manual page.
. "$top_srcdir/tests/install/lib.sh"
command -v man >/dev/null || skip_all "man not found"
man=$(MANWIDTH=1000 man -l "$top_builddir/docs/pgstub.1" 2>&1)
helps=$("$PGSTUB" --help; "$PGSTUB" --qemu x --help; "$PGSTUB" shell --help
	"$PGSTUB" export --help; "$PGSTUB" diff --help)
opts=$(printf '%s\n' "$helps" | grep -o -- '--\?-[a-z][a-z0-9-]*' | sort -u)
# `help` lines are "NAME ARGS -- WHAT"; info subcommands are two words.
cmds=$("$PGSTUB" shell -c help "$top_builddir/demo.elf" |
	sed -n 's/^\(info [a-z]*\|set [a-z]*\|[^ |]*\).* -- .*/\1/p' | sort -u)
comp=$(cat "$top_srcdir/completion/pgstub")
# The values --help gives --arch, and those bash completion offers.
archs=$(printf '%s\n' "$helps" | sed -n 's/.*\[--arch \([a-z0-9_|]*\)\].*/\1/p' |
	sort -u | tr '|' ' ')
comp_archs=$(printf '%s\n' "$comp" | sed -n "s/.*--arch) COMPREPLY=(\$(compgen -W '\([^']*\)'.*/\1/p")
plan $((2 * $(printf '%s\n' "$opts" | wc -l) + $(printf '%s\n' "$cmds" | wc -l) + 2))
expect_has "the page names the version" "pgstub $version" "$man"
for o in $opts; do
	printf '%s\n' "$man" | grep -q -- "$o\([^a-z0-9-]\|$\)"
	ok "option $o is described" $?
done
for o in $opts; do
	printf '%s\n' "$comp" | grep -q -- "$o\([^a-z0-9-]\|$\)"
	ok "option $o is completed (completion/pgstub)" $?
done
[ -n "$archs" ] && [ "$archs" = "$comp_archs" ]
ok "--arch completes to what --help lists ($archs | $comp_archs)" $?
printf '%s\n' "$cmds" | while read -r c; do
	printf '%s\n' "$man" | grep -qF -- "$c"
	ok "monitor command '$c' is described" $?
done
