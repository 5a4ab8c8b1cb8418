"""Byte-pair merging of one piece and tiktoken's merge table, written to be read (the compiled
``_core/_bpe.cpp`` must agree with them), and the token bytes a byte-level merge list defines.

>>> table = {(97, 98): (0, 256), (256, 99): (1, 257)}   # a+b -> 256, ab+c -> 257
>>> merge_piece([97, 98, 99, 97, 98], table)
[257, 256]
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


def merge_piece(ids: list[int], table: dict[tuple[int, int], tuple[int, int]]) -> list[int]:
    """Repeatedly merge the adjacent pair of lowest rank (leftmost on ties).

    ``table`` maps ``(left_id, right_id)`` to ``(rank, merged_id)``.
    """
    ids = list(ids)
    while len(ids) > 1:
        best = None
        for i in range(len(ids) - 1):
            hit = table.get((ids[i], ids[i + 1]))
            if hit is not None and (best is None or hit[0] < best[0]):
                best = (hit[0], i, hit[1])
        if best is None:
            break
        _, i, merged = best
        ids[i : i + 2] = [merged]
    return ids


def merge_token_bytes(merges: Sequence[tuple[int, int]]) -> list[bytes]:
    """Bytes of every id of a byte-level merge list: ids 0..255 are the bytes, merge ``k`` of
    ``(left_id, right_id)`` makes id ``256 + k``, the two tokens' bytes joined.

    >>> merge_token_bytes([(97, 98), (256, 99)])[256:]
    [b'ab', b'abc']
    """
    tokens = [bytes([b]) for b in range(256)]
    for a, b in merges:
        tokens.append(tokens[a] + tokens[b])
    return tokens


def tiktoken_merge_table(tokens: Sequence[bytes]) -> np.ndarray:
    """tiktoken semantics as a merge table: every split of a token into two tokens, rows
    ``(left, right, rank, merged)`` with rank = merged = the token's id, sorted by (rank, left, right)."""
    rows = []
    tid = {t: i for i, t in enumerate(tokens)}
    # Both halves of a split are tokens, so only cuts at token lengths are tried: the work
    # per token is bounded by the number of distinct lengths, not quadratic in its length.
    lengths = sorted({len(t) for t in tokens})
    for merged, tok in enumerate(tokens):
        n = len(tok)
        for k in lengths:
            if k >= n:
                break
            a = tid.get(tok[:k])
            b = None if a is None else tid.get(tok[k:])
            if a is not None and b is not None:
                rows.append((a, b, merged, merged))
    table = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return table[np.lexsort((table[:, 1], table[:, 0], table[:, 2]))]
