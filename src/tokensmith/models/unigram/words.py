"""Corpus -> SentencePiece words with counts, and the characters the vocabulary must cover.

As SentencePiece's trainer does by default: text is NFKC-normalized, cut at whitespace, and each
word gets the space marker ``▁`` in front (``"Hello world"`` -> ``▁Hello``, ``▁world``). The
characters kept are the most frequent ones covering ``character_coverage`` of all characters
(``▁`` included); a word is cut into *segments* at the other (rare) characters, which no piece
may contain.
"""

from __future__ import annotations

import os
import unicodedata
from collections import Counter
from typing import Iterable, Union

import numpy as np

from ..._core import kernel
from ...corpus import iter_corpus
from ...errors import OptionError, lone_surrogate

SPACE = "\u2581"  # ▁

# A path, a list of paths, or texts: see tokensmith.corpus (text, JSON Lines, Parquet, gzip).
Corpus = Union[str, os.PathLike, Iterable[Union[str, os.PathLike]]]


def count_words(corpus: Corpus, threads: int = 1, *, errors: str = "strict",
                text_field: str = "text") -> dict[str, int]:
    """``{word: count}`` of the NFKC-normalized corpus cut at whitespace (no ``▁`` yet).

    Raw words are counted first and each distinct word is normalized once: NFKC never joins
    characters across whitespace, so this equals normalizing the text, at a fraction of the cost.
    """
    core = kernel("_unigram_train")
    raw: Counter[str] | dict[str, int]
    if core is None:
        raw = Counter()
        for text in iter_corpus(corpus, errors=errors, text_field=text_field):
            try:
                text.encode("utf-8")  # the compiled counter's check, for the same error
            except UnicodeEncodeError as exc:
                raise lone_surrogate(exc, "a corpus text") from None
            raw.update(text.split())
    else:
        counter = core.WordCounter(threads)
        for text in iter_corpus(corpus, errors=errors, text_field=text_field):
            try:
                counter.add(text)
            except UnicodeEncodeError as exc:
                raise lone_surrogate(exc, "a corpus text") from None
        raw = counter.items()
    words: dict[str, int] = {}
    for word, n in raw.items():
        if word.isascii():
            words[word] = words.get(word, 0) + n
            continue
        for part in unicodedata.normalize("NFKC", word).split():
            words[part] = words.get(part, 0) + n
    return words


def char_counts(words: dict[str, int]) -> dict[str, int]:
    """Occurrences of each character in the corpus (``▁`` once per word; NUL is ignored)."""
    if not words:
        return {}
    joined = "\0".join(words) + "\0"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    freqs = np.fromiter(words.values(), dtype=np.float64, count=len(words))
    weights = np.repeat(freqs, lengths + 1)
    totals = np.bincount(codes, weights=weights)
    present = np.nonzero(totals)[0]
    out = {chr(c): int(round(totals[c])) for c in present if c != 0}
    out[SPACE] = out.get(SPACE, 0) + int(freqs.sum())
    return out


def covered_characters(counts: dict[str, int], coverage: float) -> list[str]:
    """The most frequent characters that together make ``coverage`` of all, most frequent first.

    Ties are broken by code point, so the result is deterministic.
    """
    if not 0 < coverage <= 1:
        raise OptionError(f"character_coverage must be in (0, 1], got {coverage}")
    total = sum(counts.values())
    kept: list[str] = []
    running = 0
    for ch, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if running >= coverage * total:
            break
        kept.append(ch)
        running += n
    return kept


def segments(words: dict[str, int], covered: Iterable[str]) -> tuple[list[str], list[int]]:
    """``▁word`` strings cut at uncovered characters, with their counts (empty parts dropped)."""
    ok = frozenset(covered)
    segs: list[str] = []
    freqs: list[int] = []
    for word, n in words.items():
        w = SPACE + word
        if ok.issuperset(w):
            segs.append(w)
            freqs.append(n)
            continue
        part: list[str] = []
        for ch in w + "\0":
            if ch in ok:
                part.append(ch)
            elif part:
                segs.append("".join(part))
                freqs.append(n)
                part = []
    return segs, freqs
