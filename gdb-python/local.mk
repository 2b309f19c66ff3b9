# The pgstub Python package for GDB, installed into GDB's data directory:
# python/pgstub/ (the package), python/pgstub-gdb.py (for `source`) and
# python/gdb/command/pgstub_autoload.py (loads it at GDB's start-up).
# GDB only looks in its own data directory (`gdb -batch -ex 'show
# data-directory'`): configure --prefix=/usr, or make install
# gdbdatadir=/usr/share/gdb/python.
gdbdatadir = $(datadir)/gdb/python
dist_gdbdata_DATA = gdb-python/pgstub-gdb.py
pgstubpydir = $(gdbdatadir)/pgstub
dist_pgstubpy_DATA = \
	gdb-python/pgstub/__init__.py \
	gdb-python/pgstub/color.py \
	gdb-python/pgstub/commands.py \
	gdb-python/pgstub/decode.py \
	gdb-python/pgstub/functions.py \
	gdb-python/pgstub/printers.py \
	gdb-python/pgstub/remote.py
gdbautoloaddir = $(gdbdatadir)/gdb/command
dist_gdbautoload_DATA = gdb-python/pgstub_autoload.py
EXTRA_DIST += gdb-python/README.md
