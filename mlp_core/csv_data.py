"""Load a user's CSV file for binary classification, saying what was done with every column.

``read_table`` turns bytes into a table of text cells: it refuses binary files, decodes UTF-8 (with or
without BOM), UTF-16 with BOM or Latin-1, sniffs the delimiter (comma, semicolon, tab), notices decimal
commas, skips blank lines and recognizes scikit-learn's count header. ``load_csv`` then picks the target
and its positive class, encodes the feature columns (numbers; two-valued text as 0/1; few-valued text
one-hot) and drops identifiers, free text, constant and empty columns, names too long for a model file,
and rows with missing or unusable values — each with a notice. Every refusal is a ``CSVError`` whose
message says what is wrong and what to do.

Lines with fewer fields than the header are kept in the table (their missing last cells read as empty) and listed
in ``Table.short_rows``; lines with more are kept aside, with their line numbers, in ``Table.long_rows`` (pandas
skips them). ``load_csv`` leaves both out of training; scoring keeps every row, the long ones unscored with the
reason.

Messages that ask the user to change a setting (the target column, the positive class, the feature columns,
filling missing cells) are ``Message``s: as text they name the setting in plain words, as the app's controls do,
and they know which setting each mention is about, so that the command line can name its option instead.

pandas does the parsing: it reads a million rows in about a second.
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

from .preprocessing import MAX_INPUTS, MAX_TEXT, InputSpec, Preprocessing, fit_scaler, missing_mask, to_numbers

MAX_ONE_HOT = 10
SAMPLE_LINE = 100_000
# A model file keeps numbers up to this size (preprocessing ``_finite``): a larger value would give a mean or a
# scale the saved model could not hold, so its row is dropped like an infinite one.
MAX_VALUE = 1e300
TARGET_NAMES = ("label", "target", "class", "y", "outcome")
POSITIVE_WORDS = frozenset({"1", "1.0", "yes", "y", "true", "t", "positive", "pos", "+", "+1", "on"})
ID_NAME = re.compile(r"^(id|idx|index|row|row_?id|row_?number|unnamed: ?0|.*[_ ]id)$", re.IGNORECASE)
MAGIC = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive or an Excel/ODS workbook", b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook",
}


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


def _lines_fields(first, count: int) -> str:
    """"line 3: 4 fields, line 9: 6, …": the first of ``count`` lines as (line number, fields) pairs."""
    shown = ", ".join(f"line {line}: {k} field{'s' if k != 1 else ''}" if i == 0 else f"line {line}: {k}"
                      for i, (line, k) in enumerate(first))
    return shown + (", …" if count > len(first) else "")


def _more_fields(count: int, of_header: bool, expected: int, first) -> str:
    """What ``count`` lines with more fields than ``expected`` mean (the caller says what was done with them)."""
    than = "the header's" if of_header else "the first row's"
    return (f"{count} line(s) have more fields than {than} {expected} ({_lines_fields(first, count)}): a separator "
            "or a value too many would put their values in the wrong columns")


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
        return (f"{len(self.rows)} line(s) have fewer fields than {than} ({_lines_fields(self.lines, len(self.rows))}"
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
        return _more_fields(len(self.rows), self.of_header, self.expected, first)


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


@dataclass(frozen=True)
class LoadedCSV:
    """A file ready to train on: X (n, d) encoded but not standardized, y (n,) of 0/1, and the report."""

    X: np.ndarray
    y: np.ndarray
    rows: np.ndarray  # for each row of X, its position among the file's data rows (0-based)
    preprocessing: Preprocessing  # mean 0, scale 1 until ``fit_scaling`` on a training split
    report: dict

    @property
    def feature_names(self) -> list[str]:
        return self.preprocessing.feature_names


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
    counts = _field_counts(text, delimiter, longer_than=frame.shape[1]) if skipped else None
    long_rows = _long_rows(counts, skip, has_header, frame, len(skipped), delimiter) if skipped else None
    skipped_notice = None
    if skipped and long_rows is None:  # pandas' count of skipped lines is not ours: say what pandas says
        skipped_notice = _more_fields(len(skipped), has_header, frame.shape[1], skipped[:5]) + ", so they were skipped."
        notices.append(skipped_notice)
    short_rows = (_short_rows(text, delimiter, skip, has_header, frame, counts) if len(frame) > int(has_header)
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


def load_csv(
    source: bytes | str | Path | Table,
    target: str | None = None,
    positive: str | None = None,
    features: list[str] | None = None,
    impute: bool = False,
) -> LoadedCSV:
    """Read a CSV and prepare it for binary classification; raise ``CSVError`` when it cannot be used.

    ``target``: the label column (default: a column named like label/target/class/y/outcome, else
    the last one). ``positive``: the positive class (default: a yes/true/1-like value, else the larger
    of the two; required when the target has more than two classes: one-vs-rest). ``features``: the
    columns to use (default: all usable ones). ``impute``: fill missing feature cells (mean, or the most
    frequent value) instead of dropping those rows.
    """
    table = source if isinstance(source, Table) else read_table(source)
    frame, notices = table.frame, list(table.notices)
    rows_read = len(frame)
    positions = np.arange(rows_read)  # of the rows used below, among the file's data rows
    if table.long_rows is not None:  # never in ``frame``: pandas skipped them
        notices.append(table.long_rows.describe() + ", so they were skipped.")
    if table.short_rows is not None:  # left out before anything is learnt from the columns' values
        positions = np.setdiff1d(positions, table.short_rows.rows)
        frame = frame.iloc[positions].reset_index(drop=True)
        notices.append(Message(table.short_rows.describe() + " They were left out; ", ("impute", "filling missing "
                               "cells"), " does not bring them back, as it fills empty cells. Add the missing fields "
                               "to use them."))
    target_col = _choose_target(frame, target, notices)
    labels = frame[target_col].astype(str).str.strip()
    label_missing = missing_mask(frame[target_col].astype(str))
    if table.class_names and set(labels[~label_missing]) <= {str(i) for i in range(len(table.class_names))}:
        labels = labels.map(lambda v: table.class_names[int(v)] if v.isdigit() and int(v) < len(table.class_names)
                            else v)
        notices.append(f"Target values 0…{len(table.class_names) - 1} were named after the count header: "
                       f"{', '.join(table.class_names)}.")
    counts = Counter({str(k): int(v) for k, v in labels[~label_missing].value_counts().items()})
    positive_value, negative_value = _choose_positive(target_col, counts, positive, notices)
    for what, text in (("name of the target column", target_col), ("positive class", positive_value),
                       ("negative class", negative_value)):
        if len(text) > MAX_TEXT:
            raise CSVError(f"The {what} ({_clip(text)}) has {len(text):,} characters; a model file keeps at most "
                           f"{MAX_TEXT}. Shorten it in the file, or choose another target column.")

    candidates = _feature_candidates(frame, target_col, features)
    numbers = {}  # each column parsed once: parsing text is the slow part of a big file
    specs: list[InputSpec] = []
    for k, column in enumerate(candidates, 1):
        specs.extend(_encode_column(column, frame[column].astype(str), table.decimal_comma, len(frame), notices,
                                    explicit=features is not None, numbers=numbers))
        if len(specs) > MAX_INPUTS:  # stop here: encoding thousands of columns only to refuse them takes seconds
            raise CSVError(Message(f"The file gives more than {MAX_INPUTS} network inputs ({len(specs)} from its "
                                   f"first {k} of {len(candidates)} feature columns); at most {MAX_INPUTS} are "
                                   "supported. Choose fewer ", ("features", "feature columns"), "."))
    if not specs:
        raise CSVError(Message("No usable feature column is left: " + " ".join(n for n in notices if "dropped" in n)
                               + " Add numeric columns, or choose the ", ("features", "feature columns"), "."))

    pre = Preprocessing(tuple(specs), np.zeros(len(specs)), np.ones(len(specs)), target=target_col,
                        positive=positive_value, negative=negative_value, decimal_comma=table.decimal_comma)
    X, reasons = pre.encode(frame, numbers=numbers)
    keep = ~label_missing
    if impute:
        specs = _with_fills(specs, frame, ~label_missing, table.decimal_comma, numbers)
        pre = Preprocessing(tuple(specs), pre.mean, pre.scale, target=target_col, positive=positive_value,
                            negative=negative_value, decimal_comma=table.decimal_comma)
        X, reasons = pre.encode(frame, numbers=numbers)
        filled = {s.column: s.fill for s in specs if s.fill is not None}
        if filled:
            notices.append("Missing cells were filled (mean of a numeric column, most frequent value otherwise) "
                           f"in: {', '.join(sorted(filled))}.")
    dropped = _dropped_counts(frame, specs, label_missing, target_col, table.decimal_comma, numbers)
    if reasons:
        keep[list(reasons)] = False
    keep &= ~np.any(np.abs(X) > MAX_VALUE, axis=1)
    if not impute and dropped:
        total = int((~keep).sum())
        by_col = ", ".join(f"{col}: {k}" for col, k in dropped.items())
        notices.append(Message(f"{total} row(s) with missing, infinite or invalid values (or numbers beyond ±1e300) "
                               f"were dropped ({by_col}). To keep rows with missing cells, ",
                               ("impute", "fill missing cells instead of dropping rows"), "."))
    elif label_missing.any():
        notices.append(f"{int(label_missing.sum())} row(s) without a target value were dropped.")
    used = np.flatnonzero(keep)  # among ``frame``'s rows
    y01 = (labels.to_numpy()[used] == positive_value).astype(np.int64)
    if len(used) == 0:
        raise CSVError(Message("No row is left after dropping rows with missing or invalid values. ",
                               ("impute", "Fill missing cells instead of dropping rows"), ", or choose other ",
                               ("features", "feature columns"), "."))
    if len(set(y01)) < 2:
        raise CSVError(Message(f"After dropping incomplete rows only one class ({'positive' if y01[0] else 'negative'}"
                               ") is left. ", ("impute", "Fill missing cells instead of dropping rows"),
                               ", or choose other ", ("features", "feature columns"), "."))
    used_counts = Counter(labels.to_numpy()[used])
    rows = positions[used]
    report = {
        "rows_read": rows_read,
        "rows_used": int(len(rows)),
        "dropped": {"rows": rows_read - int(len(rows)), "by_column": dropped},
        "target": target_col,
        "classes": {str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))},
        "positive": positive_value,
        "negative": negative_value,
        "class_counts_used": {"positive": int(used_counts.get(positive_value, 0)),
                              "negative": int(len(rows) - used_counts.get(positive_value, 0))},
        "features": [{"name": s.name, "column": s.column, "encoding": s.describe()} for s in specs],
        "delimiter": {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(table.delimiter, table.delimiter),
        "decimal_comma": table.decimal_comma,
        "encoding": table.encoding,
        "notices": notices,
    }
    return LoadedCSV(X[used], y01, rows, pre, report)


def fit_scaling(pre: Preprocessing, X_train: np.ndarray) -> Preprocessing:
    """The same preprocessing with standardization fitted on ``X_train`` (the training split only)."""
    mean, scale = fit_scaler(X_train)
    return Preprocessing(pre.inputs, mean, scale, pre.target, pre.positive, pre.negative, pre.decimal_comma)


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


def _short_rows(text: str, delimiter: str, skip: int, has_header: bool, frame: pd.DataFrame,
                counts: tuple[np.ndarray, np.ndarray, dict] | None = None) -> ShortRows | None:
    """The data rows of ``frame`` (read by pandas, header still in its first row) that had fewer fields than
    expected in the file: pandas fills their missing last cells with empty text, so only counting each line's
    fields tells them from rows whose last cells are really empty. ``counts``: ``_field_counts`` of the file, if
    already counted. None when there are none, or when the count does not line up with pandas' reading (then
    nothing is claimed)."""
    head = int(has_header)
    if not (frame.iloc[head:, -1] == "").any():  # a short row's last cell is empty: most files stop here
        return None
    counts = counts or _field_counts(text, delimiter)
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


def _long_rows(counts: tuple[np.ndarray, np.ndarray, dict] | None, skip: int, has_header: bool, frame: pd.DataFrame,
               skipped: int, delimiter: str) -> LongRows | None:
    """The data rows pandas skipped (``skipped`` of them) for having more fields than ``frame``'s width, with their
    line numbers and cells, from ``_field_counts(..., longer_than=width)``. None when that count does not line up
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


