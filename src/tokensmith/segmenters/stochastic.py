"""Stochastic segmentation for training data: BPE-dropout and StochasTok.

**BPE-dropout** (Provilkov et al., 2020, "BPE-Dropout: Simple and Effective Subword
Regularization"), as published: at every merge step each applicable merge is left out with
probability ``p``; the lowest-ranked remaining one is applied; segmentation ends when none remains.
``p = 0`` is deterministic BPE and ``p = 1`` leaves the piece as single bytes.

**StochasTok** (Sims et al., 2025, "StochasTok: Improving Fine-Grained Subword Understanding in
LLMs"; official code anyasims/stochastok, ``StochastokProcessor``), as published: after ordinary
segmentation, ``int(len(ids) * p)`` times pick a position uniformly among the current tokens and,
if that token can be split, replace it by one of its splits chosen uniformly. A token's splits
are, as the official ``build_expansions``, *every* cut of its bytes into two parts that are both
in the vocabulary (in the order of the cut point), not only the merge-table pair that built it:
a BPE vocabulary offers several splits for most tokens. For vocabularies with a continuation
table (WordPiece) the right part is a continuation token. Adapted: the uniform position is drawn
from a Fenwick tree over the original tokens, so each expansion costs O(log n) rather than a copy
of the whole list (the distribution is the same); the draws come from one seeded
``random.Random`` rather than NumPy's and Python's global generators; the official optional cap
on successful expansions (``max_num_to_expand``) is not offered.

Both draw from a ``random.Random`` the caller passes in; the models draw from :func:`call_rng`.

**Reproducibility.** A seeded model's output for a text is a function of the seed and the text
alone: each call draws from its own generator, seeded with a hash of (method, seed, the call's
pieces). So ``encode(t)``, ``encode_batch([..., t, ...])`` on any number of threads, any split of
a corpus into batches and any order give the same ids for ``t``, in this process or another; a
text's repeated pieces still get independent draws (one stream runs through the call). The
price: a seeded model segments a given text the same way every time it sees it. For subword
regularisation across epochs, seed each epoch differently (e.g. ``seed=epoch``), or pass
``seed=None`` for fresh draws on every call (not reproducible; what SentencePiece and HF do
without a seed). A generator shared by the calls (one stream per model, or seed plus a call
counter) would give a text a new segmentation on each call, but which draws a text gets would
then depend on the order in which threads reach the generator: not reproducible under threads.
"""

from __future__ import annotations

import hashlib
import random
from array import array
from typing import Sequence


def call_rng(method: str, seed: int | None, pieces: Sequence[bytes]) -> random.Random:
    """The generator of one call's draws: seeded from (``method``, ``seed``, ``pieces``), or
    fresh entropy when ``seed`` is None (see Reproducibility in the module docstring)."""
    if seed is None:
        return random.Random()
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{method}\0{seed}\0".encode())
    digest.update(array("Q", map(len, pieces)).tobytes())  # the cuts, so b"a", b"b" != b"ab"
    digest.update(b"".join(pieces))
    return random.Random(int.from_bytes(digest.digest(), "little"))


def dropout_merge(ids: list[int], table: dict[tuple[int, int], tuple[int, int]], p: float,
                  rng: random.Random) -> list[int]:
    """BPE merging of one piece in which each candidate merge is skipped with probability ``p``.

    ``table`` maps ``(left_id, right_id)`` to ``(rank, merged_id)``, as the BPE model's table.
    """
    ids = list(ids)
    while len(ids) > 1:
        best = None
        for i in range(len(ids) - 1):
            hit = table.get((ids[i], ids[i + 1]))
            if hit is None or rng.random() < p:
                continue
            if best is None or hit[0] < best[0]:
                best = (hit[0], i, hit[1])
        if best is None:
            break
        _, i, merged = best
        ids[i:i + 2] = [merged]
    return ids


def stochastok_expand(ids: list[int], splits: dict[int, list[tuple[int, int]]], p: float,
                      rng: random.Random) -> list[int]:
    """StochasTok's expansion of a token sequence (see the module docstring)."""
    attempts = int(len(ids) * p)
    if attempts == 0:
        return list(ids)
    slots = [[t] for t in ids]            # slot k: what original token k has become
    tree = _Fenwick([1] * len(ids))       # sizes of the slots
    total = len(ids)
    for _ in range(attempts):
        k, offset = tree.find(rng.randrange(total))
        slot = slots[k]
        options = splits.get(slot[offset])
        if not options:
            continue
        slot[offset:offset + 1] = rng.choice(options)
        tree.add(k, 1)
        total += 1
    return [t for slot in slots for t in slot]


class _Fenwick:
    """Prefix sums of non-negative sizes with O(log n) update and search."""

    def __init__(self, sizes: list[int]):
        self.n = len(sizes)
        self.tree = [0] * (self.n + 1)
        for i, s in enumerate(sizes):
            self.add(i, s)

    def add(self, i: int, delta: int) -> None:
        i += 1
        while i <= self.n:
            self.tree[i] += delta
            i += i & -i

    def find(self, index: int) -> tuple[int, int]:
        """``(k, offset)``: the slot holding flat position ``index`` and the position within it."""
        pos, step = 0, 1 << self.n.bit_length()
        while step:
            nxt = pos + step
            if nxt <= self.n and self.tree[nxt] <= index:
                pos = nxt
                index -= self.tree[nxt]
            step >>= 1
        return pos, index


def vocabulary_splits(vocab) -> dict[int, list[tuple[int, int]]]:
    """Every split of each token of a :class:`SegmentVocabulary` into two tokens that join back
    to it, cut points in increasing order (StochasTok's ``build_expansions``).

    A start token splits into a start token and a continuation; a continuation into two
    continuations (for byte-level vocabularies both tables are the same).
    """
    splits: dict[int, list[tuple[int, int]]] = {}
    tables = [(vocab.start, vocab.start)] if vocab.start is vocab.cont else [
        (vocab.start, vocab.start), (vocab.cont, vocab.cont)]
    for table, left_table in tables:
        for token, tid in table.items():
            for k in range(1, len(token)):
                a, b = left_table.get(token[:k]), vocab.cont.get(token[k:])
                if a is not None and b is not None:
                    splits.setdefault(tid, []).append((a, b))
    return splits
