"""WordPiece merge loops over symbol-id words, written to be read (the compiled kernel must agree).

Input: words as lists of symbol ids with their counts, and ``tokens`` (the string of each id;
continuation symbols start with ``prefix``). A merge of ``(a, b)`` makes ``a + b`` with ``b``'s
prefix removed (``"un" + "##able"`` -> ``"unable"``, ``"##a" + "##b"`` -> ``"##ab"``), replacing
the pair in every word, left to right without overlap. If that string is already a token its id
is reused (as HF's trainer does): the words change, the vocabulary does not grow.

Both loops return the merges ``(a, b, made)`` in order and stop after ``max_new`` new tokens or
when no pair is counted ``min_frequency`` times or more.

* :func:`train_frequency` — the most frequent pair first (BPE's rule; HF's ``WordPieceTrainer``);
  ties -> the smallest ``(tokens[a], tokens[b])``.
* :func:`train_likelihood` — the highest ``count(ab) / (count(a) count(b))`` first (Schuster &
  Nakajima's likelihood gain); ties -> the highest count, then the smallest strings.

>>> tokens = ["a", "b", "##a", "##b"]
>>> train_frequency([[0, 3, 2, 3], [1, 2]], [3, 1], tokens, "##", 5, 1)
[(2, 3, 4), (3, 4, 5), (0, 5, 6), (1, 2, 7)]
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from typing import Sequence

from .bpe_train import merge_word


def joined(tokens: Sequence[str], a: int, b: int, prefix: str) -> str:
    """The string a merge of ``(a, b)`` makes."""
    right = tokens[b]
    return tokens[a] + (right[len(prefix):] if right.startswith(prefix) else right)


def train_frequency(words: Sequence[Sequence[int]], counts: Sequence[int], tokens: Sequence[str],
                    prefix: str, max_new: int, min_frequency: int) -> list[tuple[int, int, int]]:
    tokens = list(tokens)
    token_id = {t: i for i, t in enumerate(tokens)}
    words = [list(w) for w in words]
    pair_count: dict[tuple[int, int], int] = defaultdict(int)
    words_with: dict[tuple[int, int], set[int]] = defaultdict(set)  # may hold stale entries
    by_count: dict[int, set[tuple[int, int]]] = defaultdict(set)    # count -> pairs

    def change(pair, delta):
        old = pair_count[pair]
        if old:
            by_count[old].discard(pair)
            if not by_count[old]:
                del by_count[old]
        pair_count[pair] = old + delta
        if old + delta:
            by_count[old + delta].add(pair)

    for i, (word, n) in enumerate(zip(words, counts)):
        for pair in zip(word, word[1:]):
            change(pair, n)
            words_with[pair].add(i)

    merges: list[tuple[int, int, int]] = []
    made = 0
    while made < max_new and by_count and max(by_count) >= min_frequency:
        a, b = min(by_count[max(by_count)], key=lambda p: (tokens[p[0]], tokens[p[1]]))
        new = joined(tokens, a, b, prefix)
        if new not in token_id:
            token_id[new] = len(tokens)
            tokens.append(new)
            made += 1
        c = token_id[new]
        merges.append((a, b, c))
        for i in sorted(words_with.pop((a, b))):
            word, n = words[i], counts[i]
            merged = merge_word(word, (a, b), c)
            if merged == word:
                continue  # stale entry: an earlier merge took the pair away
            for pair in zip(word, word[1:]):
                change(pair, -n)
            for pair in zip(merged, merged[1:]):
                change(pair, n)
                words_with[pair].add(i)
            words[i] = merged
    return merges


def train_likelihood(words: Sequence[Sequence[int]], counts: Sequence[int], tokens: Sequence[str],
                     prefix: str, max_new: int, min_frequency: int,
                     halving: bool = False) -> list[tuple[int, int, int]]:
    """Only pairs counted at least a threshold are merged: ``min_frequency``, or with ``halving``
    half the top pair count at first, halved (down to ``min_frequency``) whenever no pair is left.

    Scores only rise when a merge lowers ``count(a)`` or ``count(b)``: those pairs are pushed
    again on a heap, and any other stale entry is re-filed with its current score when it pops."""
    tokens = list(tokens)
    token_id = {t: i for i, t in enumerate(tokens)}
    words = [list(w) for w in words]
    unit: dict[int, int] = defaultdict(int)
    pair_count: dict[tuple[int, int], int] = defaultdict(int)
    words_with: dict[tuple[int, int], set[int]] = defaultdict(set)
    pairs_of: dict[int, set[tuple[int, int]]] = defaultdict(set)  # symbol -> pairs holding it
    for i, (word, n) in enumerate(zip(words, counts)):
        for s in word:
            unit[s] += n
        for pair in zip(word, word[1:]):
            pair_count[pair] += n
            words_with[pair].add(i)
            pairs_of[pair[0]].add(pair)
            pairs_of[pair[1]].add(pair)

    def entry(pair):
        n = pair_count[pair]
        return (-n / (unit[pair[0]] * unit[pair[1]]), -n, tokens[pair[0]], tokens[pair[1]], pair)

    def fill(threshold):
        heap = [entry(p) for p, n in pair_count.items() if n >= threshold]
        heapq.heapify(heap)
        return heap

    threshold = max(min_frequency, max(pair_count.values(), default=0) // 2) if halving else min_frequency
    heap = fill(threshold)
    merges: list[tuple[int, int, int]] = []
    made = 0
    while made < max_new:
        if not heap:
            if threshold <= min_frequency:
                break
            threshold = max(min_frequency, threshold // 2)
            heap = fill(threshold)
            continue
        item = heapq.heappop(heap)
        a, b = pair = item[-1]
        if pair_count[pair] < threshold:
            continue
        current = entry(pair)
        if current[:2] != item[:2]:
            if current[:2] > item[:2]:  # worse than when pushed: re-file; better: a newer entry exists
                heapq.heappush(heap, current)
            continue
        new = joined(tokens, a, b, prefix)
        if new not in token_id:
            token_id[new] = len(tokens)
            tokens.append(new)
            made += 1
        c = token_id[new]
        merges.append((a, b, c))
        touched = set(pairs_of[a] | pairs_of[b])  # count(a), count(b) fell: their pairs score higher
        for i in sorted(words_with.pop(pair)):
            word, n = words[i], counts[i]
            merged = merge_word(word, pair, c)
            if merged == word:
                continue
            for q in zip(word, word[1:]):
                pair_count[q] -= n
            for s in word:
                unit[s] -= n
            for s in merged:
                unit[s] += n
            for q in zip(merged, merged[1:]):
                pair_count[q] += n
                touched.add(q)
                words_with[q].add(i)
                pairs_of[q[0]].add(q)
                pairs_of[q[1]].add(q)
            words[i] = merged
        for q in touched:
            if pair_count[q] >= threshold:
                heapq.heappush(heap, entry(q))
    return merges
