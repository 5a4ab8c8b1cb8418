"""WECHSEL: Minixhofer, Paischer & Rekabsaz (2022), "WECHSEL: Effective initialization of subword
embeddings for cross-lingual transfer of monolingual language models" (NAACL 2022).

As published (and as the reference package ``wechsel`` 0.0.4 computes it with word vectors
that lack fastText's subword information, ``use_subword_info=False``):

* static word vectors for the old model's language and for the new tokenizer's (the same vectors
  when both are one language; vectors already aligned across languages, or aligned here by
  orthogonal Procrustes on a bilingual dictionary, the old side mapped onto the new);
* each token of each tokenizer is embedded in that space as the frequency-weighted mean of the
  vectors of the words whose tokenization holds it (:func:`..word_vectors.subword_vectors`);
* each new token's row is ``sum_j softmax(cos_j / temperature) * E_old[j]`` over its ``neighbors``
  most cosine-similar old tokens (paper defaults: 10 neighbours, temperature 0.1).

Given the same word vectors, the rows equal ``wechsel``'s ``create_target_embeddings`` to float
tolerance (tests/transplant/test_wechsel.py), but where old tokens tie at the ``neighbors``-th
place (tokens built from the same words have equal vectors): which of them is kept is
``argpartition``'s choice in both, over differently ordered candidates.

Adapted:

* shared tokens keep their rows (the method contract); ``copy_shared=False`` computes every row
  as the paper does (tokens both tokenizers hold as special tokens are still copied, as
  ``wechsel`` copies the special tokens);
* old tokens that no word's tokenization holds are not candidates (``wechsel`` keeps their zero
  vectors, which can only matter when fewer than ``neighbors`` old tokens have a vector);
* without ``word_vectors``, word vectors are trained here on ``ctx.corpus``
  (:func:`..word_vectors.train_word_vectors`) instead of downloading fastText's Common Crawl
  vectors; a ``.vec``/GloVe file gives no counts, so word frequencies come from the rank (Zipf);
* word vectors with fastText's subword information (``.bin`` models) are not read: only text files;
* a new token no word's tokenization holds gets the mean old row (``unseen="mean"``), or the
  paper's draw from N(mean, std) (``unseen="random"``, seeded by ``ctx.seed``).

Options (``ctx.options``):

``word_vectors`` (None)
    path of a fastText ``.vec``/GloVe text file, or :class:`..word_vectors.WordVectors`, in the
    old model's language; None trains them on ``ctx.corpus``.
``new_word_vectors`` (None)
    the same for the new tokenizer's language; None uses ``word_vectors`` (one language).
``dictionary`` (None)
    bilingual dictionary (file of ``old_word<TAB>new_word`` lines, or a list of pairs): align the
    two spaces by orthogonal Procrustes; None treats them as aligned.
``max_words`` (None)
    use only the first (most frequent) words of each vector set.
``neighbors`` (10), ``temperature`` (0.1)
    the paper's top-k softmax.
``dim`` (100), ``window`` (5), ``min_count`` (3)
    of word vectors trained here.
``copy_shared`` (True), ``unseen`` ("mean")
    see above.
"""

from __future__ import annotations

import os

import numpy as np
from scipy.linalg import orthogonal_procrustes

from ...errors import InputError, OptionError
from ..static_embeddings import cosine_rows
from ..word_vectors import WordVectors, load_word_vectors, read_dictionary, subword_vectors, train_word_vectors
from ._common import (UNSEEN, check_inputs, choice, fill_unseen, method_options, needs_corpus,
                      positive, report, shared_arrays, start_matrix)

DEFAULTS = {"word_vectors": None, "new_word_vectors": None, "dictionary": None, "max_words": None,
            "neighbors": 10, "temperature": 0.1, "dim": 100, "window": 5, "min_count": 3,
            "copy_shared": True, "unseen": "mean"}
ROWS_AT_ONCE = 1024  # new tokens per similarity block


def word_vector_spaces(ctx, options, method: str = "wechsel") -> tuple[WordVectors, WordVectors]:
    """``(old language's, new language's)`` word vectors: given, or trained on the corpus."""
    if options["word_vectors"] is None:
        texts = needs_corpus(ctx, method, "to train word vectors when no word_vectors are given")
        old = train_word_vectors(texts, dim=options["dim"], window=options["window"],
                                 min_count=options["min_count"], seed=ctx.seed, progress=ctx.progress)
    else:
        old = load_word_vectors(options["word_vectors"], limit=options["max_words"])
    new = old if options["new_word_vectors"] is None else load_word_vectors(
        options["new_word_vectors"], limit=options["max_words"])
    if old.dim != new.dim:
        raise InputError(f"{method}: the word vectors have different dimensions: {old.source} "
                         f"{old.dim}, {new.source} {new.dim}")
    return old, new


