"""Command line: ``python -m mlp_core inspect FILE [--target COL] [--positive VALUE] [--features A,B,C]``.

Prints a JSON description on stdout and exits 0; a file it cannot use gives exit status 2 and one
line on stderr starting with ``error:`` — never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .csv_data import CSVError, load_csv


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, as every other refusal, instead of argparse's usage block
        _fail(f"{message} (see {self.prog} --help)")


def _fail(message: str) -> None:
    print(f"error: {' '.join(str(message).split())}", file=sys.stderr)
    raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m mlp_core", description="MLP Playground from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    inspect = commands.add_parser("inspect", help="describe how a CSV file would be used for training")
    inspect.add_argument("file", help="the CSV file")
    _data_options(inspect)
    return parser


def _data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", help="the label column (default: one named like label/target/class/y/outcome, "
                        "else the last)")
    parser.add_argument("--positive", help="the positive class (required when the target has more than two)")
    parser.add_argument("--features", help="comma-separated feature columns (default: all usable ones)")
    parser.add_argument("--impute", action="store_true", help="fill missing cells instead of dropping rows")


def _load(args):
    features = None if args.features is None else [f for f in args.features.split(",") if f.strip()]
    try:
        with open(args.file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        _fail(f"cannot read {args.file}: {exc.strerror or exc}")
    return load_csv(data, target=args.target, positive=args.positive, features=features, impute=args.impute)


def inspect(args) -> dict:
    loaded = _load(args)
    return loaded.report


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        result = {"inspect": inspect}[args.command](args)
    except (CSVError, ValueError) as exc:
        _fail(str(exc))
    except MemoryError:
        _fail("the file is too large for this machine's memory; use a smaller sample of its rows")
    sys.stdout.reconfigure(errors="backslashreplace")  # a terminal that cannot show a name still gets it
    try:
        json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
        print(flush=True)
    except BrokenPipeError:  # the reader stopped early (| head): not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
