r"""Cutting a corpus into work units that a remote task can read on its own.

A unit is a whole file, a byte range of a large uncompressed text or JSON Lines file, or a batch
of in-memory texts. Ranges of a text file start and end only where every named split pattern
starts a new piece (a visible ASCII character, then ``\n`` or a space, then an ASCII letter: the
rule of :mod:`tokensmith.corpus.cutting`), so counting the ranges separately gives the counts of
the whole file. Where no such place lies between two nominal boundaries the range simply grows.
JSON Lines ranges end just after a newline. Compressed files and Parquet files are whole units.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ..corpus.sources import corpus_files, is_path
from ..errors import InputError

DEFAULT_RANGE_BYTES = 32 << 20   # nominal size of a byte range
TEXTS_BATCH_CHARS = 4 << 20      # in-memory texts shipped per unit
_SCAN_WINDOW = 1 << 20           # bytes read at a time while looking for a cut

# A safe cut: after "\n" or at " ", with a visible ASCII character before and an ASCII letter after.
_SAFE_TEXT_CUT = re.compile(rb"[\x21-\x7e](?:\n(?=[A-Za-z])|(?= [A-Za-z]))")


@dataclass(frozen=True)
class FileUnit:
    path: str


@dataclass(frozen=True)
class RangeUnit:
    path: str
    start: int
    end: int
    kind: str  # "text" or "jsonl"


@dataclass(frozen=True)
class TextsUnit:
    texts: tuple[str, ...]


def file_kind(path: str) -> str:
    """``text``, ``jsonl``, or ``whole`` (compressed or Parquet: read as one unit)."""
    name = path.lower()
    if name.endswith((".gz", ".parquet")):
        return "whole"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    return "text"


def iter_units(corpus: Any, range_bytes: int = DEFAULT_RANGE_BYTES,
               texts_chars: int = TEXTS_BATCH_CHARS) -> Iterator[FileUnit | RangeUnit | TextsUnit]:
    """The units of ``corpus`` (a path, a list of paths, an iterable of texts), lazily."""
    if isinstance(corpus, (str, os.PathLike)):
        for path in corpus_files(corpus):
            yield from file_units(path, range_bytes)
        return
    if isinstance(corpus, (bytes, bytearray)) or not isinstance(corpus, Iterable):
        raise InputError(f"a corpus is a path, a list of paths or an iterable of str, "
                         f"not {type(corpus).__name__}")
    texts: list[str] = []
    size = 0
    for index, item in enumerate(corpus):
        if is_path(item):
            for path in corpus_files(item):
                yield from file_units(path, range_bytes)
        elif isinstance(item, str):
            texts.append(item)
            size += len(item)
            if size >= texts_chars:
                yield TextsUnit(tuple(texts))
                texts, size = [], 0
        else:
            raise InputError(f"corpus item {index} is {type(item).__name__}; expected str or a path")
    if texts:
        yield TextsUnit(tuple(texts))


def file_units(path: str, range_bytes: int) -> Iterator[FileUnit | RangeUnit]:
    kind = file_kind(path)
    if not os.path.isfile(path):
        yield FileUnit(path)  # the reader raises the precise error (missing, a directory, ...)
        return
    size = os.path.getsize(path)
    if kind == "whole" or size <= range_bytes + range_bytes // 2:
        yield FileUnit(path)
        return
    start = 0
    with open(path, "rb") as f:
        nominal = range_bytes
        while nominal < size - range_bytes // 2:
            cut = find_range_cut(f, nominal, min(size, nominal + range_bytes), kind)
            if cut is not None and start < cut < size:
                yield RangeUnit(path, start, cut, kind)
                start = cut
                nominal = cut + range_bytes
            else:
                nominal += range_bytes
    yield RangeUnit(path, start, size, kind)


def find_range_cut(f, lo: int, hi: int, kind: str) -> int | None:
    """The first cut position in ``[lo, hi)`` of the open file ``f`` (see the module doc)."""
    pos = lo
    while pos < hi:
        begin = max(pos - 1, 0)  # one byte of context before: the visible character
        f.seek(begin)
        window = f.read(min(_SCAN_WINDOW, hi - pos) + 2)
        if not window:
            return None
        if kind == "jsonl":
            i = window.find(b"\n", pos - begin)
            if i >= 0:
                return begin + i + 1
        else:
            m = _SAFE_TEXT_CUT.search(window, pos - begin)
            if m is not None:
                return begin + m.end()
        pos += _SCAN_WINDOW
    return None
