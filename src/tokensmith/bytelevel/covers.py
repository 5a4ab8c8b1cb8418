"""Covers of a byte prefix: the token histories that spell it, with the trie node of the next token.

The Byte-Token Representation Lemma (Phan et al. 2024, as published): the probability that a
token model's text starts with bytes ``x`` is the sum, over the *covers* of ``x``, of the
probability that the token sequence starts with the cover. A cover is ``t_1 .. t_k`` whose first
``k-1`` tokens spell a proper prefix ``x[:i]`` and whose last token starts with ``x[i:]``.

Here a cover set is kept as hypotheses ``(history, log P(history), node)``: the history's tokens
spell ``x[:i]`` exactly and ``node`` is the trie node of ``x[i:]`` (the root when ``i = len(x)``).
Then ``P(x) = sum over hypotheses not at the root of P(history) * mass(node | history)``: each
cover counted once, through the hypothesis its last token hangs below. One more byte moves every
node one byte down (dropping those with no such child), and a node that spells a whole token also
*commits* it: a new history, at the root. That is all a step costs, so generating or scoring
``n`` bytes is ``n`` steps, never ``n`` fresh enumerations.

Histories equal in what the model can see (its ``context_size`` last ids) are merged: for an
n-gram model the marginal over all covers is then a dynamic program over (context, node).
A beam (``beam=K``) keeps the ``K`` heaviest hypotheses for models where the number of
histories grows with the text (the marginal over all covers of a transformer); without it every
cover is kept and the result is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .trie import Node, TokenTrie


@dataclass(frozen=True)
class Hypothesis:
    history: tuple      # the ids the model conditions on (the last context_size ones)
    logp: float         # log P(history): the sequence starts with these tokens
    node: Node          # where the next token's bytes have got to


class NextTokens:
    """One history's next-token distribution over the trie's sorted tokens, and the end of text."""

    __slots__ = ("sorted_p", "by_id", "end", "kept")

    def __init__(self, sorted_p: np.ndarray, by_id: np.ndarray, end: float, kept: float):
        """``kept``: the share of the model's mass on the allowed tokens and the end, before
        renormalising (1 when every id has bytes and nothing is filtered)."""
        self.sorted_p, self.by_id, self.end, self.kept = sorted_p, by_id, end, kept

    def mass(self, node: Node) -> float:
        return float(self.sorted_p[node.lo:node.hi].sum())

    def children(self, trie: TokenTrie, node: Node) -> np.ndarray:
        """Mass below each next byte (index 1 + byte; index 0 is the token ending at ``node``)."""
        col = trie.column(node.depth)[node.lo:node.hi]
        return np.bincount(col.astype(np.int64) + 1, weights=self.sorted_p[node.lo:node.hi], minlength=257)


def merge(hyps: list[Hypothesis]) -> list[Hypothesis]:
    """Hypotheses with the same (history, node) summed into one."""
    seen: dict[tuple, Hypothesis] = {}
    for h in hyps:
        key = (h.history, h.node)
        old = seen.get(key)
        if old is None:
            seen[key] = h
        else:
            seen[key] = Hypothesis(h.history, float(np.logaddexp(old.logp, h.logp)), h.node)
    return list(seen.values())


def advance(hyps: list[Hypothesis], byte: int, trie: TokenTrie,
            dist: Callable[[list[tuple]], list[NextTokens]],
            extend: Callable[[tuple, int], tuple]) -> list[Hypothesis]:
    """The hypotheses of ``x + byte`` from those of ``x``."""
    moved = []
    for h in hyps:
        node = trie.child(h.node, byte)
        if node is not None:
            moved.append(Hypothesis(h.history, h.logp, node))
    committing = [(h, trie.exact(h.node)) for h in moved]
    committing = [(h, t) for h, t in committing if t >= 0]
    out = list(moved)
    if committing:
        tables = dist([h.history for h, _ in committing])
        for (h, token), table in zip(committing, tables):
            p = table.by_id[token]
            if p > 0.0:
                out.append(Hypothesis(extend(h.history, token), h.logp + float(np.log(p)), trie.root))
    return merge(out)


def prune(hyps: list[Hypothesis], beam: int | None, weight: Callable[[Hypothesis], float]) -> list[Hypothesis]:
    """The ``beam`` heaviest hypotheses (all of them when ``beam`` is None)."""
    if beam is None or len(hyps) <= beam:
        return hyps
    weights = np.array([weight(h) for h in hyps])
    keep = np.argsort(-weights, kind="stable")[:beam]
    return [hyps[k] for k in sorted(keep)]
