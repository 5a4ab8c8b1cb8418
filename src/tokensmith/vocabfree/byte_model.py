"""A byte n-gram language model in numpy: the default predictor of byte patching and of
equal-information windows.

Each byte is predicted from the ``order - 1`` bytes before it; a document's first bytes see a
start-of-document symbol (256, never a byte) in place of the missing context, so the model knows
where a text (a line, a window) starts. Probabilities are interpolated Witten-Bell estimates from
the empty context up to the longest one seen in training, starting from the uniform 1/256:

    p_k(y) = (c(ctx_k, y) + t(ctx_k) * p_{k-1}(y)) / (n(ctx_k) + t(ctx_k))

(``c``: count of ``y`` after the context, ``n``: its total, ``t``: its number of distinct next
bytes), the smoothing of :class:`tokensmith.trainers.bytespan.NgramByteLM`, computed here for all 256
bytes and all positions at once. Training is deterministic; ``seed`` only chooses which texts
are kept when ``max_bytes`` caps the training data.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from ..errors import InputError, OptionError

START = 256        # the symbol standing for "before the start of the document"
_BASE = 257        # digits of a context code: the 256 bytes and START
MAX_ORDER = 7      # 257**6 * 256 still fits in int64
_CHUNK = 4096      # positions per block when building (positions x 256) arrays


@dataclass
class _Level:
    """Counts of one context length: contexts (sorted codes) and their next-byte counts (CSR)."""
    contexts: np.ndarray   # int64 codes, sorted
    starts: np.ndarray     # offset of each context's first (next byte, count) entry
    types: np.ndarray      # distinct next bytes per context
    totals: np.ndarray     # total count per context
    next_bytes: np.ndarray  # int64, grouped by context
    counts: np.ndarray     # float64


def _context_codes(padded: np.ndarray, positions: np.ndarray, order: int) -> list[np.ndarray]:
    """Code of the context of length k (k = 0..order-1) of each position: base-257 digits of
    the k preceding symbols, nearest first."""
    codes = [np.zeros(len(positions), dtype=np.int64)]
    for k in range(1, order):
        codes.append(codes[-1] * _BASE + padded[positions - k])
    return codes


class ByteNgramModel:
    """Interpolated (Witten-Bell) byte n-gram model. ``distributions(data)`` gives, for each byte
    of ``data``, the probability of every byte value there given the bytes before it."""

    def __init__(self, levels: list[_Level], order: int):
        self.order = order
        self._levels = levels

    # -- training ---------------------------------------------------------------------------
    @classmethod
    def train(cls, texts: Iterable[str | bytes], order: int = 4, *, max_bytes: int | None = None,
              seed: int = 0) -> "ByteNgramModel":
        """Train on ``texts`` (each one a document: its first byte is predicted from the start).
        With ``max_bytes``, a seeded random subset of the texts of about that size is used."""
        docs = [t.encode("utf-8") if isinstance(t, str) else bytes(t) for t in texts]
        if max_bytes is not None and sum(map(len, docs)) > max_bytes:
            order_of_use = list(range(len(docs)))
            random.Random(seed).shuffle(order_of_use)
            kept, size = [], 0
            for i in order_of_use:
                if size >= max_bytes:
                    break
                kept.append(i)
                size += len(docs[i])
            docs = [docs[i] for i in sorted(kept)]
        return cls.from_counts({d: 1 for d in docs} if len(set(docs)) == len(docs)
                               else _count(docs), order)

    @classmethod
    def from_counts(cls, counts: Mapping[bytes, int], order: int = 4) -> "ByteNgramModel":
        """Train on ``{document: how many times it occurs}`` (e.g. pre-token counts)."""
        if not isinstance(order, int) or not 1 <= order <= MAX_ORDER:
            raise OptionError(f"the n-gram order must be an integer from 1 to {MAX_ORDER}, got {order!r}")
        docs = [d for d in counts if d]
        if not docs:
            raise InputError("no text to train the byte model on")
        pad = order - 1
        lengths = np.array([len(d) + pad for d in docs], dtype=np.int64)
        padded = np.full(int(lengths.sum()), START, dtype=np.int64)
        ends = np.cumsum(lengths)
        targets = np.ones(len(padded), dtype=bool)
        weights = np.empty(len(padded), dtype=np.float64)
        for doc, end, length in zip(docs, ends, lengths):
            start = end - length
            padded[start + pad:end] = np.frombuffer(doc, dtype=np.uint8)
            targets[start:start + pad] = False
            weights[start:end] = counts[doc]
        positions = np.flatnonzero(targets)
        following = padded[positions]
        weights = weights[positions]
        levels = []
        for codes in _context_codes(padded, positions, order):
            pairs, inverse = np.unique(codes * 256 + following, return_inverse=True)
            pair_counts = np.bincount(inverse, weights=weights)
            contexts, starts, types = np.unique(pairs // 256, return_index=True, return_counts=True)
            levels.append(_Level(contexts, starts, types, np.add.reduceat(pair_counts, starts),
                                 pairs % 256, pair_counts))
        return cls(levels, order)

    # -- prediction -------------------------------------------------------------------------
    def distributions(self, data: bytes) -> np.ndarray:
        """``(len(data), 256)`` array: row ``i`` is p(byte ``i`` = v | bytes before ``i``)."""
        out = np.empty((len(data), 256), dtype=np.float64)
        for lo, block in self._blocks(data):
            out[lo:lo + len(block)] = block
        return out

    def _blocks(self, data: bytes):
        """``(first position, distributions)`` of successive blocks of ``data``."""
        data = bytes(data)
        pad = self.order - 1
        padded = np.concatenate([np.full(pad, START, dtype=np.int64),
                                 np.frombuffer(data, dtype=np.uint8).astype(np.int64)])
        for lo in range(0, len(data), _CHUNK):
            yield lo, self._block(padded, np.arange(lo, min(lo + _CHUNK, len(data))) + pad)

    def _block(self, padded: np.ndarray, positions: np.ndarray) -> np.ndarray:
        p = np.full((len(positions), 256), 1.0 / 256)
        for level, codes in zip(self._levels, _context_codes(padded, positions, self.order)):
            index = np.searchsorted(level.contexts, codes)
            index[index == len(level.contexts)] = 0
            seen = np.flatnonzero(level.contexts[index] == codes)
            if not len(seen):
                break  # a longer context is never seen where its suffix was not
            ctx = index[seen]
            types, totals = level.types[ctx], level.totals[ctx]
            # p_k = counts / (n + t) + t / (n + t) * p_{k-1}; unseen contexts keep p_{k-1}
            keep = np.ones(len(positions))
            keep[seen] = types / (totals + types)
            p *= keep[:, None]
            rows = np.repeat(seen, types)
            entries = np.repeat(level.starts[ctx] - np.cumsum(types) + types, types) + np.arange(types.sum())
            p[rows, level.next_bytes[entries]] += level.counts[entries] / np.repeat(totals + types, types)
        return p

    def unigram(self) -> np.ndarray:
        """The context-free distribution (the empty context's estimate), shape (256,)."""
        level = self._levels[0]
        p = np.full(256, 1.0 / 256)
        types, total = level.types[0], level.totals[0]
        p *= types / (total + types)
        p[level.next_bytes] += level.counts / (total + types)
        return p

    def entropies(self, data: bytes, base: float = math.e) -> np.ndarray:
        """Entropy of the next-byte distribution at each byte, H(x_i | x_<i) (nats by default,
        as BLT measures it)."""
        out = np.empty(len(data))
        for lo, p in self._blocks(data):
            out[lo:lo + len(p)] = -(p * np.log(p)).sum(axis=1)
        return out / math.log(base)

    def surprisal(self, data: bytes) -> np.ndarray:
        """-log2 p(byte i | bytes before i) of each byte, in bits."""
        data = bytes(data)
        actual = np.frombuffer(data, dtype=np.uint8)
        out = np.empty(len(data))
        for lo, p in self._blocks(data):
            out[lo:lo + len(p)] = p[np.arange(len(p)), actual[lo:lo + len(p)]]
        return -np.log2(out)

    def __call__(self, piece: bytes) -> list[float]:
        """Per-byte surprisal in bits: the predictor protocol of ByteSpan training."""
        return self.surprisal(piece).tolist()


def _count(docs: Sequence[bytes]) -> dict[bytes, int]:
    counts: dict[bytes, int] = {}
    for d in docs:
        counts[d] = counts.get(d, 0) + 1
    return counts