def procrustes(old: WordVectors, new: WordVectors, dictionary, method: str = "wechsel") -> np.ndarray:
    """The orthogonal map taking old-language vectors onto new-language ones, fitted on the
    dictionary's pairs (each tried as written, lowercased and titlecased, as ``wechsel``)."""
    pairs = read_dictionary(dictionary) if isinstance(dictionary, (str, os.PathLike)) else list(dictionary)
    old_index, new_index = old.index(), new.index()
    rows = []
    for old_word, new_word in pairs:
        for a in (old_word, old_word.lower(), old_word.title()):
            for b in (new_word, new_word.lower(), new_word.title()):
                if a in old_index and b in new_index:
                    rows.append((old_index[a], new_index[b]))
    if not rows:
        raise InputError(f"{method}: no dictionary pair has both words in the word vectors "
                         f"({old.source}, {new.source})")
    left, right = np.array(rows).T
    rotation, _ = orthogonal_procrustes(old.vectors[left].astype(np.float64),
                                        new.vectors[right].astype(np.float64))
    return rotation


def token_spaces(ctx, options, method: str = "wechsel"):
    """Both tokenizers' tokens in one word-vector space: ``(old vectors, old found, new vectors,
    new found)``, the old side aligned onto the new when a dictionary is given."""
    old_words, new_words = word_vector_spaces(ctx, options, method)
    old_vectors, old_found = subword_vectors(ctx.old_tokenizer, old_words, max_words=options["max_words"])
    new_vectors, new_found = subword_vectors(ctx.new_tokenizer, new_words, max_words=options["max_words"])
    for found, tokenizer, words, side in ((old_found, ctx.old_tokenizer, old_words, "old"),
                                          (new_found, ctx.new_tokenizer, new_words, "new")):
        specials = [t.id for t in tokenizer.added_tokens if t.special]
        if not np.any(np.delete(found, [i for i in specials if i < found.size])):
            raise InputError(f"{method}: {words.source}: no word's tokenization holds any token of "
                             f"the {side} tokenizer but special ones (do the words and the tokenizer "
                             f"share a language?)")
    if options["dictionary"] is not None:
        old_vectors = (old_vectors.astype(np.float64) @ procrustes(old_words, new_words,
                                                                   options["dictionary"], method))
    return old_vectors, old_found, new_vectors, new_found


def check_options(options, method: str) -> None:
    positive(options, method, "neighbors", "temperature", "dim", "window", "min_count")
    choice(options, method, "unseen", UNSEEN)
    if options["max_words"] is not None:
        positive(options, method, "max_words")
    if not isinstance(options["neighbors"], int):
        raise OptionError(f"{method}: neighbors must be a whole number, not {options['neighbors']!r}")


def initialize(ctx, matrix: np.ndarray) -> np.ndarray:
    options = method_options(ctx, "wechsel", DEFAULTS)
    check_options(options, "wechsel")
    matrix = check_inputs(ctx, matrix, "wechsel")
    old_vectors, old_found, new_vectors, new_found = token_spaces(ctx, options)
    out, todo = start_matrix(ctx, matrix)
    if not options["copy_shared"]:
        # Every row by the method but the special tokens both tokenizers hold (as wechsel).
        specials = {t.id for t in ctx.new_tokenizer.added_tokens if t.special}
        shared_new, _ = shared_arrays(ctx)
        todo = np.union1d(todo, [i for i in shared_new if i not in specials]).astype(np.int64)
    candidates = np.flatnonzero(old_found[:ctx.old_vocab_size])
    k = min(options["neighbors"], candidates.size)
    keys = cosine_rows(old_vectors[candidates])
    rows = matrix[candidates].astype(np.float64)
    targets = todo[new_found[todo]]
    for start in range(0, targets.size, ROWS_AT_ONCE):
        block = targets[start:start + ROWS_AT_ONCE]
        similarity = cosine_rows(new_vectors[block]) @ keys.T
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        top = np.take_along_axis(similarity, nearest, axis=1) / options["temperature"]
        weights = np.exp(top - top.max(axis=1, keepdims=True))
        weights /= weights.sum(axis=1, keepdims=True)
        out[block] = np.einsum("nk,nkd->nd", weights, rows[nearest])
        report(ctx, "wechsel", min(start + ROWS_AT_ONCE, targets.size), targets.size)
    fill_unseen(ctx, out, todo[~new_found[todo]], matrix, options["unseen"])
    return out
