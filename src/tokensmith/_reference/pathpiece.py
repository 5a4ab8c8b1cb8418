"""PathPiece's removal costs, written to be read (the compiled kernel ``_core._top_down`` must agree).

A piece's segmentation is the fewest-token path over its token lattice, with the tie-break of
PathPiece's official code (the longest token ending at each position, read from the end), as
``least_tokens`` of :mod:`tokensmith.segmenters.methods`. A token's removal cost is, summed over the distinct pieces whose shortest
path uses it, ``count * (shortest path without the token - shortest path)``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Sequence


def lattice(piece: bytes, token_id: dict[bytes, int], max_len: int) -> list[list[tuple[int, int]]]:
    """For each byte position, ``(length, id)`` of the tokens starting there, longest first."""
    n = len(piece)
    out = []
    for i in range(n):
        here = []
        for length in range(min(max_len, n - i), 0, -1):
            tid = token_id.get(piece[i:i + length])
            if tid is not None:
                here.append((length, tid))
        out.append(here)
    return out


def shortest_path(edges: list[list[tuple[int, int]]], banned: int = -1) -> tuple[int, list[int]]:
    """``(number of tokens, ids)`` of the fewest-token path, with PathPiece's official tie-break
    (the longest token ending at each position, read back from the end).

    ``banned`` is a token id the path may not use. Starts are visited left to right and only a
    strictly shorter path replaces, so the first start to reach an end with its fewest tokens
    (the longest token ending there) stays.

    >>> e = lattice(b"abcab", {b"a": 0, b"b": 1, b"c": 2, b"ab": 3, b"abc": 5, b"cab": 6}, 3)
    >>> shortest_path(e), shortest_path(e, banned=6)
    ((2, [3, 6]), (2, [5, 3]))
    """
    n = len(edges)
    best = [0] + [math.inf] * n           # best[j]: fewest tokens covering the first j bytes
    last = [None] * (n + 1)               # last[j]: (length, id) of the token ending at j
    for i in range(n):
        for length, tid in edges[i]:
            if tid != banned and best[i] + 1 < best[i + length]:
                best[i + length], last[i + length] = best[i] + 1, (length, tid)
    ids, j = [], n
    while j:
        length, tid = last[j]
        ids.append(tid)
        j -= length
    ids.reverse()
    return best[n], ids


def removal_costs(counts: dict[bytes, int], tokens: Sequence[bytes]) -> tuple[dict[int, int], dict[int, int], int]:
    """``(cost, uses, total tokens)``: for each token on a shortest path, how many more tokens the
    corpus needs without it, and how often it is used."""
    token_id = {t: i for i, t in enumerate(tokens)}
    max_len = max(map(len, tokens))
    cost: dict[int, int] = defaultdict(int)
    uses: dict[int, int] = defaultdict(int)
    total = 0
    for piece, count in counts.items():
        edges = lattice(piece, token_id, max_len)
        length, ids = shortest_path(edges)
        total += length * count
        for tid in set(ids):
            uses[tid] += count * ids.count(tid)
            if len(tokens[tid]) > 1:
                cost[tid] += count * (shortest_path(edges, banned=tid)[0] - length)
    return cost, uses, total
