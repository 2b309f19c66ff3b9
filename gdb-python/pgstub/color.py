# Colour for the pgstub commands: the `set pgstub color auto|on|off`
# parameter, whether the terminal takes colour, and the ANSI styling of
# flags, names and addresses (output without colour is the same text).
"""Colour handling for the pgstub GDB commands."""

import os

import gdb

RESET = "\x1b[0m"
STYLES = {
    "name": "36",        # level names: cyan
    "va": "34",          # virtual addresses: blue
    "pa": "35",          # physical addresses, frames: magenta
    "ok": "1;32",        # a successful result: bold green
    "fault": "1;31",     # faults, reserved bits: bold red
    "present": "32",     # P, R, V: green
    "write": "33",       # W: yellow
    "user": "1;34",      # U: bold blue
    "exec": "31",        # X (EPT execute): red
    "nx": "2",           # NX: dim
    "leaf": "1",         # a leaf entry: bold
}

# Flag name -> style, for decoded flag lists.
FLAG_STYLES = {
    "P": "present", "R": "present", "V": "present",
    "W": "write", "U": "user", "XU": "exec", "X": "exec", "NX": "nx",
    "N": "nx", "RSVD": "fault", "MISCONFIG": "fault", "LOCK": "fault",
}


class _Prefix(gdb.Command):
    def __init__(self, name):
        super().__init__(name, gdb.COMMAND_DATA, gdb.COMPLETE_NONE, True)


class ColorParameter(gdb.Parameter):
    """Whether the pgstub commands (pg, vtop, ptov, pte) use colour.
auto (the default) colours when GDB's styling is enabled and GDB's output
is a terminal other than 'dumb'; on and off force it."""

    set_doc = "Set whether the pgstub commands use colour."
    show_doc = "Show whether the pgstub commands use colour."

    def __init__(self):
        super().__init__("pgstub color", gdb.COMMAND_DATA, gdb.PARAM_ENUM,
                         ["auto", "on", "off"])
        self.value = "auto"

    def get_set_string(self):
        return ""

    def get_show_string(self, svalue):
        return "Colour in the pgstub commands is %s." % svalue


_param = None


def register():
    global _param
    if _param is not None:
        return
    _Prefix("set pgstub")
    _Prefix("show pgstub")
    _param = ColorParameter()


def enabled(force=None):
    """Colour or not: FORCE (True/False from --color/--no-color) wins, then
    the parameter, then the terminal."""
    if force is not None:
        return force
    value = _param.value if _param is not None else "auto"
    if value != "auto":
        return value == "on"
    try:
        if not gdb.parameter("style enabled"):
            return False
    except (gdb.error, RuntimeError):
        return False
    if os.environ.get("TERM", "dumb") == "dumb":
        return False
    try:
        return os.isatty(1)
    except OSError:
        return False


class Painter:
    """paint(style, text): ANSI-wrapped when colour is on."""

    def __init__(self, on):
        self.on = on

    def __call__(self, style, text):
        if not self.on or not text or style not in STYLES:
            return text
        return "\x1b[%sm%s%s" % (STYLES[style], text, RESET)

    def flags(self, names):
        return "[" + " ".join(self(FLAG_STYLES.get(n, ""), n)
                              for n in names) + "]"
