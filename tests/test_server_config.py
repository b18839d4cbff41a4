"""The server's settings as ``streamlit run app.py`` reads them from ``.streamlit/config.toml``: those that let one
process hold a class (bench/capacity.py measured each) must be in force, not only written down."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = ("import json; from streamlit import config; config.get_config_options(force_reparse=True); "
        "print(json.dumps({k: config.get_option(k) for k in %r}))")


def _effective(*keys: str, folder: Path = ROOT) -> dict:
    """The options as Streamlit resolves them when started from ``folder`` (a fresh process, no user settings)."""
    out = subprocess.run([sys.executable, "-c", READ % (keys,)], cwd=folder, capture_output=True, text=True,
                         timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT / "tests" / "no-home")})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_no_garbage_collection_after_every_run_and_no_file_watching():
    options = _effective("runner.postScriptGC", "server.fileWatcherType", "server.runOnSave", "client.showErrorDetails",
                         "browser.gatherUsageStats")
    assert options["runner.postScriptGC"] is False  # a full collection per rerun was 76 % of the CPU of one player
    assert options["server.fileWatcherType"] == "none"  # resolving every module's path after every run: 22 %
    assert options["server.runOnSave"] is False
    assert options["client.showErrorDetails"] == "none"  # no traceback in front of a class
    assert options["browser.gatherUsageStats"] is False


def test_streamlit_defaults_are_what_the_settings_change():
    """Without the project's file the defaults differ: the test above reads the file, not Streamlit's defaults."""
    defaults = _effective("runner.postScriptGC", "server.fileWatcherType", folder=ROOT / "tests")
    assert defaults["runner.postScriptGC"] is True and defaults["server.fileWatcherType"] != "none"