def _field_counts(text: str, delimiter: str, longer_than: int | None = None
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


def _choose_target(frame: pd.DataFrame, target: str | None, notices: list[str]) -> str:
    columns = list(frame.columns)
    if target is not None:
        if target in columns:
            return target
        lowered = {c.lower(): c for c in columns}
        if target.strip().lower() in lowered:
            return lowered[target.strip().lower()]
        raise CSVError(f"There is no column {target!r}. The columns are: {_listing(columns)}.")
    column = default_target(columns)
    why = "named like a label" if column != columns[-1] or column.strip().lower() in TARGET_NAMES else "the last column"
    notices.append(Message(f"Target: {column!r} ({why}). To use another column, choose it as the ",
                           ("target", "target column"), "."))
    return column


def default_target(columns: list[str]) -> str:
    """The column used as target when none is named: the first named like a label, else the last."""
    for name in TARGET_NAMES:
        for column in columns:
            if column.strip().lower() == name:
                return column
    return columns[-1]


def _choose_positive(target: str, counts: Counter, positive: str | None, notices: list[str]):
    classes = sorted(counts, key=_sort_key)
    listing = ", ".join(f"{c} ({counts[c]})" for c in sorted(counts, key=lambda c: (-counts[c], _sort_key(c)))[:20])
    if len(classes) < 2:
        only = f" ({classes[0]!r})" if classes else ""
        raise CSVError(Message(f"The target column {target!r} has only one class{only}: a classifier needs two. "
                               "Choose another ", ("target", "target column"), "."))
    if positive is not None:
        match = _match_value(positive, classes)
        if match is None:
            raise CSVError(f"{positive!r} is not a value of the target column {target!r}. Its classes are: {listing}.")
        if len(classes) > 2:
            notices.append(f"One-vs-rest: {match!r} is the positive class; the other {len(classes) - 1} classes "
                           "are negative.")
            return match, "rest"
        return match, next(c for c in classes if c != match)
    if len(classes) > 2:
        hint = " It looks like a number to predict, not a class." if len(classes) > 20 else ""
        raise CSVError(Message(f"The target column {target!r} has {len(classes)} classes: {listing}"
                               f"{', …' if len(classes) > 20 else ''}.{hint} Choose a ", ("positive", "positive class"),
                               " to train against all the others (one-vs-rest), or another ",
                               ("target", "target column"), "."))
    liked = [c for c in classes if c.strip().lower() in POSITIVE_WORDS]
    pos = liked[0] if len(liked) == 1 else classes[1]
    neg = classes[0] if pos == classes[1] else classes[1]
    why = "it reads as yes/true/1" if len(liked) == 1 else "it sorts last"
    notices.append(Message(f"Positive class: {pos!r} ({why}); negative: {neg!r}. To swap them, choose {neg!r} as the ",
                           ("positive", "positive class"), "."))
    return pos, neg


def _sort_key(value: str):
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value)


