"""A user's CSV file read into a table of text cells, or refused with a message that says what to do.

``read_table`` refuses binary files, decodes UTF-8 (with or without BOM), UTF-16 with BOM or Latin-1, sniffs the
delimiter (comma, semicolon, tab), notices decimal commas, skips blank lines and recognizes scikit-learn's count
header. pandas does the parsing: it reads a million rows in about a second.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .csv_messages import CSVError, more_fields
from .csv_ragged import LongRows, ShortRows, field_counts, find_long_rows, find_short_rows

SAMPLE_LINE = 100_000


MAGIC = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive or an Excel/ODS workbook", b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook",
}


@dataclass(frozen=True)
class Table:
    """A CSV file read as text cells. ``frame`` has unique column names; ``notices`` say what was decided."""

    frame: pd.DataFrame
    delimiter: str
    decimal_comma: bool
    encoding: str
    notices: tuple[str, ...]
    class_names: tuple[str, ...] = ()  # from a scikit-learn count header, else empty
    short_rows: ShortRows | None = None  # data rows with fewer fields than the header, if any
    long_rows: LongRows | None = None  # data rows with more fields than the header, not in ``frame``
    # Rare: when the lines pandas skipped for too many fields could not be found again (a cell too long for Python's
    # csv module, or a parse that differs), they are in neither ``frame`` nor ``long_rows``; this notice (also in
    # ``notices``) says so, for a caller that must account for every row.
    skipped_notice: str | None = None

    @property
    def n_rows(self) -> int:
        """How many data rows the file has: the rows of ``frame`` and the long rows kept aside."""
        return len(self.frame) + (0 if self.long_rows is None else len(self.long_rows.rows))

    @property
    def positions(self) -> np.ndarray:
        """For each row of ``frame``, its position among all the file's data rows (long rows counted)."""
        if self.long_rows is None:
            return np.arange(len(self.frame))
        return np.setdiff1d(np.arange(self.n_rows), self.long_rows.rows)


def read_table(source: bytes | str | Path) -> Table:
    """Read CSV bytes (or a path) into text cells; raise ``CSVError`` when it is not a usable table."""
    data = Path(source).read_bytes() if isinstance(source, str | Path) else bytes(source)
    notices: list[str] = []
    if not data.strip():
        raise CSVError("The file is empty. Choose a CSV file with a header row and at least a few rows of data.")
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            raise CSVError(f"This file is {what}, not a CSV text file. Export the data as CSV and upload that.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16 with a byte order mark
        try:
            text, encoding = data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise CSVError("This file starts like UTF-16 text but is not valid UTF-16. Save it as CSV (UTF-8) "
                           "and upload that.") from None
    else:
        try:
            text, encoding = data.decode("utf-8-sig"), "UTF-8"
            if data.startswith(b"\xef\xbb\xbf"):
                encoding = "UTF-8 with BOM"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "Latin-1"
            notices.append("The file is not UTF-8; it was read as Latin-1 (Western European).")
    if "\x00" in text[:65536]:
        raise CSVError("This file is binary, not CSV text (it contains NUL bytes). "
                       "Export the data as CSV (comma- or semicolon-separated text) and upload that.")
    if _looks_like_markup(text):
        raise CSVError("This file looks like HTML/XML or JSON, not CSV. Export the data as CSV and upload that.")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise CSVError("The file is empty. Choose a CSV file with a header row and at least a few rows of data.")
    # The sample decides the delimiter and the header; a line is cut short for it, as Python's csv module refuses
    # a field over 131,072 characters (pandas reads the whole file below).
    head = [line[:SAMPLE_LINE] for line in lines[:200]]
    try:
        delimiter = _sniff_delimiter(head)
        sample = list(csv.reader(head, delimiter=delimiter))
    except csv.Error:  # a field still too long: lines joined by a quotation mark that is never closed
        raise CSVError('A cell is longer than 131,072 characters: perhaps a quotation mark (") is never closed. '
                       "Check that it is a plain CSV text file with one row per line.") from None
    widths = Counter(len(r) for r in sample[1:] or sample)
    width = widths.most_common(1)[0][0]
    if width < 2:
        raise CSVError("Found only one column. A CSV for classification needs at least one feature column and a "
                       "target column, separated by commas, semicolons or tabs.")

    skip, class_names = 0, ()
    first = sample[0]
    # scikit-learn's own CSV files start with "n_samples,n_features,class names...", not column names.
    count_header = (len(sample) > 1 and len(first) >= 2
                    and all(c.strip().isascii() and c.strip().isdigit() for c in first[:2])
                    and int(first[1]) == width - 1 and not any(_is_number(c) for c in first[2:]))
    if count_header:
        class_names = tuple(c.strip() for c in first[2:])
        notices.append(f"The first line ({','.join(first)[:80]}) is a count header: "
                       f"{first[0].strip()} rows and {first[1].strip()} features"
                       + (f", classes {', '.join(class_names)}" if class_names else "") + "; it was skipped.")
        skip = 1
    elif len(first) < width and len(sample) > 1:
        notices.append(f"The first line has {len(first)} fields where the data has {width}; it was skipped.")
        skip = 1
    body = sample[skip:]
    has_header = _has_header(body)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False,
                skip_blank_lines=True, skiprows=skip, header=None, engine="c",
                on_bad_lines="warn", quoting=csv.QUOTE_MINIMAL,
            )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, MemoryError, OverflowError) as exc:
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if unclosed:  # pandas counts rows from 0, blank lines included
            raise CSVError(f'A quotation mark (") near line {int(unclosed.group(1)) + 1 + skip} is never closed, so '
                           "the rest of the file would be one cell. Close or remove that quote.") from None
        raise CSVError(f"The file could not be read as CSV ({str(exc)[:200]}). Check that it is a plain CSV "
                       "text file with one row per line.") from None
    skipped = [(int(line), int(seen)) for w in caught
               for line, seen in re.findall(r"Skipping line (\d+): expected \d+ fields?, saw (\d+)", str(w.message))]
    counts = field_counts(text, delimiter, longer_than=frame.shape[1]) if skipped else None
    long_rows = find_long_rows(counts, skip, has_header, frame, len(skipped), delimiter) if skipped else None
    skipped_notice = None
    if skipped and long_rows is None:  # pandas' count of skipped lines is not ours: say what pandas says
        skipped_notice = more_fields(len(skipped), has_header, frame.shape[1], skipped[:5]) + ", so they were skipped."
        notices.append(skipped_notice)
    short_rows = (find_short_rows(text, delimiter, skip, has_header, frame, counts) if len(frame) > int(has_header)
                  else None)
    if has_header:  # read the header as a row: pandas would rename duplicate names without telling
        names = [str(c) for c in frame.iloc[0]] if len(frame) else []
        frame = frame.iloc[1:].reset_index(drop=True)
    else:
        names = [f"column_{i + 1}" for i in range(frame.shape[1])]
    if not has_header:
        notices.append(f"The file has no header row; the columns are named column_1 … column_{len(names)}.")
    frame.columns = _unique_names(names, notices)
    if len(frame) == 0 and long_rows is not None:
        raise CSVError(f"Every data row has more fields than the header: {long_rows.describe()}. Check the separator "
                       "and the header.")
    if len(frame) == 0:
        raise CSVError("The file has a header but no data rows. Add rows of data below the header.")
    decimal_comma = delimiter != "," and _decimal_comma(frame)
    if decimal_comma:
        notices.append("Numbers use a decimal comma (as in 3,14); they were read that way.")
    return Table(frame, delimiter, decimal_comma, encoding, tuple(notices), class_names, short_rows, long_rows,
                 skipped_notice)


