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


@pytest.fixture(scope="module")
def scorer(reference):
    return reference("tokenization_scorer")


@pytest.mark.parametrize("name", ["cl100k_base.tiktoken", "t5_small_tokenizer.json", "llama2_tokenizer.model",
                                  "bert_base_cased_vocab.txt"])
def test_observed_normalization_equals_tokenization_scorer(name, scorer, tokenizer_files, ntrex_dir):
    """``normalize="observed"`` is the authors' package's score, on real tokenized text."""
    from tokensmith.adapters import open_tokenizer
    from tokensmith.metrics.corpus import encode_texts

    tok = open_tokenizer(str(tokenizer_files / name))
    lines = []
    for code in ("eng", "deu", "rus", "jpn"):
        kind = "src" if code == "eng" else "ref"
        lines += (ntrex_dir / f"newstest2019-{kind}.{code}.txt").read_text(encoding="utf-8").split("\n")[:50]
    encoded = encode_texts(tok, lines, progress=False)
    counts = encoded.counts(tok.vocab_size)
    # The package reads whitespace-separated tokens: ids written as words are such tokens.
    as_words = [[str(i) for i in ids.tolist()] for ids in encoded.ids]
    for alpha in (0.5, 2.0, 2.5, 3.0):
        ours = renyi(counts, tok.vocab_size, alpha, normalize="observed")
        theirs = scorer.score(as_words, metric="renyi", power=alpha)
        assert ours.efficiency == pytest.approx(theirs, rel=1e-12), (name, alpha)
        assert ours.vocab_size == ours.observed_types == len({i for ids in as_words for i in ids})
        assert ours.entropy_bits == pytest.approx(scorer.score(as_words, metric="renyi_entropy", power=alpha),
                                                  rel=1e-12)
    shannon = renyi(counts, tok.vocab_size, 1.0, normalize="observed").shannon_efficiency
    assert shannon == pytest.approx(scorer.score(as_words, metric="shannon"), rel=1e-12)
    # over the whole vocabulary the value is lower: most entries are never produced here
    assert renyi(counts, tok.vocab_size, 2.5).efficiency < renyi(counts, tok.vocab_size, 2.5, "observed").efficiency


def test_unknown_normalization():
    from tokensmith.errors import OptionError

    with pytest.raises(OptionError, match="Rényi normalization must be one of vocabulary, observed"):
        renyi(np.array([1, 2]), 2, 2.5, normalize="types")
