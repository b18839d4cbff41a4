"""What reading and loading a user's CSV file say: errors, and messages that ask to change a setting.

Messages that ask the user to change a setting of ``load_csv`` (the target column, the positive class, the feature
columns, filling missing cells) are ``Message``s: as text they name the setting in plain words, as the app's
controls do, and they know which setting each mention is about, so that the command line can name its option
instead. The small wording helpers (line lists, names cut short) are shared by the reader and the loader.
"""

from __future__ import annotations

# The settings of ``load_csv`` a message may ask the user to change.
SETTINGS = ("target", "positive", "features", "impute")


class Message(str):
    """Text for the user that asks to change settings of ``load_csv``, named as a caller names them.

    Built from plain text and mentions ``(setting, words)``. As a ``str`` each mention is its plain ``words``
    ("choose another target column"), how the app's controls are labelled, so the app shows it as it is;
    ``worded(mention)`` lets a caller with names of its own say each mention its way, as the command line adds
    its option: ``mention(setting, words) -> text``."""

    parts: tuple

    def __new__(cls, *parts: str | tuple[str, str]):
        for part in parts:
            if not isinstance(part, str) and part[0] not in SETTINGS:
                raise ValueError(f"unknown setting {part[0]!r}")
        self = super().__new__(cls, "".join(p if isinstance(p, str) else p[1] for p in parts))
        self.parts = parts
        return self

    def worded(self, mention) -> str:
        return "".join(p if isinstance(p, str) else mention(*p) for p in self.parts)


def worded(text: str, mention) -> str:
    """``text`` with its mentions of settings said by ``mention`` (see ``Message``); other text as it is."""
    return text.worded(mention) if isinstance(text, Message) else str(text)


class CSVError(ValueError):
    """A file that cannot be used; the message (a ``Message`` when it asks to change a setting) says what is wrong
    and what to do."""

    def worded(self, mention) -> str:
        return worded(self.args[0], mention) if self.args else ""


def lines_fields(first, count: int) -> str:
    """"line 3: 4 fields, line 9: 6, …": the first of ``count`` lines as (line number, fields) pairs."""
    shown = ", ".join(f"line {line}: {k} field{'s' if k != 1 else ''}" if i == 0 else f"line {line}: {k}"
                      for i, (line, k) in enumerate(first))
    return shown + (", …" if count > len(first) else "")


def more_fields(count: int, of_header: bool, expected: int, first) -> str:
    """What ``count`` lines with more fields than ``expected`` mean (the caller says what was done with them)."""
    than = "the header's" if of_header else "the first row's"
    return (f"{count} line(s) have more fields than {than} {expected} ({lines_fields(first, count)}): a separator "
            "or a value too many would put their values in the wrong columns")


def clipped(text: str, limit: int = 60) -> str:
    """``repr(text)``, cut short for a message when it is long."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


def listing(names: list[str], limit: int = 30) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f", … ({len(names)} in all)" if len(names) > limit else "")
