"""``tokensmith`` command line: thin commands that parse arguments, call one library function, print.

Each command lives in its own module of this package with ``add_parser(subparsers)`` that
registers the sub-command and sets ``func`` (called with the parsed arguments). Errors tokensmith
raises on purpose print as one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings

from ..errors import SmallCorpusWarning, TokensmithError, command_line_spelling
from .common import HelpFormatter, option_flags

# Sub-command modules, in the order `tokensmith --help` lists them.
COMMANDS = ["demo", "train", "methods", "convert", "encode", "decode", "info", "eval", "compare",
            "encode_dataset", "infer_mixture", "undertrained", "tfree", "multihash", "patch", "eqinfo",
            "adaptive", "extend", "transplant", "bits_per_byte"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tokensmith", formatter_class=HelpFormatter,
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
    for command, subparser in sub.choices.items():
        subparser.formatter_class = HelpFormatter
        # Errors raised while a command runs name its flags, not the library's arguments.
        flags = option_flags(subparser)
        flags.update(subparser.get_default("extra_spelling") or {})
        subparser.set_defaults(option_spelling=flags)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with command_line_spelling(args.option_spelling), warnings.catch_warnings():
            warnings.showwarning = _one_line_warning(args.command)
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


def _one_line_warning(command: str):
    """Warnings about the user's input print as one line, like errors; others as Python does."""
    default = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, SmallCorpusWarning):
            print(f"tokensmith {command}: warning: {message}", file=sys.stderr)
        else:
            default(message, category, filename, lineno, file, line)

    return show


if __name__ == "__main__":
    sys.exit(main())
