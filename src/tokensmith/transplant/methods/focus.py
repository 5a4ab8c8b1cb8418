"""FOCUS: Dobler & de Melo (2023), "FOCUS: Effective Embedding Initialization for Monolingual
Specialization of Multilingual Models" (EMNLP 2023).

As published (and as the reference package ``deepfocus`` 1.0.1 computes it):

* shared tokens keep their rows;
* auxiliary static embeddings of the *new* tokenizer's tokens are trained on corpus text tokenized
  with it; a shared token without an auxiliary vector is not used as a source;
* each other new token with an auxiliary vector is ``sum_j w_j * E_old[shared_j]``, where
  ``w = sparsemax(cos(aux[token], aux[shared_j]) for every shared source j)`` (Martins & Astudillo
  2016): a convex combination of a few shared tokens' rows (weights >= 0, summing to 1, most 0).

Given the same auxiliary vectors, the rows equal ``deepfocus``'s
``focus_additional_token_initialization`` to float tolerance (tests/transplant/test_focus.py).

Adapted:

* the auxiliary vectors are trained here (:mod:`..static_embeddings`, PPMI + SVD, seeded) instead
  of by fastText CBOW; the same hyperparameter names and defaults where they exist (``dim`` 100,
  ``min_count`` 10). fastText also builds vectors of rare tokens from character n-grams; here a
  token seen fewer than ``min_count`` times has no auxiliary vector;
* new tokens without an auxiliary vector get the mean old row by default; the paper's draw from
  N(mean, std) is ``unseen="random"`` (seeded by ``ctx.seed``);
* the user's own auxiliary vectors may be passed (``auxiliary_embeddings``, ``[new vocab, dim]``,
  zero rows for tokens without one), as ``deepfocus`` takes a fastText model file.

Options (``ctx.options``):

``auxiliary_embeddings`` (None)
    ``[new vocab, dim]`` array; None trains them on ``ctx.corpus``.
``dim`` (100), ``window`` (5), ``min_count`` (10)
    of the auxiliary embeddings trained here.
``unseen`` ("mean")
    ``"mean"`` or ``"random"``: new tokens without an auxiliary vector.
"""

from __future__ import annotations

import numpy as np

from ...errors import InputError
from ..static_embeddings import cosine_rows, encode_corpus, train_static_embeddings
from ._common import (UNSEEN, check_inputs, choice, fill_unseen, method_options, needs_corpus,
                      positive, report, shared_arrays, start_matrix)

DEFAULTS = {"auxiliary_embeddings": None, "dim": 100, "window": 5, "min_count": 10, "unseen": "mean"}
ROWS_AT_ONCE = 1024  # new tokens per similarity block: bounds memory to 1024 x shared tokens


def sparsemax(scores: np.ndarray) -> np.ndarray:
    """Sparsemax of each row (Martins & Astudillo 2016): the Euclidean projection onto the
    probability simplex, ``max(z - tau, 0)`` with ``tau`` chosen so the row sums to 1."""
    scores = np.asarray(scores, dtype=np.float64)
    ranked = -np.sort(-scores, axis=-1)
    cumulative = np.cumsum(ranked, axis=-1)
    k = np.arange(1, scores.shape[-1] + 1)
    support = 1 + k * ranked > cumulative           # true for the top k(z) entries
    size = support.sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(cumulative, size - 1, axis=-1) - 1) / size
    return np.maximum(scores - tau, 0.0)


def auxiliary_embeddings(ctx, options) -> tuple[np.ndarray, np.ndarray]:
    """``(vectors [new vocab, dim], has_vector [new vocab])``: given, or trained on the corpus."""
    given = options["auxiliary_embeddings"]
    if given is not None:
        given = np.asarray(given, dtype=np.float32)
        if given.ndim != 2 or given.shape[0] != ctx.new_vocab_size:
            raise InputError(f"focus: auxiliary_embeddings must have one row per new token "
                             f"([{ctx.new_vocab_size}, dim]), not shape {given.shape}")
        return given, np.any(given != 0, axis=1)
    texts = needs_corpus(ctx, "focus", "to train auxiliary embeddings of the new tokens")
    trained = train_static_embeddings(
        encode_corpus(ctx.new_tokenizer, texts), ctx.new_vocab_size, dim=options["dim"],
        window=options["window"], min_count=options["min_count"], seed=ctx.seed,
        progress=ctx.progress)
    return trained.vectors, trained.trained


def initialize(ctx, matrix: np.ndarray) -> np.ndarray:
    options = method_options(ctx, "focus", DEFAULTS)
    positive(options, "focus", "dim", "window", "min_count")
    choice(options, "focus", "unseen", UNSEEN)
    matrix = check_inputs(ctx, matrix, "focus")
    vectors, has_vector = auxiliary_embeddings(ctx, options)
    out, todo = start_matrix(ctx, matrix)
    shared_new, shared_old = shared_arrays(ctx)
    use = has_vector[shared_new]
    if not use.any():
        raise InputError("focus: no shared token has an auxiliary embedding, so no new token can be "
                         "combined from them (more corpus text, or a smaller min_count)")
    sources = cosine_rows(vectors[shared_new[use]])
    source_rows = matrix[shared_old[use]].astype(np.float64)
    targets = todo[has_vector[todo]]
    for start in range(0, targets.size, ROWS_AT_ONCE):
        block = targets[start:start + ROWS_AT_ONCE]
        weights = sparsemax(cosine_rows(vectors[block]) @ sources.T)
        out[block] = weights @ source_rows
        report(ctx, "focus", min(start + ROWS_AT_ONCE, targets.size), targets.size)
    fill_unseen(ctx, out, todo[~has_vector[todo]], matrix, options["unseen"])
    return out
