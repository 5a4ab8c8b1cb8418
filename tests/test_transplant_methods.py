"""The copy, fvt and omp transplant methods: exactness on synthetic data, the reference OMP, decompositions."""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from dataclasses import dataclass

import numpy as np
import pytest

import tokensmith
from tokensmith.transplant.context import TransplantContext
from tokensmith.transplant.decompose import decompositions
from tokensmith.transplant.methods import copy_shared, fvt, method_module, omp
from tokensmith.transplant.omp_solver import batch_omp


@dataclass
class Vocabulary:  # what the methods read of a tokenizer when the context carries the match
    vocab_size: int


def synthetic_context(old_size, new_size, shared, **options) -> TransplantContext:
    return TransplantContext(Vocabulary(old_size), Vocabulary(new_size), shared, options=options)


def sparse_problem(seed=0, anchors=300, width=96, targets=200, k=6):
    rng = np.random.default_rng(seed)
    atoms = rng.standard_normal((anchors, width))
    chosen = np.stack([rng.choice(anchors, k, replace=False) for _ in range(targets)])
    coef = rng.standard_normal((targets, k)) + np.sign(rng.standard_normal((targets, k)))  # |c| not tiny
    return atoms, chosen, coef, np.einsum("tk,tkd->td", coef, atoms[chosen])


def test_batch_omp_recovers_sparse_combinations():
    atoms, chosen, coef, targets = sparse_problem()
    index, found = batch_omp(targets, atoms, 6, candidates=None)
    order_true, order_found = np.argsort(chosen, 1), np.argsort(index, 1)
    np.testing.assert_array_equal(np.take_along_axis(index, order_found, 1), np.take_along_axis(chosen, order_true, 1))
    np.testing.assert_allclose(np.take_along_axis(found, order_found, 1), np.take_along_axis(coef, order_true, 1),
                               atol=1e-5)


def test_batch_omp_with_and_without_gram_agree():
    atoms, _, _, targets = sparse_problem(seed=1)
    a = batch_omp(targets, atoms, 10, candidates=None)
    b = batch_omp(targets, atoms, 10, candidates=None, gram_bytes=0)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_allclose(a[1], b[1], atol=1e-5)


def test_duplicate_atoms_get_no_weight():
    atoms, _, _, targets = sparse_problem(seed=2, anchors=50, width=20, k=3)
    atoms = np.concatenate([atoms, atoms[:10]])  # ten atoms twice
    index, coef = batch_omp(targets, atoms, 30, candidates=None)
    approx = np.einsum("tk,tkd->td", coef, atoms[index])
    np.testing.assert_allclose(approx, targets, atol=1e-4, rtol=1e-4)
    assert np.isfinite(coef).all()


def test_omp_method_carries_coefficients_to_the_base_space():
    # Donor rows of 100 new tokens: 60 anchors (shared with old ids 0..59) and 40 k-sparse
    # combinations of them; the base rows of the new tokens are the same combinations of the
    # anchors' base rows, to 1e-5.
    rng = np.random.default_rng(3)
    donor_anchor = rng.standard_normal((60, 48))
    base = rng.standard_normal((80, 24)).astype(np.float32)
    chosen = np.stack([rng.choice(60, 4, replace=False) for _ in range(40)])
    coef = rng.uniform(0.5, 2, (40, 4)) * rng.choice([-1, 1], (40, 4))
    donor = np.concatenate([donor_anchor, np.einsum("tk,tkd->td", coef, donor_anchor[chosen])])
    shared = {n: n for n in range(60)}
    ctx = synthetic_context(80, 100, shared, k=4, donor=donor.astype(np.float32))
    out = omp.initialize(ctx, base)
    np.testing.assert_array_equal(out[:60], base[:60])
    expected = np.einsum("tk,tkd->td", coef, base[chosen].astype(np.float64))
    np.testing.assert_allclose(out[60:], expected, atol=1e-5)


