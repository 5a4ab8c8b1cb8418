"""Errors tokensmith raises on purpose.

Every error a user can cause (a bad file, a bad option, hostile text) is a subclass of
:class:`TokensmithError` with a one-line message that names the file and the problem, so the CLI
can print it as-is and exit non-zero instead of showing a traceback.
"""

from __future__ import annotations

import os


class TokensmithError(Exception):
    """Base class of every error caused by the user's input or options."""


class InputError(TokensmithError, ValueError):
    """A corpus or text that cannot be processed (invalid UTF-8, empty corpus, ...)."""

    def __init__(self, message: str, path: str | os.PathLike | None = None, offset: int | None = None):
        self.path = None if path is None else os.fspath(path)
        self.offset = offset
        where = ""
        if self.path is not None:
            where = f"{self.path}: "
            if offset is not None:
                where = f"{self.path}: byte {offset}: "
        super().__init__(where + message)


class ModelFileError(TokensmithError, ValueError):
    """A tokenizer file that is missing, truncated, forged or in an unknown format."""

    def __init__(self, path: str | os.PathLike, message: str):
        self.path = os.fspath(path)
        super().__init__(f"{self.path}: {message}")


class SaveError(ModelFileError):
    """A tokenizer that cannot be written where or as asked: the path is not writable, or the
    format cannot represent this tokenizer (refused before anything is written)."""


class OptionError(TokensmithError, ValueError):
    """An impossible or unknown option (vocabulary too small, unknown pattern name, ...)."""


class SpecialTokenError(TokensmithError, ValueError):
    """Text contains a special token that the caller did not allow."""
