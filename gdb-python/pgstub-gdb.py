# Load the pgstub package into GDB from a checkout or an install:
#   (gdb) source /path/to/gdb-python/pgstub-gdb.py
# The package directory next to this file goes first on sys.path.
import os
import sys

import gdb

_here = os.path.dirname(os.path.abspath(
    gdb.current_objfile().filename if gdb.current_objfile() else __file__))
if _here not in sys.path:
    sys.path.insert(0, _here)

import pgstub  # noqa: E402

pgstub.register()
