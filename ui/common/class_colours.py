"""Each class's colour and symbol when a network tells k > 2 classes apart, on every page and in the live views
(which get them in the payload). Classes 0 and 1 keep the two-class colours (ColorBrewer PuOr's orange and purple);
the others follow the Okabe-Ito colour-blind-safe set, then Tableau's, up to ``MAX_CLASSES``. Plain Python."""

from __future__ import annotations

CLASS_COLOURS = (
    (179, 88, 6), (84, 39, 136),  # the two-class palette's class 0 and class 1
    (0, 158, 115), (0, 114, 178), (204, 121, 167), (230, 159, 0), (86, 180, 233), (240, 228, 66),
    (127, 127, 127), (140, 86, 75), (188, 189, 34), (23, 190, 207), (214, 39, 40), (44, 160, 44),
    (148, 103, 189), (227, 119, 194), (255, 187, 120), (152, 223, 138), (174, 199, 232), (0, 0, 0),
)
CLASS_SYMBOLS = ("square", "circle", "triangle-up", "diamond")  # class c: CLASS_SYMBOLS[c % 4]


def class_colour(c: int) -> str:
    """Class ``c``'s colour as CSS and plotly read it."""
    return "rgb({},{},{})".format(*CLASS_COLOURS[c])


def class_symbol(c: int) -> str:
    return CLASS_SYMBOLS[c % len(CLASS_SYMBOLS)]
