"""Scaffold-BPE: BPE that removes "scaffold" tokens from the final encoding.

Paper: Haoran Lian et al., "Scaffold-BPE: Enhancing Byte Pair Encoding for Large Language Models
with Simple and Effective Scaffold Token Removal" (arXiv 2404.17808).

A scaffold token is frequent only as a part of bigger tokens: once its pair has been merged into a
longer token, it rarely occurs on its own. Scaffold-BPE keeps such tokens in an *expanded*
vocabulary E (they are still needed as steps of the merge rules) but not in the vocabulary V that
the model sees; encoding merges with E and then *demolishes* every scaffold token into the parts it
was merged from until only tokens of V remain.

As published (parameter-free):

* after the merge ``a + b -> t``, each of ``a`` and ``b`` whose frequency (occurrences on its own in
  the current training representation) is below the frequency at the head of the priority queue
  (the next pair to merge) becomes a scaffold token and leaves V;
* scaffold tokens stay in the priority queue with their own frequency: when one reaches the head
  (its frequency is at least the next pair's), it is re-added to V instead of a merge happening;
* training stops when V holds ``vocab_size`` tokens, so the final vocabulary has exactly the
  requested size, and E is larger by the number of scaffold tokens;
* encoding: BPE with the merges of E, then demolish scaffold tokens recursively.

Adapted:

* the 256 single bytes are never scaffold tokens (a byte cannot be demolished into anything);
* the merge sequence is exactly that of plain BPE on the same counts (Scaffold-BPE does not change
  which pair merges, only which tokens are kept), so it is computed by the shared BPE trainer
  (:func:`tokensmith.models.bpe.trainer.train_bpe_from_counts`, with its tie-break rule) and the
  scaffold bookkeeping needs only each merge's realised count, which :func:`realised_counts`
  derives from one compiled encoding of the counts (no word-by-word replay; the replay is the
  readable reference :mod:`tokensmith._reference.scaffold_bpe`, tested to agree);
* a pair's frequency at the head of the queue is its realised count (non-overlapping occurrences,
  the number of tokens the merge creates).

HF ``tokenizer.json`` cannot represent Scaffold-BPE: its BPE model has no demolish step, and
dropping the scaffold tokens from its vocabulary would break the merge chain. Save it in the
native format (model type ``scaffold_bpe``).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..pre_tokenizers.splitters import RegexSplitter
from ..tokenizer import Tokenizer
from ..models.bpe.model import BPEModel
from ..models.scaffold_bpe import ScaffoldBPEModel
from .method_utils import check_vocab_size, count_pieces, merge_token_bytes
from ..models.bpe.trainer import train_bpe_from_counts
from .options import BytePairOptions
from .trainer import trainer

METHOD = "scaffold_bpe"


# -- training ---------------------------------------------------------------------------------
def realised_counts(counts: dict[bytes, int], merges: Sequence[tuple[int, int]]) -> np.ndarray:
    """How many tokens each merge created in training (its frequency at the head of the queue).

    Token x's occurrences at the end are those created minus those later merges consumed, so,
    from the last merge back: ``created[x] = final[x] + sum of created[j] over later merges j
    that use x`` (twice if both parts are x). ``final`` comes from encoding the counts with all
    the merges (the compiled encoder; rank order equals the order training applied them).
    """
    model = BPEModel(merge_token_bytes(merges), merges)
    size = 256 + len(merges)
    final = np.zeros(size, np.int64)
    by_count: dict[int, list[bytes]] = {}
    for piece, c in counts.items():
        if c > 0 and len(piece) > 1:
            by_count.setdefault(c, []).append(piece)
    for c, pieces in by_count.items():  # one encoder call per distinct count
        final += np.bincount(np.asarray(model.encode_pieces(pieces), np.int64), minlength=size) * c
    created = final.tolist()
    for k in range(len(merges) - 1, -1, -1):
        a, b = merges[k]
        created[a] += created[256 + k]
        created[b] += created[256 + k]
    return np.asarray(created[256:], np.int64)


def find_scaffolds(counts: dict[bytes, int], merges: Sequence[tuple[int, int]],
                   vocab_size: int) -> tuple[int, set[int]]:
    """Replay ``merges`` with Scaffold-BPE's bookkeeping, from each merge's realised count.

    Returns ``(number of merges kept, scaffold ids among them)``: training stops as soon as the
    normal vocabulary V holds ``vocab_size`` tokens. If the merges run out first, all are kept.
    Same answer as the word-by-word replay :func:`tokensmith._reference.scaffold_bpe.find_scaffolds`.

    >>> n, scaffolds = find_scaffolds({b"abcd": 10, b"ab": 1}, [(97, 98), (256, 99), (257, 100)], 258)
    >>> n, sorted(scaffolds)   # "ab" is frequent only inside "abc"/"abcd"
    (3, [256])
    """
    heads = realised_counts(counts, merges).tolist()
    token_freq = [0] * (256 + len(merges))  # occurrences now; bytes never matter (never scaffolds)
    normal = 256
    scaffold: set[int] = set()
    queue: list[tuple[int, int]] = []  # (-frequency when pushed, id) of scaffold tokens
    previous: tuple[int, int] | None = None
    for k, pair in enumerate(merges):
        head = heads[k]
        if previous is not None:
            for x in previous:
                if x >= 256 and x not in scaffold and token_freq[x] < head:
                    scaffold.add(x)
                    normal -= 1
                    heapq.heappush(queue, (-token_freq[x], x))
        while queue and -queue[0][0] >= head and normal < vocab_size:
            f, x = heapq.heappop(queue)
            if x not in scaffold:
                continue
            if token_freq[x] != -f:  # stale: its frequency dropped since it was pushed
                heapq.heappush(queue, (-token_freq[x], x))
                continue
            scaffold.discard(x)
            normal += 1
        if normal >= vocab_size:
            return k, scaffold
        a, b = pair
        token_freq[a] -= head
        token_freq[b] -= head
        token_freq[256 + k] = head
        normal += 1
        previous = pair
    return len(merges), scaffold


def train_scaffold_bpe_from_counts(counts: dict[bytes, int], vocab_size: int,
                                   min_frequency: int = 2) -> "ScaffoldBPEModel":
    """A Scaffold-BPE model whose final vocabulary has ``vocab_size`` tokens (if the data allow)."""
    check_vocab_size(vocab_size)
    target = vocab_size - 256
    extra = max(64, target // 4)
    while True:
        merges = train_bpe_from_counts(counts, target + extra, min_frequency)
        kept, scaffolds = find_scaffolds(counts, merges, vocab_size)
        exhausted = len(merges) < target + extra
        if kept < len(merges) or exhausted:
            return ScaffoldBPEModel.from_merges(merges[:kept], scaffolds)
        extra *= 2


@dataclass(kw_only=True)
class ScaffoldBPEOptions(BytePairOptions):
    """Plain BPE's options: Scaffold-BPE adds none (it is parameter-free)."""


@trainer(METHOD, ScaffoldBPEOptions)
def train_scaffold_bpe(corpus, options: ScaffoldBPEOptions) -> Tokenizer:
    """Train Scaffold-BPE on ``corpus``; ``vocab_size`` counts V (not the scaffold tokens) and
    the special tokens."""
    o = options
    size = o.model_size()
    report = o.reporter(METHOD)
    counts = count_pieces(corpus, o.pattern, o, progress=report)
    with report.phase("merges and scaffolds"):
        model = train_scaffold_bpe_from_counts(counts, size, o.min_frequency)
    splitter = None if o.pattern is None else RegexSplitter(o.pattern)
    return o.tokenizer(model, splitter, METHOD)
