"""The words of a corpus as a tokenizer segments them today: ``(ids, count)`` per distinct word.

A word is a piece of the tokenizer's own pipeline (normalizer, then pre-tokenizer). A pipeline
without a pre-tokenizer that marks words with ``▁`` (SentencePiece's whole-line models) is cut
before each ``▁`` run, where SentencePiece itself separates words, so that new tokens stay
inside words as the paper's tokens do.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import regex

from ..corpus import iter_corpus
from ..tokenizer import Tokenizer

SPACE = "▁"
_SENTENCEPIECE_WORDS = regex.compile(r"▁*[^▁]+|▁+")


def corpus_words(tokenizer: Tokenizer, corpus: Any, *, errors: str = "strict",
                 text_field: str = "text") -> list[tuple[tuple[int, ...], int]]:
    """``(ids, count)`` of every distinct word of ``corpus`` (see :mod:`tokensmith.corpus`)."""
    pieces: Counter[str] = Counter()
    for text in iter_corpus(corpus, errors=errors, text_field=text_field):
        pieces.update(split_words(tokenizer, text))
    encode = tokenizer.model.encode_pieces
    by_ids: Counter[tuple[int, ...]] = Counter()
    for piece, count in pieces.items():
        by_ids[tuple(encode([piece.encode("utf-8")]))] += count
    return list(by_ids.items())


def split_words(tokenizer: Tokenizer, text: str) -> list[str]:
    """The pieces the tokenizer's model receives for ``text`` (added tokens are left in: their
    ids are never merged)."""
    if tokenizer.normalizer is not None:
        text = tokenizer.normalizer.normalize(text)
    if tokenizer.splitter is not None:
        return [p for p in tokenizer.splitter.split(text) if p]
    return _SENTENCEPIECE_WORDS.findall(text)
