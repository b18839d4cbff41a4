"""The dashboard's colours for signs, probabilities and classes, in one place: every page's plotly figures take them
from here, and the live views get them in their payload (``live_spec``), so no other file writes them again.

The diverging palette is ColorBrewer's PuOr, colour-blind-safe: orange for negative weights and for p near 0, a light
middle, purple for positive weights and for p near 1. Each class has a colour and a marker symbol of its own, filled
and outlined in white, so that a class reads on either end of the probability map and without colour: class 0 is the
orange square and class 1 the purple circle (the two ends of the map, as p is the probability of class 1); classes 2
and up (up to ``MAX_CLASSES``) take colour-blind-safe colours (Okabe and Ito's first) and the symbols in turn.
"""

from __future__ import annotations

from mlp_core.config import MAX_CLASSES

NEGATIVE, MIDDLE, POSITIVE = (179, 88, 6), (247, 247, 247), (84, 39, 136)
OUTLINE = "#ffffff"  # every class mark's outline
SYMBOLS = ("square", "circle", "diamond", "triangle-up", "triangle-down")  # plotly's names; ui/live/draw.js traceMark


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb)


# p of class 1 from 0 to 1: orange, the light middle, purple (plotly's colorscale form).
PROBABILITY_SCALE = ((0.0, hex_colour(NEGATIVE)), (0.5, hex_colour(MIDDLE)), (1.0, hex_colour(POSITIVE)))
# The same, pale, for a map that paths and marks are drawn on (the loss landscape: low loss purple, high orange).
PALE_SCALE = ((0.0, "#d8daeb"), (0.5, hex_colour(MIDDLE)), (1.0, "#fdb863"))
CLASS_COLOURS = (
    hex_colour(NEGATIVE), hex_colour(POSITIVE),
    "#0072b2", "#009e73", "#cc79a7", "#56b4e9", "#e69f00", "#000000", "#d55e00", "#f0e442",
    "#8c564b", "#7f7f7f", "#bcbd22", "#17becf", "#1f3a93", "#2ca02c", "#e377c2", "#9edae5", "#8c6d31", "#393b79",
)


def class_colour(k: int) -> str:
    return CLASS_COLOURS[k]


def class_symbol(k: int) -> str:
    return SYMBOLS[k % len(SYMBOLS)]


def pale_class_colour(k: int, share: float = 0.55) -> str:
    """Class ``k``'s colour taken ``share`` of the way from the light middle: a region predicted as ``k``, under
    points drawn in the full colour."""
    rgb = (int(CLASS_COLOURS[k][i:i + 2], 16) for i in (1, 3, 5))
    return hex_colour(tuple(round(m + (c - m) * share) for m, c in zip(MIDDLE, rgb, strict=True)))


def class_marker(k: int, size: float = 8, opacity: float = 0.9) -> dict:
    """A plotly ``marker`` for class ``k``: its symbol and colour, outlined in white."""
    return dict(symbol=class_symbol(k), color=class_colour(k), size=size, opacity=opacity,
                line=dict(color=OUTLINE, width=1.2))


def live_spec() -> dict:
    """What the live views draw with (``specs.palette`` in the payload, ui/live/README.md): the diverging palette's
    three colours as [r, g, b], and each class's colour and symbol."""
    return {
        "diverging": {"neg": list(NEGATIVE), "mid": list(MIDDLE), "pos": list(POSITIVE)},
        "outline": OUTLINE,
        "classes": [{"color": class_colour(k), "symbol": class_symbol(k)} for k in range(MAX_CLASSES)],
    }
