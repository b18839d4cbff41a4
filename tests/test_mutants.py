"""The suite catches the bugs it was shown to miss once: each of ``tests/mutants.py``'s deliberate bugs, made in a
copy of the project, fails the test named for it (about a minute and a half)."""

import subprocess
import sys
from pathlib import Path

from tests.mutants import MUTANTS

ROOT = Path(__file__).resolve().parent.parent


def test_every_deliberate_bug_fails_the_test_named_for_it():
    out = subprocess.run([sys.executable, "-m", "tests.mutants"], cwd=ROOT, capture_output=True, text=True,
                         timeout=900)
    lines = [line for line in out.stdout.splitlines() if line[:3].strip().rstrip(".").isdigit()]
    assert len(lines) == len(MUTANTS) == 12, out.stdout + out.stderr[-3000:]
    assert out.returncode == 0 and all(": caught (" in line for line in lines), out.stdout + out.stderr[-3000:]
