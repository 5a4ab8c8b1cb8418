"""Rényi efficiency of the unigram token distribution.

Zouhar et al., "Tokenization and the Noiseless Channel" (ACL 2023): with ``p`` the relative
frequency of each token in the encoded corpus and ``V`` the vocabulary,

    H_α(p) = 1/(1-α) · log Σ_v p(v)^α          (Rényi entropy of order α; α → 1 gives Shannon)
    efficiency_α = H_α(p) / log |V|

as published, with the paper's recommended α = 2.5. It is 1 when every token of the
vocabulary is used equally often and falls as a few very frequent tokens dominate (the paper
finds it predicts downstream quality better than compression alone). ``|V|`` counts the tokens
that stand for text (control tokens excluded). Entropies are reported in bits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass
class Renyi:
    alpha: float
    entropy_bits: float          # H_α
    shannon_bits: float          # H_1
    efficiency: float            # H_α / log2 |V|
    shannon_efficiency: float    # H_1 / log2 |V|
    vocab_size: int


def renyi_entropy(counts: np.ndarray, alpha: float) -> float:
    """H_α in bits of the distribution proportional to ``counts``."""
    counts = np.asarray(counts, dtype=np.float64)
    p = counts[counts > 0] / counts.sum()
    if p.size == 0:
        return 0.0
    if math.isclose(alpha, 1.0):
        return float(-(p * np.log2(p)).sum())
    if math.isinf(alpha):
        return float(-np.log2(p.max()))
    return float(np.log2(np.power(p, alpha).sum()) / (1.0 - alpha))


def renyi(counts: np.ndarray, vocab_size: int, alpha: float = 2.5) -> Renyi:
    if alpha < 0:
        raise ValueError("the Rényi order alpha must be >= 0")
    h_alpha = renyi_entropy(counts, alpha)
    h_1 = renyi_entropy(counts, 1.0)
    log_v = math.log2(vocab_size) if vocab_size > 1 else 1.0
    return Renyi(alpha, h_alpha, h_1, h_alpha / log_v, h_1 / log_v, vocab_size)
