"""Security rules checked over the source: nothing a user provides is unpickled or evaluated, no per-user state
in caches shared between visitors, HTML only where no user text can reach it, telemetry off and the upload
limit set and stated; and the escaping that keeps file names and values from being read as markdown."""

import ast
import re
import tomllib
from pathlib import Path

import pytest

from ui.common.text import literal

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "ui").rglob("*.py"),
                  *(ROOT / "mlp_core").glob("*.py")])
FORBIDDEN_MODULES = {"pickle", "cPickle", "dill", "joblib", "marshal", "shelve", "cloudpickle"}
FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_METHODS = {"read_pickle", "to_pickle", "load_pickle"}
SHARED_CACHES = {"cache_resource", "cache_data", "experimental_singleton", "experimental_memo", "cache"}


def _calls(tree):
    """Every call with the builtin it names (``eval(...)``) or the method it names (``pd.read_pickle(...)``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            yield node, (f.id if isinstance(f, ast.Name) else None), (f.attr if isinstance(f, ast.Attribute) else None)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_unpickling_or_evaluation_anywhere(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = {a.name.split(".")[0] for a in node.names} | {(getattr(node, "module", None) or "").split(".")[0]}
            assert not names & FORBIDDEN_MODULES, f"{path.name}:{node.lineno} imports {names & FORBIDDEN_MODULES}"
    for node, builtin, method in _calls(tree):
        assert builtin not in FORBIDDEN_BUILTINS and method not in FORBIDDEN_METHODS, f"{path.name}:{node.lineno}"
        for kw in node.keywords:  # np.load(..., allow_pickle=True) would unpickle object arrays
            assert not (kw.arg == "allow_pickle" and getattr(kw.value, "value", False)), f"{path.name}:{node.lineno}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_cache_shared_between_visitors(path):
    """Streamlit's caches are shared by every session of the server: one visitor's data could reach another."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in SHARED_CACHES:
            base = node.value
            assert not (isinstance(base, ast.Name) and base.id == "st"), f"{path.name}:{node.lineno}: st.{node.attr}"


def test_html_is_allowed_only_where_no_user_text_reaches_it():
    """Every unsafe_allow_html=True in the app, with what it shows: the status line, numbers only."""
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node, _, _ in _calls(tree):
            if any(kw.arg == "unsafe_allow_html" and getattr(kw.value, "value", False) for kw in node.keywords):
                found.append((path.name, ast.unparse(node.args[0])))
    assert found == [("0_Playground.py", "f\"<div class='mlp-status' role='status'>{status}</div>\"")]
    app = (ROOT / "app_pages" / "0_Playground.py").read_text()
    status_lines = re.findall(r"status (?:\+)?= (f?\".*\")", app)
    numbers = r"(pb\.speed|shown|loss|accuracy|val_accuracy|baseline)"  # the playback's and the recorded run's numbers
    assert status_lines and all(re.fullmatch(rf"f?\"[^{{}}]*(\{{{numbers}(:[^}}]*)?\}}[^{{}}]*)*\"", s)
                                for s in status_lines), status_lines


@pytest.mark.parametrize("path", [p for p in SOURCES if p.name != "text.py"], ids=lambda p: str(p.relative_to(ROOT)))
def test_message_boxes_show_only_fixed_text_or_go_through_the_one_helper(path):
    """A message that can hold user text (a link's value, a file or column name) goes through ui.text.say, which
    shows it as plain text; st.info, st.error, ... directly only with a fixed string."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node, _, method in _calls(tree):
        if method in ("info", "success", "warning", "error", "toast", "exception"):
            base = node.func.value
            if isinstance(base, ast.Name) and base.id == "st":
                assert node.args and isinstance(node.args[0], ast.Constant), f"{path.name}:{node.lineno}"


def test_live_views_write_text_never_html():
    """Feature and class names reach the browser's component: it must set text, never parse HTML."""
    for path in (ROOT / "ui" / "live").glob("*.js"):
        code = path.read_text()
        for pattern in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert pattern not in code, f"{path.name} uses {pattern}"


def test_telemetry_is_off_and_the_upload_limit_is_set_and_stated():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    limit = config["server"]["maxUploadSize"]
    assert isinstance(limit, int) and 0 < limit <= 200
    assert f"limited to {limit} MB" in (ROOT / "README.md").read_text()
    assert config["client"]["showErrorDetails"] == "none"  # no traceback in the page


HOSTILE_NAMES = [
    "**bold**", "_x_", "`code`", "![img](http://example.invalid/x.png)", "[link](javascript:alert(1))",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "# heading", "- item", "1. item", "> quote",
    "$x^2$", ":material/home:", ":red[red]", "http://example.invalid", "www.example.invalid", "me@example.invalid",
    "a | b", "&lt;b&gt;", "x\\*y", "line\nbreak", "~~strike~~",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_literal_escapes_every_markdown_character(name):
    escaped = literal(name)
    # Every character markdown (or Streamlit's extensions) reads is preceded by a backslash ...
    assert not re.search(r"(?<!\\)[*_`\[\]()<>#!|$:~&-]", escaped.replace("\\\\", "")), escaped
    # ... addresses and icon codes, which Streamlit finds after reading the markdown, are broken by a joiner ...
    unescaped = re.sub(r"\\(.)", r"\1", escaped)
    assert not re.search(r"://|www\.|@\w|:material/|:\w+\[", unescaped), unescaped
    # ... and dropping the escapes and joiners gives the name back (whitespace runs become one space).
    assert unescaped.replace("\u2060", "") == " ".join(name.split())