def _looks_like_markup(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype", "<html", "<?xml", "<svg", "<table", "<body", "<div")):
        return True
    if head[:1] in ("{", "["):
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            return False
        return True
    return False


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the sample into the most columns, most consistently."""
    best, best_score = ",", (-1.0, 0)
    for delim in (",", ";", "\t", "|"):
        widths = [len(r) for r in csv.reader(lines, delimiter=delim)]
        if not widths:
            continue
        mode, freq = Counter(widths).most_common(1)[0]
        if mode < 2:
            continue
        score = (freq / len(widths), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _is_number(cell: str) -> bool:
    text = cell.strip().replace(",", ".", 1) if cell.count(",") == 1 and "." not in cell else cell.strip()
    try:
        float(text)
    except ValueError:
        return False
    return True


def _has_header(rows: list[list[str]]) -> bool:
    """Whether the first row names the columns: text above numbers, or all distinct non-numeric names."""
    if len(rows) < 2:
        return True
    first, rest = rows[0], rows[1:50]
    for j, cell in enumerate(first):
        column = [r[j] for r in rest if j < len(r) and r[j].strip()]
        if not _is_number(cell) and column and sum(map(_is_number, column)) >= 0.8 * len(column):
            return True
    return all(c.strip() and not _is_number(c) for c in first) and len(set(first)) == len(first)


def _unique_names(names: list[str], notices: list[str]) -> list[str]:
    out, seen = [], Counter()
    for i, raw in enumerate(names):
        name = raw.strip() or f"column_{i + 1}"
        if name != raw.strip():
            notices.append(f"Column {i + 1} has no name; it is called {name}.")
        seen[name] += 1
        if seen[name] > 1:
            new = f"{name}_{seen[name]}"
            while new in names or new in out:
                seen[name] += 1
                new = f"{name}_{seen[name]}"
            notices.append(f"Two columns are named {name!r}; the second is called {new!r}.")
            name = new
        out.append(name)
    return out


def _decimal_comma(frame: pd.DataFrame) -> bool:
    """True when numeric-looking cells use a comma as decimal mark (3,14) and none uses a point."""
    sample = frame.head(500)
    comma = point = 0
    for column in sample.columns:
        cells = sample[column].astype(str).str.strip()
        comma += int(cells.str.fullmatch(r"[-+]?\d+,\d+").sum())
        point += int(cells.str.fullmatch(r"[-+]?\d*\.\d+([eE][-+]?\d+)?").sum())
    return comma > 0 and comma >= point
