"""PathPiece's removal costs, written to be read (the compiled kernel ``_core._top_down`` must agree).

A piece's segmentation is the fewest-token path over its token lattice, longest first token on
ties (PathPieceL). A token's removal cost is, summed over the distinct pieces whose shortest
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
    """``(number of tokens, ids)`` of the fewest-token path, longest-first tie-break.

    ``banned`` is a token id the path may not use.

    >>> e = lattice(b"abcab", {b"a": 0, b"b": 1, b"c": 2, b"ab": 3, b"abc": 5, b"cab": 6}, 3)
    >>> shortest_path(e), shortest_path(e, banned=5)
    ((2, [5, 3]), (2, [3, 6]))
    """
    n = len(edges)
    best = [math.inf] * (n + 1)
    pick = [None] * (n + 1)
    best[n] = 0
    for i in range(n - 1, -1, -1):
        for length, tid in edges[i]:
            if tid != banned and best[i + length] + 1 < best[i]:
                best[i], pick[i] = best[i + length] + 1, (length, tid)
    ids, i = [], 0
    while i < n:
        length, tid = pick[i]
        ids.append(tid)
        i += length
    return best[0], ids


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
