"""``fvt``: Fast Vocabulary Transfer — each new token the mean of its old pieces' rows.

Gee, Zugarini, Rigutini & Torroni, "Fast Vocabulary Transfer for Language Model Compression"
(EMNLP 2022 industry track), the initialisation also used by Dagan, Synnaeve & Rozière, "Getting
the most out of your tokenizer for pre-training and domain adaptation" (ICML 2024): a token both
vocabularies hold keeps its row; any other new token is segmented by the old tokenizer and gets
the mean of those tokens' rows.

As published: shared rows copied, the mean of the old tokenizer's pieces otherwise, applied alike
to the input embeddings and an untied output head.

Adapted: the published code strips the new token's marker (``##``, ``Ġ``, ``▁``) and segments the
bare string, so a continuation like ``##ing`` is spelled with the old word-initial ``ing``. Here
the old segmentation keeps the token's word position (:mod:`tokensmith.transplant.decompose`):
``ing`` as a continuation becomes ``##ing`` / ``ing`` (no ``▁``), ``Ġhello`` becomes ``▁hello``.
New special tokens with no counterpart, and tokens whose text the old vocabulary cannot spell at
all, keep the mean row.
"""

from __future__ import annotations

import numpy as np

from ..context import TransplantContext
from ..decompose import decompositions
from ..rows import copy_shared


def piece_means(matrix: np.ndarray, pieces: list[list[int]], chunk: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """For each list of old ids, the mean of those rows of ``matrix`` (float32), and which lists
    were non-empty (only those have a row). Summed ``chunk`` lists at a time to bound memory."""
    has = np.fromiter((len(p) > 0 for p in pieces), dtype=bool, count=len(pieces))
    kept = [p for p in pieces if p]
    means = np.empty((len(kept), matrix.shape[1]), dtype=np.float32)
    for begin in range(0, len(kept), chunk):
        part = kept[begin:begin + chunk]
        lengths = np.fromiter((len(p) for p in part), dtype=np.int64, count=len(part))
        flat = np.fromiter((i for p in part for i in p), dtype=np.int64, count=int(lengths.sum()))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        sums = np.add.reduceat(matrix[flat].astype(np.float64), starts, axis=0)
        means[begin:begin + len(part)] = sums / lengths[:, None]
    return means, has


def initialize(ctx: TransplantContext, matrix: np.ndarray) -> np.ndarray:
    out, todo = copy_shared(ctx, matrix)
    ids = np.flatnonzero(todo)
    means, has = piece_means(np.asarray(matrix, dtype=np.float32), decompositions(ctx, ids))
    out[ids[has]] = means
    return out
