"""The two initialisations every transplant is measured against (not methods one would choose).

* ``mean_init``: every new row the mean of the old matrix, shared tokens included — what a model
  knows about the new vocabulary when nothing is carried over (Hewitt, 2021).
* ``random_init``: every new row drawn from a normal distribution with the old rows' per-column
  mean and standard deviation (a model's own initialisation, at the trained scale), seeded.
"""

from __future__ import annotations

import numpy as np

from .context import TransplantContext


def mean_init(ctx: TransplantContext, matrix: np.ndarray) -> np.ndarray:
    mean = np.asarray(matrix, dtype=np.float64).mean(axis=0).astype(np.float32)
    return np.tile(mean, (ctx.new_vocab_size, 1))


def random_init(ctx: TransplantContext, matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64)
    rng = np.random.default_rng(ctx.seed)
    rows = rng.standard_normal((ctx.new_vocab_size, matrix.shape[1]))
    return (matrix.mean(axis=0) + rows * matrix.std(axis=0)).astype(np.float32)


BASELINES = {"mean init": mean_init, "random init": random_init}
