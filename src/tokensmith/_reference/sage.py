"""SaGe's greedy segmentation, its ablation and the ablation scores, written to be read (the
compiled kernel ``_core._top_down`` must agree)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..errors import OptionError


def greedy(piece: bytes, vocab: dict[bytes, int], max_len: int, start: int = 0,
           first_below: int | None = None) -> list[tuple[int, int, int]]:
    """``(id, start, width)`` of the longest-first segmentation of ``piece[start:]``.

    ``first_below`` caps the width of the first token (the ablation of a token of that width).

    >>> greedy(b"abc", {b"a": 0, b"b": 1, b"c": 2, b"ab": 3, b"abc": 4}, 3)
    [(4, 0, 3)]
    >>> greedy(b"abc", {b"a": 0, b"b": 1, b"c": 2, b"ab": 3, b"abc": 4}, 3, first_below=3)
    [(3, 0, 2), (2, 2, 1)]
    """
    out, i, n = [], start, len(piece)
    while i < n:
        longest = min(max_len, n - i)
        if first_below is not None and i == start:
            longest = min(longest, first_below - 1)
        for width in range(longest, 0, -1):
            tid = vocab.get(piece[i:i + width])
            if tid is not None:
                out.append((tid, i, width))
                i += width
                break
        else:
            raise OptionError(f"vocabulary cannot cover byte {piece[i]:#x}")  # bytes are always in
    return out


def ablate(piece: bytes, base: list[tuple[int, int, int]], k: int, vocab: dict[bytes, int],
           max_len: int) -> tuple[list[int], int]:
    """The ids replacing ``base[k:end]`` when token ``k`` is unavailable there, and ``end``.

    The new segmentation starts with a shorter token and continues greedily until it reaches a
    start of the original segmentation again (or the end of the piece).
    """
    tid, start, width = base[k]
    starts = {s: j for j, (_, s, _) in enumerate(base)}
    out, i, first = [], start, True
    n = len(piece)
    while i < n:
        longest = min(max_len, n - i, width - 1 if first else max_len)
        first = False
        for w in range(longest, 0, -1):
            t = vocab.get(piece[i:i + w])
            if t is not None:
                out.append(t)
                i += w
                break
        if i in starts and starts[i] > k:
            return out, starts[i]
    return out, len(base)


def log_sigmoid(x: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0, -x)


def _span_pairs(ids: list[int], lo: int, hi: int, window: int, straddling: bool = True):
    """(target, context) index pairs within ``window``, except those with both ends before ``lo``
    or both from ``hi`` on (they do not change). Pairs across the span (one end before ``lo``,
    the other from ``hi`` on) are kept when ``straddling``: their distance changes with the
    span's length. SaGe's official code leaves them out (``straddling=False``)."""
    for i in range(len(ids)):
        for j in range(max(0, i - window), min(len(ids), i + window + 1)):
            if j == i or (i < lo and j < lo) or (i >= hi and j >= hi):
                continue
            if straddling or lo <= i < hi or lo <= j < hi:
                yield i, j


def ablation_scores(lines: Sequence[list[bytes]], vocab: dict[bytes, int], max_len: int,
                    target_vecs: np.ndarray, context_vecs: np.ndarray, window: int,
                    straddling: bool = True) -> np.ndarray:
    """For each id, the change of the skip-gram log-likelihood when it is ablated (summed over its
    occurrences): ablated minus original. Near 0 or positive: the token is not needed.
    ``straddling``: see :func:`_span_pairs`."""
    scores = np.zeros(len(target_vecs))
    cur, tgt, ctx, sign = [], [], [], []

    def flush():
        if cur:
            ll = log_sigmoid(np.einsum("nd,nd->n", target_vecs[tgt], context_vecs[ctx]))
            np.add.at(scores, cur, np.asarray(sign) * ll)
            for lst in (cur, tgt, ctx, sign):
                lst.clear()

    for pieces in lines:
        segs = [greedy(p, vocab, max_len) for p in pieces]
        line = [t for seg in segs for t, _, _ in seg]
        offset = 0
        for piece, seg in zip(pieces, segs):
            for k, (tid, _, width) in enumerate(seg):
                if width == 1:
                    continue
                new, end = ablate(piece, seg, k, vocab, max_len)
                lo, hi = offset + k, offset + end
                left = line[max(0, lo - window):lo]
                right = line[hi:hi + window]
                for ids, s in ((left + line[lo:hi] + right, -1.0), (left + new + right, 1.0)):
                    a = len(left)
                    for i, j in _span_pairs(ids, a, len(ids) - len(right), window, straddling):
                        cur.append(tid)
                        tgt.append(ids[i])
                        ctx.append(ids[j])
                        sign.append(s)
            offset += len(seg)
        if len(cur) > 500_000:
            flush()
    flush()
    return scores
