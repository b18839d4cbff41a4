"""A first look at a table before anything is trained: each column's type, distinct values and missing cells, and
the target to suggest.

The suggestion is careful: a column with exactly two values whose name says it is a label (``diagnosis``,
``survived``, ``label`` ...). Otherwise there is none, and the user is asked: a column of many values is never
taken as the target without being chosen.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .preprocessing import missing_mask, to_numbers

# Words that name a label column, found as whole words (or word starts) in a column's name.
LABEL_WORDS = re.compile(r"(^|[^a-z])(label|target|class|y|outcome|diagnos\w*|surviv\w*|churn\w*|default|fraud|"
                         r"spam|result|response|disease|status)($|[^a-z])", re.IGNORECASE)


def column_summaries(frame: pd.DataFrame) -> list[dict]:
    """Per column of ``frame`` (text cells): its name, "number" or "text" (all present cells numbers or not),
    how many distinct values and how many missing cells it has."""
    out = []
    for name in frame.columns:
        cells = frame[name].astype(str)
        missing = missing_mask(cells)
        present = cells[~missing].str.strip()
        numeric = bool(len(present)) and not np.isnan(to_numbers(present)).any()
        out.append({"name": name, "type": "number" if numeric else "text", "distinct": int(present.nunique()),
                    "missing": int(missing.sum())})
    return out


def suggested_target(frame: pd.DataFrame) -> str | None:
    """The last two-valued column named like a label, or None: then the user must choose."""
    two_valued = [s["name"] for s in column_summaries(frame) if s["distinct"] == 2]
    named = [c for c in two_valued if LABEL_WORDS.search(str(c).replace("_", " "))]
    return named[-1] if named else None
