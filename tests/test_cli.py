"""``python -m mlp_core inspect``: JSON on stdout and exit 0 for a usable file; exit 2 and one ``error:`` line on
stderr for anything else — never a traceback. Each case runs the real command in a subprocess."""

import csv
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlp_core.config import MAX_CLASSES

ROOT = Path(__file__).resolve().parent.parent
SMALL = ("a,b,smoker,color,label\n"
         "1,2,yes,red,yes\n"
         "3,4,no,green,no\n"
         "5,,yes,blue,yes\n"
         "7,8,no,red,no\n"
         "9,10,no,green,yes\n")
IRIS_LIKE = "x,y_,kind\n1,2,setosa\n3,4,versicolor\n5,6,virginica\n7,8,setosa\n"
MANY_CLASSES = "x,y_,kind\n" + "".join(f"{i % 5},{i % 7},c{i % (MAX_CLASSES + 1)}\n" for i in range(100))


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mlp_core", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def _write(tmp_path: Path, name: str, data: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def _inspect(*args: str) -> dict:
    result = _run("inspect", *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def test_inspect_prints_the_report_as_json(tmp_path):
    report = _inspect(_write(tmp_path, "small.csv", SMALL))
    for key in ("rows_read", "rows_used", "dropped", "target", "classes", "positive", "features", "notices"):
        assert key in report
    assert report["rows_read"] == 5
    assert report["rows_used"] == 4
    assert report["dropped"]["rows"] == 1 and report["dropped"]["by_column"] == {"b": 1}
    assert report["target"] == "label"
    assert report["classes"] == {"yes": 3, "no": 2}
    assert report["positive"] == "yes"
    assert [f["name"] for f in report["features"]] == ["a", "b", "smoker", "color=blue", "color=green", "color=red"]
    encodings = {f["name"]: f["encoding"] for f in report["features"]}
    assert encodings["a"] == "number"
    assert encodings["smoker"].startswith("0/1: 'yes' = 1")
    assert "one-hot" in encodings["color=red"]
    assert all(isinstance(n, str) and n for n in report["notices"])


def test_inspect_target_and_positive_options(tmp_path):
    report = _inspect(_write(tmp_path, "small.csv", SMALL), "--target", "SMOKER", "--positive", "no")
    assert report["target"] == "smoker"
    assert report["positive"] == "no"
    assert report["classes"] == {"no": 3, "yes": 2}
    assert "smoker" not in [f["column"] for f in report["features"]]


def test_inspect_positive_makes_three_classes_one_vs_rest(tmp_path):
    report = _inspect(_write(tmp_path, "iris.csv", IRIS_LIKE), "--positive", "virginica")
    assert report["positive"] == "virginica"
    assert report["classes"] == {"setosa": 2, "versicolor": 1, "virginica": 1}
    assert any("One-vs-rest" in n for n in report["notices"])


def test_inspect_features_option(tmp_path):
    report = _inspect(_write(tmp_path, "small.csv", SMALL), "--features", "color,a")
    assert [f["name"] for f in report["features"]] == ["color=blue", "color=green", "color=red", "a"]
    assert report["rows_used"] == 5  # the incomplete column b is not used, so no row is dropped


def test_inspect_impute_option(tmp_path):
    report = _inspect(_write(tmp_path, "small.csv", SMALL), "--impute")
    assert report["rows_used"] == 5
    assert "filled with" in next(f["encoding"] for f in report["features"] if f["name"] == "b")


def test_inspect_keeps_names_verbatim(tmp_path):
    text = "<script>alert(1)</script>,größe,label\n1,2,yes\n3,5,no\n4,4,yes\n6,1,no\n"
    report = _inspect(_write(tmp_path, "markup.csv", text))
    assert [f["name"] for f in report["features"]] == ["<script>alert(1)</script>", "größe"]


def _refused(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and len(lines[0]) > len("error: ")
    assert result.stdout == ""
    return lines[0]


@pytest.mark.parametrize(("make_args", "words"), [
    (lambda tmp: ["inspect", str(tmp / "missing.csv")], ["missing.csv"]),
    (lambda tmp: ["inspect", str(tmp)], ["cannot read"]),
    (lambda tmp: ["inspect", _write(tmp, "empty.csv", b"")], ["empty"]),
    (lambda tmp: ["inspect", _write(tmp, "bom.csv", b"\xef\xbb\xbf\r\n")], ["empty"]),
    (lambda tmp: ["inspect", _write(tmp, "binary.csv", bytes(np.random.default_rng(0).integers(0, 256, 4096,
                                                                                               dtype=np.uint8)))],
     ["binary"]),
    (lambda tmp: ["inspect", _write(tmp, "image.csv", b"\x89PNG\r\n\x1a\n\x00\x00")], ["PNG"]),
    (lambda tmp: ["inspect", _write(tmp, "iris.csv", IRIS_LIKE)], ["'versicolor'", "'virginica'", "fewer than two",
                                                                  "--positive"]),
    (lambda tmp: ["inspect", _write(tmp, "many.csv", MANY_CLASSES)], [f"{MAX_CLASSES + 1} classes",
                                                                     f"At most {MAX_CLASSES}", "--positive"]),
    (lambda tmp: ["inspect", _write(tmp, "small.csv", SMALL), "--target", "nope"], ["'nope'", "'label'"]),
    (lambda tmp: ["inspect", _write(tmp, "small.csv", SMALL), "--positive", "maybe"], ["'maybe'", "yes", "no"]),
    (lambda tmp: ["inspect", _write(tmp, "small.csv", SMALL), "--features", "a,zz"], ["'zz'"]),
    (lambda tmp: ["inspect", _write(tmp, "newline.csv", 'a,"multi\nline name",label\n1,x,yes\n2,x,no\n'),
                  "--target", "bad\nname"], ["'bad\\nname'"]),
    (lambda tmp: [], ["command"]),
    (lambda tmp: ["inspect"], ["file"]),
    (lambda tmp: ["inspect", _write(tmp, "small.csv", SMALL), "--bogus"], ["--bogus"]),
    (lambda tmp: ["frobnicate"], ["frobnicate"]),
], ids=["missing-file", "directory", "empty", "bom-only", "binary", "png", "a-class-of-one-row", "too-many-classes",
        "unknown-target",
        "unknown-positive", "unknown-feature", "newline-in-names", "no-arguments", "no-file", "unknown-option",
        "unknown-command"])
def test_unusable_input_gives_one_error_line_and_exit_2(tmp_path, make_args, words):
    line = _refused(_run(*make_args(tmp_path)))
    for word in words:
        assert word in line


@pytest.mark.parametrize("args", [[], ["inspect", "x.csv", "--bogus"], ["inspect"]])
def test_usage_error_points_to_a_help_command_that_works(args):
    line = _refused(_run(*args))
    match = re.search(r"see (python -m mlp_core[^)]*--help)", line)
    assert match, line
    suggested = shlex.split(match.group(1))[3:]
    result = _run(*suggested)
    assert result.returncode == 0, f"{match.group(1)!r} fails: {result.stderr.strip()}"
    assert "usage:" in result.stdout


def test_closed_stdout_gives_no_traceback(tmp_path):
    # Like `| head -1`: the reader goes away while the report (well over a pipe buffer) is being written.
    rng = np.random.default_rng(0)
    names = [f"a_rather_long_and_descriptive_feature_name_number_{j:04d}" for j in range(900)]
    rows = [",".join([*map(str, row), "yes" if i % 2 else "no"]) for i, row in enumerate(rng.normal(size=(30, 900)))]
    path = _write(tmp_path, "wide.csv", "\n".join([",".join([*names, "label"]), *rows]) + "\n")
    proc = subprocess.Popen([sys.executable, "-m", "mlp_core", "inspect", path], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout.readline() == b"{\n"
    proc.stdout.close()
    stderr = proc.stderr.read().decode("utf-8", "replace")
    proc.wait(timeout=120)
    proc.stderr.close()
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr


# The loader names the settings it asks about in plain words; the command line says them as its options.

@pytest.mark.parametrize(("text", "options"), [
    (IRIS_LIKE, ["--positive", "--target"]),
    ("a,b,label\n1,2,yes\n3,4,yes\n5,6,yes\n", ["--target"]),
    ("id,comment,label\n1,hello there,yes\n2,good day,no\n3,bye now,yes\n4,what now,no\n", ["--features"]),
    ("a,b,label\n1,,yes\n,2,no\n3,,yes\n,4,no\n", ["--impute", "--features"]),
], ids=["a-class-of-one-row", "one-class", "no-usable-feature", "no-row-left"])
def test_an_error_that_asks_for_a_setting_names_its_option(tmp_path, text, options):
    line = _refused(_run("inspect", _write(tmp_path, "data.csv", text)))
    for option in options:
        assert f"({option})" in line, line


def test_notices_that_ask_for_a_setting_name_its_option(tmp_path):
    notices = _inspect(_write(tmp_path, "small.csv", SMALL))["notices"]
    for option, words in (("--target", "target column"), ("--positive", "positive class"),
                          ("--impute", "fill missing cells instead of dropping rows")):
        assert any(f"{words} ({option})" in n for n in notices), (option, notices)


SHORT_ROWS = "x1,x2,x3,label\n0.1,0.2,0.3,yes\n0.4,no\n-1,0.5,2,no\n1.5,-0.3,0.7,yes\n0.2,0.1,-0.4,no\n"


def test_inspect_names_the_lines_with_too_few_fields(tmp_path):
    report = _inspect(_write(tmp_path, "short.csv", SHORT_ROWS), "--impute")
    notice = next(n for n in report["notices"] if "fewer fields" in n)
    assert notice.startswith("1 line(s) have fewer fields than the header's 4 (line 3: 2 fields)")
    assert "left out" in notice and "(--impute)" in notice
    assert report["rows_read"] == 5 and report["rows_used"] == 4


def test_predict_keeps_a_short_row_and_says_which_line_it_is(tmp_path):
    model = ROOT / "tests" / "hostile" / "models" / "good_model.json"  # inputs x1, x2, x3; target label
    result = _run("predict", str(model), _write(tmp_path, "short.csv", SHORT_ROWS))
    assert result.returncode == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if "fewer fields" in line]
    assert len(notices) == 1, result.stderr
    assert notices[0].startswith("notice: 1 line(s) have fewer fields than the header's 4 (line 3: 2 fields)")
    assert notices[0].endswith("Their missing last cells are read as empty.")
    assert len(result.stdout.splitlines()) == 1 + 5  # every row comes back


def test_predict_keeps_a_row_with_too_many_fields_in_place_with_its_line_and_says_so(tmp_path):
    model = ROOT / "tests" / "hostile" / "models" / "good_model.json"  # inputs x1, x2, x3; target label
    # A note with a quoted line break comes first, so the long row's file line is past pandas' count of records.
    text = ('x1,x2,x3,label,note\n0.1,0.2,0.3,yes,"two\nlines"\n-1,0.5,2,no,a\n1.5,-0.3,0.7,yes,b,extra\n'
            '0.2,0.1,-0.4,no,c\n')
    line = text[:text.index("1.5,-0.3")].count("\n") + 1
    out = tmp_path / "pred.csv"
    result = _run("predict", str(model), _write(tmp_path, "long.csv", text), "--out", str(out))
    assert result.returncode == 0, result.stderr
    with open(out, encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    assert records[0][-3:] == ["probability", "prediction", "reason"]
    assert len(records) - 1 == 4  # every data row of the input, the long one too
    reason = f"line {line} has 6 fields, the header has 5: a separator too many?"
    assert [r[-1] for r in records[1:]] == ["", "", reason, ""]  # in its place
    assert records[3][:5] == ["1.5", "-0.3", "0.7", "yes", "b,extra"] and records[3][-3:-1] == ["", ""]
    assert all(r[-3] for i, r in enumerate(records[1:]) if i != 2)  # the others are scored
    notices = [n for n in result.stderr.splitlines() if "more fields" in n]
    assert len(notices) == 1, result.stderr
    assert notices[0].startswith(f"notice: 1 line(s) have more fields than the header's 5 (line {line}: 6 fields)")
    assert "not scored" in notices[0] and "kept" in notices[0]
    assert json.loads(result.stdout)["rows"] == 3  # the metrics count the scored rows


def test_predict_says_so_when_lines_with_too_many_fields_cannot_be_kept(tmp_path):
    # A quoted cell over 131,072 characters is too long for Python's csv module, which finds the long lines again
    # (pandas only skips them): then they are left out, and predict says that the output lacks them.
    model = ROOT / "tests" / "hostile" / "models" / "good_model.json"
    rows = ["x1,x2,x3,label", *(f"{i},{i},1,yes" for i in range(250)), '"' + "9" * 140_000 + '",2,1,yes',
            "3,4,1,no,9", "5,6,1,yes"]
    result = _run("predict", str(model), _write(tmp_path, "huge_cell.csv", "\n".join(rows) + "\n"))
    assert result.returncode == 0, result.stderr
    notice = next(n for n in result.stderr.splitlines() if "more fields" in n)
    assert notice.startswith("notice: 1 line(s) have more fields than the header's 4 (line 253: 5 fields)")
    assert notice.endswith("They are not in the output.")
    assert len(result.stdout.splitlines()) == 1 + len(rows) - 2  # the header, and every row but the long one


def test_compile_readies_every_kernel_so_that_no_visitor_waits_for_one():
    """`python -m mlp_core compile` (the README's start command runs it) leaves every kernel in numba's disk cache:
    a fresh process then loads each entry point for the signatures training uses, and compiles none."""
    script = (
        "import json\n"
        "from mlp_core import kernels\n"
        "import numpy as np\n"
        "from mlp_core import TrainingConfig, train\n"
        "kernels.warm()\n"
        "fs = (kernels._sums_serial, kernels._sums_parallel, kernels._forward_chunk, kernels._forward_parallel)\n"
        "warm = {f.py_func.__name__: len(f.signatures) for f in fs}\n"
        "X = np.random.RandomState(0).randn(5000, 3); y = (X[:, 0] > 0).astype(float)\n"
        "for n, batch in ((300, None), (5000, None), (300, 10)):  # what the app trains: small, large, shuffled\n"
        "    list(train(X[:n], y[:n], TrainingConfig(max_iter=3, batch_size=batch, random_state=0), X[:50], y[:50]))\n"
        "print(json.dumps({f.py_func.__name__: [len(f.signatures), sum(f.stats.cache_hits.values()),"
        " sum(f.stats.cache_misses.values()), warm[f.py_func.__name__]] for f in fs}))\n"
    )
    done = subprocess.run([sys.executable, "-m", "mlp_core", "compile"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("kernels ready in"), done.stderr
    again = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    for name, (signatures, hits, misses, warmed) in json.loads(again.stdout).items():
        # Every signature training used was compiled by `compile` and loaded from the cache here.
        assert signatures == warmed >= 1 and hits == signatures and misses == 0, (name, signatures, hits, misses)