def mergekit_batch_omp():
    """mergekit's ``batch_omp`` (tokensurgeon), loaded from its file: the package's ``__init__``
    imports peft, accelerate and more, which the function does not need."""
    if not os.environ.get("CI"):
        pytest.importorskip("mergekit")
        pytest.importorskip("torch")
    import mergekit

    folder = os.path.join(os.path.dirname(mergekit.__file__), "tokensurgeon")
    package = types.ModuleType("_mergekit_tokensurgeon")
    package.__path__ = [folder]
    sys.modules.setdefault(package.__name__, package)
    spec = importlib.util.spec_from_file_location(f"{package.__name__}.omp", os.path.join(folder, "omp.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.batch_omp


def test_same_atoms_and_coefficients_as_mergekit():
    import torch

    reference = mergekit_batch_omp()
    rng = np.random.default_rng(4)
    atoms = rng.standard_normal((400, 64))
    targets = rng.standard_normal((150, 64))  # dense targets: every step matters
    ref_index, ref_coef = reference(torch.from_numpy(targets), torch.from_numpy(atoms), 16)
    index, coef = batch_omp(targets, atoms, 16, candidates=None)
    np.testing.assert_array_equal(index, ref_index.numpy())
    np.testing.assert_allclose(coef, ref_coef.numpy(), atol=1e-4)


@pytest.fixture(scope="module")
def real_pair(tokenizer_files):
    return tokensmith.load(tokenizer_files / "bert_base_cased_vocab.txt"), tokensmith.load(
        tokenizer_files / "roberta_base_tokenizer.json")


def test_self_transplant_is_identity(real_pair):
    bert, _ = real_pair
    from tokensmith.transplant.matching import match_vocabularies

    match = match_vocabularies(bert, bert)
    ctx = TransplantContext(bert, bert, match.shared, match=match)
    matrix = np.random.default_rng(5).standard_normal((bert.vocab_size, 8)).astype(np.float32)
    ctx.input_embeddings = matrix
    for module in (copy_shared, fvt, omp):
        np.testing.assert_array_equal(module.initialize(ctx, matrix), matrix)


def test_decompositions_keep_the_word_position(real_pair):
    bert, roberta = real_pair
    from tokensmith.transplant.matching import match_vocabularies

    match = match_vocabularies(bert, roberta)
    ctx = TransplantContext(bert, roberta, match.shared, match=match)
    words = ["Ġunbelievably", "ingly", "Ġbureaucracy", "izations"]
    ids = [roberta.token_to_id(w) for w in words]
    spelled = [[bert.id_to_token(i) for i in pieces] for pieces in decompositions(ctx, ids)]
    for word, pieces in zip(words, spelled):
        assert pieces, word
        starts = word.startswith("Ġ")
        assert pieces[0].startswith("##") != starts, (word, pieces)   # the first piece in the word's position
        assert all(p.startswith("##") for p in pieces[1:]), (word, pieces)
        assert "".join(p.removeprefix("##") for p in pieces) == word.removeprefix("Ġ")


def test_fvt_row_is_the_mean_of_the_pieces(real_pair):
    bert, roberta = real_pair
    from tokensmith.transplant.matching import match_vocabularies

    match = match_vocabularies(bert, roberta)
    ctx = TransplantContext(bert, roberta, match.shared, match=match)
    matrix = np.random.default_rng(6).standard_normal((bert.vocab_size, 4)).astype(np.float32)
    out = fvt.initialize(ctx, matrix)
    new_id = roberta.token_to_id("Ġunbelievably")
    assert new_id not in match.shared
    pieces = decompositions(ctx, [new_id])[0]
    np.testing.assert_allclose(out[new_id], matrix[pieces].mean(0), rtol=1e-6)


def test_registry_names_my_methods():
    assert method_module("copy") is copy_shared and method_module("fvt") is fvt and method_module("omp") is omp
