"""Helpers shared by the sub-commands: opening tokenizers, reading text arguments, help."""

from __future__ import annotations

import argparse
import sys

from ..errors import InputError


def load_tokenizer(spec: str, pattern: str | None = None):
    """The :class:`~tokensmith.Tokenizer` of a file argument (``--pattern`` for files that need one).

    Commands that only measure use :func:`tokensmith.adapters.open_tokenizer`, which also opens
    files through the reference libraries; commands that encode, decode or convert need a
    tokenizer of tokensmith's own."""
    from ..formats import load

    options = {"pattern": pattern} if pattern else {}
    return load(spec, **options)


def read_text(text: str | None, path: str | None) -> str:
    """The text to work on: ``--text``, a file, or standard input ('-')."""
    if text is not None:
        return text
    if path in (None, "-"):
        data = sys.stdin.buffer.read()
        where = "<stdin>"
    else:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path=path) from None
        where = path
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("invalid UTF-8", path=where, offset=exc.start) from None


def parse_options(pairs: list[str] | None, what: str) -> dict:
    """``["dropout=0.1", "seed=3", "protected-terms=@terms.txt"]`` -> keyword arguments.

    A value is read as JSON where it parses (numbers, ``true``, lists), else as a string;
    ``@FILE`` is the file's non-empty lines as a list. Dashes in names become underscores.
    """
    import json

    from ..errors import OptionError

    options: dict = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise OptionError(f"{what} option {pair!r} is not NAME=VALUE")
        if value.startswith("@"):
            try:
                with open(value[1:], encoding="utf-8") as f:
                    parsed = [line.strip() for line in f if line.strip()]
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"cannot read the list for option {name!r}: {exc}", path=value[1:]) from None
        else:
            try:
                parsed = json.loads(value)
            except ValueError:
                parsed = value
        options[name.replace("-", "_")] = parsed
    return options


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """``--help`` that shows each option's default, except where there is none to show (None,
    False, an empty list) or the help already says it."""

    def _get_help_string(self, action):
        help = action.help or ""
        if (action.default in (None, False, [], argparse.SUPPRESS) or "default" in help
                or not action.option_strings):
            return help
        return f"{help} (default: %(default)s)"


def option_flags(parser: argparse.ArgumentParser) -> dict[str, str]:
    """``{Python name: flag}`` of a command's options (an option's ``dest`` is the name of the
    library argument it sets), for :func:`tokensmith.errors.command_line_spelling`."""
    flags = {}
    for action in parser._actions:
        longest = max(action.option_strings, key=len, default=None)
        if longest and action.dest not in (None, argparse.SUPPRESS, "help"):
            flags[action.dest] = longest
    return flags
