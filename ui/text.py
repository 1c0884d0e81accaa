"""Text from users (links, uploads, tables) shown as it is, never as markdown, LaTeX or HTML."""

from __future__ import annotations

import re

# Enough to keep links, emphasis, code, HTML, tables and LaTeX ($...$) from forming; our own
# sentences start with a field name, so list markers at a line start cannot arise.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]#<>|~$])")


def plain(text: str) -> str:
    """``text`` with every markdown, LaTeX and HTML character escaped."""
    return _MARKDOWN.sub(r"\\\1", text)
