"""Replaying a BPE merge list over weighted words, recording every adjacent pair's count at every
step, written to be read (the compiled ``_core/_pair_replay.cpp`` must agree with it).

This is what data-mixture inference (:mod:`tokensmith.forensics.mixture`) needs from a category's
sample text: the count of the pair merge ``t`` joined, and of every pair that competed with it,
*in the state of the text just before merge t*.

Words are sequences of symbol ids; merge ``t`` of ``(left, right)`` makes id ``first_new + t``.
Applying a merge to a word replaces the pair left to right, without overlap (``aaa`` -> ``aa a``),
as BPE training and merge-list encoding both do. A pair's count is the sum over words of the
word's weight times the places where the pair is adjacent in it.

The result, as numpy arrays:

``left, right``    the pairs ever counted, numbered ``0..P-1`` (any order);
``initial``        their counts before merge 0;
``step_starts``    ``T + 1`` offsets into the two arrays below: the changes merge ``t`` makes are
                   ``delta_pair[step_starts[t]:step_starts[t+1]]`` (pair numbers, each once) and
                   ``delta_count[...]`` (non-zero changes of count);
``merged``         the count of merge ``t``'s own pair just before it was applied.

The count of pair ``p`` just before merge ``t`` is ``initial[p]`` plus the changes of steps
``0..t-1``.

>>> r = replay([[1, 2, 3, 1, 2]], [1], [(1, 2), (4, 3)], first_new=4)
>>> r["merged"].tolist()
[2, 1]
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np

from .bpe_train import merge_word


def _pair_counts(words: list[list[int]], weights: Sequence[int]) -> Counter:
    counts: Counter = Counter()
    for word, weight in zip(words, weights):
        for pair in zip(word, word[1:]):
            counts[pair] += weight
    return counts


def replay(words: Sequence[Sequence[int]], weights: Sequence[int], merges: Sequence[tuple[int, int]],
           first_new: int) -> dict[str, np.ndarray]:
    """Apply ``merges`` in order to ``words`` (each seen ``weights[i]`` times); see the module."""
    words = [list(w) for w in words]
    counts = _pair_counts(words, weights)
    number: dict[tuple[int, int], int] = {}

    def num(pair):
        return number.setdefault(pair, len(number))

    initial = {num(p): c for p, c in counts.items() if c}
    starts, delta_pair, delta_count, merged = [0], [], [], []
    for t, pair in enumerate(merges):
        pair = (int(pair[0]), int(pair[1]))
        merged.append(counts.get(pair, 0))
        words = [merge_word(w, pair, first_new + t) if len(w) > 1 else w for w in words]
        after = _pair_counts(words, weights)
        for p in sorted(set(counts) | set(after)):  # one entry per changed pair
            change = after.get(p, 0) - counts.get(p, 0)
            if change:
                delta_pair.append(num(p))
                delta_count.append(change)
        counts = after
        starts.append(len(delta_pair))
    pairs = sorted(number, key=number.get)
    return {
        "left": np.array([p[0] for p in pairs], dtype=np.uint32),
        "right": np.array([p[1] for p in pairs], dtype=np.uint32),
        "initial": np.array([initial.get(i, 0) for i in range(len(pairs))], dtype=np.int64),
        "step_starts": np.array(starts, dtype=np.int64),
        "delta_pair": np.array(delta_pair, dtype=np.int64),
        "delta_count": np.array(delta_count, dtype=np.int64),
        "merged": np.array(merged, dtype=np.int64),
    }
