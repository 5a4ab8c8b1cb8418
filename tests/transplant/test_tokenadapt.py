"""TokenAdapt: local (old-tokenizer pieces) plus global (nearest old tokens) hybrid (the authors'
tool is not on PyPI: the heuristics are recomputed here by hand on real tokens)."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from tokensmith.errors import InputError, OptionError
from tokensmith.transplant.methods import tokenadapt
from tokensmith.transplant.methods._common import token_text
from tokensmith.transplant.static_embeddings import cosine_rows
from tokensmith.transplant.word_vectors import subword_vectors

from heldout import held_out
from test_wechsel import words


@functools.lru_cache(maxsize=None)
def transplanted(**options):
    h = held_out()
    ctx = h.context(word_vectors=words(), **options)
    return ctx, tokenadapt.initialize(ctx, h.matrix)


@functools.lru_cache(maxsize=None)
def spaces():
    h = held_out()
    old, _ = subword_vectors(h.old, words())
    new, _ = subword_vectors(h.new, words())
    return cosine_rows(old), cosine_rows(new)


def softmax(x, temperature):
    e = np.exp((x - x.max()) / temperature)
    return e / e.sum()


def local_by_hand(token: int) -> np.ndarray:
    h = held_out()
    old_unit, new_unit = spaces()
    text = token_text(h.new, token)
    pieces = [i for i in h.old.encode(text) if np.any(old_unit[i])]
    lengths = np.array([len(token_text(h.old, i).strip()) for i in pieces]) / len(text.strip())
    scores = (old_unit[pieces] @ new_unit[token] + lengths) / 2
    return softmax(scores, 0.3) @ h.matrix[pieces].astype(np.float64)


def global_by_hand(token: int) -> np.ndarray | None:
    h = held_out()
    old_unit, new_unit = spaces()
    similarity = old_unit @ new_unit[token]
    similarity[[t.id for t in h.old.added_tokens]] = -np.inf
    top = np.argsort(-similarity)[:10]
    kept = top[similarity[top] >= 0.6]
    if kept.size == 0 or similarity[top[0]] < 0.4:
        return None
    return softmax(similarity[kept], 0.3) @ h.matrix[kept].astype(np.float64)


def test_rows_combine_the_local_and_global_heuristics():
    h = held_out()
    ctx, out = transplanted()
    local_only = transplanted(global_weight=0.0)[1]
    mixed = 0
    for token in h.new_ids[:40]:
        local = local_by_hand(int(token))
        np.testing.assert_allclose(local_only[token], local, rtol=1e-5, atol=1e-6)
        glob = global_by_hand(int(token))
        expected = local if glob is None else 0.7 * local + 0.3 * glob
        mixed += glob is not None
        np.testing.assert_allclose(out[token], expected, rtol=1e-5, atol=1e-6)
    assert mixed > 5  # both heuristics were exercised
    shared = np.array(sorted(ctx.shared))
    np.testing.assert_array_equal(out[shared], h.matrix[[ctx.shared[i] for i in shared]])


def test_local_pieces_come_from_the_old_tokenizer():
    h = held_out()
    # A held-out word is gone from the old vocabulary: the old tokenizer splits it in pieces.
    word = int(h.new_ids[0])
    pieces = h.old.encode(token_text(h.new, word))
    assert len(pieces) > 1
    assert token_text(h.new, word) == "".join(token_text(h.old, i) for i in pieces)


def test_closer_to_the_true_rows_than_mean_init():
    h = held_out()
    _, out = transplanted()
    quality, baseline = h.mean_cosine(out[h.new_ids]), h.mean_init_cosine()
    assert quality > baseline + 0.15, (quality, baseline)


def test_trained_here_without_word_vectors_and_reproducible():
    h = held_out()
    ctx, out = transplanted()
    trained = tokenadapt.initialize(dataclasses.replace(ctx, options={}), h.matrix)
    np.testing.assert_array_equal(trained, out)  # word vectors trained with the same seed
    # (that another seed trains other vectors is tests/transplant/test_wechsel.py's)


def test_bad_input_is_named():
    h = held_out()
    ctx, _ = transplanted()
    with pytest.raises(OptionError, match="global_weight must be a number from 0 to 1"):
        tokenadapt.initialize(dataclasses.replace(ctx, options={"global_weight": 2}), h.matrix)
    with pytest.raises(OptionError, match="unknown option dictionary"):
        tokenadapt.initialize(dataclasses.replace(ctx, options={"dictionary": []}), h.matrix)
    with pytest.raises(InputError, match="corpus text is needed"):
        tokenadapt.initialize(dataclasses.replace(ctx, corpus=None, options={}), h.matrix)
    with pytest.raises(InputError, match="rows but the model's tokenizer has"):
        tokenadapt.initialize(ctx, h.matrix[:10])
