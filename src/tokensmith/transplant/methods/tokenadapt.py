"""TokenAdapt: Sharthak et al. (2025), "Achieving Tokenizer Flexibility in Language Models through
Heuristic Adaptation and Supertoken Learning" (arXiv 2505.09738).

As published (and as the authors' ``tokenadapt`` tool computes it):

* shared tokens keep their rows;
* *local* heuristic: the new token's text is tokenized by the old tokenizer; each old piece ``j``
  scores ``(cos(aux[new token], aux[piece j]) + len(piece j) / len(token)) / 2``; the row is
  ``sum_j softmax(score / temperature)_j * E_old[piece j]`` (pieces as often as they occur);
* *global* heuristic: the ``neighbors`` old tokens most cosine-similar to the new token in the
  auxiliary space, those below ``similarity_threshold`` dropped, none kept when the best is below
  ``min_confidence``; the row is ``sum_j softmax(cos_j / temperature) * E_old[j]``;
* the row is ``(1 - global_weight) * local + global_weight * global``, or whichever of the two
  exists; tool defaults: temperature 0.3, global_weight 0.3, 10 neighbours, thresholds 0.6 / 0.4.

Adapted:

* the auxiliary space: the paper embeds token strings with an external sentence-embedding model
  (nomic-embed-text); here both vocabularies are embedded in one static word-vector space as
  WECHSEL does (:func:`..word_vectors.subword_vectors`), from the user's ``.vec``/GloVe file or
  from word vectors trained here on ``ctx.corpus``. A token no word's tokenization holds has no
  auxiliary vector: neither heuristic applies and it gets the mean old row (``unseen="mean"``;
  the tool's N(mean, std) draw is ``unseen="random"``, seeded by ``ctx.seed``); a piece without
  one is left out of the local sum;
* a token's text is its decoded text without the WordPiece ``##`` prefix (the tool decodes it
  with the prefix, which the old tokenizer then splits as the characters ``#``); lengths are
  counted without surrounding spaces;
* old special tokens are not global neighbours (nothing embeds them here);
* the tool adds 1e-5 to the temperature; not here.

Options (``ctx.options``):

``word_vectors`` (None)
    fastText ``.vec``/GloVe file or :class:`..word_vectors.WordVectors` for the auxiliary space;
    None trains word vectors on ``ctx.corpus``.
``max_words`` (None), ``dim`` (100), ``window`` (5), ``min_count`` (3)
    as for ``wechsel``.
``temperature`` (0.3), ``global_weight`` (0.3), ``neighbors`` (10),
``similarity_threshold`` (0.6), ``min_confidence`` (0.4)
    the heuristics' settings above.
``unseen`` ("mean")
    ``"mean"`` or ``"random"``.
"""

from __future__ import annotations

import numpy as np

from ...errors import OptionError
from ..static_embeddings import cosine_rows
from ._common import (UNSEEN, check_inputs, choice, fill_unseen, method_options, positive, report,
                      start_matrix, token_text)
from .wechsel import check_options, token_spaces

DEFAULTS = {"word_vectors": None, "max_words": None, "dim": 100, "window": 5, "min_count": 3,
            "temperature": 0.3, "global_weight": 0.3, "neighbors": 10,
            "similarity_threshold": 0.6, "min_confidence": 0.4, "unseen": "mean"}
ROWS_AT_ONCE = 1024


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    scaled = np.asarray(scores, dtype=np.float64) / temperature
    weights = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


