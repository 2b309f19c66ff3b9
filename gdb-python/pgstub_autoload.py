# Installed into GDB's data directory as gdb/command/pgstub_autoload.py,
# which GDB imports at start-up: loads the pgstub package (installed next
# to it, in the data directory's python/) into every GDB session.
try:
    import pgstub
    pgstub.register()
except Exception as e:  # never break GDB's start-up
    import gdb
    gdb.write("pgstub: not loaded: %s\n" % e, gdb.STDERR)
