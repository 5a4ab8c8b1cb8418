r"""Cutting a corpus into work units that a remote task can read on its own.

A unit is a whole file, a byte range of a large uncompressed text or JSON Lines file (the ranges
of :func:`tokensmith.corpus.ranges.byte_ranges`, cut where splitting is unaffected, so counting
the ranges separately gives the counts of the whole file), or a batch of in-memory texts. A task
reads its unit with the corpus readers (:func:`unit_texts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from ..corpus import read_file
from ..corpus.ranges import byte_ranges
from ..corpus.sources import file_kind, iter_items
from ..corpus.text_files import DEFAULT_CHUNK

DEFAULT_RANGE_BYTES = 32 << 20   # nominal size of a byte range
TEXTS_BATCH_CHARS = 4 << 20      # in-memory texts shipped per unit


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


def iter_units(corpus: Any, range_bytes: int = DEFAULT_RANGE_BYTES,
               texts_chars: int = TEXTS_BATCH_CHARS) -> Iterator[FileUnit | RangeUnit | TextsUnit]:
    """The units of ``corpus`` (a path, a list of paths, an iterable of texts), lazily."""
    texts: list[str] = []
    size = 0
    for path, text in iter_items(corpus):
        if path is not None:
            yield from file_units(path, range_bytes)
            continue
        texts.append(text)
        size += len(text)
        if size >= texts_chars:
            yield TextsUnit(tuple(texts))
            texts, size = [], 0
    if texts:
        yield TextsUnit(tuple(texts))


def file_units(path: str, range_bytes: int) -> Iterator[FileUnit | RangeUnit]:
    ranges = byte_ranges(path, range_bytes)
    if ranges is None:  # read whole (the reader raises the precise error for a missing file)
        yield FileUnit(path)
        return
    kind = file_kind(path)
    for start, end in ranges:
        yield RangeUnit(path, start, end, kind)


def unit_texts(unit, *, errors: str, text_field: str, chunk_size: int = DEFAULT_CHUNK
               ) -> Iterator[str | bytes]:
    """Texts (``str``, or checked UTF-8 ``bytes`` from text files) of ``unit``, read where the
    task runs; errors name the file and the byte offset in it."""
    if isinstance(unit, TextsUnit):
        yield from unit.texts
    elif isinstance(unit, (FileUnit, RangeUnit)):
        start, end = (unit.start, unit.end) if isinstance(unit, RangeUnit) else (0, None)
        yield from read_file(unit.path, errors=errors, text_field=text_field,
                             chunk_size=chunk_size, as_bytes=True, start=start, end=end)
    else:
        raise TypeError(f"not a work unit: {unit!r}")
