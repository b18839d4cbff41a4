"""Text from users' files (column names, class labels, error messages quoting them) shown as plain text.

Streamlit reads markdown in st.markdown, st.error and in every widget label: a column named
``![x](http://…)`` would load an image from elsewhere, ``**x**`` would be bold. Escaping every markdown
character makes such a name appear exactly as it is written in the file.
"""

import re

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def literal(text: object) -> str:
    """``text`` escaped for markdown (whitespace runs, newlines included, become one space)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
