"""Sentences for Markdown: user text shown as it is, engine sentences with their notation as maths.

Streamlit renders Markdown in ``st.markdown``, ``st.caption``, ``st.error``, ``st.warning`` ... so
every message written with them that holds user text (links, uploads, tables) goes through
:func:`plain`, never becoming Markdown, LaTeX, HTML or a link; the user's part of the message was
already made one short line by ``mlp.echo.echo``. An engine sentence goes through :func:`notation`,
which renders the learner's caret notation (``a^2``, ``dC/dW^1``) and leaves the rest plain.
"""

from __future__ import annotations

import re

import pandas as pd

# Markdown, HTML and LaTeX characters, and what GitHub-flavoured Markdown and Streamlit's own
# extensions turn into links or markup: ':' (https:, mailto:, :red[...], :material/icon:, :smile:),
# '@' (e-mail addresses), '&' (entities) and the '.' after 'www' (www.example.com).
_MARKUP = re.compile(r"[\\`*_{}\[\]#<>|~$:@&]|(?<=[wW]{3})\.")


def plain(text: str) -> str:
    """``text`` with every Markdown, LaTeX, HTML and auto-link character escaped by a backslash."""
    return _MARKUP.sub(lambda match: "\\" + match.group(0), text)


# The learner's caret notation in engine sentences: a^2, a^L_0, W^1, n^3, b^2, delta^3, dC/dW^0, dC/da^2.
_NOTATION = re.compile(r"\b(dC/d)?(delta|[aWnb])\^([0-9]+|\w)(?:_(\w+))?")  # W^12: the whole index


def _latex(match: re.Match) -> str:
    derivative, symbol, upper, lower = match.groups()
    name = "\\delta" if symbol == "delta" else symbol
    body = f"{name}^{{{upper}}}" + (f"_{{{lower}}}" if lower else "")
    return "$" + ("\\partial C/\\partial " if derivative else "") + body + "$"


def notation(text: str) -> str:
    """An engine sentence (no user text) for Markdown: its caret notation as rendered maths, the rest plain."""
    parts, last = [], 0
    for match in _NOTATION.finditer(text):
        parts += [plain(text[last : match.start()]), _latex(match)]
        last = match.end()
    return "".join([*parts, plain(text[last:])])


def markdown_table(frame: pd.DataFrame, spec: str = ".4g") -> str:
    """``frame`` as a GitHub-flavoured Markdown table: its columns right-aligned, floats formatted by ``spec``."""

    def cell(value) -> str:
        return plain(format(value, spec) if isinstance(value, float) else str(value))

    lines = [[plain(str(name)) for name in frame.columns], ["---:"] * frame.shape[1]]
    lines += [[cell(value) for value in row] for row in frame.itertuples(index=False)]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)