def _match_value(value: str, classes: list[str]) -> str | None:
    value = value.strip()
    for c in classes:
        if c == value:
            return c
    for c in classes:
        if c.lower() == value.lower():
            return c
    try:
        number = float(value)
    except ValueError:
        return None
    return next((c for c in classes if _sort_key(c)[0] == 0 and float(c) == number), None)


def _feature_candidates(frame: pd.DataFrame, target: str, features: list[str] | None) -> list[str]:
    columns = [c for c in frame.columns if c != target]
    if features is None:
        return columns
    chosen = []
    for name in features:
        match = name if name in frame.columns else next((c for c in frame.columns if c.lower() == name.strip().lower()),
                                                        None)
        if match is None:
            raise CSVError(f"There is no column {name!r}. The columns are: {_listing(list(frame.columns))}.")
        if match == target:
            raise CSVError(f"{match!r} is the target column; it cannot also be a feature. Choose other features.")
        if match not in chosen:
            chosen.append(match)
    return chosen


def _encode_column(column: str, cells: pd.Series, decimal_comma: bool, n: int, notices: list[str], explicit: bool,
                   numbers: dict):
    """The inputs a column becomes, or none (with a notice saying why it was dropped).

    A numeric column's parsed values are left in ``numbers[column]``."""
    if len(column) > MAX_TEXT:
        notices.append(f"Column {_clip(column)} was dropped: its name has {len(column):,} characters; a model file "
                       f"keeps at most {MAX_TEXT}.")
        return []
    missing = missing_mask(cells)
    present = cells[~missing].str.strip()
    if present.empty:
        notices.append(f"Column {column!r} was dropped: it has no values.")
        return []
    numeric_share = float(np.mean(~np.isnan(to_numbers(present.head(200), decimal_comma))))
    if numeric_share >= 0.5:  # looks numeric: parse the whole column (a text column is not worth it)
        parsed = to_numbers(cells, decimal_comma)
        numbers[column] = parsed
        values = parsed[~missing]
        numeric_share = float(np.mean(~np.isnan(values)))
    distinct = present.nunique()
    if numeric_share >= 0.95:
        if numeric_share < 1:
            bad = present[np.isnan(values)].unique()[:3]
            notices.append(f"Column {column!r}: {int(np.isnan(values).sum())} cell(s) are not numbers "
                           f"({', '.join(repr(b[:20]) for b in bad)}); those rows count as invalid.")
        finite = values[np.isfinite(values)]
        if len(np.unique(finite)) <= 1:
            notices.append(f"Column {column!r} was dropped: it is constant.")
            return []
        if not explicit and _is_identifier(column, finite, n):
            notices.append(f"Column {column!r} was dropped: it looks like a row identifier.")
            return []
        return [InputSpec(column, column, "number")]
    if distinct == 1:
        notices.append(f"Column {column!r} was dropped: it is constant.")
        return []
    values = sorted(present.unique(), key=_sort_key)
    if distinct <= MAX_ONE_HOT and any(len(f"{column}={v}") > MAX_TEXT for v in values):
        notices.append(f"Column {_clip(column)} was dropped: a value of it is too long to name a network input (at "
                       f"most {MAX_TEXT} characters with the column's name).")
        return []
    if distinct == 2:
        liked = [v for v in values if v.lower() in POSITIVE_WORDS]
        one = liked[0] if len(liked) == 1 else values[1]
        zero = values[0] if one == values[1] else values[1]
        notices.append(f"Column {column!r} has two values; encoded as 0/1 ({one!r} = 1, {zero!r} = 0).")
        return [InputSpec(column, column, "binary", one, zero)]
    unique = distinct == len(present) and len(present) > 2  # every row its own value: a name or an id
    if distinct <= MAX_ONE_HOT and not unique:
        notices.append(f"Column {column!r} has {distinct} values; one-hot encoded into {distinct} inputs.")
        return [InputSpec(f"{column}={v}", column, "category", v) for v in values]
    kind = "an identifier or free text" if distinct > 0.5 * len(present) else "a category with too many values"
    notices.append(f"Column {column!r} was dropped: it looks like {kind} ({distinct} distinct values in "
                   f"{len(present)} rows; one-hot encoding takes at most {MAX_ONE_HOT}).")
    return []


