"""FOCUS: sparsemax-weighted shared rows, checked against the reference package ``deepfocus``."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tokensmith.errors import InputError, OptionError
from tokensmith.transplant.methods import focus
from tokensmith.transplant.static_embeddings import cosine_rows

from heldout import held_out


@functools.lru_cache(maxsize=None)
def transplanted():
    """(context, FOCUS rows, auxiliary vectors, has_vector) on the held-out setting, seed 0."""
    h = held_out()
    ctx = h.context(seed=0, unseen="random")
    vectors, has_vector = focus.auxiliary_embeddings(ctx, {**focus.DEFAULTS})
    given = dataclasses.replace(ctx, options={"auxiliary_embeddings": vectors, "unseen": "random"})
    return ctx, focus.initialize(given, h.matrix), vectors, has_vector


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 30)),
              elements=st.floats(-1, 1, allow_nan=False)))
def test_sparsemax_is_the_projection_onto_the_simplex(scores):
    weights = focus.sparsemax(scores)
    assert np.all(weights >= 0)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-9)
    # The projection's optimality: every kept entry is its score minus one threshold tau, and
    # every dropped score lies at or below tau.
    for z, p in zip(scores, weights):
        kept = p > 0
        tau = (z[kept] - p[kept])
        np.testing.assert_allclose(tau, tau[0], atol=1e-9)
        assert np.all(z[~kept] <= tau[0] + 1e-9)


def test_sparsemax_agrees_with_entmax():
    torch = pytest.importorskip("torch")
    entmax = pytest.importorskip("entmax")
    scores = np.random.default_rng(0).uniform(-1, 1, size=(50, 400))
    expected = entmax.sparsemax(torch.from_numpy(scores), dim=-1).numpy()
    np.testing.assert_allclose(focus.sparsemax(scores), expected, atol=1e-12)


def test_new_rows_are_sparse_convex_combinations_of_shared_rows():
    h = held_out()
    ctx, out, vectors, has_vector = transplanted()
    shared_new = np.array(sorted(ctx.shared))
    shared_old = np.array([ctx.shared[i] for i in shared_new])
    np.testing.assert_array_equal(out[shared_new], h.matrix[shared_old])  # copied unchanged
    sources = shared_new[has_vector[shared_new]]
    weights = focus.sparsemax(cosine_rows(vectors[h.new_ids]) @ cosine_rows(vectors[sources]).T)
    assert np.all(weights >= 0)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-9)
    used = (weights > 0).sum(axis=1)
    assert used.max() < 0.05 * sources.size  # sparse: a few shared tokens per new token
    rows = weights @ h.matrix[[ctx.shared[i] for i in sources]].astype(np.float64)
    np.testing.assert_allclose(out[h.new_ids], rows, rtol=1e-5, atol=1e-6)


def test_same_rows_as_deepfocus_for_the_same_auxiliary_embeddings():
    torch = pytest.importorskip("torch")
    pytest.importorskip("entmax")
    pytest.importorskip("fastdist")
    reference = pytest.importorskip("deepfocus.focus")
    from deepfocus.vocab_helper import NewToken, OverlappingToken, TokenClass

    h = held_out()
    ctx, ours, vectors, has_vector = transplanted()

    def token(i: int) -> TokenClass:
        text = h.new.id_to_token(i)
        return TokenClass(text, i, text, text, text, text, False)

    overlapping = {h.new.id_to_token(i): OverlappingToken(
        source=[token(o)], target=token(i), source_embedding=torch.from_numpy(h.matrix[o]),
        auxiliary_embedding=vectors[i]) for i, o in sorted(ctx.shared.items()) if has_vector[i]}
    new = {h.new.id_to_token(i): NewToken(target=token(i), auxiliary_embedding=vectors[i])
           for i in range(ctx.new_vocab_size) if i not in ctx.shared and has_vector[i]}
    theirs = reference.focus_additional_token_initialization(
        overlapping, new, torch.zeros((ctx.new_vocab_size, h.matrix.shape[1])), device="cpu").numpy()
    ids = [t.target.id for t in new.values()]
    assert len(ids) > 200
    np.testing.assert_allclose(ours[ids], theirs[ids], rtol=1e-5, atol=1e-6)


def test_closer_to_the_true_rows_than_mean_init():
    h = held_out()
    out = transplanted()[1]
    quality, baseline = h.mean_cosine(out[h.new_ids]), h.mean_init_cosine()
    assert quality > baseline + 0.15, (quality, baseline)


def test_reproducible_with_a_seed():
    h = held_out()
    ctx, first, vectors, _ = transplanted()
    # Trained again on the corpus: the same auxiliary vectors, the same rows.
    np.testing.assert_array_equal(first, focus.initialize(ctx, h.matrix))
    # The seed draws the rows of new tokens without an auxiliary vector (unseen="random").
    other = focus.initialize(dataclasses.replace(
        ctx, seed=1, options={"auxiliary_embeddings": vectors, "unseen": "random"}), h.matrix)
    assert not np.array_equal(first, other)
    assert first.dtype == np.float32 and first.shape == (h.new.vocab_size, h.matrix.shape[1])


def test_bad_input_is_named():
    h = held_out()
    ctx = h.context()
    with pytest.raises(InputError, match="corpus text is needed"):
        focus.initialize(dataclasses.replace(ctx, corpus=None), h.matrix)
    with pytest.raises(InputError, match="too small to train"):
        focus.initialize(dataclasses.replace(ctx, corpus=list(ctx.corpus[:20])), h.matrix)
    with pytest.raises(InputError, match="rows but the model's tokenizer has"):
        focus.initialize(ctx, h.matrix[:100])
    with pytest.raises(InputError, match="one row per new token"):
        focus.initialize(dataclasses.replace(ctx, options={"auxiliary_embeddings": np.ones((5, 3))}), h.matrix)
    with pytest.raises(OptionError, match="unknown option temperature"):
        focus.initialize(dataclasses.replace(ctx, options={"temperature": 0.1}), h.matrix)
    with pytest.raises(InputError, match="share no token"):
        focus.initialize(dataclasses.replace(ctx, shared={}), h.matrix)
