"""Under-trained tokens: vocabulary entries a model (almost) never saw in training.

Paper: S. Land, M. Bartolo, "Fishing for Magikarp: Automatically Detecting Under-trained Tokens in
Large Language Models" (2024).

A token that never occurs in training gets no gradient through its input embedding, and through
the output (unembedding) matrix only the push that lowers its probability everywhere, the same
push for every such token. So, as published:

* **unembedding indicator** (the paper's main one): remove the first principal component(s) of
  the unembedding matrix (a direction all rows share), take the mean row of tokens known to be
  unused, and score each token by its cosine similarity to that mean (the paper reports cosine
  distance; similarity ranks the same way, higher = more under-trained). Tied models use their one
  matrix. Adapted: a component along which the known-unused rows stand apart (|cosine| with their
  mean offset above 0.5) is not removed: it is their shared push, the signal itself, when unused
  tokens are a large part of the vocabulary.
* **embedding-norm indicator**: the L2 norm of a token's input embedding; under weight decay an
  unseen row shrinks (low = under-trained). The only indicator for a model without an output
  matrix (a sentence encoder) or without known-unused tokens.

Adapted: the known-unused tokens (the paper lists them by hand per model) default to those the
tokenizer itself shows can never occur: entries no text produces (the vocabulary audit's
unreachable and undecodable entries, :mod:`tokensmith.metrics.vocab_audit`) and matrix rows past
the tokenizer's vocabulary (padding). The paper's last step, prompting the model to repeat each
candidate, needs the running model and is not done here; the candidates are cross-checked instead
with the tokenizer-side measures: unreachable entries and, given a corpus, tokens never produced on
it (:mod:`tokensmith.metrics.vocab_use`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from ..errors import InputError


@dataclass
class UndertrainedTokens:
    indicator: str                    # "unembedding" or "embedding_norm"
    scores: np.ndarray                # per id; higher = more likely under-trained
    reference: list[int]              # ids taken as known unused
    unreachable: list[int]            # ids no text can produce (tokenizer side)
    never_produced: list[int] | None  # ids the corpus never produced (None: no corpus given)
    embedding_norms: np.ndarray
    candidates: list[dict] = field(default_factory=list)   # the top ids, with their cross-checks

    def ranking(self) -> np.ndarray:
        """Ids from most to least likely under-trained (stable on ties)."""
        return np.argsort(-self.scores, kind="stable")


ALIGNED = 0.5   # |cosine| above which a principal direction is the unused tokens' own offset


def principal_directions(matrix: np.ndarray, components: int) -> np.ndarray:
    """The first ``components`` principal directions of the rows (of the centred rows, as PCA
    defines them), one per row of the result."""
    centred = matrix - matrix.mean(axis=0)
    _, _, vt = np.linalg.svd(centred.T @ centred)  # d x d: cheap for a vocabulary of rows
    return vt[:components]


def remove_principal_components(matrix: np.ndarray, components: int = 1,
                                keep_along: np.ndarray | None = None) -> np.ndarray:
    """``matrix`` with its projection on its first ``components`` principal directions removed;
    a direction within ``ALIGNED`` of ``keep_along`` (a vector) is kept instead."""
    top = principal_directions(matrix, components)
    if keep_along is not None and np.linalg.norm(keep_along) > 0:
        cosine = np.abs(top @ keep_along) / np.linalg.norm(keep_along)
        top = top[cosine <= ALIGNED]
    return matrix - (matrix @ top.T) @ top


def unembedding_indicator(output: np.ndarray, reference: Sequence[int], components: int = 1) -> np.ndarray:
    """Cosine similarity of each row (first principal components removed) to the reference mean.

    A principal direction along which the reference rows themselves stand apart from the mean row
    is kept: when unused tokens are many (a small or briefly trained model), the push they all
    share *is* the first component, and removing it removes the signal (measured in
    ``docs/evaluation.md``: precision 0.34-0.72 with it removed, 0.99 kept)."""
    output = np.asarray(output, dtype=np.float64)
    offset = output[np.asarray(reference)].mean(axis=0) - output.mean(axis=0)
    cleaned = remove_principal_components(output, components, keep_along=offset)
    mean = cleaned[np.asarray(reference)].mean(axis=0)
    norms = np.linalg.norm(cleaned, axis=1) * np.linalg.norm(mean)
    return cleaned @ mean / np.where(norms > 0, norms, 1.0)


def undertrained_tokens(tokenizer, input_embeddings: np.ndarray, output_embeddings: np.ndarray | None = None,
                        *, reference: Iterable[int] | None = None, corpus: Sequence[str] | None = None,
                        components: int = 1, top: int = 50) -> UndertrainedTokens:
    """Score every row of the embedding matrices (see the module).

    ``input_embeddings`` (and ``output_embeddings``, the same matrix for a tied model) have one row
    per id; ``reference``: ids known to be unused (default: the tokenizer's unreachable and
    undecodable entries and the rows past its vocabulary); ``corpus``: texts whose never-produced
    tokens are listed beside the candidates; ``top``: how many candidates to list."""
    from ..metrics.vocab_audit import classify_bytes, unreachable_ids
    from ..metrics.vocab_table import VocabTable

    inputs = _matrix(input_embeddings, "input_embeddings")
    outputs = None if output_embeddings is None else _matrix(output_embeddings, "output_embeddings")
    rows = inputs.shape[0]
    if outputs is not None and outputs.shape[0] != rows:
        raise InputError(f"the output matrix has {outputs.shape[0]} rows, the input matrix {rows}")
    if tokenizer.vocab_size > rows:
        raise InputError(f"the tokenizer has {tokenizer.vocab_size} ids but the matrices only {rows} rows")
    table = VocabTable.of(tokenizer)
    # Added tokens are matched before the model runs: they are neither unreachable nor text.
    added = {t.id for t in getattr(tokenizer, "added_tokens", ())}
    texts = {i: s.decode("utf-8") for i, s in enumerate(table.surfaces)
             if s is not None and i not in added and classify_bytes(s) == "text" and s}
    undecodable = [i for i, s in enumerate(table.surfaces) if s is not None and classify_bytes(s) == "undecodable"]
    unreachable = sorted(set(unreachable_ids(tokenizer, texts)) | set(undecodable))
    if reference is None:
        reference = unreachable + list(range(tokenizer.vocab_size, rows))
    reference = sorted({int(i) for i in reference if 0 <= int(i) < rows})
    norms = np.linalg.norm(inputs, axis=1)
    if outputs is not None and reference:
        indicator, scores = "unembedding", unembedding_indicator(outputs, reference, components)
    else:
        indicator, scores = "embedding_norm", -norms
    never = None
    if corpus is not None:
        counts = np.zeros(rows, dtype=np.int64)
        for ids in tokenizer.encode_batch(list(corpus)):
            np.add.at(counts, np.asarray(ids, dtype=np.int64), 1)
        never = [i for i in texts if counts[i] == 0]
    result = UndertrainedTokens(indicator, scores, reference, unreachable, never, norms)
    result.candidates = _candidates(tokenizer, result, top)
    return result


def _matrix(m, name: str) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] == 0:
        raise InputError(f"{name} must be a matrix with one row per token id, got shape {m.shape}")
    return m


def _candidates(tokenizer, result: UndertrainedTokens, top: int) -> list[dict]:
    unreachable, never = set(result.unreachable), set(result.never_produced or ())
    reference = set(result.reference)
    out = []
    for i in result.ranking()[:top].tolist():
        token = tokenizer.id_to_token(i) if i < tokenizer.vocab_size else None
        out.append({"id": i, "token": token, "score": float(result.scores[i]),
                    "embedding_norm": float(result.embedding_norms[i]), "reference": i in reference,
                    "unreachable": i in unreachable,
                    "never_produced": None if result.never_produced is None else i in never})
    return out
