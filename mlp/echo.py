"""User text repeated in a message: one line, short, and nothing that can act as markup.

Every message that repeats what a user typed, uploaded or put in a link (a link's key or value, a
file's name, header or cell, a JSON key, a flag) goes through :func:`echo`. The page escapes its
messages for Markdown as a whole (``lab.text.plain``); the echo makes sure that the user's part of
a sentence is one line of at most ``ECHO_LENGTH`` visible characters.
"""

from __future__ import annotations

import reprlib
from typing import Any

ECHO_LENGTH = 40
_CUT = "..."
# A bounded repr: a list of a million numbers or a 400-digit integer costs no more than a short one.
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict = 3, 8, 8, 4
_REPR.maxstring = _REPR.maxlong = _REPR.maxother = 4 * ECHO_LENGTH


def echo(value: Any, quote: bool = True) -> str:
    """``value`` as a short, one-line, printable echo, in single quotes unless ``quote`` is False.

    Text is taken as it is, other values by a bounded ``repr`` (``[1, 2]``, ``1e+300``, ``nan``). Line breaks, tabs
    and invisible characters (control, format and bidirectional marks) become spaces; runs of spaces
    become one. Past ``ECHO_LENGTH`` characters the text is cut and ends with ``...``.
    """
    text = " ".join("".join(c if c.isprintable() else " " for c in _text(value)).split())
    if len(text) > ECHO_LENGTH:
        text = text[: ECHO_LENGTH - len(_CUT)] + _CUT
    return f"'{text}'" if quote else text


def _text(value: Any) -> str:
    return value[: 4 * ECHO_LENGTH] if isinstance(value, str) else _REPR.repr(value)
