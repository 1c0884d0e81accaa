"""Text from users (links, uploads, tables) shown as it is: never Markdown, LaTeX, HTML or a link.

Streamlit renders Markdown in ``st.markdown``, ``st.caption``, ``st.error``, ``st.warning`` ... so
every message written with them that holds user text goes through :func:`plain`; the user's part
of the message was already made one short line by ``mlp.echo.echo``.
"""

from __future__ import annotations

import re

# Markdown, HTML and LaTeX characters, and what GitHub-flavoured Markdown and Streamlit's own
# extensions turn into links or markup: ':' (https:, mailto:, :red[...], :material/icon:, :smile:),
# '@' (e-mail addresses), '&' (entities) and the '.' after 'www' (www.example.com).
_MARKUP = re.compile(r"[\\`*_{}\[\]#<>|~$:@&]|(?<=[wW]{3})\.")


def plain(text: str) -> str:
    """``text`` with every Markdown, LaTeX, HTML and auto-link character escaped by a backslash."""
    return _MARKUP.sub(lambda match: "\\" + match.group(0), text)
