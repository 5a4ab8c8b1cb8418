"""What every method starts from: shared rows copied, the others the old matrix's mean.

Mean initialisation is the usual baseline for rows a method cannot place (Hewitt, "Initializing
new word embeddings for pretrained language models", 2021: the mean keeps the new tokens'
logits close to the average, where random rows can dominate the softmax).
"""

from __future__ import annotations

import numpy as np

from .context import TransplantContext
from .matching import VocabularyMatch, match_vocabularies


def vocabulary_match(ctx: TransplantContext) -> VocabularyMatch:
    """The context's :class:`VocabularyMatch`, computed once when the caller gave none."""
    if ctx.match is None:
        ctx.match = match_vocabularies(ctx.old_tokenizer, ctx.new_tokenizer)
    return ctx.match


def shared_arrays(ctx: TransplantContext) -> tuple[np.ndarray, np.ndarray]:
    """``(new_ids, old_ids)`` of the shared tokens, sorted by new id."""
    pairs = sorted(ctx.shared.items())
    new = np.fromiter((n for n, _ in pairs), dtype=np.int64, count=len(pairs))
    old = np.fromiter((o for _, o in pairs), dtype=np.int64, count=len(pairs))
    return new, old


def copy_shared(ctx: TransplantContext, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The new matrix with shared rows copied and every other row the mean of ``matrix``, and a
    boolean mask of the rows still to place (the tokens not shared)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    out = np.empty((ctx.new_vocab_size, matrix.shape[1]), dtype=np.float32)
    out[:] = matrix.mean(axis=0, dtype=np.float64).astype(np.float32)
    new, old = shared_arrays(ctx)
    out[new] = matrix[old]
    todo = np.ones(ctx.new_vocab_size, dtype=bool)
    todo[new] = False
    return out, todo
