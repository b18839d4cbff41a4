"""Write the large files of the hostile corpus, which are generated instead of committed.

    python tests/hostile/make_corpus.py FOLDER

The tests call ``write_large(folder)`` into a temporary folder. Every file is deterministic; see README.md
for what each one probes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _good_lines() -> list[str]:
    return (HERE / "csv" / "good.csv").read_text(encoding="utf-8").splitlines()


def wide_columns(n_features: int = 5000, n_rows: int = 20) -> str:
    """``n_features`` numeric columns and a label: far more inputs than a network may have (about 700 KB)."""
    header = ",".join([*(f"f{j}" for j in range(n_features)), "label"])
    rows = [",".join([*(str((i * 31 + j * 17) % 97) for j in range(n_features)), "yes" if i % 2 else "no"])
            for i in range(n_rows)]
    return "\n".join([header, *rows]) + "\n"


def long_line(cell_bytes: int = 1_000_000) -> str:
    """good.csv with a text column ``note`` whose 10th cell is one line of ``cell_bytes`` characters."""
    header, *rows = _good_lines()
    notes = ["a", "b", "c"]
    out = [f"{header},note"]
    for i, row in enumerate(rows):
        out.append(f"{row},{'x' * cell_bytes if i == 9 else notes[i % 3]}")
    return "\n".join(out) + "\n"


def over_limit(size: int = 2_100_000) -> str:
    """good.csv's rows repeated to just over ``size`` bytes: a well-formed file larger than a 2 MB limit."""
    header, *rows = _good_lines()
    body, total = [], len(header) + 1
    while total < size:
        line = rows[len(body) % len(rows)]
        body.append(line)
        total += len(line) + 1
    return "\n".join([header, *body]) + "\n"


def huge_array_model(numbers: int = 1_000_000) -> str:
    """good_model.json with its first weight matrix's first row replaced by ``numbers`` numbers (about 20 MB)."""
    doc = json.loads((HERE / "models" / "good_model.json").read_text(encoding="utf-8"))
    doc["coefs"][0][0] = ["@ROW@"]
    row = ",".join(["0.12345678901234567"] * numbers)
    return json.dumps(doc).replace('"@ROW@"', row)


LARGE = {
    "csv/wide_5000_columns.csv": wide_columns,
    "csv/long_line_1mb.csv": long_line,
    "csv/over_limit_2mb.csv": over_limit,
    "models/huge_array_20mb.json": huge_array_model,
}


def write_large(folder: Path) -> dict[str, Path]:
    """Write every large file under ``folder`` (in csv/ and models/); return {file name: path}."""
    paths = {}
    for relative, make in LARGE.items():
        path = Path(folder) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make(), encoding="utf-8")
        paths[path.name] = path
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/hostile/make_corpus.py FOLDER")
    for path in write_large(Path(sys.argv[1])).values():
        print(f"{path}  {path.stat().st_size:,} bytes")
