"""Errors tokensmith raises on purpose.

Every error a user can cause (a bad file, a bad option, hostile text) is a subclass of
:class:`TokensmithError` with a one-line message that names the file and the problem, so the CLI
can print it as-is and exit non-zero instead of showing a traceback.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterator, Mapping


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


class SmallCorpusWarning(UserWarning):
    """The corpus could not fill the vocabulary: the tokenizer has fewer ids than asked."""


# -- how the user spells an option in messages -------------------------------------------------
# Library calls name Python arguments (``text_field='body'``); a command-line run names its flags
# (``--text-field body``). The command line sets the spelling for the command it runs, so an
# error raised deep in the library speaks the language of whoever called it.
_SPELLING: ContextVar[Mapping[str, str] | None] = ContextVar("tokensmith_option_spelling", default=None)
_NO_VALUE = object()


def spell(name: str, value: Any = _NO_VALUE, *, placeholder: str | None = None) -> str:
    """Option ``name`` (a Python argument name) as the user writes it, with ``value`` if given
    (``errors='replace'`` / ``--errors replace``) or a ``placeholder`` (``text_field=FIELD``)."""
    flags = _SPELLING.get()
    if value is not _NO_VALUE:
        shown = repr(value) if flags is None else str(value)
    else:
        shown = placeholder
    if flags is None:
        return name if shown is None else f"{name}={shown}"
    flag = flags.get(name) or (flags["*"].format(name.replace("_", "-")) if "*" in flags else name)
    if shown is None:
        return flag
    return f"{flag}={shown}" if flag.startswith("-O ") else f"{flag} {shown}"


@contextmanager
def command_line_spelling(flags: Mapping[str, str]) -> Iterator[None]:
    """Within the block, :func:`spell` names options by ``flags`` (Python name -> flag; the
    key ``"*"`` is a format for the others, e.g. ``"-O {}"``)."""
    token = _SPELLING.set(dict(flags))
    try:
        yield
    finally:
        _SPELLING.reset(token)


def lone_surrogate(exc: UnicodeEncodeError, what: str = "text") -> InputError:
    """The InputError for a str that UTF-8 cannot encode (``exc`` from ``str.encode`` or the
    compiled core): it holds a lone surrogate, half of a UTF-16 pair (U+D800..U+DFFF), which is
    not valid Unicode text. ``what`` names the text in the message (e.g. "a corpus text")."""
    bad = exc.object[exc.start:exc.start + 1] if isinstance(exc.object, str) else ""
    code = f" U+{ord(bad):04X}" if bad else ""
    return InputError(f"{what} has a lone surrogate{code} at character {exc.start}; it cannot be "
                      "encoded as UTF-8")


def utf8(text: str, what: str = "text") -> bytes:
    """``text`` as UTF-8; a lone surrogate raises :func:`lone_surrogate`'s InputError."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise lone_surrogate(exc, what) from None
