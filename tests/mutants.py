"""Deliberate bugs, one at a time: each must make a fast test fail, the test that names what the bug breaks.

    python -m tests.mutants            # every bug, against the tests said to catch it (about two minutes)
    python -m tests.mutants --all 3    # bug 3 against every fast test, to list all that catch it

Each bug is a small edit of one source line, made in a copy of the project (the files git tracks or would track)
in a temporary folder, so that this checkout is never touched; the compiled kernels are compiled again there. A bug
that no listed test catches is reported as "survived" and the exit status is 1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    bug: str
    path: str
    old: str
    new: str
    caught_by: tuple[str, ...]  # test ids (file::name) that must fail


MUTANTS = (
    Mutant("L2 term dropped from the reference backward pass", "mlp_core/network.py",
           "        dW += alpha * coefs[i]\n", "",
           ("tests/test_network.py::test_backward_matches_central_finite_differences",)),
    Mutant("L2 term dropped from the training gradient", "mlp_core/training.py",
           "            grad += alpha * theta * arch.weight_mask\n", "",
           ("tests/test_equivalence.py::test_full_batch_training_equals_scikit_learn",)),
    Mutant("L2 applied to the biases too", "mlp_core/training.py",
           "            grad += alpha * theta * arch.weight_mask\n", "            grad += alpha * theta\n",
           ("tests/test_equivalence.py::test_full_batch_training_equals_scikit_learn",)),
    Mutant("L2 term dropped from the reported loss only", "mlp_core/training.py",
           "            loss += (0.5 * alpha) * np.dot(w, w) / m\n", "",
           ("tests/test_equivalence.py::test_full_batch_training_equals_scikit_learn",)),
    Mutant("tanh derivative in the kernel written as 1 - a", "mlp_core/kernels.py",
           "            delta[s] *= 1.0 - a[s] * a[s]\n", "            delta[s] *= 1.0 - a[s]\n",
           ("tests/test_kernels.py::test_fused_pass_equals_numpy_reference",)),
    Mutant("softmax delta without the one-hot target (P instead of P − Y)", "mlp_core/kernels.py",
           "        deltas[a_off + c, s] -= 1.0\n", "",
           ("tests/test_kernels.py::test_fused_softmax_pass_equals_numpy_reference",
            "tests/test_equivalence.py::test_k_class_full_batch_training_equals_scikit_learn")),
    Mutant("momentum's sign flipped", "mlp_core/optimizers.py",
           "        self.velocities = [mu * v - lr * g", "        self.velocities = [-mu * v - lr * g",
           ("tests/test_equivalence.py::test_full_batch_training_equals_scikit_learn",)),
    Mutant("Adam's bias correction at t + 1", "mlp_core/optimizers.py",
           "np.sqrt(1 - b2**self.t) / (1 - b1**self.t)", "np.sqrt(1 - b2 ** (self.t + 1)) / (1 - b1 ** (self.t + 1))",
           ("tests/test_equivalence.py::test_full_batch_training_equals_scikit_learn",)),
    Mutant("the command line's scaler fitted on the whole file", "mlp_core/scoring.py",
           "    pre = loaded.preprocessing.fitted(X_train)\n", "    pre = loaded.preprocessing.fitted(loaded.X)\n",
           ("tests/test_standardization.py::test_a_csv_trained_by_the_classify_page_and_the_command_line",)),
    Mutant("the app's CSV scaler fitted on the whole file", "ui/session/data.py",
           "    pre = loaded.preprocessing.fitted(X_train)\n", "    pre = loaded.preprocessing.fitted(loaded.X)\n",
           ("tests/test_standardization.py::test_a_csv_on_the_playground",)),
    Mutant("the teaching data's scaler fitted on the whole data", "ui/session/data.py",
           "    mean, scale = standardization(X_train)\n", "    mean, scale = standardization(ds.X)\n",
           ("tests/test_standardization.py::test_teaching_data",)),
    Mutant("formula cells starting with @ not neutralized", "mlp_core/scoring.py",
           'FORMULA_START = ("=", "+", "-", "@", "\\t", "\\r")', 'FORMULA_START = ("=", "+", "-", "\\t", "\\r")',
           ("tests/test_scoring.py::test_neutralize_formulas",)),
)


def project_copy(into: Path) -> None:
    listing = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    files = subprocess.run(listing, cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)


def mutate(into: Path, mutant: Mutant) -> None:
    target = into / mutant.path
    text = target.read_text()
    if text.count(mutant.old) != 1:
        raise SystemExit(f"{mutant.bug}: the line to change is in {mutant.path} {text.count(mutant.old)} times, not "
                         "once; update tests/mutants.py to the source")
    target.write_text(text.replace(mutant.old, mutant.new))


def failing_tests(into: Path, tests: list[str]) -> tuple[list[str], float]:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(into / ".numba-cache"), "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not browser",
                          "-rf", "--no-header", *tests], cwd=into, env=env, capture_output=True, text=True)
    failed = sorted({line.split()[1].split("[")[0] for line in out.stdout.splitlines() if line.startswith("FAILED ")})
    if out.returncode not in (0, 1):
        raise SystemExit(f"pytest could not run:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return failed, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", type=int, metavar="N", help="run bug N (1-based) against every fast test")
    args = parser.parse_args()
    chosen = [(args.all, MUTANTS[args.all - 1])] if args.all else list(enumerate(MUTANTS, 1))
    survived = 0
    with tempfile.TemporaryDirectory(prefix="mlp-mutants-") as tmp:
        clean = Path(tmp) / "clean"
        project_copy(clean)
        for number, mutant in chosen:
            work = Path(tmp) / f"mutant-{number}"
            shutil.copytree(clean, work)
            mutate(work, mutant)
            tests = ["tests"] if args.all else sorted({t.split("::")[0] for t in mutant.caught_by})
            failed, seconds = failing_tests(work, tests)
            caught = bool(failed) if args.all else set(mutant.caught_by) <= set(failed)
            survived += not caught
            print(f"{number:>2}. {mutant.bug}: {'caught' if caught else 'SURVIVED'} ({seconds:.0f} s)")
            for test in failed if args.all else mutant.caught_by:
                print(f"      {'fails' if test in failed else 'passes'}  {test}")
            shutil.rmtree(work)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
