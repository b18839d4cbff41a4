"""Text from users — a link's values, file and column names, class labels, messages quoting them — shown as
plain text, on every page, through the helpers here.

Streamlit reads markdown in st.markdown, st.error and in every widget label: a column named
``![x](http://…)`` would load an image from elsewhere, ``**x**`` would be bold, ``$…$`` typeset. Escaping
every markdown character makes such a name appear exactly as it is written. Some markup survives escapes,
because it is found in the text after the markdown is read: web and mail addresses become links, and
``:material/home:`` an icon; an invisible word joiner (U+2060) after each ``:`` and ``@`` and inside ``www.``
breaks them. ``say`` shows a whole message that way in a coloured box; ``literal`` escapes one part of a
markdown line; ``quoted`` cuts a value short.
"""

import re

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
JOINER = "\u2060"
FOUND_AFTER_READING = re.compile(r"(?<=[:@])|(?<=www)(?=\.)", re.IGNORECASE)  # addresses and icon codes
QUOTE_CHARS = 40  # a value echoed in a message is cut to this many characters
ICONS = {"info": ":material/info:", "success": ":material/check_circle:", "warning": ":material/warning:",
         "error": ":material/error:"}


def literal(text: object) -> str:
    """``text`` escaped for markdown (whitespace runs, newlines included, become one space)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", inert(" ".join(str(text).split())))


def inert(text: str) -> str:
    """``text`` with a word joiner where Streamlit would find an address or an icon code: what a page shows."""
    return FOUND_AFTER_READING.sub(JOINER, text)


def quoted(value: object, limit: int = QUOTE_CHARS) -> str:
    """A value as a message quotes it: in quotes, cut short when long, control characters dropped."""
    text = "".join(ch for ch in str(value) if ch.isprintable())
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


def say(kind: str, text: object, lead: str | None = None) -> None:
    """Show ``text`` as plain text in an info, success, warning or error box, after ``lead`` in bold (words of
    the app's own, also escaped)."""
    import streamlit as st  # here, so that the plain helpers above can be used without it

    body = literal(text)
    if lead:
        body = f"**{literal(lead)}** {body}"
    getattr(st, kind)(body, icon=ICONS[kind])
