# The pgstub package for GDB: pretty-printers for page-table entries,
# commands (pg, vtop, ptov, pte, pgstub) and functions ($pa, $pte) built on
# pgstub's monitor commands.  register() installs everything once.
"""pgstub's GDB support. Load with `source gdb-python/pgstub-gdb.py` or
`python import pgstub; pgstub.register()`."""

__version__ = "0.1.0"

_registered = False


def register():
    """Install printers, commands, functions and the colour parameter."""
    global _registered
    if _registered:
        return
    from . import color, commands, functions, printers, remote
    color.register()
    printers.register()
    commands.register()
    functions.register()
    remote.connect_events()
    _registered = True
