"""The Unigram LM training loop: seed vocabulary, EM, loss-based pruning, final vocabulary.

Kudo (2018), "Subword Regularization: Improving Neural Network Translation Models with Multiple
Subword Candidates", section 3.2, as SentencePiece's trainer implements it:

1. **Seed**: every character, plus the ``seed_size`` substrings with the highest
   ``frequency × length`` among those that branch on the right (internal nodes of the suffix tree
   of the corpus); log-probabilities proportional to those values.
2. **EM** (``num_sub_iterations`` rounds): the E-step gives each piece its expected count under
   the current model (forward-backward over each word's lattice, weighted by the word's count);
   the M-step drops pieces expected less than 0.5 times and sets
   ``log p(x) = ψ(count(x)) − ψ(Σ counts)`` (ψ the digamma function: the Bayesian, sparse-prior
   version of EM SentencePiece uses instead of ``log count − log Σ``).
3. **Prune**: the loss of a piece is how much the corpus likelihood falls when it is removed and
   its Viterbi occurrences are re-segmented into its best alternative segmentation; the pieces of
   least loss are removed, keeping ``shrinking_factor`` of the vocabulary per round, down to
   ``1.1 × target``. Then EM again, and so on.
4. **Finalize**: the ``target`` pieces with the highest scores, characters always included.

Adapted: characters are never pruned nor dropped during EM (SentencePiece drops them and adds the
required ones back at the end with the minimum score); a character whose expected count is below
0.5 is scored as if it were 0.5. Words are cut at characters outside the character coverage
(their lattice would have an unknown node there, which changes no expectation).

The per-word work (seed, E-step, Viterbi) is done by an *engine*: the compiled
``tokensmith._core._unigram_train.Engine`` or its readable twin
:class:`tokensmith._reference.unigram_train.ReferenceEngine`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

EXPECTED_FREQUENCY_THRESHOLD = 0.5
DESIRED_SIZE_FACTOR = 1.1


def digamma(x: np.ndarray) -> np.ndarray:
    """ψ(x) for x > 0: the recurrence ψ(x) = ψ(x+1) − 1/x up to x ≥ 10, then the asymptotic series."""
    x = np.array(x, dtype=np.float64, copy=True)
    out = np.zeros_like(x)
    small = x < 10
    while small.any():
        out[small] -= 1.0 / x[small]
        x[small] += 1.0
        small = x < 10
    inv2 = 1.0 / (x * x)
    series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))))
    return out + np.log(x) - 0.5 / x - series


@dataclass
class RoundLog:
    """One EM step: vocabulary size, corpus log-likelihood before the M-step."""

    size: int
    log_likelihood: float


@dataclass
class TrainState:
    pieces: list[str]
    logp: np.ndarray
    is_char: np.ndarray
    history: list[RoundLog] = field(default_factory=list)

    def keep(self, engine, idx: np.ndarray) -> None:
        idx = np.asarray(idx, dtype=np.int64)
        if len(idx) == len(self.pieces):
            return
        engine.retain(idx.tolist())
        self.pieces = [self.pieces[i] for i in idx]
        self.logp = self.logp[idx]
        self.is_char = self.is_char[idx]


def seed_state(engine, chars: dict[str, int], seed_size: int) -> TrainState:
    """Characters (most frequent first) and the seed substrings, with log-probabilities."""
    char_list = sorted(chars, key=lambda c: (-chars[c], c))
    subs, scores = engine.seed(seed_size)
    pieces = char_list + list(subs)
    values = np.concatenate([np.array([chars[c] for c in char_list], dtype=np.float64),
                             np.asarray(scores, dtype=np.float64)])
    logp = np.log(values) - np.log(values.sum())
    engine.set_seed_pieces(char_list)
    is_char = np.zeros(len(pieces), dtype=bool)
    is_char[:len(char_list)] = True
    return TrainState(pieces, logp, is_char)


def em_step(engine, state: TrainState) -> None:
    expected, loglik, _ = engine.estep(state.logp)
    state.history.append(RoundLog(len(state.pieces), float(loglik)))
    keep = np.nonzero((expected >= EXPECTED_FREQUENCY_THRESHOLD) | state.is_char)[0]
    expected = expected[keep]
    state.keep(engine, keep)
    total = expected.sum()
    counts = np.maximum(expected, EXPECTED_FREQUENCY_THRESHOLD)
    state.logp = digamma(counts) - digamma(np.array([total]))[0]


def prune_losses(freq: np.ndarray, cand: np.ndarray, offsets: np.ndarray, flat: np.ndarray,
                 corpus_weight: float) -> np.ndarray:
    """SentencePiece's loss of removing each candidate piece (larger: more needed).

    With Viterbi counts ``f``, ``F = Σ f``: removing piece ``i`` moves its ``f[i]`` uses onto each
    piece ``n`` of its alternative segmentation, so
    ``loss = f[i]/W · (log f[i]/F − Σ_n log (f[n] + f[i]) / (F + f[i](|alt| − 1)))``
    where ``W`` is the number of words in the corpus.
    """
    total = freq.sum()
    fi = freq[cand]
    nalt = offsets[cand + 1] - offsets[cand]
    group_start = np.cumsum(nalt) - nalt
    pos = np.arange(int(nalt.sum())) - np.repeat(group_start, nalt) + np.repeat(offsets[cand], nalt)
    alt = flat[pos]
    terms = np.log(freq[alt] + np.repeat(fi, nalt))
    sums = np.add.reduceat(terms, group_start) if len(terms) else np.zeros(0)
    logsum_alt = np.log(total + fi * (nalt - 1))
    logprob_sp = np.log(fi) - np.log(total)
    logprob_alt = sums - nalt * logsum_alt
    return fi / corpus_weight * (logprob_sp - logprob_alt)


def prune(engine, state: TrainState, desired: int, shrinking_factor: float, corpus_weight: float) -> None:
    freq, status, offsets, flat = engine.prune_stats(state.logp)
    freq = np.asarray(freq, dtype=np.float64)
    status = np.asarray(status)
    offsets = np.asarray(offsets, dtype=np.int64)
    flat = np.asarray(flat, dtype=np.int64)
    used = freq > 0
    # Characters stay; a used piece with no other segmentation stays; a piece whose own Viterbi
    # path is split, or that no word's Viterbi path uses, goes.
    always = state.is_char | (used & (status == 0))
    cand = np.nonzero(used & (status == 2) & ~state.is_char)[0]
    target = max(desired, int(shrinking_factor * len(state.pieces)))
    room = max(0, target - int(always.sum()))
    loss = prune_losses(freq, cand, offsets, flat, corpus_weight)
    order = np.lexsort((cand, -loss))[:room]
    keep = np.sort(np.concatenate([np.nonzero(always)[0], cand[order]]))
    state.keep(engine, keep)


def finalize(state: TrainState, size: int, exclude: frozenset[str] = frozenset()) -> list[tuple[str, float]]:
    """Characters plus the best-scored other pieces, ``size`` in all, sorted by score (then piece).

    Pieces in ``exclude`` (reserved names such as ``<unk>``) are left out.
    """
    chars = [(p, float(s)) for p, s, c in zip(state.pieces, state.logp, state.is_char) if c]
    others = sorted(((p, float(s)) for p, s, c in zip(state.pieces, state.logp, state.is_char)
                     if not c and p not in exclude), key=lambda ps: (-ps[1], ps[0]))
    chosen = chars + others[:max(0, size - len(chars))]
    return sorted(chosen, key=lambda ps: (-ps[1], ps[0]))


def train_pieces(engine, chars: dict[str, int], size: int, corpus_weight: float, *,
                 seed_size: int = 1_000_000, shrinking_factor: float = 0.75,
                 num_sub_iterations: int = 2, exclude: frozenset[str] = frozenset(),
                 progress: Callable[[str, int], None] | None = None) -> tuple[list[tuple[str, float]], list[RoundLog]]:
    """``size`` (piece, log-probability) pairs learnt by ``engine``, and the EM history."""
    state = seed_state(engine, chars, seed_size)
    if progress is not None:
        progress("seed", len(state.pieces))
    desired = max(len(chars), int(size * DESIRED_SIZE_FACTOR))
    while True:
        for _ in range(num_sub_iterations):
            em_step(engine, state)
        if progress is not None:
            progress("em", len(state.pieces))
        if len(state.pieces) <= desired:
            break
        before = len(state.pieces)
        prune(engine, state, desired, shrinking_factor, corpus_weight)
        if len(state.pieces) == before:  # nothing left that may be removed
            break
        if progress is not None:
            progress("prune", len(state.pieces))
    return finalize(state, size, exclude), state.history
