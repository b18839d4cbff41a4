"""Rows with fewer or more fields than the header: found by counting each record's fields, as pandas does not say.

Lines with fewer fields than the header are kept in the table (their missing last cells read as empty) and listed
in ``Table.short_rows``; lines with more are kept aside, with their line numbers, in ``Table.long_rows`` (pandas
skips them). ``load_csv`` leaves both out of training; scoring keeps every row, the long ones unscored with the
reason.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .csv_messages import lines_fields, more_fields


@dataclass(frozen=True)
class ShortRows:
    """Data rows with fewer fields than ``expected`` (the header's count, or most rows' when the header has more):
    a separator or a value is missing, so their values may sit in the wrong columns. ``rows``: their positions
    among the rows of ``Table.frame`` (0-based); ``lines``: (line number, fields) of the first few."""

    rows: np.ndarray
    lines: tuple[tuple[int, int], ...]
    expected: int
    of_header: bool  # ``expected`` is the header's count of fields

    def describe(self) -> str:
        """Which lines have too few fields, and what that may mean."""
        than = f"the header's {self.expected}" if self.of_header else f"most rows ({self.expected})"
        return (f"{len(self.rows)} line(s) have fewer fields than {than} ({lines_fields(self.lines, len(self.rows))}"
                "): a separator or a value is missing, so their values may sit in the wrong columns.")


@dataclass(frozen=True)
class LongRows:
    """Data rows with more fields than ``expected`` (the header's count, or the first row's without a header): a
    separator or a value too many, so their values would sit in the wrong columns. pandas skips them; they are
    kept here to be put back in place (scoring does, unscored). ``rows``: their positions among all the file's data
    rows (0-based, these rows counted); ``lines``: the line each starts on (1-based, as an editor counts, past
    quoted line breaks); ``fields``: how many fields each has; ``cells``: each row's cells, one per column, the
    last column holding the last cell and every extra one, joined by ``delimiter``."""

    rows: np.ndarray
    lines: np.ndarray
    fields: np.ndarray
    cells: tuple[tuple[str, ...], ...]
    expected: int
    of_header: bool
    delimiter: str = ","

    def reason(self, k: int) -> str:
        """Why the ``k``-th of these rows is not scored."""
        than = "the header has" if self.of_header else "the first row has"
        return (f"line {int(self.lines[k])} has {int(self.fields[k])} fields, {than} {self.expected}: a separator "
                "too many?")

    def reasons(self) -> dict[int, str]:
        """``{position among the data rows: reason}`` for every one of these rows."""
        return {int(row): self.reason(k) for k, row in enumerate(self.rows)}

    def kept(self) -> str:
        """What scoring does with them, said after ``describe()``."""
        return (", so they are not scored: they are kept in their place with the reason, their extra fields joined "
                "into the last column.")

    def describe(self) -> str:
        """Which lines have too many fields, and what that means (the caller says what was done with them)."""
        first = list(zip(self.lines[:5].tolist(), self.fields[:5].tolist(), strict=True))
        return more_fields(len(self.rows), self.of_header, self.expected, first)


def find_short_rows(text: str, delimiter: str, skip: int, has_header: bool, frame: pd.DataFrame,
                counts: tuple[np.ndarray, np.ndarray, dict] | None = None) -> ShortRows | None:
    """The data rows of ``frame`` (read by pandas, header still in its first row) that had fewer fields than
    expected in the file: pandas fills their missing last cells with empty text, so only counting each line's
    fields tells them from rows whose last cells are really empty. ``counts``: ``field_counts`` of the file, if
    already counted. None when there are none, or when the count does not line up with pandas' reading (then
    nothing is claimed)."""
    head = int(has_header)
    if not (frame.iloc[head:, -1] == "").any():  # a short row's last cell is empty: most files stop here
        return None
    counts = counts or field_counts(text, delimiter)
    if counts is None:
        return None
    lines, fields = counts[0][skip:], counts[1][skip:]
    width = frame.shape[1]
    kept = fields <= width  # pandas skips lines with more fields than its first
    lines, fields = lines[kept][head:], fields[kept][head:]
    if len(fields) != len(frame) - head:
        return None
    # When most rows have fewer fields than the header (a header ending in a separator), they are the norm.
    expected = min(width, int(np.bincount(fields).argmax()))
    short = np.flatnonzero(fields < expected)
    if not len(short):
        return None
    return ShortRows(short, tuple((int(lines[i]), int(fields[i])) for i in short[:5]), expected,
                     of_header=has_header and expected == width)


def find_long_rows(counts: tuple[np.ndarray, np.ndarray, dict] | None, skip: int, has_header: bool, frame: pd.DataFrame,
               skipped: int, delimiter: str) -> LongRows | None:
    """The data rows pandas skipped (``skipped`` of them) for having more fields than ``frame``'s width, with their
    line numbers and cells, from ``field_counts(..., longer_than=width)``. None when that count does not line up
    with pandas' reading (then nothing is claimed)."""
    if counts is None:
        return None
    lines, fields, cells = counts[0][skip:], counts[1][skip:], counts[2]
    width = frame.shape[1]
    long = np.flatnonzero(fields > width)  # among the records from the header (or first row) on
    if len(long) != skipped or len(fields) - len(long) != len(frame) or (has_header and len(long) and long[0] == 0):
        return None
    head = int(has_header)
    kept = tuple((*cells[k + skip][:width - 1], delimiter.join(cells[k + skip][width - 1:])) for k in long.tolist())
    return LongRows(long - head, lines[long], fields[long], kept, width, of_header=has_header, delimiter=delimiter)


def field_counts(text: str, delimiter: str, longer_than: int | None = None
                  ) -> tuple[np.ndarray, np.ndarray, dict[int, list[str]]] | None:
    """For each record of the file that pandas reads (not a blank line): its line number (1-based) and its
    number of fields; and the cells of every record with more than ``longer_than`` fields, by its index among
    the records. None when the file has a field too long for Python's csv module."""
    blank = " \t".replace(delimiter, "")  # pandas skips a line of spaces and tabs, unless a tab separates
    long: dict[int, list[str]] = {}
    if '"' not in text:  # no quoting: a record is a line, its fields are its separators + 1
        physical = re.split(r"\r\n|\r|\n", text)
        counts = np.array([line.count(delimiter) + 1 if line.strip(blank) else 0 for line in physical],
                          dtype=np.int64)
        lines = np.flatnonzero(counts)
        if longer_than is not None:
            for k in np.flatnonzero(counts[lines] > longer_than).tolist():
                long[k] = physical[lines[k]].split(delimiter)
        return lines + 1, counts[lines], long
    starts, fields = [], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        line = 0
        for record in reader:
            if len(record) > 1 or (record and record[0].strip(blank)):
                if longer_than is not None and len(record) > longer_than:
                    long[len(starts)] = record
                starts.append(line + 1)
                fields.append(len(record))
            line = reader.line_num
    except csv.Error:  # a field over 131,072 characters
        return None
    return np.array(starts, dtype=np.int64), np.array(fields, dtype=np.int64), long
