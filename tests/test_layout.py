"""House rules about the project's layout that a test can hold."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI_LIBRARIES = {"streamlit", "plotly"}


def _imported_top_level_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_mlp_core_source_never_imports_ui_libraries():
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_top_level_names(path) & UI_LIBRARIES)
        for path in (ROOT / "mlp_core").rglob("*.py")
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_importing_every_mlp_core_module_loads_no_ui_library():
    code = (
        "import importlib, pkgutil, sys, mlp_core\n"
        "for m in pkgutil.walk_packages(mlp_core.__path__, 'mlp_core.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "print(sorted({n.split('.')[0] for n in sys.modules} & {'streamlit', 'plotly'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_streamlit_config_turns_telemetry_off_and_sets_upload_limit():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["headless"] is True
    limit = config["server"]["maxUploadSize"]
    assert f"{limit} MB" in (ROOT / "README.md").read_text(), "the README must state the upload limit"


def test_every_page_file_is_in_the_navigation():
    app_source = (ROOT / "app.py").read_text()
    missing = [p.name for p in (ROOT / "app_pages").glob("*.py") if f'"app_pages/{p.name}"' not in app_source]
    assert not missing, f"add these pages to st.navigation in app.py: {missing}"


def test_there_is_no_pages_folder_that_streamlit_would_serve_around_the_navigation():
    # A `pages/` folder beside app.py is also served on its own: a link to /Compare would then run the page file
    # without app.py (no navigation, no wide layout, no reading of the link's settings).
    assert not (ROOT / "pages").exists()
