"""A corpus as batches of document parts: ``(text, ends_document)``.

The parts come from :func:`tokensmith.corpus.iter_parts`: one document is one JSON Lines record,
one Parquet row, one ``str`` of an iterable, or one whole text file, read in chunks cut where the
named split patterns start a new piece, so a byte-level BPE tokenizer with a named pattern gives
the same ids chunk by chunk as for the whole file while memory stays bounded. (Pipelines that
treat the start of a text specially, such as SentencePiece's dummy prefix, see each chunk as a
start: give them one document per JSON Lines record instead.)
"""

from __future__ import annotations

from typing import Iterable, Iterator

TEXT_CHUNK = 1 << 20  # bytes of a text file read per part


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
