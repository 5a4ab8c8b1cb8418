"""Rényi efficiency of the unigram token distribution.

Zouhar et al., "Tokenization and the Noiseless Channel" (ACL 2023): with ``p`` the relative
frequency of each token in the encoded corpus and ``V`` the vocabulary,

    H_α(p) = 1/(1-α) · log Σ_v p(v)^α          (Rényi entropy of order α; α → 1 gives Shannon)
    efficiency_α = H_α(p) / log |V|

as published, with the paper's recommended α = 2.5. It is 1 when every token of the
vocabulary is used equally often and falls as a few very frequent tokens dominate (the paper
finds it predicts downstream quality better than compression alone). Entropies are in bits.

``|V|`` depends on ``normalize``:

* ``"vocabulary"`` (default): the tokens of the vocabulary that stand for text (control tokens
  excluded), used or not; a vocabulary the corpus leaves mostly unused scores low.
* ``"observed"``: the distinct tokens the corpus produced, which is what the authors' package
  ``tokenization-scorer`` (``score(..., metric="renyi", power=α)``) divides by, so the value
  equals its score. With one observed type the efficiency is 0 (there ``log |V|`` is 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import OptionError


NORMALIZATIONS = ("vocabulary", "observed")


@dataclass
class Renyi:
    alpha: float
    entropy_bits: float          # H_α
    shannon_bits: float          # H_1
    efficiency: float            # H_α / log2 |V|
    shannon_efficiency: float    # H_1 / log2 |V|
    vocab_size: int              # |V| (text entries, or observed types: see ``normalize``)
    normalize: str = "vocabulary"
    observed_types: int = 0      # distinct tokens the corpus produced


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


def renyi(counts: np.ndarray, vocab_size: int, alpha: float = 2.5,
          normalize: str = "vocabulary") -> Renyi:
    """Efficiency of the distribution proportional to ``counts`` (indexed by id); ``vocab_size``
    is the number of text entries, used when ``normalize="vocabulary"``."""
    if alpha < 0:
        raise ValueError("the Rényi order alpha must be >= 0")
    if normalize not in NORMALIZATIONS:
        raise OptionError(f"Rényi normalization must be one of {', '.join(NORMALIZATIONS)}, "
                          f"got {normalize!r}")
    observed = int(np.count_nonzero(np.asarray(counts)))
    size = vocab_size if normalize == "vocabulary" else observed
    h_alpha = renyi_entropy(counts, alpha)
    h_1 = renyi_entropy(counts, 1.0)
    log_v = math.log2(size) if size > 1 else 1.0
    return Renyi(alpha, h_alpha, h_1, h_alpha / log_v, h_1 / log_v, size, normalize, observed)