def _is_identifier(column: str, numbers: np.ndarray, n: int) -> bool:
    if ID_NAME.match(column.strip()):
        return True
    if len(numbers) < 20 or not np.all(numbers == np.round(numbers)):
        return False
    steps = np.diff(numbers)
    return bool(len(np.unique(numbers)) == len(numbers) and np.all(steps == 1))


def _with_fills(specs, frame: pd.DataFrame, rows: np.ndarray, decimal_comma: bool, numbers: dict):
    """Specs with the value that fills a missing cell: the column's mean over ``rows``, or for text
    columns the encoding of its most frequent value."""
    out = []
    for spec in specs:
        cells = frame[spec.column].astype(str)[rows]
        present = ~missing_mask(cells)
        if spec.kind == "number":
            values = numbers[spec.column][rows] if spec.column in numbers else to_numbers(cells, decimal_comma)
            known = values[present & np.isfinite(values)]
            fill = float(np.mean(known)) if len(known) else 0.0
        else:
            counts = cells[present].str.strip().value_counts()
            fill = 1.0 if len(counts) and counts.index[0] == spec.value else 0.0
        out.append(InputSpec(spec.name, spec.column, spec.kind, spec.value, spec.other, fill))
    return out


def _dropped_counts(frame, specs, label_missing, target, decimal_comma, numbers) -> dict[str, int]:
    """Per column, how many rows it made unusable (missing, infinite or invalid cells)."""
    out = {}
    if label_missing.any():
        out[target] = int(label_missing.sum())
    seen = set()
    for spec in specs:
        if spec.column in seen:
            continue
        seen.add(spec.column)
        cells = frame[spec.column].astype(str)
        missing = missing_mask(cells)
        bad = missing if spec.fill is None else np.zeros(len(cells), dtype=bool)
        if spec.kind == "number":
            values = numbers[spec.column] if spec.column in numbers else to_numbers(cells, decimal_comma)
            bad = bad | (~missing & ~(np.abs(values) <= MAX_VALUE))  # NaN, ±inf and huge
        elif spec.kind == "binary":
            stripped = cells.str.strip()
            bad = bad | (~missing & (stripped != spec.value).to_numpy() & (stripped != spec.other).to_numpy())
        if bad.any():
            out[spec.column] = int(bad.sum())
    return out


def _clip(text: str, limit: int = 60) -> str:
    """``repr(text)``, cut short for a message when it is long."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


def _listing(names: list[str], limit: int = 30) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f", … ({len(names)} in all)" if len(names) > limit else "")
