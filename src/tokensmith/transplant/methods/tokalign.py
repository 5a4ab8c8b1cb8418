"""TokAlign: Li et al. (2025), "TokAlign: Efficient Vocabulary Adaptation via Token Alignment"
(ACL 2025).

As published (the authors' ``src/cal_trans_matrix.py``):

* the corpus is tokenized both ways and token vectors are learned from each token stream's
  co-occurrences, separately;
* both spaces become *relative representations* (Moschella et al. 2023): a token is its cosine
  similarities to pivot tokens, shared tokens drawn at random (``pivots`` = 300, seeded), each
  pivot taken in its own space; two spaces become comparable through the pivots they share;
* each new token is aligned to the old token whose relative representation has the largest dot
  product with its own (``assignment="argmax"``, the paper's rule: every new token gets exactly
  one old token; an old token may serve several); shared tokens are aligned to themselves;
* the new matrix is the old one's rows rearranged by this alignment (no mixing of rows).

Adapted:

* token vectors are trained here (:mod:`..static_embeddings`, PPMI + SVD: a factorisation of the
  co-occurrence statistics as GloVe is) instead of with the GloVe tool;
* ``assignment="one_to_one"`` makes the alignment a bijection as well: an assignment maximising the
  total similarity (``scipy.optimize.linear_sum_assignment``) between the new tokens and the old
  tokens no shared token uses, so no old row is used twice; new tokens left over when those old
  tokens run out are treated as unseen;
* the relative representations are scaled to unit length before the dot product (cosine, as
  Moschella et al.; ``normalize=False`` is the published code's raw dot product, which favours
  "hub" tokens close to every pivot: on the held-out test below it aligns most words to ``and``
  or ``that``);
* old special tokens are not candidates (the paper skips ``<unk>``; the corpus never shows them);
* new tokens the corpus shows fewer than ``min_count`` times get the mean old row
  (``unseen="mean"``); the paper aligns them to a random old token (``unseen="random"`` draws
  a random old token's row, seeded by ``ctx.seed``).

Options (``ctx.options``):

``dim`` (100), ``window`` (5), ``min_count`` (5)
    of the token vectors trained here.
``pivots`` (300)
    shared tokens used as relative-representation anchors.
``normalize`` (True)
    compare relative representations by cosine rather than raw dot product.
``assignment`` ("argmax")
    ``"argmax"`` (the paper) or ``"one_to_one"``.
``unseen`` ("mean")
    ``"mean"`` or ``"random"``.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from ...errors import InputError, OptionError
from ..static_embeddings import cosine_rows, encode_corpus, train_static_embeddings
from ._common import (UNSEEN, check_inputs, choice, method_options, needs_corpus, positive, report,
                      shared_arrays, start_matrix)

DEFAULTS = {"dim": 100, "window": 5, "min_count": 5, "pivots": 300, "normalize": True,
            "assignment": "argmax", "unseen": "mean"}
ASSIGNMENTS = ("argmax", "one_to_one")
ROWS_AT_ONCE = 1024
MAX_ASSIGNMENT_CELLS = 200_000_000  # one_to_one's dense similarity matrix (8 bytes a cell)


def relative(vectors: np.ndarray, pivots: np.ndarray, normalize: bool) -> np.ndarray:
    """Each row's cosine similarity to each pivot row (the published code's representation),
    scaled to unit length when ``normalize``."""
    unit = cosine_rows(vectors)
    representation = unit @ unit[pivots].T
    return cosine_rows(representation) if normalize else representation


def align(ctx, options) -> tuple[dict[int, int], np.ndarray]:
    """The alignment ``{new id: old id}`` of the new tokens the corpus shows (shared tokens to
    themselves), and the new ids it could not align (too rare in the corpus, or, one to one,
    left over when the free old tokens ran out)."""
    texts = needs_corpus(ctx, "tokalign", "to learn token vectors of both tokenizations")
    spaces = []
    for tokenizer in (ctx.old_tokenizer, ctx.new_tokenizer):
        spaces.append(train_static_embeddings(
            encode_corpus(tokenizer, texts), tokenizer.vocab_size, dim=options["dim"],
            window=options["window"], min_count=options["min_count"], seed=ctx.seed,
            progress=ctx.progress))
    old, new = spaces
    shared_new, shared_old = shared_arrays(ctx)
    usable = new.trained[shared_new] & old.trained[shared_old]
    if not usable.any():
        raise InputError("tokalign: no shared token occurs min_count times in the corpus under both "
                         "tokenizers, so the two token spaces have no pivot in common (more corpus "
                         "text, or a smaller min_count)")
    rng = np.random.default_rng(ctx.seed)
    chosen = rng.permutation(np.flatnonzero(usable))[:options["pivots"]]
    new_rel = relative(new.vectors, shared_new[chosen], options["normalize"])
    old_rel = relative(old.vectors, shared_old[chosen], options["normalize"])

    alignment = {int(n): int(o) for n, o in zip(shared_new, shared_old)}
    todo = np.setdiff1d(np.arange(ctx.new_vocab_size), shared_new)
    targets = todo[new.trained[todo]]
    specials = [t.id for t in ctx.old_tokenizer.added_tokens if t.special]
    candidates = np.setdiff1d(np.flatnonzero(old.trained), specials)
    unaligned = todo[~new.trained[todo]]
    if options["assignment"] == "one_to_one":
        left = _assign(ctx, targets, new_rel, old_rel, np.setdiff1d(candidates, shared_old), alignment)
        return alignment, np.union1d(unaligned, left)
    for start in range(0, targets.size, ROWS_AT_ONCE):
        block = targets[start:start + ROWS_AT_ONCE]
        best = np.argmax(new_rel[block] @ old_rel[candidates].T, axis=1)
        alignment.update(zip(block.tolist(), candidates[best].tolist()))
        report(ctx, "tokalign", min(start + ROWS_AT_ONCE, targets.size), targets.size)
    return alignment, unaligned


def _assign(ctx, targets, new_rel, old_rel, free, alignment) -> np.ndarray:
    """One-to-one assignment of ``targets`` to ``free`` old tokens (into ``alignment``); returns
    the targets left unassigned (more targets than free old tokens)."""
    if targets.size * free.size > MAX_ASSIGNMENT_CELLS:
        raise OptionError(f"tokalign: a one_to_one assignment of {targets.size:,} new tokens to "
                          f"{free.size:,} old ones needs a {targets.size:,} x {free.size:,} matrix; "
                          "use assignment='argmax'")
    report(ctx, "tokalign assignment", 0, 1)
    rows, cols = linear_sum_assignment(new_rel[targets] @ old_rel[free].T, maximize=True)
    alignment.update(zip(targets[rows].tolist(), free[cols].tolist()))
    report(ctx, "tokalign assignment", 1, 1)
    return np.setdiff1d(targets, targets[rows])


def initialize(ctx, matrix: np.ndarray) -> np.ndarray:
    options = method_options(ctx, "tokalign", DEFAULTS)
    positive(options, "tokalign", "dim", "window", "min_count", "pivots")
    choice(options, "tokalign", "assignment", ASSIGNMENTS)
    choice(options, "tokalign", "unseen", UNSEEN)
    matrix = check_inputs(ctx, matrix, "tokalign")
    alignment, unseen = align(ctx, options)
    out, _ = start_matrix(ctx, matrix)
    new_ids = np.fromiter(alignment.keys(), dtype=np.int64)
    out[new_ids] = matrix[np.fromiter(alignment.values(), dtype=np.int64)]
    if unseen.size and options["unseen"] == "random":  # the paper: a random old token's row
        out[unseen] = matrix[np.random.default_rng(ctx.seed).integers(0, ctx.old_vocab_size, unseen.size)]
    return out
