"""SaGe: a token's score is the change of the skip-gram objective when it is ablated."""

from __future__ import annotations

import importlib
import os

import numpy as np
import pytest
import regex

from tokensmith import OptionError, Tokenizer
from tokensmith.trainers.method_utils import count_pieces, merge_token_bytes
from tokensmith.models.bpe.trainer import train_bpe_from_counts
from tokensmith._reference.sage import _span_pairs
from tokensmith.trainers.sage import (ablate, ablation_scores, greedy, log_sigmoid, pairs, train_sage,
                                      train_skipgram)

WINDOW = 3


@pytest.fixture(scope="module")
def english(english_sample):
    return english_sample[:100_000], english_sample[1_000_000:1_020_000]


@pytest.fixture(scope="module")
def bpe_tokens(english):
    merges = train_bpe_from_counts(count_pieces([english[0]], "cl100k"), 500)
    return merge_token_bytes(merges)


def test_ablation_rejoins_the_original_path():
    vocab = {bytes([b]): b for b in range(256)} | {b"ab": 256, b"abc": 257, b"cd": 258, b"bcd": 259}
    base = greedy(b"abcd", vocab, 3)
    assert base == [(257, 0, 3), (100, 3, 1)]
    # without "abc" at 0: "ab" then "cd" overshoots the old boundary at 3 -> runs to the end
    assert ablate(b"abcd", base, 0, vocab, 3) == ([256, 258], 2)


def line_likelihood(ids, tv, cv):
    return sum(float(log_sigmoid(np.array(tv[ids[i]] @ cv[ids[j]])))
               for i, j in _span_pairs(ids, 0, len(ids), WINDOW))


def test_scores_are_the_exact_change_of_the_objective(english, bpe_tokens):
    vocab = {t: i for i, t in enumerate(bpe_tokens)}
    max_len = max(map(len, bpe_tokens))
    words = sorted(set(regex.findall(r" ?\p{L}+", english[0])))[:800]
    lines = [[w.encode()] for w in words]
    rng = np.random.default_rng(1)
    tv, cv = rng.normal(size=(len(bpe_tokens), 8)), rng.normal(size=(len(bpe_tokens), 8))
    scores = ablation_scores(lines, vocab, max_len, tv, cv, WINDOW)
    segmented = {w: [i for i, _, _ in greedy(w, vocab, max_len)] for (w,) in lines}
    checked = 0
    for t in range(256, len(bpe_tokens)):
        without = {k: v for k, v in vocab.items() if v != t}
        change, isolated = 0.0, True
        for word, base in segmented.items():
            if t not in base:
                continue
            ablated = [i for i, _, _ in greedy(word, without, max_len)]
            isolated &= base.count(t) == 1
            change += line_likelihood(ablated, tv, cv) - line_likelihood(base, tv, cv)
        if isolated and change:
            checked += 1
            assert scores[t] == pytest.approx(change, abs=1e-6), bpe_tokens[t]
    assert checked > 100


def test_skipgram_learns_real_contexts(english, bpe_tokens):
    vocab = {t: i for i, t in enumerate(bpe_tokens)}
    max_len = max(map(len, bpe_tokens))
    lines = [np.array([i for p in regex.findall(r" ?\p{L}+| ?[^\s\p{L}]+", line)
                       for i, _, _ in greedy(p.encode(), vocab, max_len)])
             for line in english[0][:30_000].splitlines() if line.strip()]
    tv, cv = train_skipgram(lines, len(bpe_tokens), dim=16, window=WINDOW, epochs=5)
    t, c = pairs(lines, WINDOW)
    rng = np.random.default_rng(0)
    true = log_sigmoid(np.einsum("nd,nd->n", tv[t], cv[c])).mean()
    shuffled = log_sigmoid(np.einsum("nd,nd->n", tv[t], cv[rng.permutation(c)])).mean()
    assert true > shuffled + 0.02  # 0 before training (context vectors start at zero)


@pytest.fixture(scope="module")
def trained(english):
    return train_sage([english[0]], 520, init_factor=1.3, prune_fraction=0.3, sample_bytes=15_000,
                      dim=16, epochs=1)


def test_trained_vocabulary(trained, english):
    tokens = trained.model.token_bytes()
    assert len(tokens) == 520 == len(set(tokens))
    assert set(tokens[:256]) == {bytes([b]) for b in range(256)}
    assert trained.decode(trained.encode(english[1])) == english[1]


def test_native_round_trip(trained, english, tmp_path):
    trained.save(tmp_path / "sage.json")
    loaded = Tokenizer.load(tmp_path / "sage.json")
    assert loaded.encode(english[1][:5000]) == trained.encode(english[1][:5000])


def test_bad_options(english):
    with pytest.raises(OptionError):
        train_sage([english[0][:2000]], 520, prune_fraction=0)


