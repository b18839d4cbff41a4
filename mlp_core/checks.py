"""Small checks of values that come from outside — a file, a setting, a caller — and the one way a failed one is said.

Booleans are not numbers here (``True`` is an ``int`` to Python), and a number too large for a float is not finite.
"""

from __future__ import annotations

import math
from numbers import Integral, Real


def is_int(value) -> bool:
    """A whole number (Python's or NumPy's), not a boolean."""
    return isinstance(value, Integral) and not isinstance(value, bool)


def is_finite(value, limit: float = math.inf) -> bool:
    """A real number (not a boolean), finite, and at most ``limit`` in size."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return False
    try:
        return math.isfinite(value) and abs(value) <= limit
    except OverflowError:  # an integer too large for a float
        return False


def expect(ok: bool, where: str, what: str) -> None:
    """Raise ``ValueError("where: expected what")`` unless ``ok``."""
    if not ok:
        raise ValueError(f"{where}: expected {what}")
