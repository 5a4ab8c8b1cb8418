"""Static token embeddings trained here, on corpus text tokenized with a given tokenizer.

FOCUS, WECHSEL (without the user's word vectors), TokAlign and TokenAdapt each need a small
auxiliary vector space learned from text. The papers train fastText (FOCUS, WECHSEL) or GloVe
(TokAlign) with their C++ tools; here the space is learned in numpy/scipy, seeded, in seconds:

1. windowed co-occurrence counts of token ids within each text (never across texts), a pair at
   distance ``d`` weighted ``(window - d + 1) / window``: the expected weight of word2vec's
   dynamic window, both directions;
2. positive PMI with context-distribution smoothing (context counts raised to 0.75, as word2vec's
   negative sampling draws them);
3. a seeded randomized truncated SVD (Halko, Martinsson & Tropp 2011), vectors ``U * sqrt(S)``.

Why a factorisation rather than skip-gram SGD: Levy & Goldberg (2014, "Neural word embedding as
implicit matrix factorization") show skip-gram with negative sampling factorises the shifted PMI
matrix, and Levy, Goldberg & Dagan (2015, "Improving distributional similarity with lessons
learned from word embeddings") that PPMI + SVD with these hyperparameters (dynamic window,
smoothing 0.75, eigenvalue weighting 0.5) matches it on similarity benchmarks. It is a few sparse
matrix products: deterministic for a seed, no learning rate, no per-pair Python loop. GloVe too
factorises (log) co-occurrence counts, so TokAlign's "GloVe vectors" are this space with a
different loss.

Ids seen fewer than ``min_count`` times get a zero row and ``trained[i] == False``: the methods
treat them as having no auxiliary vector (as FOCUS does for fastText's dropped tokens).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from scipy import sparse

from ..errors import InputError, OptionError

# Positions per co-occurrence chunk: bounds the pair arrays (2 * window * CHUNK entries).
CHUNK = 1 << 20
SMOOTHING = 0.75           # context-distribution smoothing (word2vec's unigram^0.75)
EIGENVALUE_WEIGHT = 0.5    # vectors = U * S**0.5 (Levy et al. 2015: better than U * S)
OVERSAMPLE, POWER_ITERATIONS = 10, 2  # randomized SVD accuracy (Halko et al. 2011, section 4)

Progress = Callable[[str, int, int], None]


@dataclass
class StaticEmbeddings:
    vectors: np.ndarray  # [vocab, dim] float32; zero rows where not trained
    counts: np.ndarray   # [vocab] int64: occurrences in the corpus
    trained: np.ndarray  # [vocab] bool: counts >= min_count (the row holds a vector)


def encode_corpus(tokenizer, texts: Sequence[str]) -> list[np.ndarray]:
    """Token ids of each text; special-token strings in the text are plain text (as HF
    tokenizes corpus text for fastText/GloVe training)."""
    return [np.asarray(ids, dtype=np.int64)
            for ids in tokenizer.encode_batch(list(texts), disallowed_special=())]


def cooccurrence(sequences: Sequence[np.ndarray], vocab_size: int, window: int = 5,
                 progress: Progress | None = None) -> sparse.csr_matrix:
    """Symmetric ``[vocab, vocab]`` co-occurrence weights of ids within ``window`` positions
    of each other in the same sequence."""
    if window < 1:
        raise OptionError(f"window must be at least 1, not {window}")
    # One stream with a -1 between sequences: a pair is kept when no separator lies between.
    stream = np.concatenate([np.append(s, -1) for s in sequences]) if sequences else np.empty(0, np.int64)
    if stream.size and (stream.max() >= vocab_size):
        raise InputError(f"token id {int(stream.max())} is beyond the vocabulary ({vocab_size} ids)")
    document = np.cumsum(stream < 0)
    total = sparse.csr_matrix((vocab_size, vocab_size), dtype=np.float64)
    starts = range(0, max(len(stream) - 1, 0), CHUNK)
    for done, start in enumerate(starts):
        rows, cols, weights = [], [], []
        for d in range(1, window + 1):
            left = np.arange(start, min(start + CHUNK, len(stream) - d))
            right = left + d
            keep = (document[left] == document[right]) & (stream[left] >= 0) & (stream[right] >= 0)
            left, right = stream[left[keep]], stream[right[keep]]
            w = np.full(left.size, (window - d + 1) / window)
            rows += [left, right]
            cols += [right, left]
            weights += [w, w]
        total = total + sparse.coo_matrix(
            (np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))),
            shape=(vocab_size, vocab_size)).tocsr()
        if progress is not None:
            progress("co-occurrence", done + 1, len(starts))
    return total


def ppmi(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """Positive PMI of a co-occurrence matrix, contexts smoothed by :data:`SMOOTHING`."""
    counts = counts.tocsr()
    counts.eliminate_zeros()
    row_sums = np.asarray(counts.sum(axis=1)).ravel()
    context = np.asarray(counts.sum(axis=0)).ravel() ** SMOOTHING
    context /= context.sum()
    coo = counts.tocoo()
    pmi = np.log(coo.data) - np.log(row_sums[coo.row]) - np.log(context[coo.col])
    keep = pmi > 0
    return sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=counts.shape)


def truncated_svd(matrix: sparse.spmatrix, dim: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The top ``dim`` left singular vectors and values of ``matrix``, by seeded randomized SVD."""
    rng = np.random.default_rng(seed)
    sketch = matrix @ rng.standard_normal((matrix.shape[1], dim + OVERSAMPLE))
    for _ in range(POWER_ITERATIONS):  # re-orthonormalised power iterations sharpen the spectrum
        sketch, _ = np.linalg.qr(sketch)
        sketch, _ = np.linalg.qr(matrix.T @ sketch)
        sketch = matrix @ sketch
    basis, _ = np.linalg.qr(sketch)
    small = (matrix.T @ basis).T
    left, values, _ = np.linalg.svd(small, full_matrices=False)
    return basis @ left[:, :dim], values[:dim]


