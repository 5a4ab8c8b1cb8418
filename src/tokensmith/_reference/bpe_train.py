"""Byte-level BPE training from pre-token counts, written to be read (the compiled trainer must agree).

Ids 0..255 are the single bytes in byte order; merge ``k`` creates id ``256 + k`` whose bytes are
the concatenation of its two parts.

A pair's count is the sum, over pre-tokens, of the pre-token's count times the number of
positions where the pair is adjacent in it (``aaa`` holds the pair ``(a, a)`` twice). Applying a
merge to a pre-token replaces the pair left to right, without overlap (``aaa`` -> ``aa a``).

Choice of the next merge (the tie-break rule):

1. the pair with the highest count;
2. among equal counts, the pair whose ``(left token bytes, right token bytes)`` is
   lexicographically smallest (compared as a tuple of byte strings);
3. a pair whose concatenation is already a token (reachable by two different splits, e.g.
   ``ab+c`` then ``a+bc``) is never merged, so that every merge makes a new distinct token;
4. training stops after ``num_merges`` merges, or when the best count is below ``min_frequency``.

Resuming: ``initial_merges`` are applied first, in order, exactly as if training had chosen them
(their ids are 256, 257, ...); training then continues with ids after them and returns only the
new merges. ``allowed(merged_bytes)``, if given, may refuse a pair: a refused pair is treated like
rule 3 (dropped for good when it reaches the top; a pair's bytes never change, so neither does
the answer).

>>> train_bpe_from_counts({b"abab": 3, b"ab": 1}, num_merges=5)
[(97, 98), (256, 256)]
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Sequence

from .bpe import merge_token_bytes


def merge_word(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """``ids`` with every occurrence of ``pair`` replaced by ``new_id``, left to right.

    >>> merge_word([1, 2, 3, 1, 2], (1, 2), 4)
    [4, 3, 4]
    >>> merge_word([7, 7, 7], (7, 7), 8)
    [8, 7]
    """
    out: list[int] = []
    i = 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def check_counts_args(num_merges: int, min_frequency: int) -> None:
    from ..errors import OptionError, spell

    if num_merges < 0:
        raise OptionError(f"num_merges must be >= 0, got {num_merges}")
    if min_frequency < 1:
        raise OptionError(f"{spell('min_frequency')} must be >= 1, got {min_frequency}")


def train_bpe_from_counts(counts: dict[bytes, int], num_merges: int, min_frequency: int = 2,
                          initial_merges: Sequence[tuple[int, int]] = (),
                          allowed: Callable[[bytes], bool] | None = None) -> list[tuple[int, int]]:
    """The merges ``(left_id, right_id)``, in order, learnt from ``{pre-token bytes: count}``.

    >>> train_bpe_from_counts({b"abab": 3, b"ab": 1}, 5, initial_merges=[(98, 97)])
    [(97, 256), (257, 98)]
    """
    check_counts_args(num_merges, min_frequency)
    token_bytes = merge_token_bytes(initial_merges)
    words = [list(w) for w, c in counts.items() if c > 0 and len(w) > 1]
    freqs = [c for w, c in counts.items() if c > 0 and len(w) > 1]

    for k, pair in enumerate(initial_merges):  # replayed as training would have applied them
        words = [merge_word(w, pair, 256 + k) for w in words]
    known = set(token_bytes)

    pair_count: dict[tuple[int, int], int] = defaultdict(int)
    words_with: dict[tuple[int, int], set[int]] = defaultdict(set)  # may hold stale entries
    for i, (word, freq) in enumerate(zip(words, freqs)):
        for pair in zip(word, word[1:]):
            pair_count[pair] += freq
            words_with[pair].add(i)

    # count -> pairs with that count, so that the best count is one max() away
    by_count: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for pair, c in pair_count.items():
        by_count[c].add(pair)

    blocked: set[tuple[int, int]] = set()  # rule 3

    def change(pair, delta):
        if pair in blocked:
            return
        old = pair_count.get(pair, 0)
        if old:
            by_count[old].discard(pair)
            if not by_count[old]:
                del by_count[old]
        pair_count[pair] = old + delta
        if old + delta:
            by_count[old + delta].add(pair)
        else:
            del pair_count[pair]

    def sort_key(pair):
        return token_bytes[pair[0]], token_bytes[pair[1]]

    merges: list[tuple[int, int]] = []
    while len(merges) < num_merges and by_count:
        top = max(by_count)
        if top < min_frequency:
            break
        best = min(by_count[top], key=sort_key)
        merged_bytes = token_bytes[best[0]] + token_bytes[best[1]]
        if merged_bytes in known or (allowed is not None and not allowed(merged_bytes)):
            # rule 3 or refused: drop the pair for good
            change(best, -pair_count[best])
            blocked.add(best)
            continue
        new_id = len(token_bytes)
        merges.append(best)
        token_bytes.append(merged_bytes)
        known.add(merged_bytes)

        for i in words_with.pop(best):
            word, freq = words[i], freqs[i]
            new_word = merge_word(word, best, new_id)
            if len(new_word) == len(word):
                continue  # stale entry: the pair left this word in an earlier merge
            for pair in zip(word, word[1:]):
                change(pair, -freq)
            for pair in zip(new_word, new_word[1:]):
                change(pair, +freq)
                words_with[pair].add(i)
            words[i] = new_word
    return merges
