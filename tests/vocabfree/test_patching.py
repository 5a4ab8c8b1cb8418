"""Byte patching rules on real multilingual text, BLT's space rule against a port of its code,
and the patches joining back to the bytes for every rule (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tokensmith.errors import OptionError
from tokensmith.vocabfree.patching import RULES, Patcher, boundary_probabilities, patch_stats


def blt_space_starts(data: bytes) -> list[int]:
    """BLT's find_space_patch_start_ids, ported: tokens are BOS + bytes, space-like bytes end a
    patch unless the previous one did, starts are [0, 1] + (i + 1 for each patch end i >= 1);
    returned here relative to the first byte, without BOS's own patch."""
    tokens = [-1] + list(data)            # BOS below every byte (offset removed)
    spacelike = [t < 48 or 57 < t < 65 or 90 < t < 97 or 122 < t < 128 or t >= 192 for t in tokens]
    end = [spacelike[0]] + [spacelike[i] and not spacelike[i - 1] for i in range(1, len(tokens))]
    end[0] = True                          # BOS (below the byte offset) always ends its patch
    starts = [0, 1] + [i + 1 for i in range(1, len(tokens)) if end[i]]
    return [s - 1 for s in starts[1:] if s - 1 < len(data)]


@pytest.fixture(scope="module")
def patchers(byte_model):
    return {rule: Patcher(rule, predictor=byte_model if rule in ("entropy", "monotonic", "chunking") else None)
            for rule in RULES}


def test_space_rule_equals_blt(ntrex_sample):
    patcher = Patcher("space")
    for lines in ntrex_sample.values():
        for line in lines:
            data = line.encode()
            assert patcher.starts(data).tolist() == blt_space_starts(data)
    assert Patcher("space")("  the cat, sat") == [b"  the ", b"cat,", b" sat"]


def test_words_rule_pools_words_with_their_whitespace(ntrex_sample):
    patcher = Patcher("words")
    for lines in ntrex_sample.values():
        for line in lines:
            patches = [p.decode() for p in patcher(line)]
            assert "".join(patches) == line
            assert len(patches) == len(line.split()) + (line[:1].isspace())
            for p in patches:
                assert p.rstrip() == p.strip() or p.isspace()   # whitespace only at the end


def test_entropy_rules_cut_where_the_definition_says(byte_model, ntrex_sample):
    for line in ntrex_sample["eng"] + ntrex_sample["deu"]:
        data = line.encode()
        h = byte_model.entropies(data)
        for threshold in (0.5, 1.335442066192627, 2.5):
            starts = Patcher("entropy", threshold, byte_model).starts(data)
            assert starts.tolist() == [0] + [i for i in range(1, len(data)) if h[i] > threshold]
        starts = Patcher("monotonic", 0.3, byte_model).starts(data)
        assert starts.tolist() == [0] + [i for i in range(1, len(data)) if h[i] - h[i - 1] > 0.3]
    # a higher global threshold gives fewer, longer patches; English patches are shorter than words
    english = ntrex_sample["eng"]
    low, high = (patch_stats(Patcher("entropy", t, byte_model), english).mean_length for t in (1.0, 2.0))
    assert low < high
    assert patch_stats(Patcher("entropy", None, byte_model), english).mean_length < \
        patch_stats(Patcher("words"), english).mean_length


def test_dynamic_chunking_rule():
    q = np.array([[1.0, 0], [1, 0.1], [-1, 0], [-1, 0.2], [0.3, -1]])
    p = boundary_probabilities(q, q)
    cos = (0.3 * -1 + -1 * 0.2) / (math.hypot(0.3, 1) * math.hypot(1, 0.2))
    assert p[0] == 1 and p[1] < 0.5 and p[2] > 0.99 and p[3] < 0.5 and math.isclose(p[4], (1 - cos) / 2)
    assert Patcher("chunking", predictor=lambda data: (q, q))(b"abcde") == [b"ab", b"cd", b"e"]
    assert Patcher("chunking", 0.8, predictor=lambda data: (q, q))(b"abcde") == [b"ab", b"cde"]
    assert Patcher("chunking", predictor=lambda data: np.array([1, 0, 0.7, 0.2, 0.5]))(b"abcde") == \
        [b"ab", b"cd", b"e"]


def test_default_chunking_finds_word_like_chunks(byte_model, ntrex_sample):
    stats = patch_stats(Patcher("chunking", predictor=byte_model), ntrex_sample["eng"])
    words = patch_stats(Patcher("words"), ntrex_sample["eng"])
    assert 0.5 * words.mean_length < stats.mean_length < 2 * words.mean_length


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=80), st.integers(1, 6))
def test_patches_join_back_for_every_rule(patchers, data, cap):
    for rule, patcher in patchers.items():
        if rule == "words":
            data = data.decode("utf-8", errors="replace").encode()
        patches = patcher(data)
        assert b"".join(patches) == data and all(patches)
        capped = Patcher(rule, patcher.threshold, patcher.predictor, max_patch_length=cap)(data)
        assert b"".join(capped) == data and max(map(len, capped), default=0) <= cap


def test_bad_options_are_clear_errors(byte_model):
    for bad in (-0.1, math.log(256), 9.0, float("nan")):
        with pytest.raises(OptionError, match="threshold must be"):
            Patcher("entropy", bad, byte_model)
    with pytest.raises(OptionError, match="threshold must be"):
        Patcher("chunking", 1.5, byte_model)
    with pytest.raises(OptionError, match="unknown patching rule"):
        Patcher("bpe")
    with pytest.raises(OptionError, match="needs a byte predictor"):
        Patcher("monotonic")
    with pytest.raises(OptionError, match="takes no threshold"):
        Patcher("space", 1.0)
    with pytest.raises(OptionError, match="shape"):
        Patcher("entropy", predictor=lambda data: np.zeros((len(data), 3))).starts(b"abc")
    with pytest.raises(OptionError, match="max_patch_length"):
        Patcher("space", max_patch_length=0)
