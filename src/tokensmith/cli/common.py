"""Helpers shared by the sub-commands: opening tokenizers, reading text arguments."""

from __future__ import annotations

import sys

from ..errors import InputError


def open_tokenizer(spec: str, pattern: str | None = None):
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
