"""What a ``corpus`` argument may be, and the texts it holds.

A corpus is a path (``str`` or ``os.PathLike``), a list of paths, or any iterable of ``str``
texts. In a list, a ``str`` is taken as a path when it names an existing file or ends with a
corpus suffix (then a missing file is an error, not a text); any other ``str`` is a text.
The reader follows the suffix: ``.txt`` and anything else -> text, ``.jsonl`` / ``.ndjson`` ->
JSON Lines (field ``text_field``), ``.parquet`` -> Parquet (column ``text_field``); a ``.gz``
suffix after ``.txt`` or ``.jsonl`` decompresses on the fly.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Iterator

from ..errors import InputError
from .jsonl import read_jsonl
from .opening import check_errors_policy
from .parquet import read_parquet
from .text_files import DEFAULT_CHUNK, read_text_file

CORPUS_SUFFIXES = (".txt", ".text", ".jsonl", ".ndjson", ".parquet", ".gz")


def is_path(item: Any) -> bool:
    if isinstance(item, os.PathLike):
        return True
    if not isinstance(item, str) or len(item) > 4096 or "\n" in item or not item:
        return False
    return item.lower().endswith(CORPUS_SUFFIXES) or os.path.isfile(item)


def read_file(path: str | os.PathLike, *, errors: str = "strict", text_field: str = "text",
              chunk_size: int = DEFAULT_CHUNK, as_bytes: bool = False) -> Iterator[str | bytes]:
    """Texts of one corpus file, with the reader its suffix names.

    ``as_bytes=True`` lets the plain-text reader yield valid UTF-8 ``bytes`` (others yield str).
    """
    name = os.fspath(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith((".jsonl", ".ndjson")):
        return read_jsonl(path, text_field, errors)
    if name.endswith(".parquet"):
        return read_parquet(path, text_field)
    return read_text_file(path, errors, chunk_size, as_bytes)


def iter_corpus(corpus: Any, *, errors: str = "strict", text_field: str = "text",
                chunk_size: int = DEFAULT_CHUNK, as_bytes: bool = False) -> Iterator[str | bytes]:
    """Every text of ``corpus`` (see the module doc), in order (``as_bytes``: see read_file)."""
    options = dict(errors=errors, text_field=text_field, chunk_size=chunk_size, as_bytes=as_bytes)
    check_errors_policy(errors)
    if isinstance(corpus, (str, os.PathLike)):
        yield from read_file(corpus, **options)
        return
    if isinstance(corpus, (bytes, bytearray)):
        raise InputError("a corpus is a path, a list of paths or an iterable of str, not bytes")
    if not isinstance(corpus, Iterable):
        raise InputError(f"a corpus is a path, a list of paths or an iterable of str, "
                         f"not {type(corpus).__name__}")
    for index, item in enumerate(corpus):
        if is_path(item):
            yield from read_file(item, **options)
        elif isinstance(item, str):
            yield item
        else:
            raise InputError(f"corpus item {index} is {type(item).__name__}; expected str or a path")