def train_static_embeddings(sequences: Sequence[np.ndarray], vocab_size: int, *, dim: int = 100,
                            window: int = 5, min_count: int = 5, seed: int = 0,
                            progress: Progress | None = None, what: str = "token") -> StaticEmbeddings:
    """Static vectors of ids ``0 .. vocab_size-1`` from id ``sequences`` (see the module doc).

    Raises :class:`InputError` when the corpus is too small: fewer ids reach ``min_count``
    than the vectors have dimensions."""
    if dim < 1 or min_count < 1:
        raise OptionError(f"dim and min_count must be at least 1 (dim={dim}, min_count={min_count})")
    counts = np.zeros(vocab_size, dtype=np.int64)
    for s in sequences:
        counts += np.bincount(s, minlength=vocab_size)[:vocab_size]
    trained = counts >= min_count
    kept = np.flatnonzero(trained)
    if kept.size <= dim + OVERSAMPLE:
        raise InputError(
            f"the corpus is too small to train {dim}-dimensional static {what} embeddings: "
            f"{int(counts.sum()):,} {what}s, of which {kept.size:,} distinct ones occur at least "
            f"min_count={min_count} times (at least {dim + OVERSAMPLE + 1} are needed); pass more "
            f"corpus text, or a smaller dim or min_count")
    # Ids below min_count are dropped from the stream before counting (as word2vec/fastText
    # drop rare words), so the rest keep their neighbours' statistics.
    remap = np.full(vocab_size, -1, dtype=np.int64)
    remap[kept] = np.arange(kept.size)
    compact = [r[r >= 0] for r in (remap[s] for s in sequences)]
    matrix = ppmi(cooccurrence(compact, kept.size, window, progress))
    left, values = truncated_svd(matrix, dim, seed)
    vectors = np.zeros((vocab_size, dim), dtype=np.float32)
    vectors[kept] = left * values ** EIGENVALUE_WEIGHT
    # A kept id whose every co-occurrence had PMI <= 0 has no vector after all.
    trained[kept[~np.any(vectors[kept] != 0, axis=1)]] = False
    return StaticEmbeddings(vectors, counts, trained)


def cosine_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), float64."""
    vectors = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
