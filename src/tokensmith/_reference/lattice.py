"""Readable twin of the compiled Unigram lattice (``_core/_lattice.cpp``); tests compare the two.

A *lattice* over a UTF-8 string has one edge per vocabulary piece that occurs at a character
boundary: ``edges[start] = [(end, id, score), ...]`` (byte offsets). Where no single-character
piece starts at a position, an *unknown* edge covers that one character with ``unk_score``, as
SentencePiece does, so every string has at least one path when ``unk_id`` is not None.

* :func:`viterbi` — the path of highest total score. Ties: for each end position the first
  candidate found wins, scanning start positions left to right and, at one start, pieces from
  shortest to longest (SentencePiece's and HF's order, so ids match them on exact ties). Sums
  are float64, as HF ``tokenizers`` keeps them; ``float32=True`` keeps SentencePiece's
  arithmetic instead (see :func:`viterbi`), which decides its near-ties differently.
* :func:`nbest` — the ``n`` best paths (k-best dynamic programming, exact).
* :func:`sample` — one path drawn with probability ``exp(alpha * score(path)) / Z`` by forward
  filtering, backward sampling over the whole lattice (Kudo 2018, "Subword Regularization").
* :func:`all_paths` — every path, for brute-force tests on small lattices.
"""

from __future__ import annotations

import math
import random
import struct
from typing import Mapping

Edge = tuple[int, int, float]  # (end, id, score)


def char_length(first_byte: int) -> int:
    """Length of the UTF-8 character starting with ``first_byte`` (1 for a stray byte)."""
    if first_byte < 0xC0:
        return 1
    if first_byte < 0xE0:
        return 2
    if first_byte < 0xF0:
        return 3
    return 4


def build(text: bytes, vocab: Mapping[bytes, int], scores, max_len: int,
          unk_id: int | None, unk_score: float) -> list[list[Edge]]:
    """``edges[start]`` for every character boundary of ``text`` (empty lists elsewhere)."""
    n = len(text)
    edges: list[list[Edge]] = [[] for _ in range(n + 1)]
    start = 0
    while start < n:
        step = min(char_length(text[start]), n - start)
        found_single = False
        for end in range(start + 1, min(n, start + max_len) + 1):
            piece_id = vocab.get(text[start:end])
            if piece_id is not None:
                edges[start].append((end, piece_id, scores[piece_id]))
                found_single |= end == start + step
        if not found_single and unk_id is not None:
            edges[start].append((start + step, unk_id, unk_score))
        start += step
    return edges


def f32(x: float) -> float:
    """``x`` rounded to the nearest float32."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def viterbi(edges: list[list[Edge]], float32: bool = False) -> list[int] | None:
    """Ids of the best path, or None if the string cannot be covered.

    ``float32=True`` sums as SentencePiece does: every partial score is rounded to float32
    (the edges' scores are float32 values, as a ``.model`` file stores them).
    """
    n = len(edges) - 1
    best = [-math.inf] * (n + 1)
    back: list[tuple[int, int] | None] = [None] * (n + 1)
    best[0] = 0.0
    for start in range(n):
        if best[start] == -math.inf:
            continue
        for end, piece_id, score in edges[start]:
            candidate = f32(best[start] + score) if float32 else best[start] + score
            if back[end] is None or candidate > best[end]:
                best[end] = candidate
                back[end] = (start, piece_id)
    if n > 0 and back[n] is None:
        return None
    ids = []
    pos = n
    while pos > 0:
        start, piece_id = back[pos]
        ids.append(piece_id)
        pos = start
    return ids[::-1]


def nbest(edges: list[list[Edge]], n_best: int) -> list[tuple[list[int], float]]:
    """Up to ``n_best`` distinct paths ``(ids, score)``, best first (equal scores: earlier found first)."""
    n = len(edges) - 1
    if n == 0:
        return [([], 0.0)]
    # tops[pos]: best partial paths ending at pos, as (score, ids); kept to n_best entries.
    tops: list[list[tuple[float, tuple[int, ...]]]] = [[] for _ in range(n + 1)]
    tops[0] = [(0.0, ())]
    for start in range(n):
        for score_so_far, ids in tops[start]:
            for end, piece_id, score in edges[start]:
                tops[end].append((score_so_far + score, ids + (piece_id,)))
        if start + 1 <= n:
            # Stable sort keeps discovery order among equal scores.
            tops[start + 1] = sorted(tops[start + 1], key=lambda t: -t[0])[:n_best]
    return [(list(ids), score) for score, ids in tops[n]]


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    if top == -math.inf:
        return top
    return top + math.log(sum(math.exp(v - top) for v in values))


def forward(edges: list[list[Edge]], alpha: float) -> list[float]:
    """``log_z[pos]``: log of the summed ``exp(alpha * score)`` of all paths from 0 to pos."""
    n = len(edges) - 1
    incoming: list[list[float]] = [[] for _ in range(n + 1)]
    log_z = [-math.inf] * (n + 1)
    log_z[0] = 0.0
    for start in range(n + 1):
        if start > 0 and incoming[start]:
            log_z[start] = _logsumexp(incoming[start])
        if log_z[start] == -math.inf:
            continue
        for end, _piece_id, score in edges[start]:
            incoming[end].append(log_z[start] + alpha * score)
    return log_z


def sample(edges: list[list[Edge]], alpha: float, rng: random.Random) -> list[int] | None:
    """One path drawn with probability proportional to ``exp(alpha * total score)``."""
    n = len(edges) - 1
    log_z = forward(edges, alpha)
    if n > 0 and log_z[n] == -math.inf:
        return None
    into: list[list[tuple[int, int, float]]] = [[] for _ in range(n + 1)]
    for start in range(n):
        for end, piece_id, score in edges[start]:
            into[end].append((start, piece_id, score))
    ids = []
    pos = n
    while pos > 0:
        weights = [math.exp(log_z[s] + alpha * sc - log_z[pos]) for s, _i, sc in into[pos]]
        r = rng.random() * sum(weights)
        chosen = len(weights) - 1
        for k, w in enumerate(weights):
            r -= w
            if r < 0:
                chosen = k
                break
        start, piece_id, _score = into[pos][chosen]
        ids.append(piece_id)
        pos = start
    return ids[::-1]


def all_paths(edges: list[list[Edge]]) -> list[tuple[list[int], float]]:
    """Every path through the lattice with its score (exponential: small inputs only)."""
    n = len(edges) - 1
    out = []

    def walk(pos, ids, total):
        if pos == n:
            out.append((list(ids), total))
            return
        for end, piece_id, score in edges[pos]:
            ids.append(piece_id)
            walk(end, ids, total + score)
            ids.pop()

    walk(0, [], 0.0)
    return out
