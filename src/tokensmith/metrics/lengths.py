"""Token-length distribution, in UTF-8 bytes of the token's surface.

``vocab``: over the entries of the vocabulary (each counted once); ``usage``: over the tokens of
the encoded corpus (each occurrence counted). Bin ``k`` holds lengths ``k`` for ``k < MAX_BIN``;
the last bin holds ``MAX_BIN`` and longer. Control tokens (no surface) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .vocab_table import VocabTable

MAX_BIN = 16


@dataclass
class LengthDistribution:
    bins: list[str]             # "1", "2", ..., "16+"
    vocab_share: list[float]
    usage_share: list[float]
    vocab_mean: float
    usage_mean: float


def _histogram(lengths: np.ndarray, weights: np.ndarray) -> list[float]:
    binned = np.clip(lengths, 1, MAX_BIN) - 1
    hist = np.bincount(binned, weights=weights, minlength=MAX_BIN)
    total = hist.sum()
    return (hist / total).tolist() if total else hist.tolist()


def length_distribution(tokenizer, counts: np.ndarray | None = None) -> LengthDistribution:
    table = VocabTable.of(tokenizer)
    ids = table.text_ids
    lengths = table.byte_len[ids]
    vocab = _histogram(lengths, np.ones(len(ids)))
    usage, usage_mean = [0.0] * MAX_BIN, 0.0
    if counts is not None:
        weights = np.zeros(len(ids))
        inside = ids < counts.size
        weights[inside] = counts[ids[inside]]
        usage = _histogram(lengths, weights)
        usage_mean = float((lengths * weights).sum() / weights.sum()) if weights.sum() else 0.0
    bins = [str(k) for k in range(1, MAX_BIN)] + [f"{MAX_BIN}+"]
    return LengthDistribution(bins, vocab, usage, float(lengths.mean()) if len(ids) else 0.0, usage_mean)
