"""Corpus -> ``{word: count}`` as BERT's normalizer and pre-tokenizer cut it, fast.

Equal to normalizing each text with :class:`~tokensmith.normalizers.bert.BertNormalizer` and splitting it
with :class:`~tokensmith.pre_tokenizers.bert.BertPreTokenizer`, but each distinct whitespace-separated chunk is
normalized and split once (the compiled word counter finds the chunks). That is the same because
every step of BERT's pipeline is local to a chunk: dropped and whitespace characters are one
character each, CJK padding and accent stripping never join across a space, and the one
contextual case mapping (final sigma) stops at whitespace. Python's whitespace includes a few
control characters BERT *drops* (joining their neighbours); they are deleted before the cut.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import Iterable

from ..._core import kernel
from ...corpus import iter_corpus
from ...errors import InputError, lone_surrogate

# Whitespace for str.split() but control characters for BERT (deleted, not spaces).
_DROPPED_SPACES = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
_DELETE = {ord(c): None for c in "\x0b\x0c\x1c\x1d\x1e\x1f\x85"}
# A printable ASCII chunk: BERT splits it into alphanumeric runs and single other characters.
_ASCII_PIECES = re.compile(r"[A-Za-z0-9]+|[^A-Za-z0-9]")
BATCH_CHARS = 4 << 20


def _word_counter(threads: int):
    core = kernel("_unigram_train")
    return None if core is None else core.WordCounter(threads)


def _within_line(exc: UnicodeEncodeError) -> UnicodeEncodeError:
    """``exc`` for the line of the batch that holds the bad character (lines are joined here)."""
    start = exc.object.rfind("\n", 0, exc.start) + 1
    end = exc.object.find("\n", exc.start)
    line = exc.object[start:end if end >= 0 else None]
    return UnicodeEncodeError(exc.encoding, line, exc.start - start, exc.end - start, exc.reason)


def count_chunks(texts: Iterable[str], threads: int = 1) -> dict[str, int]:
    """``{chunk: count}`` of the texts cut at whitespace (after deleting BERT-dropped controls).

    Short texts (lines) are joined with newlines into batches of about ``BATCH_CHARS``: the
    compiled counter then starts its threads once per batch, not once per line.
    """
    counter = _word_counter(threads)
    raw: Counter[str] = Counter()

    def add(text: str) -> None:
        if _DROPPED_SPACES.search(text):
            text = text.translate(_DELETE)
        try:
            if counter is None:
                text.encode("utf-8")  # the compiled counter's check, for the same error
                raw.update(text.split())
            else:
                counter.add(text)
        except UnicodeEncodeError as exc:
            raise lone_surrogate(_within_line(exc), "a corpus line") from None

    batch: list[str] = []
    size = 0
    for text in texts:
        if not isinstance(text, str):
            raise InputError(f"a corpus holds str texts, got {type(text).__name__}")
        batch.append(text)
        size += len(text) + 1
        if size >= BATCH_CHARS:
            add("\n".join(batch))
            batch, size = [], 0
    if batch:
        add("\n".join(batch))
    return raw if counter is None else counter.items()


def bert_words(chunks: dict[str, int], normalizer, splitter) -> dict[str, int]:
    """``{word: count}``: each chunk normalized and split once, its count given to its pieces."""
    words: dict[str, int] = {}
    lower = normalizer.lowercase
    for chunk, n in chunks.items():
        if chunk.isascii() and chunk.isprintable():  # no accents, CJK or controls: the fast path
            if lower:
                chunk = chunk.lower()
            pieces = (chunk,) if chunk.isalnum() else _ASCII_PIECES.findall(chunk)
        else:
            pieces = splitter.split(normalizer.normalize(chunk))
        for piece in pieces:
            words[piece] = words.get(piece, 0) + n
    return words


def count_bert_words(corpus, normalizer, splitter, *, threads: int | None = None,
                     errors: str = "strict", text_field: str = "text") -> dict[str, int]:
    """``{word: count}`` of ``corpus`` (a path, paths or texts: :mod:`tokensmith.corpus`)."""
    texts = iter_corpus(corpus, errors=errors, text_field=text_field)
    chunks = count_chunks(texts, threads or os.cpu_count() or 1)
    return bert_words(chunks, normalizer, splitter)
