"""BPE merges continued from a tokenizer's own segmentation of new text.

Each distinct pre-token ("word") of the new corpus starts as the ids the tokenizer gives it
today; the most frequent adjacent pair inside a word is merged into a new token, the counts are
updated where it occurred, and so on (BPE's training loop, started from the final state of the
existing vocabulary instead of from characters).

A pair is identified by ``key``: the two ids (``"pair"``: HF merges files, where only the listed
pair merges) or the concatenated token (``"concat"``: tiktoken ranks and SentencePiece BPE scores,
where any two adjacent parts that spell a token merge). Ties go to the smallest
``(joined token, left id, right id)``, so the result does not depend on dictionary order.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Callable, Hashable, Sequence


@dataclass(frozen=True)
class NewToken:
    left: int    # the ids joined (a representative pair under "concat" semantics)
    right: int
    unit: Hashable  # the new token in the vocabulary's own spelling (bytes or str)
    count: int   # its frequency in the new corpus when it was chosen


def continue_merges(words: Sequence[tuple[Sequence[int], int]], units: list, join: Callable,
                    exists: Callable[[Hashable], bool], *, num_new_tokens: int, first_id: int,
                    semantics: str = "pair", min_frequency: int = 2) -> list[NewToken]:
    """Up to ``num_new_tokens`` new tokens, in order; the k-th gets id ``first_id + k``.

    ``words``: ``(ids, count)`` per distinct word; ``units[i]`` the spelling of id ``i`` (None:
    never merged, e.g. special or byte-fallback ids); ``join(u, v)`` the spelling of u then v, or
    None where the two may not join (a word boundary between them); ``exists(unit)`` whether the
    vocabulary already spells a token so (such a pair is never chosen: every new token is new).
    """
    units = list(units)
    seqs = [list(ids) for ids, count in words if len(ids) > 1 and count > 0]
    freqs = [count for ids, count in words if len(ids) > 1 and count > 0]
    counts: dict[Hashable, int] = {}
    where: dict[Hashable, set[int]] = {}
    sample: dict[Hashable, tuple[int, int, Hashable]] = {}  # key -> (left, right, joined unit)

    def pairs(seq):
        for a, b in zip(seq, seq[1:]):
            ua, ub = units[a], units[b]
            if ua is None or ub is None:
                continue
            joined = join(ua, ub)
            if joined is None:
                continue
            key = (a, b) if semantics == "pair" else joined
            yield key, a, b, joined

    def add(index, sign):
        for key, a, b, joined in pairs(seqs[index]):
            counts[key] = counts.get(key, 0) + sign * freqs[index]
            if sign > 0:
                where.setdefault(key, set()).add(index)
                sample.setdefault(key, (a, b, joined))

    for index in range(len(seqs)):
        add(index, 1)
    heap = [(-c, _order(sample[k]), k) for k, c in counts.items()]
    heapq.heapify(heap)

    out: list[NewToken] = []
    while heap and len(out) < num_new_tokens:
        negative, _, key = heapq.heappop(heap)
        count = counts.get(key, 0)
        if count != -negative:  # stale entry: its count changed since it was pushed
            if count > 0:
                heapq.heappush(heap, (-count, _order(sample[key]), key))
            continue
        if count < min_frequency:
            break
        left, right, joined = sample[key]
        if exists(joined):
            counts[key] = 0
            continue
        new_id = first_id + len(out)
        out.append(NewToken(left, right, joined, count))
        while len(units) <= new_id:
            units.append(None)
        units[new_id] = joined
        touched = set()
        for index in sorted(where.pop(key, ())):
            merged = _merge(seqs[index], key, new_id, semantics, units, join)
            if merged != seqs[index]:
                add(index, -1)
                seqs[index] = merged
                add(index, 1)
                touched.update(k for k, *_ in pairs(merged))
        counts[key] = 0
        for k in touched:
            if counts.get(k, 0) > 0:
                heapq.heappush(heap, (-counts[k], _order(sample[k]), k))
    return out


def _order(sample: tuple[int, int, Hashable]):
    left, right, joined = sample
    return (joined, left, right)


def _merge(seq: list[int], key, new_id: int, semantics: str, units: list, join) -> list[int]:
    """``seq`` with every occurrence of the pair ``key`` replaced by ``new_id``, left to right."""
    out: list[int] = []
    i = 0
    while i < len(seq):
        if i + 1 < len(seq) and _matches(seq[i], seq[i + 1], key, semantics, units, join):
            out.append(new_id)
            i += 2
        else:
            out.append(seq[i])
            i += 1
    return out


def _matches(a: int, b: int, key, semantics: str, units: list, join) -> bool:
    if semantics == "pair":
        return (a, b) == key
    ua, ub = units[a], units[b]
    return ua is not None and ub is not None and join(ua, ub) == key