def local_rows(ctx, matrix, targets, old_unit, new_unit, temperature):
    """Local heuristic rows of ``targets`` (NaN rows where it does not apply)."""
    rows = np.full((targets.size, matrix.shape[1]), np.nan)
    texts = [token_text(ctx.new_tokenizer, int(t)) for t in targets]
    pieces = ctx.old_tokenizer.encode_batch(texts, disallowed_special=())
    old_lengths: dict[int, int] = {}
    for k, (target, text, ids) in enumerate(zip(targets, texts, pieces)):
        ids = np.asarray([i for i in ids if np.any(old_unit[i])], dtype=np.int64)
        length = len(text.strip())
        if ids.size == 0 or length == 0:
            continue
        for i in ids:
            if i not in old_lengths:
                old_lengths[i] = len(token_text(ctx.old_tokenizer, int(i)).strip())
        relative_length = np.array([old_lengths[i] for i in ids]) / length
        scores = (old_unit[ids] @ new_unit[target] + relative_length) / 2
        rows[k] = softmax(scores, temperature) @ matrix[ids].astype(np.float64)
    return rows


def global_rows(ctx, matrix, targets, old_unit, new_unit, options):
    """Global heuristic rows of ``targets`` (NaN rows where no neighbour qualifies)."""
    specials = [t.id for t in ctx.old_tokenizer.added_tokens if t.special]
    candidates = np.setdiff1d(np.flatnonzero(np.any(old_unit[:ctx.old_vocab_size], axis=1)), specials)
    keys, values = old_unit[candidates], matrix[candidates].astype(np.float64)
    k = min(options["neighbors"], candidates.size)
    rows = np.full((targets.size, matrix.shape[1]), np.nan)
    for start in range(0, targets.size, ROWS_AT_ONCE):
        block = slice(start, start + ROWS_AT_ONCE)
        similarity = new_unit[targets[block]] @ keys.T
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        top = np.take_along_axis(similarity, nearest, axis=1)
        kept = top >= options["similarity_threshold"]
        confident = top.max(axis=1) >= options["min_confidence"]
        ok = kept.any(axis=1) & confident
        masked = np.where(kept, top, -np.inf)
        masked[~ok] = 0.0  # rows without a neighbour: any finite weights, never used below
        weights = softmax(masked, options["temperature"])
        mixed = np.einsum("nk,nkd->nd", weights, values[nearest])
        rows[block][ok] = mixed[ok]
        report(ctx, "tokenadapt", min(start + ROWS_AT_ONCE, targets.size), targets.size)
    return rows


def initialize(ctx, matrix: np.ndarray) -> np.ndarray:
    options = method_options(ctx, "tokenadapt", DEFAULTS)
    options.update(new_word_vectors=None, dictionary=None)  # one auxiliary space for both tokenizers
    check_options(options, "tokenadapt")
    positive(options, "tokenadapt", "temperature")
    for name in ("global_weight", "similarity_threshold", "min_confidence"):
        value = options[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise OptionError(f"tokenadapt: {name} must be a number from 0 to 1, not {value!r}")
    choice(options, "tokenadapt", "unseen", UNSEEN)
    matrix = check_inputs(ctx, matrix, "tokenadapt")
    old_vectors, _, new_vectors, new_found = token_spaces(ctx, options, "tokenadapt")
    old_unit, new_unit = cosine_rows(old_vectors), cosine_rows(new_vectors)
    out, todo = start_matrix(ctx, matrix)
    targets = todo[new_found[todo]]
    weight = options["global_weight"]
    local = (local_rows(ctx, matrix, targets, old_unit, new_unit, options["temperature"])
             if weight < 1 else np.full((targets.size, matrix.shape[1]), np.nan))
    glob = (global_rows(ctx, matrix, targets, old_unit, new_unit, options)
            if weight > 0 else np.full((targets.size, matrix.shape[1]), np.nan))
    has_local, has_global = ~np.isnan(local[:, 0]), ~np.isnan(glob[:, 0])
    both = has_local & has_global
    out[targets[both]] = (1 - weight) * local[both] + weight * glob[both]
    out[targets[has_local & ~has_global]] = local[has_local & ~has_global]
    out[targets[has_global & ~has_local]] = glob[has_global & ~has_local]
    fill_unseen(ctx, out, np.union1d(todo[~new_found[todo]], targets[~has_local & ~has_global]),
                matrix, options["unseen"])
    return out
