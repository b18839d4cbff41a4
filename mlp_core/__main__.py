"""Command line: ``python -m mlp_core inspect|train|predict``.

- ``inspect FILE``: how a CSV would be used for training, as JSON on stdout.
- ``train FILE --out MODEL.json``: train on a CSV (two classes, or k), save the model as JSON, print the metrics as
  JSON. A progress bar is drawn on stderr when stderr is a terminal.
- ``predict MODEL.json FILE [--out PRED.csv]``: every row of FILE plus ``probability`` (of the positive class; for
  k classes ``probability_<class>`` for each), ``prediction``
  and ``reason`` (why a row could not be scored; such rows keep an empty probability and prediction),
  with formula-looking cells neutralized. With ``--out`` the metrics (when FILE has the target column)
  go to stdout as JSON; when the CSV itself goes to stdout they go to stderr as one ``metrics:`` line.

A file or option it cannot use gives exit status 2 and one line on stderr starting with ``error:`` (and the
file's name when a file is at fault) — never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time

from . import kernels
from .csv_inputs import load_csv
from .csv_messages import CSVError, worded
from .csv_table import read_table


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, as every other refusal, instead of argparse's usage block
        _fail(f"{message} (see {self.prog} --help)")


# The estimator names its settings as scikit-learn does; the command line says them as its options.
OPTION_NAMES = {"learning_rate_init": "--lr", "max_iter": "--epochs", "hidden_layer_sizes": "--hidden",
                "batch_size": "--batch-size", "random_state": "--seed", "alpha": "--alpha",
                "activation": "--activation", "solver": "--solver", "test_size": "--test-size"}
OPTION_NAME = re.compile(r"\b(" + "|".join(OPTION_NAMES) + r")\b")
# The CSV loader names the settings it asks about in plain words (``csv_messages.Message``); here each gets its option.
DATA_OPTIONS = {"target": "--target", "positive": "--positive", "features": "--features", "impute": "--impute"}


def _with_option(setting: str, words: str) -> str:
    return f"{words} ({DATA_OPTIONS[setting]})"


def _fail(message: str) -> None:
    print(f"error: {' '.join(str(message).split())}", file=sys.stderr)
    raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m mlp_core", description="MLP Playground from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    inspect = commands.add_parser("inspect", help="describe how a CSV file would be used for training")
    inspect.add_argument("file", help="the CSV file")
    _data_options(inspect)

    fit = commands.add_parser("train", help="train on a CSV file and save the model as JSON")
    fit.add_argument("file", help="the CSV file")
    fit.add_argument("--out", required=True, help="where to write the model (JSON)")
    _data_options(fit)
    fit.add_argument("--hidden", type=_sizes, default=(3, 2), help="hidden layer sizes, e.g. 3,2 (default)")
    fit.add_argument("--activation", default="relu", help="relu (default), logistic, tanh or identity")
    fit.add_argument("--solver", default="sgd", help="sgd (plain gradient descent, default) or adam")
    fit.add_argument("--lr", type=float, default=0.1, help="learning rate (default 0.1)")
    fit.add_argument("--alpha", type=float, default=0.0, help="L2 penalty (default 0)")
    fit.add_argument("--batch-size", type=int, default=None, help="rows per batch (default: all, full batch)")
    fit.add_argument("--epochs", type=int, default=1000, help="at most this many epochs (default 1000)")
    fit.add_argument("--seed", type=int, default=0, help="seed of the split and the initial weights (default 0)")
    fit.add_argument("--test-size", type=float, default=0.25, help="share of rows held out for testing (0.25)")

    commands.add_parser("compile", help="compile the training kernels now (cached on disk), not at the first use")

    predict = commands.add_parser("predict", help="score a CSV file with a saved model")
    predict.add_argument("model", help="the model file (JSON, from train)")
    predict.add_argument("file", help="the CSV file to score")
    predict.add_argument("--out", help="where to write the predictions (CSV; default: stdout)")
    return parser


def _data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", help="the label column (default: one named like label/target/class/y/outcome, "
                        "else the last)")
    parser.add_argument("--positive", help="the positive class; with more than two classes, train it against all "
                        "the others (one-vs-rest) instead of each class apart")
    parser.add_argument("--features", help="comma-separated feature columns (default: all usable ones)")
    parser.add_argument("--impute", action="store_true", help="fill missing cells instead of dropping rows")


def _sizes(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers separated by commas, got {text!r}") from None


def _features(args) -> list[str] | None:
    return None if args.features is None else [f for f in args.features.split(",") if f.strip()]


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        _fail(f"cannot read {path}: {exc.strerror or exc}")


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror or exc}")


def inspect(args) -> str:
    loaded = load_csv(_read(args.file), target=args.target, positive=args.positive, features=_features(args),
                      impute=args.impute)
    report = {**loaded.report, "notices": [worded(n, _with_option) for n in loaded.report["notices"]]}
    return json.dumps(report, indent=2, ensure_ascii=False)


class _ProgressBar:
    """A one-line bar on stderr, redrawn in place, only when stderr is a terminal; ``close`` erases it so
    that an error message that follows is still a line of its own."""

    def __init__(self) -> None:
        self.active = sys.stderr.isatty()
        self.drawn = -1

    def __call__(self, epoch: int, total: int) -> None:
        percent = 100 * epoch // max(total, 1)
        if self.active and percent != self.drawn:
            bar = "#" * (percent // 4)
            sys.stderr.write(f"\rtraining [{bar:<25}] epoch {epoch}/{total}")
            sys.stderr.flush()
            self.drawn = percent

    def close(self) -> None:
        if self.active and self.drawn >= 0:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def train(args) -> str:
    from .persistence import dump_model
    from .scoring import train_on_table

    data = _read(args.file)
    bar = _ProgressBar()
    try:
        trained = train_on_table(
            data, target=args.target, positive=args.positive, features=_features(args), impute=args.impute,
            hidden=args.hidden, activation=args.activation, solver=args.solver, lr=args.lr, alpha=args.alpha,
            batch_size=args.batch_size, epochs=args.epochs, seed=args.seed, test_size=args.test_size, progress=bar,
        )
    except CSVError:
        raise
    except ValueError as exc:  # a setting: name it as the option the user typed
        raise ValueError(OPTION_NAME.sub(lambda m: OPTION_NAMES[m.group(1)], str(exc))) from None
    finally:
        bar.close()
    _write(args.out, dump_model(trained.estimator, trained.preprocessing) + "\n")
    return json.dumps(trained.metrics, indent=2, ensure_ascii=False)


def predict(args) -> str | None:
    from .persistence import load_model
    from .scoring import score_table, scored_csv

    try:
        model = load_model(_read(args.model))
    except ValueError as exc:
        _fail(f"{args.model}: {exc}")
    table = read_table(_read(args.file))
    scored = score_table(model, table)
    text = scored_csv(scored)
    if table.long_rows is not None:
        print(f"notice: {table.long_rows.describe()}{table.long_rows.kept()}", file=sys.stderr)
    if table.skipped_notice is not None:  # rare: lines that could not be kept, so the output lacks them
        print(f"notice: {table.skipped_notice} They are not in the output.", file=sys.stderr)
    if table.short_rows is not None:
        print(f"notice: {table.short_rows.describe()} Their missing last cells are read as empty.", file=sys.stderr)
    if scored.reasons:
        first = ", data row ".join(f"{i + 1}: {r}" for i, r in sorted(scored.reasons.items())[:3])
        print(f"notice: {len(scored.reasons)} of {len(scored.frame)} rows could not be scored; they are kept "
              f"with an empty probability and the reason (data row {first}"
              f"{', …' if len(scored.reasons) > 3 else ''})", file=sys.stderr)
    metrics = None if scored.metrics is None else json.dumps(scored.metrics, ensure_ascii=False)
    if args.out is None:
        if metrics is not None:
            print(f"metrics: {metrics}", file=sys.stderr)
        return text.removesuffix("\n")
    _write(args.out, text)
    return None if metrics is None else json.dumps(scored.metrics, indent=2, ensure_ascii=False)


def compile_kernels(args) -> str:
    started = time.perf_counter()
    kernels.warm()
    return f"kernels ready in {time.perf_counter() - started:.1f} s (compiled once, then loaded from the disk cache)"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sys.stdout.reconfigure(errors="backslashreplace")  # a terminal that cannot show a name still gets it
    try:
        commands = {"inspect": inspect, "train": train, "predict": predict, "compile": compile_kernels}
        output = commands[args.command](args)
    except CSVError as exc:  # the CSV file cannot be used: say which file, and a setting as its option
        _fail(f"{args.file}: {exc.worded(_with_option)}")
    except ValueError as exc:
        _fail(str(exc))
    except MemoryError:
        _fail("the file is too large for this machine's memory; use a smaller sample of its rows")
    if output is None:
        return 0
    try:
        print(output, flush=True)
    except BrokenPipeError:  # the reader stopped early (| head): not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
