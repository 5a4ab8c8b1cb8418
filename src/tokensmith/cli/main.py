"""``tokensmith`` command line: thin commands that parse arguments, call one library function, print.

Each command lives in its own module of this package with ``add_parser(subparsers)`` that
registers the sub-command and sets ``func`` (called with the parsed arguments). Errors tokensmith
raises on purpose print as one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import TokensmithError

# Sub-command modules, in the order `tokensmith --help` lists them.
COMMANDS = ["demo", "train", "convert", "encode", "decode", "info", "eval", "compare", "encode_dataset"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tokensmith",
        description="Train, apply, measure and compare tokenizers for language models.")
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"tokensmith {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__package__}.{name}":
                continue  # command not part of this build
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result = args.func(args)
    except TokensmithError as exc:
        print(f"tokensmith {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
