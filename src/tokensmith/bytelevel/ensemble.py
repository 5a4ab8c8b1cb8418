"""Byte-level ensembles: models with different tokenizers predicting the same bytes.

As published (Phan et al. 2024, "model ensembles"): once each model is a distribution over bytes
(:class:`~.core.ByteLevel`), models with different vocabularies combine byte by byte.

``mode="product"``
    ``q(b | x) ∝ prod_i p_i(b | x) ** w_i`` (a product of experts, renormalised at each byte; the
    paper's ensembling of next-byte distributions, with weights).
``mode="mixture"``
    the mixture of the models as distributions over texts, ``P(x) = sum_i w_i P_i(x)``: the next
    byte mixes ``p_i(b | x)`` with posterior weights ``w_i P_i(x) / P(x)`` (with fixed weights
    at every byte instead, the product of the steps would not be ``P(x)``).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..errors import OptionError
from .core import generate_bytes


class ByteEnsemble:
    def __init__(self, models: Sequence, weights: Sequence[float] | None = None, mode: str = "mixture"):
        if mode not in ("mixture", "product"):
            raise OptionError(f"ensemble mode must be 'mixture' or 'product', not {mode!r}")
        if not models:
            raise OptionError("an ensemble needs at least one model")
        weights = np.full(len(models), 1.0 / len(models)) if weights is None else np.asarray(weights, float)
        if weights.shape != (len(models),) or (weights < 0).any() or weights.sum() <= 0:
            raise OptionError(f"one non-negative weight per model is needed, got {list(weights)}")
        self.models, self.mode = list(models), mode
        self.weights = weights / weights.sum() if mode == "mixture" else weights

    def next_byte_logprobs(self, prefix: bytes) -> np.ndarray:
        logs = np.stack([m.next_byte_logprobs(prefix) for m in self.models])
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.mode == "product":
                combined = np.where(self.weights[:, None] > 0, self.weights[:, None] * logs, 0.0).sum(0)
            else:
                prior = np.log(self.weights) + np.array([m.prefix_logprob(prefix) for m in self.models])
                posterior = prior - np.logaddexp.reduce(prior)
                combined = np.logaddexp.reduce(posterior[:, None] + logs, axis=0)
        return combined - np.logaddexp.reduce(combined)

    def prefix_logprob(self, prefix: bytes) -> float:
        if self.mode == "mixture":
            with np.errstate(divide="ignore"):
                return float(np.logaddexp.reduce(np.log(self.weights) + np.array(
                    [m.prefix_logprob(prefix) for m in self.models])))
        return float(sum(self.next_byte_logprobs(prefix[:k])[prefix[k]] for k in range(len(prefix))))

    def generate(self, prefix: bytes = b"", max_bytes: int = 64, **options) -> bytes:
        return generate_bytes(self.next_byte_logprobs, bytes(prefix), max_bytes, **options)
