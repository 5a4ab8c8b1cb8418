import math
from collections import Counter

import numpy as np
import pytest

from tokensmith.metrics.renyi import renyi, renyi_entropy


def test_by_hand():
    # p = (1/2, 1/4, 1/4): H_2 = -log2(1/4 + 1/16 + 1/16) = log2(8/3)
    assert renyi_entropy(np.array([2, 1, 1]), 2.0) == pytest.approx(math.log2(8 / 3))
    assert renyi_entropy(np.array([2, 1, 1]), 1.0) == pytest.approx(1.5)
    assert renyi_entropy(np.array([2, 1, 1]), math.inf) == pytest.approx(1.0)
    r = renyi(np.array([2, 1, 1, 0]), vocab_size=4, alpha=2.0)
    assert r.efficiency == pytest.approx(math.log2(8 / 3) / 2)


def test_defining_properties():
    """Zouhar et al.: efficiency is 1 exactly for the uniform use of the whole vocabulary, 0 for a
    single token, and H_α does not increase with α."""
    assert renyi(np.full(64, 7), 64, 2.5).efficiency == pytest.approx(1.0)
    assert renyi(np.array([5, 0, 0, 0]), 4, 2.5).efficiency == pytest.approx(0.0)
    rng = np.random.default_rng(0)
    counts = rng.zipf(1.5, 5000) % 1000
    hs = [renyi_entropy(np.bincount(counts), a) for a in (0.5, 1.0, 2.0, 2.5, 5.0)]
    assert all(a >= b - 1e-12 for a, b in zip(hs, hs[1:]))


def test_against_independent_count_on_english(english_sample, tiktoken_encodings, ts_tokenizers):
    from tokensmith.metrics.corpus import encode_texts
    from tokensmith.metrics.vocab_table import VocabTable

    text = english_sample[:200_000]
    tok = ts_tokenizers["cl100k"]
    encoded = encode_texts(tok, [text], progress=False)
    result = renyi(encoded.counts(tok.vocab_size), len(VocabTable.of(tok).text_ids), 2.5)
    freq = Counter(tiktoken_encodings["cl100k"].encode_ordinary(text))
    total = sum(freq.values())
    h = math.log2(sum((n / total) ** 2.5 for n in freq.values())) / (1 - 2.5)
    assert result.entropy_bits == pytest.approx(h, rel=1e-9)
    assert result.efficiency == pytest.approx(h / math.log2(100256), rel=1e-9)
