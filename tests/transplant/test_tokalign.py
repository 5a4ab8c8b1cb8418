"""TokAlign: every new token aligned to one old token, rows rearranged (no reference package on
PyPI: the published scripts are checked by the alignment's properties and the held-out quality)."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from tokensmith.errors import InputError, OptionError
from tokensmith.transplant.methods import tokalign

from heldout import held_out


@functools.lru_cache(maxsize=None)
def transplanted():
    h = held_out()
    ctx = h.context()
    return ctx, tokalign.initialize(ctx, h.matrix)


@functools.lru_cache(maxsize=None)
def small_context(**options):
    """A quicker setting for the alignment's properties: a fifth of the corpus."""
    ctx = held_out().context(min_count=3, **options)
    return dataclasses.replace(ctx, corpus=ctx.corpus[: len(ctx.corpus) // 5])


def test_rows_are_old_rows_rearranged():
    h = held_out()
    ctx, out = transplanted()
    alignment, unseen = tokalign.align(ctx, {**tokalign.DEFAULTS})  # again: the same seed, the same
    # vectors and pivots, so the rows below are those initialize gave
    assert set(alignment) | set(unseen.tolist()) == set(range(h.new.vocab_size))
    for new_id, old_id in ctx.shared.items():
        assert alignment[new_id] == old_id
    ids = np.array(sorted(alignment))
    np.testing.assert_array_equal(out[ids], h.matrix[[alignment[i] for i in ids]])  # copies, no mixing
    np.testing.assert_allclose(out[unseen], np.broadcast_to(h.matrix.mean(axis=0), (unseen.size, h.matrix.shape[1])),
                               rtol=1e-5, atol=1e-6)


def test_one_to_one_uses_no_old_row_twice():
    h = held_out()
    ctx = h.context(assignment="one_to_one")
    alignment, _ = tokalign.align(ctx, {**tokalign.DEFAULTS, **ctx.options})
    old_ids = list(alignment.values())
    assert len(old_ids) == len(set(old_ids))  # a bijection onto its image
    assert len(alignment) - len(ctx.shared) > 200  # new tokens were aligned, not only shared ones
    # Held-out words aligned one to one are still closer to their true rows than the mean row.
    aligned = np.array([i for i in h.new_ids if i in alignment])
    assert aligned.size > 0.5 * h.new_ids.size
    rows = h.matrix[[alignment[i] for i in aligned]].astype(np.float64)
    true = h.true_rows[np.isin(h.new_ids, aligned)].astype(np.float64)
    cos = (rows * true).sum(1) / (np.linalg.norm(rows, axis=1) * np.linalg.norm(true, axis=1))
    assert cos.mean() > h.mean_init_cosine() + 0.05


def test_closer_to_the_true_rows_than_mean_init():
    h = held_out()
    _, out = transplanted()
    quality, baseline = h.mean_cosine(out[h.new_ids]), h.mean_init_cosine()
    assert quality > baseline + 0.08, (quality, baseline)


def test_another_seed_draws_other_pivots():
    ctx = small_context()
    first = tokalign.initialize(ctx, held_out().matrix)
    other = tokalign.initialize(dataclasses.replace(ctx, seed=1), held_out().matrix)
    assert not np.array_equal(first, other)  # the seed draws the pivots


def test_bad_input_is_named():
    h = held_out()
    ctx = small_context()
    with pytest.raises(InputError, match="corpus text is needed"):
        tokalign.initialize(dataclasses.replace(ctx, corpus=[]), h.matrix)
    with pytest.raises(InputError, match="too small to train"):
        tokalign.initialize(dataclasses.replace(ctx, corpus=list(ctx.corpus[:10])), h.matrix)
    with pytest.raises(OptionError, match="assignment must be one of 'argmax', 'one_to_one'"):
        tokalign.initialize(dataclasses.replace(ctx, options={"assignment": "hungarian"}), h.matrix)
    with pytest.raises(InputError, match="rows but the model's tokenizer has"):
        tokalign.initialize(ctx, h.matrix[:-1])
