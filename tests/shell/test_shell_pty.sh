#!/bin/sh
# pgstub shell under a pseudo-terminal (tests/shell/pty_shell.py): completion,
# history across sessions, Ctrl-C, colour, Ctrl-D.
exec "${PYTHON3:-python3}" "$top_srcdir/tests/shell/pty_shell.py" \
	"$PGSTUB" "$top_builddir/demo.elf"
