"""Data-mixture inference from a BPE merge list.

Paper: J. Hayase, A. Liu, Y. Choi, S. Oh, N. A. Smith, "Data Mixture Inference: What do BPE
Tokenizers Reveal about their Training Data?" (2024).

BPE training merges, at every step, the most frequent adjacent pair of the training text as it
stands after the earlier merges. If the training text is a mixture of categories with byte shares
``α_i``, and ``c_i,t(p)`` is pair ``p``'s count per byte in category ``i``'s sample just before
merge ``t``, then merge ``m_t`` beat every other pair:

    Σ_i α_i c_i,t(m_t)  ≥  Σ_i α_i c_i,t(p)        for every t and p ≠ m_t.

Samples are not the training text, so the paper relaxes each constraint with a slack per merge
``v_t`` and a slack per pair ``v_p`` (a pair over-represented in the samples) and solves the
linear program

    minimise Σ_t v_t + Σ_p v_p   subject to   Σ_i α_i (c_i,t(m_t) − c_i,t(p)) + v_t + v_p ≥ 0,
                                             α ≥ 0, Σ_i α_i = 1, v ≥ 0.

As published: the program, the slacks, the per-byte normalisation of byte-level merge lists
(``α`` are shares of bytes), and its lazy constraint generation: the program starts with no pair
constraint; each round sweeps the merges in order with the current solution, adds for each merge
up to ``per_merge`` of the most violated constraints (the paper's ``competitor_batch_size`` of
10), and solves again, until no constraint is violated; a slack ``v_p`` enters the program with
its pair's first constraint.
Merges that no sample holds are left out (the paper's "missing merges").

Adapted: the solver is HiGHS instead of Gurobi (see :mod:`.mixture_lp`); the sweep finds a merge's
strongest competitors with a dense argmax over all pairs instead of the paper's priority queue
(same constraints, simpler); counts are scaled so the largest coefficient is about 1 (HiGHS'
tolerances are absolute); merges are derived from ranks for files without a merge list (see
:mod:`.merge_list`). The paper caps each round at ``max_add`` (100) new constraints and keeps
every row; here a round adds all it finds (``max_add=None``) and rows slack at the last solve are
taken out (``MixtureLP.prune``): on 5 categories and 3,000 merges the cap of 2,000 needed over 200
rounds (unconverged, 143 s), no cap 28 rounds with 357k rows (40 s), no cap and pruning 35 rounds
with 25k rows (8 s), the same answer.

Adapted too: counts are divided by each category's units, bytes for byte-level merge lists (as
published) and characters for character-level ones (SentencePiece BPE), and the shares found are
turned into shares of bytes at the end. Divided by bytes, a character-level list's estimate
leaned toward scripts with many characters (Chinese, Japanese, Korean), whose pairs have small
counts per byte: weight put there raised few constraints while it shrank the other categories'
sampling noise (MSE 3.9e-3 -> 6.9e-4 at 10 categories, ``docs/evaluation.md``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from ..errors import InputError, OptionError
from ..progress import Progress
from .merge_list import merge_list
from .mixture_lp import MixtureLP
from .pair_counts import OTHER, CategoryCounts, category_counts, merge_ids

MIN_SAMPLE_BYTES = 1000


@dataclass
class MixtureInference:
    """The estimate and how it was reached."""

    proportions: dict[str, float]
    merges_used: int                 # merges in the program (present in some sample)
    merges_missing: int              # merges of the first N that no sample holds
    merges_dropped: int              # merges that could not be placed (see merge_list)
    rounds: int
    constraints: int                 # rows of the final program (rows left slack are taken out)
    pair_slacks: int
    objective: float
    converged: bool                  # no constraint violated at the end (else max_rounds stopped it)
    sample_bytes: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def infer_mixture(tokenizer, samples: Mapping[str, Sequence[str]], *, merges: int = 3000,
                  progress: bool = False, **options) -> dict[str, float]:
    """Byte shares of the categories in the tokenizer's training data (summing to 1).

    ``tokenizer``: a tokensmith ``Tokenizer`` or a path ``tokensmith.load`` reads; ``samples``:
    category name -> texts of that category; ``merges``: how many of the first merges to use.
    ``options`` go to :func:`mixture_inference`."""
    return mixture_inference(tokenizer, samples, merges=merges, progress=progress, **options).proportions


def mixture_inference(tokenizer, samples: Mapping[str, Sequence[str]], *, merges: int = 3000,
                      per_merge: int = 10, max_add: int | None = None, max_rounds: int = 1000,
                      tolerance: float = 1e-7, prune: bool = True, progress: bool = False) -> MixtureInference:
    """:func:`infer_mixture` with its diagnostics (see the module for the options' meaning)."""
    if merges < 1:
        raise OptionError(f"merges must be >= 1, got {merges}")
    if len(samples) < 2:
        raise InputError(f"data-mixture inference needs at least two categories, got {len(samples)}")
    tokenizer = _open(tokenizer)
    report = Progress(enabled=progress, label="infer-mixture")
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    order = merge_list(tokenizer, merges)
    ids = merge_ids(order)
    if len(ids.pairs) == 0:
        raise InputError(f"{order.name}: the tokenizer has no merges to read")
    counts: list[CategoryCounts] = []
    with report.phase("counting pairs at every merge", total=len(samples), unit="category") as phase:
        for name, texts in samples.items():
            if isinstance(texts, str):
                raise InputError(f"category {name!r}: give a list of texts, not one string")
            c = category_counts(name, order, ids, texts)
            if c.n_bytes < MIN_SAMPLE_BYTES:
                raise InputError(f"category {name!r}: the sample has {c.n_bytes} bytes; at least "
                                 f"{MIN_SAMPLE_BYTES} are needed to count pairs")
            counts.append(c)
            phase.update()
    seconds["counting"] = time.perf_counter() - start
    start = time.perf_counter()
    program = _Program(counts, ids.pairs)
    solution = program.solve(per_merge, max_add, max_rounds, tolerance, prune, report)
    seconds["solving"] = time.perf_counter() - start
    alpha = np.clip(solution["alpha"], 0, None) * [c.n_bytes / c.n_units for c in counts]
    alpha = alpha / alpha.sum()
    return MixtureInference(
        proportions={c.name: float(a) for c, a in zip(counts, alpha)},
        merges_used=int(program.present.sum()), merges_missing=int((~program.present).sum()),
        merges_dropped=order.dropped + (min(merges, len(order.merges)) - len(ids.pairs)),
        rounds=solution["rounds"], constraints=solution["constraints"],
        pair_slacks=solution["pair_slacks"], objective=solution["objective"],
        converged=solution["converged"],
        sample_bytes={c.name: c.n_bytes for c in counts}, seconds=seconds)


def _open(tokenizer):
    if isinstance(tokenizer, (str, os.PathLike)):
        from .. import load

        return load(tokenizer)
    return tokenizer


class _Program:
    """The counts of all categories over one numbering of the pairs, and the lazy solve."""

    def __init__(self, counts: list[CategoryCounts], merge_pairs: np.ndarray):
        self.K, self.T = len(counts), len(merge_pairs)
        keys = [(c.replay["left"].astype(np.uint64) << np.uint64(32)) | c.replay["right"].astype(np.uint64)
                for c in counts]
        self.keys = np.unique(np.concatenate(keys))
        other = ((self.keys >> np.uint64(32)) == OTHER) | ((self.keys & np.uint64(0xFFFFFFFF)) == OTHER)
        self.P = len(self.keys)
        merge_keys = (merge_pairs[:, 0].astype(np.uint64) << np.uint64(32)) | merge_pairs[:, 1].astype(np.uint64)
        self.merge_pair = np.minimum(np.searchsorted(self.keys, merge_keys), self.P - 1)
        merged = np.stack([c.replay["merged"] for c in counts])          # (K, T)
        self.present = (merged.sum(axis=0) > 0) & (self.keys[self.merge_pair] == merge_keys)
        # Per unit (byte or character), scaled so the largest count before the first merge is
        # about 1; the weights found are shares of units, turned into shares of bytes at the end.
        per_unit = np.array([1.0 / c.n_units for c in counts])
        top = max(float(c.replay["initial"].max(initial=0)) * w for c, w in zip(counts, per_unit))
        self.weight = per_unit / (top or 1.0)
        self.excluded = other
        self._events(counts, keys)

    def _events(self, counts, keys) -> None:
        """Initial counts, the changes of every step (for the sweep), and each (pair, category)'s
        count history (for the constraints' coefficients)."""
        K, T = self.K, self.T
        g_init, c_init, n_init = [], [], []
        steps, g_ev, c_ev, d_ev = [], [], [], []
        for i, (c, k) in enumerate(zip(counts, keys)):
            g = np.searchsorted(self.keys, k)
            r = c.replay
            g_init.append(g)
            c_init.append(np.full(len(g), i))
            n_init.append(r["initial"])
            step_of = np.repeat(np.arange(T), np.diff(r["step_starts"]))
            steps.append(step_of)
            g_ev.append(g[r["delta_pair"]])
            c_ev.append(np.full(len(step_of), i))
            d_ev.append(r["delta_count"])
        self.init_g, self.init_c = np.concatenate(g_init), np.concatenate(c_init)
        self.init_n = np.concatenate(n_init).astype(np.float64)
        step, g, cat = np.concatenate(steps), np.concatenate(g_ev), np.concatenate(c_ev)
        delta = np.concatenate(d_ev)
        # the sweep: changes grouped by (step, pair)
        order = np.lexsort((g, step))
        self.ev_step, self.ev_g, self.ev_c = step[order], g[order], cat[order]
        self.ev_d = delta[order].astype(np.float64)
        new_group = np.ones(len(order), dtype=bool)
        new_group[1:] = (self.ev_step[1:] != self.ev_step[:-1]) | (self.ev_g[1:] != self.ev_g[:-1])
        self.group_starts = np.flatnonzero(new_group)
        self.group_g = self.ev_g[self.group_starts]
        self.step_groups = np.searchsorted(self.ev_step[self.group_starts], np.arange(T + 1))
        # histories: key (pair, category, time) -> count from that time on (time t = before merge t)
        hist_g = np.concatenate([self.init_g, g])
        hist_c = np.concatenate([self.init_c, cat])
        hist_t = np.concatenate([np.zeros(len(self.init_g), dtype=np.int64), step + 1])
        hist_d = np.concatenate([self.init_n, delta.astype(np.float64)])
        series = hist_g.astype(np.int64) * K + hist_c
        order = np.lexsort((hist_t, series))
        series, hist_t, hist_d = series[order], hist_t[order], hist_d[order]
        running = np.cumsum(hist_d)
        first = np.ones(len(series), dtype=bool)
        first[1:] = series[1:] != series[:-1]
        base = np.maximum.accumulate(np.where(first, np.arange(len(series)), 0))
        before = np.where(base > 0, running[base - 1], 0.0)
        self.hist_key = series * (T + 1) + hist_t
        self.hist_count = running - before

    def counts_at(self, g: np.ndarray, t: np.ndarray) -> np.ndarray:
        """(len(g), K): each category's count of pair ``g[j]`` just before merge ``t[j]``."""
        K, T = self.K, self.T
        series = g.astype(np.int64)[:, None] * K + np.arange(K)[None, :]
        q = series * (T + 1) + t.astype(np.int64)[:, None]
        idx = np.searchsorted(self.hist_key, q.ravel(), side="right") - 1
        ok = (idx >= 0) & (self.hist_key[np.maximum(idx, 0)] // (T + 1) == series.ravel())
        out = np.where(ok, self.hist_count[np.maximum(idx, 0)], 0.0)
        return out.reshape(q.shape)

    def solve(self, per_merge, max_add, max_rounds, tolerance, prune, report) -> dict:
        lp = MixtureLP(self.K, prune=prune)
        alpha = np.full(self.K, 1.0 / self.K)
        v_t: dict[int, float] = {}
        v_p: dict[int, float] = {}
        seen: set[tuple[int, int]] = set()
        objective, rounds = 0.0, 0
        with report.phase("solving the linear program", total=None, unit="round") as phase:
            while rounds < max_rounds:
                new = self._sweep(alpha, v_t, v_p, per_merge, max_add, tolerance, seen)
                if not new:
                    break
                seen.update(new)
                lp.add(new, self.coefficients(new))
                alpha, v_t, v_p, objective = lp.solve()
                seen.difference_update(map(tuple, lp.prune().tolist()))
                rounds += 1
                phase.update()
                phase.status(f"{lp.constraints} constraints")
        return {"alpha": alpha, "rounds": rounds, "constraints": lp.constraints,
                "pair_slacks": len(v_p), "objective": objective, "converged": rounds < max_rounds}

    def _sweep(self, alpha, v_t, v_p, per_merge, max_add, tolerance, seen) -> list[tuple[int, int]]:
        """Violated constraints (t, pair) in merge order, up to ``per_merge`` per merge."""
        w = alpha * self.weight
        prios = np.bincount(self.init_g, weights=self.init_n * w[self.init_c], minlength=self.P)
        slack = np.zeros(self.P)
        if v_p:
            slack[np.fromiter(v_p, dtype=np.int64)] = np.fromiter(v_p.values(), dtype=np.float64)
        prios -= slack
        prios[self.excluded] = -np.inf
        ev = np.add.reduceat(self.ev_d * w[self.ev_c], self.group_starts) if len(self.group_starts) else np.zeros(0)
        new: list[tuple[int, int]] = []
        for t in range(self.T):
            if self.present[t]:
                m = self.merge_pair[t]
                own = prios[m]
                limit = own + slack[m] + v_t.get(t, 0.0) + tolerance
                prios[m] = -np.inf
                best = int(np.argmax(prios))
                if prios[best] > limit:
                    new += _strongest(prios, limit, t, per_merge, seen)
                prios[m] = own
                if max_add is not None and len(new) >= max_add:
                    break
            s, e = self.step_groups[t], self.step_groups[t + 1]
            if e > s:
                # excluded pairs stay at -inf (adding to -inf keeps it)
                prios[self.group_g[s:e]] += ev[s:e]
        return new

    def coefficients(self, rows: list[tuple[int, int]]) -> np.ndarray:
        """(len(rows), K): ``c_i,t(m_t) - c_i,t(p)``, per byte and scaled, of constraints (t, p)."""
        t = np.array([r[0] for r in rows], dtype=np.int64)
        p = np.array([r[1] for r in rows], dtype=np.int64)
        return (self.counts_at(self.merge_pair[t], t) - self.counts_at(p, t)) * self.weight[None, :]


def _strongest(prios: np.ndarray, limit: float, t: int, per_merge: int, seen) -> list[tuple[int, int]]:
    """Merge ``t``'s ``per_merge`` strongest competitors above ``limit`` not already held: the top
    few by partial sort, widened while held ones fill it (a late merge can have thousands)."""
    over = np.flatnonzero(prios > limit)
    k = per_merge
    while True:
        top = over if len(over) <= k else over[np.argpartition(-prios[over], k - 1)[:k]]
        top = top[np.argsort(-prios[top], kind="stable")]
        picked = [(t, p) for p in top.tolist() if (t, p) not in seen][:per_merge]
        if len(picked) == per_merge or len(top) == len(over):
            return picked
        k *= 2
