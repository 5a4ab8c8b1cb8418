"""Open a corpus file as bytes, transparently decompressing ``.gz``, with errors that name it."""

from __future__ import annotations

import gzip
import os
import zlib
from contextlib import contextmanager
from typing import BinaryIO, Iterator

from ..errors import InputError

# What a damaged or truncated gzip stream raises while being read.
GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


@contextmanager
def open_corpus_file(path: str | os.PathLike) -> Iterator[BinaryIO]:
    path = os.fspath(path)
    if not os.path.exists(path):
        raise InputError("no such corpus file", path)
    if os.path.isdir(path):
        raise InputError("is a directory, not a corpus file", path)
    try:
        f = gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror or exc}", path) from None
    try:
        yield f
    except GZIP_ERRORS as exc:
        raise InputError(f"damaged or truncated gzip data ({exc})", path) from None
    finally:
        f.close()


def check_errors_policy(errors: str) -> None:
    if errors not in ("strict", "replace", "ignore"):
        from ..errors import OptionError, spell

        raise OptionError(f"{spell('errors')} must be 'strict', 'replace' or 'ignore', got {errors!r}")
