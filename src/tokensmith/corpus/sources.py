"""What a ``corpus`` argument may be, and the texts it holds.

A corpus is a path (``str`` or ``os.PathLike``), a list of paths, or any iterable of ``str``
texts. In a list, a ``str`` is taken as a path when it names an existing file, or an existing
directory and holds a path separator, or ends with a corpus suffix (then a missing file is an
error, not a text); any other ``str`` is a text. A directory stands for the files under it that have a corpus suffix (recursively, hidden
ones skipped, in sorted order).
The reader follows the suffix: ``.txt`` and anything else -> text, ``.jsonl`` / ``.ndjson`` ->
JSON Lines (field ``text_field``), ``.parquet`` -> Parquet (column ``text_field``); a ``.gz``
suffix after ``.txt`` or ``.jsonl`` decompresses on the fly.
"""

from __future__ import annotations

import os
import stat
from typing import Any, Iterable, Iterator

from ..errors import InputError
from .jsonl import read_jsonl
from .opening import check_errors_policy, open_corpus_file
from .parquet import read_parquet
from .text_files import DEFAULT_CHUNK, decode_chunk, read_text_file

CORPUS_SUFFIXES = (".txt", ".text", ".jsonl", ".ndjson", ".parquet", ".gz")


def is_path(item: Any) -> bool:
    """Whether a corpus list item is a path rather than a text.

    A directory counts only when the string holds a path separator (``corpus/``, ``./data``):
    texts such as ``"."`` or ``"notes"`` must not turn into a directory that happens to exist.
    One ``access`` call for the common case, a text that names nothing.
    """
    if isinstance(item, os.PathLike):
        return True
    if not isinstance(item, str) or len(item) > 4096 or "\n" in item or not item:
        return False
    if item[-8:].lower().endswith(CORPUS_SUFFIXES):  # the longest suffix has 8 characters
        return True
    try:
        if not os.access(item, os.F_OK):  # no exception raised for the usual miss
            return False
        mode = os.stat(item).st_mode
    except (OSError, ValueError):  # e.g. a NUL character in the text
        return False
    return stat.S_ISREG(mode) or (stat.S_ISDIR(mode) and os.sep in item)


def corpus_files(path: str | os.PathLike) -> list[str]:
    """``[path]``, or for a directory the corpus files under it (see the module doc)."""
    path = os.fspath(path)
    if not os.path.isdir(path):
        return [path]
    found = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(root, f) for f in sorted(files)
                  if not f.startswith(".") and f.lower().endswith(CORPUS_SUFFIXES)]
    if not found:
        raise InputError(f"no corpus files ({', '.join(CORPUS_SUFFIXES)}) in the directory", path)
    return found


def iter_items(corpus: Any) -> Iterator[tuple[str | None, str | None]]:
    """``(path, None)`` for each corpus file and ``(None, text)`` for each text of ``corpus``, in
    order (see the module doc); the one place that says what a corpus may be."""
    if isinstance(corpus, (str, os.PathLike)):
        for path in corpus_files(corpus):
            yield path, None
        return
    if isinstance(corpus, (bytes, bytearray)):
        raise InputError("a corpus is a path, a list of paths or an iterable of str, not bytes")
    if not isinstance(corpus, Iterable):
        raise InputError(f"a corpus is a path, a list of paths or an iterable of str, "
                         f"not {type(corpus).__name__}")
    for index, item in enumerate(corpus):
        if is_path(item):
            for path in corpus_files(item):
                yield path, None
        elif isinstance(item, str):
            yield None, item
        else:
            raise InputError(f"corpus item {index} is {type(item).__name__}; expected str or a path")


def file_kind(path: str | os.PathLike) -> str:
    """The reader a corpus file's suffix names: ``text``, ``jsonl`` or ``parquet``."""
    name = os.fspath(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    return "text"


def read_file(path: str | os.PathLike, *, errors: str = "strict", text_field: str = "text",
              chunk_size: int = DEFAULT_CHUNK, as_bytes: bool = False, start: int = 0,
              end: int | None = None) -> Iterator[str | bytes]:
    """Texts of one corpus file, with the reader its suffix names.

    ``as_bytes=True`` lets the plain-text reader yield valid UTF-8 ``bytes`` (others yield str).
    ``start``/``end``: a byte range of an uncompressed text or JSON Lines file
    (see :func:`tokensmith.corpus.ranges.byte_ranges`).
    """
    kind = file_kind(path)
    if kind == "jsonl":
        return read_jsonl(path, text_field, errors, start=start, end=end)
    if kind == "parquet":
        return read_parquet(path, text_field)
    return read_text_file(path, errors, chunk_size, as_bytes, start=start, end=end)


def iter_corpus(corpus: Any, *, errors: str = "strict", text_field: str = "text",
                chunk_size: int = DEFAULT_CHUNK, as_bytes: bool = False) -> Iterator[str | bytes]:
    """Every text of ``corpus`` (see the module doc), in order (``as_bytes``: see read_file)."""
    check_errors_policy(errors)
    for path, text in iter_items(corpus):
        if path is None:
            yield text
        else:
            yield from read_file(path, errors=errors, text_field=text_field,
                                 chunk_size=chunk_size, as_bytes=as_bytes)


def iter_parts(corpus: Any, *, errors: str = "strict", text_field: str = "text",
               chunk_size: int = DEFAULT_CHUNK) -> Iterator[tuple[str, bool]]:
    """``(text, ends_document)`` for every part of every document of ``corpus``, in order.

    One document is one JSON Lines record, one Parquet row, one ``str`` of an iterable, or one
    whole text file; a text file comes in chunks cut by :mod:`.cutting` (``ends_document`` is
    True on its last chunk, and an empty file is one empty document).
    """
    check_errors_policy(errors)
    for path, text in iter_items(corpus):
        if path is None:
            yield text, True
        elif file_kind(path) != "text":
            for text in read_file(path, errors=errors, text_field=text_field):
                yield text, True
        else:
            previous = None  # held back one chunk, to know which one ends the file
            for chunk in read_text_file(path, errors, chunk_size):
                if previous is not None:
                    yield previous, False
                previous = chunk
            yield previous or "", True


def read_text(path: str | os.PathLike) -> str:
    """A whole (small) UTF-8 file as one text, with the errors of the corpus readers."""
    path = os.fspath(path)
    with open_corpus_file(path) as f:
        data = f.read()
    return decode_chunk(data, "strict", path, 0)
