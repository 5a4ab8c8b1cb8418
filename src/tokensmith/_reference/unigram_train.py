"""Readable twin of the compiled Unigram training kernel (``_core/_unigram_train.cpp``).

Same methods, same results (up to floating-point rounding); slow, for small corpora and tests.

* ``seed``: every substring of 2+ characters of a segment that is a valid piece and *branches on
  the right* (followed by two different characters, the end of a segment counting as one, or of
  the maximum length and seen twice) — the internal nodes of the suffix tree of the segments —
  scored ``frequency × length``, best first, ties by string.
* ``estep``: forward-backward over each segment's lattice in log space.
* ``prune_stats``: Viterbi counts over the corpus, and each piece's best segmentation without
  itself. Viterbi ties go to the edge met first (lower start, then shorter piece).
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

SPACE = "\u2581"
INHERITED = -1
ANY = -2
MAX_SEGMENT = 8192
NEG_INF = float("-inf")


class ReferenceEngine:
    def __init__(self, words: list[str], freqs: list[float], scripts: dict[int, int],
                 max_piece_length: int, threads: int = 1):
        if len(words) != len(freqs):
            raise ValueError("words and freqs differ in length")
        self.max_len = max_piece_length
        self.segments: list[str] = []
        self.freqs: list[float] = []
        for w, f in zip(words, freqs):
            for b in range(0, len(w), MAX_SEGMENT):
                self.segments.append(w[b:b + MAX_SEGMENT])
                self.freqs.append(float(f))
        self.scripts = scripts
        self.pieces: list[str] = []
        self.ids: dict[str, int] = {}

    @property
    def num_segments(self) -> int:
        return len(self.segments)

    @property
    def num_pieces(self) -> int:
        return len(self.pieces)

    # -- seed -------------------------------------------------------------------------------------
    def valid_length(self, seg: str, i: int) -> int:
        """Longest valid piece at ``seg[i:]``: ≤ max length, ``▁`` only first, one script."""
        prev, n = ANY, 0
        for ch in seg[i:i + self.max_len]:
            if ch == SPACE:
                if n > 0:
                    break
                n += 1
                continue
            sc = self.scripts.get(ord(ch), 0)
            if sc == INHERITED:
                sc = prev
            if sc != ANY and prev != ANY and sc != prev:
                break
            prev = sc
            n += 1
        return n

    def seed(self, seed_size: int):
        freq: dict[str, float] = defaultdict(float)
        positions: dict[str, int] = defaultdict(int)
        followers: dict[str, set] = defaultdict(set)
        valid: set[str] = set()
        for seg, f in zip(self.segments, self.freqs):
            for i in range(len(seg)):
                vlen = self.valid_length(seg, i)
                for j in range(i + 1, min(len(seg), i + self.max_len) + 1):
                    s = seg[i:j]
                    freq[s] += f
                    positions[s] += 1
                    followers[s].add(seg[j] if j < len(seg) else None)
                    if j - i <= vlen:
                        valid.add(s)
        cands = []
        for s in valid:
            if len(s) < 2:
                continue
            branches = len(followers[s]) >= 2 or (len(s) == self.max_len and positions[s] >= 2)
            if branches:
                cands.append((-freq[s] * len(s), s))
        cands.sort()
        cands = cands[:seed_size]
        self.last_seed = [s for _, s in cands]
        return [s for _, s in cands], np.array([-v for v, _ in cands], dtype=np.float64)

    # -- vocabulary ---------------------------------------------------------------------------------
    def set_pieces(self, pieces: list[str]) -> None:
        for p in pieces:
            if not 1 <= len(p) <= self.max_len:
                raise ValueError("piece length must be in 1..max_piece_length")
        self.pieces = list(pieces)
        self.ids = {p: i for i, p in enumerate(self.pieces)}
        if len(self.ids) != len(self.pieces):
            raise ValueError("duplicate piece")

    def set_seed_pieces(self, chars: list[str]) -> None:
        """``chars`` followed by the substrings of the last :meth:`seed`."""
        self.set_pieces(list(chars) + self.last_seed)

    def retain(self, keep: list[int]) -> None:
        self.set_pieces([self.pieces[i] for i in keep])

    def lattice(self, seg: str) -> list[tuple[int, int, int]]:
        """Edges ``(start, end, piece id)`` of a segment, ordered by start then end."""
        edges = []
        for i in range(len(seg)):
            for j in range(i + 1, min(len(seg), i + self.max_len) + 1):
                pid = self.ids.get(seg[i:j])
                if pid is not None:
                    edges.append((i, j, pid))
        return edges

    # -- EM -----------------------------------------------------------------------------------------
    def estep(self, logp):
        logp = np.asarray(logp, dtype=np.float64)
        expected = np.zeros(len(self.pieces))
        loglik, uncovered = 0.0, 0
        for seg, f in zip(self.segments, self.freqs):
            edges = self.lattice(seg)
            n = len(seg)
            alpha = [NEG_INF] * (n + 1)
            beta = [NEG_INF] * (n + 1)
            alpha[0] = beta[n] = 0.0
            for i, j, p in edges:
                alpha[j] = _log_add(alpha[j], alpha[i] + logp[p])
            if alpha[n] == NEG_INF:
                uncovered += 1
                continue
            for i, j, p in reversed(edges):
                beta[i] = _log_add(beta[i], logp[p] + beta[j])
            for i, j, p in edges:
                expected[p] += f * math.exp(alpha[i] + logp[p] + beta[j] - alpha[n])
            loglik += f * alpha[n]
        return expected, loglik, uncovered

    # -- pruning --------------------------------------------------------------------------------------
    def viterbi(self, seg: str, logp, skip: int = -1) -> tuple[float, list[int]] | None:
        n = len(seg)
        best = [NEG_INF] * (n + 1)
        back: list[tuple[int, int] | None] = [None] * (n + 1)
        best[0] = 0.0
        for i, j, p in self.lattice(seg):
            if p == skip and i == 0 and j == n:
                continue
            v = best[i] + logp[p]
            if v > best[j]:
                best[j], back[j] = v, (i, p)
        if best[n] == NEG_INF:
            return None
        path, at = [], n
        while at > 0:
            i, p = back[at]
            path.append(p)
            at = i
        return best[n], path[::-1]

    def prune_stats(self, logp):
        logp = np.asarray(logp, dtype=np.float64)
        n = len(self.pieces)
        freq = np.zeros(n)
        for seg, f in zip(self.segments, self.freqs):
            found = self.viterbi(seg, logp)
            if found is not None:
                for p in found[1]:
                    freq[p] += f
        status = np.zeros(n, dtype=np.int8)
        alts: list[list[int]] = [[] for _ in range(n)]
        occurs = self.occurring_pieces()
        for p, piece in enumerate(self.pieces):
            if piece not in occurs:
                continue
            found = self.viterbi(piece, logp, skip=p)
            if found is None:
                continue
            if found[0] > logp[p]:
                status[p] = 1
            else:
                status[p] = 2
                alts[p] = found[1]
        offsets = np.cumsum([0] + [len(a) for a in alts]).astype(np.int64)
        flat = np.array([x for a in alts for x in a], dtype=np.int32)
        return freq, status, offsets, flat

    def occurring_pieces(self) -> set[str]:
        return {self.pieces[p] for seg in self.segments for _, _, p in self.lattice(seg)}


def _log_add(a: float, b: float) -> float:
    if a < b:
        a, b = b, a
    if b == NEG_INF:
        return a
    return a + math.log1p(math.exp(b - a))