def test_compiled_kernels_agree_with_the_reference(english, bpe_tokens):
    from tokensmith._reference import sage as reference
    from tokensmith._core import kernel
    from tokensmith.trainers.sage import sample_lines, segment_lines

    assert kernel("_top_down") is not None, "the compiled kernel must be built for this test"
    vocab = {t: i for i, t in enumerate(bpe_tokens)}
    max_len = max(map(len, bpe_tokens))
    lines = sample_lines([english[0]], "cl100k", 20_000)
    ids = segment_lines(lines, bpe_tokens)
    assert [list(x) for x in ids] == [[t for p in pieces for t, _, _ in greedy(p, vocab, max_len)]
                                      for pieces in lines]
    rng = np.random.default_rng(2)
    tv, cv = rng.normal(size=(len(bpe_tokens), 8)), rng.normal(size=(len(bpe_tokens), 8))
    scores = ablation_scores(lines, vocab, max_len, tv, cv, WINDOW)
    expected = reference.ablation_scores(lines, vocab, max_len, tv, cv, WINDOW)
    assert np.count_nonzero(expected) > 100
    np.testing.assert_allclose(scores, expected, rtol=1e-9, atol=1e-6)
    official_context = ablation_scores(lines, vocab, max_len, tv, cv, 2, straddling=False)
    expected = reference.ablation_scores(lines, vocab, max_len, tv, cv, 2, straddling=False)
    np.testing.assert_allclose(official_context, expected, rtol=1e-9, atol=1e-6)


# -- against SaGe's official code (sage-tokenizer 2.0, MeLeLBGU/SaGe) ----------------------------
@pytest.fixture(scope="module")
def official_sage():
    """``sage_tokenizer.model``: required in CI (installed without its gensim pin, which only the
    embedding training needs), skipped elsewhere when missing."""
    if os.environ.get("CI"):
        return importlib.import_module("sage_tokenizer.model")
    return pytest.importorskip("sage_tokenizer.model")


@pytest.fixture(scope="module")
def english_lines(english):
    # the official code reads whole lines, stripped, with no pre-tokenizer
    return [line.strip().encode() for line in english[0][:40_000].splitlines() if line.strip()]


def test_greedy_segmentation_is_the_official_one(official_sage, bpe_tokens, english_lines):
    from tokensmith.trainers.sage import segment_lines

    max_len = max(map(len, bpe_tokens))
    official = official_sage.SaGeTokenizer(bpe_tokens, max_len)
    ours = segment_lines([[line] for line in english_lines], bpe_tokens)
    for line, ids in zip(english_lines, ours):
        assert list(ids) == official.tokenize(line, tokens_only=True), line


def test_scores_with_the_official_context_are_the_official_scores(official_sage, bpe_tokens, english_lines):
    # With a shared vector matrix, the official pad of 2 and no straddling pairs, the ablation
    # scores are exactly minus the official losses (sign: ablated minus original likelihood).
    max_len = max(map(len, bpe_tokens))
    vocab = {t: i for i, t in enumerate(bpe_tokens)}
    vectors = np.random.default_rng(3).normal(scale=0.5, size=(len(bpe_tokens), 8))
    official = official_sage.SaGeTokenizer(bpe_tokens, max_len)
    triples: dict = {}
    for line in english_lines:
        official.fast_sage(line, triples, {}, pad=2)
    # the official compute_losses: count * log(sigmoid(target . context)), summed per ablated id
    official_change = np.zeros(len(bpe_tokens))
    for (ablated, target, context), count in triples.items():
        official_change[ablated] += count * -np.logaddexp(0, -(vectors[target] @ vectors[context]))
    ours = ablation_scores([[line] for line in english_lines], vocab, max_len, vectors, vectors,
                           window=2, straddling=False)
    assert np.count_nonzero(official_change) > 200
    np.testing.assert_allclose(ours, official_change, rtol=1e-9, atol=1e-7)
    # the default (straddling pairs counted) differs: the documented departure
    default = ablation_scores([[line] for line in english_lines], vocab, max_len, vectors, vectors, window=2)
    assert not np.allclose(default, official_change)


def test_skipgram_vectors_stay_finite_when_a_batch_repeats_tokens():
    """A batch holds a frequent token many times; summing its stale gradients made the vectors
    overflow to NaN (a 30-token vocabulary; also Zipfian text over 20,000 ids). Bounding the
    vectors' norms keeps them finite."""
    import importlib

    import numpy as np

    sage = importlib.import_module("tokensmith.trainers.sage")
    rng = np.random.default_rng(0)
    small = [rng.integers(0, 30, size=50) for _ in range(400)]
    target, context = sage.train_skipgram(small, 30, dim=50, epochs=2)
    assert np.isfinite(target).all() and np.isfinite(context).all()
    zipf = [rng.zipf(1.3, size=50) % 2000 for _ in range(600)]
    target, context = sage.train_skipgram(zipf, 2000, dim=16, epochs=1)
    assert np.isfinite(target).all() and np.isfinite(context).all()
    assert np.abs(target).max() > 1e-3  # it learnt something
