"""The token trie, flattened: token surfaces sorted by their bytes.

In the sorted list the tokens that start with a byte string ``p`` are one contiguous run, so a
trie node is a range ``[lo, hi)`` plus its depth ``len(p)``; the token spelled exactly ``p`` (if
any) is first in its run. Going down one byte is a binary search in one column (the byte at that
depth, -1 past a token's end, which keeps each node's column sorted). A node's subtree mass under
a next-token distribution is a sum over a slice, and the masses of all its children one
``bincount`` over the same slice: no per-token Python loop anywhere.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np


class Node(NamedTuple):
    lo: int
    hi: int
    depth: int


class TokenTrie:
    def __init__(self, surfaces: Sequence[bytes | None]):
        """``surfaces[i]``: the bytes of id ``i`` (``None`` or empty: not in the trie)."""
        ids = [i for i, s in enumerate(surfaces) if s]
        ids.sort(key=lambda i: surfaces[i])
        self.ids = np.asarray(ids, dtype=np.int64)            # sorted position -> id
        self.words = [surfaces[i] for i in ids]               # sorted position -> bytes
        self.lengths = np.fromiter((len(w) for w in self.words), dtype=np.int64, count=len(ids))
        self.max_length = int(self.lengths.max(initial=0))
        self.root = Node(0, len(ids), 0)
        self._columns: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.words)

    def column(self, depth: int) -> np.ndarray:
        """The byte at ``depth`` of every sorted token, -1 where the token is shorter."""
        col = self._columns.get(depth)
        if col is None:
            col = np.full(len(self.words), -1, dtype=np.int16)
            long = np.flatnonzero(self.lengths > depth)
            col[long] = [self.words[k][depth] for k in long]
            self._columns[depth] = col
        return col

    def child(self, node: Node, byte: int) -> Node | None:
        """The node one byte below ``node``, or None when no token continues that way."""
        lo, hi, depth = node
        if lo >= hi:
            return None
        segment = self.column(depth)[lo:hi]
        a = int(np.searchsorted(segment, byte, "left"))
        z = int(np.searchsorted(segment, byte, "right"))
        return Node(lo + a, lo + z, depth + 1) if z > a else None

    def walk(self, data: bytes, node: Node | None = None) -> Node | None:
        node = node or self.root
        for byte in data:
            node = self.child(node, byte)
            if node is None:
                return None
        return node

    def exact(self, node: Node) -> int:
        """The id spelled exactly by the node's path, or -1."""
        lo, hi, depth = node
        return int(self.ids[lo]) if hi > lo and self.lengths[lo] == depth else -1

    def prefixes_of(self, data: bytes) -> list[int]:
        """Ids whose bytes are a (non-empty) prefix of ``data``, shortest first."""
        out, node = [], self.root
        for byte in data:
            node = self.child(node, byte)
            if node is None:
                break
            token = self.exact(node)
            if token >= 0:
                out.append(token)
        return out

    def consistent_mask(self, data: bytes, size: int) -> np.ndarray:
        """Ids (a mask of ``size``) whose bytes agree with ``data`` as far as both go: a prefix of
        it, or starting with it: the tokens that can spell the start of ``data``."""
        mask = np.zeros(size, dtype=bool)
        mask[self.prefixes_of(data)] = True
        node = self.walk(data)
        if node is not None:
            mask[self.ids[node.lo:node.hi]] = True
        return mask
