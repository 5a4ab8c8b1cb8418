"""A category's pair counts at every merge step: its sample text cut into words, the merge list
replayed over the distinct words (compiled ``_core/_pair_replay.cpp``, or its readable twin
:mod:`tokensmith._reference.pair_replay`).

Symbols: a byte is its value, a character its code point; merge ``t`` makes ``FIRST_MERGE + t``.
A character no token is made of (SentencePiece's byte-fallback characters) is :data:`OTHER`: it
never merges, and pairs holding it are left out of the inference.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from .._core import kernel
from ..errors import InputError
from .merge_list import MergeList

FIRST_MERGE = 1 << 21          # above every Unicode code point
OTHER = FIRST_MERGE - 1        # a character outside the merge list's alphabet


@dataclass
class MergeIds:
    """The merge list in symbol ids: ``pairs[t] = (left, right)``; ``kept[t]`` is the index of
    the merge in the original list (merges whose parts no earlier merge made are left out)."""

    kind: str
    pairs: np.ndarray          # (T, 2) uint32
    kept: np.ndarray           # (T,) int64
    alphabet: frozenset        # code points of the training alphabet (chars), or None for bytes


def merge_ids(merges: MergeList) -> MergeIds:
    made: dict = {}
    pairs, kept = [], []
    alphabet: set[int] = {ord(c) for c in merges.alphabet}

    def symbol(part):
        if len(part) == 1:
            unit = part[0]
            if isinstance(unit, str):
                alphabet.add(ord(unit))
                return ord(unit)
            return int(unit)
        return made.get(part)

    for t, (left, right) in enumerate(merges.merges):
        a, b = symbol(left), symbol(right)
        if a is None or b is None or (left + right) in made:
            continue
        made[left + right] = FIRST_MERGE + len(pairs)
        pairs.append((a, b))
        kept.append(t)
    return MergeIds(merges.kind, np.array(pairs, dtype=np.uint32).reshape(-1, 2),
                    np.array(kept, dtype=np.int64), frozenset(alphabet) if merges.kind == "chars" else None)


@dataclass
class CategoryCounts:
    """One category's replay (see :mod:`tokensmith._reference.pair_replay` for the arrays)."""

    name: str
    n_bytes: int               # UTF-8 bytes of the sample texts: proportions are by bytes
    n_units: int               # bytes or characters of its words: the merge list's units
    n_words: int
    replay: dict               # left, right, initial, step_starts, delta_pair, delta_count, merged


def count_words(merges: MergeList, texts: Iterable[str]) -> tuple[Counter, int]:
    """Distinct training words of the texts with their counts, and the texts' UTF-8 bytes."""
    words: Counter = Counter()
    n_bytes = 0
    for text in texts:
        n_bytes += len(text.encode("utf-8", "surrogatepass"))
        words.update(merges.words(text))
    return words, n_bytes


def _symbols(kind: str, alphabet, words: list) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if kind == "bytes":
        return np.frombuffer(b"".join(words), dtype=np.uint8).astype(np.uint32), offsets
    points = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    known = np.fromiter(alphabet, dtype=np.uint32, count=len(alphabet))
    points[~np.isin(points, known)] = OTHER
    return points, offsets


def category_counts(name: str, merges: MergeList, ids: MergeIds, texts: Iterable[str]) -> CategoryCounts:
    """Replay ``ids`` over the words of ``texts``."""
    words, n_bytes = count_words(merges, texts)
    if not words:
        raise InputError(f"category {name!r}: the sample holds no text")
    distinct = list(words)
    symbols, offsets = _symbols(ids.kind, ids.alphabet, distinct)
    weights = np.fromiter((words[w] for w in distinct), dtype=np.int64, count=len(distinct))
    n_units = int(np.diff(offsets) @ weights)
    return CategoryCounts(name, n_bytes, n_units, len(distinct),
                          replay(symbols, offsets, weights, ids.pairs, FIRST_MERGE))


def replay(symbols: np.ndarray, offsets: np.ndarray, weights: np.ndarray, pairs: np.ndarray,
           first_new: int) -> dict:
    """The compiled replay, or the readable twin when the core is not built."""
    core = kernel("_pair_replay")
    if core is not None:
        return core.replay(symbols, offsets, weights, pairs, first_new)
    from .._reference.pair_replay import replay as twin

    words = [symbols[offsets[i]:offsets[i + 1]].tolist() for i in range(len(weights))]
    return twin(words, weights.tolist(), [tuple(p) for p in pairs.tolist()], first_new)
