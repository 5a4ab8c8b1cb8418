"""Small helpers the literature trainers share: reading a corpus argument and counting pre-tokens.

Corpora are read and counted by the same code as ``train_bpe`` (paths, JSONL, Parquet or
iterables of str; compiled counting when built), so every method accepts the same corpus forms
and options (``special_tokens``, ``num_workers``, ``progress``, ``errors``, ``text_field``).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from typing import Iterator, Sequence

from ..corpus import iter_corpus
from ..errors import InputError, OptionError
from ..split import resolve_pattern
from ..tokenizer import Tokenizer
from .bpe import NO_PIECES, count_corpus, make_counter

DEFAULT_PATTERN = "cl100k"  # as train_bpe, so that methods and plain BPE compare fairly


@dataclass
class CorpusOptions:
    """The options every trainer shares with ``train_bpe`` (and the CLI passes to all)."""

    special_tokens: Sequence[str] = ()
    num_workers: int | None = None
    progress: bool = False
    errors: str = "strict"
    text_field: str = "text"

    def model_size(self, vocab_size: int, minimum: int = 257) -> int:
        """Ids left for the model once the special tokens have theirs."""
        check_vocab_size(vocab_size, minimum + len(self.special_tokens))
        return vocab_size - len(self.special_tokens)

    def texts(self, corpus) -> Iterator[str]:
        return iter_corpus(corpus, errors=self.errors, text_field=self.text_field)

    def tokenizer(self, model, splitter, name: str) -> Tokenizer:
        specials = {s: model.vocab_size + i for i, s in enumerate(self.special_tokens)}
        return Tokenizer(model, splitter, special_tokens=specials, name=name)


def corpus_options(options: dict) -> CorpusOptions:
    """The shared options out of a trainer's ``**options``; anything else is refused by name."""
    known = set(CorpusOptions.__dataclass_fields__)
    unknown = sorted(set(options) - known)
    if unknown:
        raise OptionError(f"unknown option(s) {', '.join(unknown)}")
    return CorpusOptions(**options)


def reusable(corpus):
    """``corpus`` in a form that can be read twice (a generator of texts is materialised)."""
    if isinstance(corpus, (str, os.PathLike)):
        return [corpus]
    return corpus if isinstance(corpus, (list, tuple)) else list(corpus)


def count_pieces(corpus, pattern: str | None = DEFAULT_PATTERN,
                 options: CorpusOptions | None = None) -> dict[bytes, int]:
    """``{piece bytes: count}`` of the regex pieces of every text of ``corpus`` (a path, paths or
    an iterable of str), counted by the shared (compiled when built) pre-token counter."""
    options = options or CorpusOptions()
    if pattern is None:
        counts: Counter = Counter(t.encode("utf-8") for t in options.texts(corpus))
    else:
        regex_string, compiled = resolve_pattern(pattern)
        counter = make_counter(compiled, regex_string)
        workers = options.num_workers or os.cpu_count() or 1
        count_corpus(counter, corpus, workers, progress=options.progress, errors=options.errors,
                     text_field=options.text_field)
        counts = counter.counts()
    if not counts:
        raise InputError(NO_PIECES)
    return dict(counts)


def check_vocab_size(vocab_size: int, minimum: int = 257) -> None:
    if not isinstance(vocab_size, int) or vocab_size < minimum:
        raise OptionError(f"vocab_size must be an integer >= {minimum}, got {vocab_size!r}")


def merge_token_bytes(merges) -> list[bytes]:
    """Bytes of every id of a byte-level merge list (ids 0..255 are bytes, merge k is 256+k)."""
    tokens = [bytes([b]) for b in range(256)]
    for a, b in merges:
        tokens.append(tokens[a] + tokens[b])
    return tokens
