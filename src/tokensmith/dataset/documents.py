"""A corpus as a stream of document parts: ``(text, ends_document)``.

One document is one JSON Lines record, one Parquet row, one ``str`` of an iterable, or one whole
text file. A text file is read in chunks cut where the named split patterns start a new piece
(:mod:`tokensmith.corpus.cutting`), so a byte-level BPE tokenizer with a named pattern gives the
same ids chunk by chunk as for the whole file while memory stays bounded. (Pipelines that treat
the start of a text specially, such as SentencePiece's dummy prefix, see each chunk as a start:
give them one document per JSON Lines record instead.)
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Iterator

from ..corpus.jsonl import read_jsonl
from ..corpus.opening import check_errors_policy
from ..corpus.parquet import read_parquet
from ..corpus.sources import corpus_files, is_path
from ..corpus.text_files import read_text_file
from ..errors import InputError

TEXT_CHUNK = 1 << 20  # bytes of a text file read per part


def iter_parts(corpus: Any, *, errors: str = "strict", text_field: str = "text",
               chunk_size: int = TEXT_CHUNK) -> Iterator[tuple[str, bool]]:
    """``(text, ends_document)`` for every part of every document of ``corpus``, in order."""
    check_errors_policy(errors)
    if isinstance(corpus, (str, os.PathLike)):
        for path in corpus_files(corpus):
            yield from file_parts(path, errors, text_field, chunk_size)
        return
    if isinstance(corpus, (bytes, bytearray)) or not isinstance(corpus, Iterable):
        raise InputError(f"a corpus is a path, a list of paths or an iterable of str, "
                         f"not {type(corpus).__name__}")
    for index, item in enumerate(corpus):
        if is_path(item):
            for path in corpus_files(item):
                yield from file_parts(path, errors, text_field, chunk_size)
        elif isinstance(item, str):
            yield item, True
        else:
            raise InputError(f"corpus item {index} is {type(item).__name__}; expected str or a path")


def file_parts(path: str, errors: str, text_field: str, chunk_size: int) -> Iterator[tuple[str, bool]]:
    name = path.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith((".jsonl", ".ndjson")):
        for text in read_jsonl(path, text_field, errors):
            yield text, True
        return
    if name.endswith(".parquet"):
        for text in read_parquet(path, text_field):
            yield text, True
        return
    previous = None  # held back one chunk, to know which one ends the file
    for chunk in read_text_file(path, errors, chunk_size):
        if previous is not None:
            yield previous, False
        previous = chunk
    yield previous or "", True


def batches(parts: Iterable[tuple[str, bool]], max_chars: int
            ) -> Iterator[tuple[list[str], list[bool]]]:
    """Consecutive parts grouped into batches of about ``max_chars`` characters."""
    texts: list[str] = []
    ends: list[bool] = []
    size = 0
    for text, ends_document in parts:
        texts.append(text)
        ends.append(ends_document)
        size += len(text)
        if size >= max_chars:
            yield texts, ends
            texts, ends, size = [], [], 0
    if texts:
        yield texts, ends
