"""Exactness: ByteLevel's trie enumeration equals brute-force marginalisation over every token
sequence of a tiny vocabulary (300 ids trained on shared English), under a seeded random bigram
model, for all covers and for canonical ones, to 1e-9."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tokensmith.bytelevel import ByteLevel, RandomBigramLM

import brute_force

STRINGS = [b"t", b"th", b"the", b" the", b"he w", b"and ", b"ing,", b"a", b" ", b"wh", b"I s", b"ed t"]


@pytest.fixture(scope="module")
def bigram(tiny_tokenizer):
    return RandomBigramLM(tiny_tokenizer.vocab_size, seed=7, concentration=0.5)


@pytest.mark.parametrize("canonical", [False, True])
def test_prefix_probabilities_equal_brute_force(tiny_tokenizer, bigram, canonical):
    model = ByteLevel(tiny_tokenizer, bigram, canonical=canonical)
    for x in STRINGS:
        want = brute_force.log(brute_force.prefix_prob(tiny_tokenizer, bigram, model.end_ids, x, canonical))
        assert model.prefix_logprob(x) == pytest.approx(want, abs=1e-9), x


@pytest.mark.parametrize("canonical", [False, True])
def test_next_byte_distributions_equal_brute_force(tiny_tokenizer, bigram, canonical):
    model = ByteLevel(tiny_tokenizer, bigram, canonical=canonical)
    for x in [b"", b"t", b"th", b" a", b"in"]:
        got = model.next_byte_logprobs(x)
        assert got.shape == (257,)
        assert math.fsum(np.exp(got)) == pytest.approx(1.0, abs=1e-12)
        base = brute_force.prefix_prob(tiny_tokenizer, bigram, model.end_ids, x, canonical)
        for byte in sorted(set(b"ehtnas ,.")):
            want = brute_force.prefix_prob(tiny_tokenizer, bigram, model.end_ids, x + bytes([byte]),
                                           canonical) / base
            assert got[byte] == pytest.approx(brute_force.log(want), abs=1e-9), (x, byte)
        end = brute_force.exact_text_prob(tiny_tokenizer, bigram, model.end_ids, x, canonical) / base
        assert got[256] == pytest.approx(brute_force.log(end), abs=1e-9), x


@pytest.mark.parametrize("canonical", [False, True])
def test_chain_rule_holds(tiny_tokenizer, bigram, canonical):
    """The next-byte distributions multiply up to the prefix probability: one distribution."""
    model = ByteLevel(tiny_tokenizer, bigram, canonical=canonical)
    text = b"the sea, and then"
    total = 0.0
    for k in range(len(text)):
        step = model.next_byte_logprobs(text[:k])
        assert math.fsum(np.exp(step)) == pytest.approx(1.0, abs=1e-12)
        total += step[text[k]]
    assert total == pytest.approx(model.prefix_logprob(text), abs=1e-9)


def test_canonical_rule_is_the_tokenizer_s_own(tiny_tokenizer):
    """The pairwise rule agrees with encoding the sequence's text, on random token sequences."""
    from tokensmith.bytelevel.canonical import PairRule
    from tokensmith.bytelevel.surface import token_surfaces

    rule = PairRule(tiny_tokenizer, token_surfaces(tiny_tokenizer))
    rng = np.random.default_rng(0)
    for text in ["the sea and the land", "It was his own, he said.", "whatever happens"]:
        ids = tiny_tokenizer.encode(text)
        assert rule.is_canonical(ids)
        for _ in range(20):  # one token split into two of its pieces: never canonical
            k = int(rng.integers(len(ids)))
            data = tiny_tokenizer.token_bytes(ids[k])
            if len(data) < 2:
                continue
            cut = int(rng.integers(1, len(data)))
            left, right = (tiny_tokenizer.encode_ordinary(p.decode("latin-1")) for p in (data[:cut], data[cut:]))
            if len(left) == 1 and len(right) == 1 and data.isascii():
                other = ids[:k] + left + right + ids[k + 1:]
                assert rule.is_canonical(other) == brute_force.is_canonical(tiny_tokenizer, other)
                assert not rule.is_canonical(other)


def test_canonical_rule_keeps_every_canonical_encoding(english):
    """Canonical encodings pass the pairwise rule even where the pre-tokenizer's cut between two
    tokens depends on what precedes them: with cl100k's pattern "—I" alone is one piece (and a
    token here), but in "_.—I" the dash ends the piece "_.—"."""
    import tokensmith
    from tokensmith.bytelevel.canonical import PairRule
    from tokensmith.bytelevel.surface import token_surfaces

    corpus = english[:3000] + ["he said\u2014I think so"] * 200 + ["end_.\u2014"] * 50
    tokenizer = tokensmith.train(corpus, method="bpe", vocab_size=400)
    assert len(tokenizer.encode("\u2014I")) == 1  # the joined token exists
    rule = PairRule(tokenizer, token_surfaces(tokenizer))
    for line in english[-300:] + ["bodies_.\u2014I said", "a  b", "x\u2014I"]:
        ids = tokenizer.encode(line + "\n")
        assert rule.is_canonical(ids), line
    # Split where some context cuts it, the pair is kept (canonical after "."); a word's token
    # split in two, which no context cuts, is not.
    assert rule.is_canonical(tokenizer.encode("\u2014") + tokenizer.encode("I"))
    the = tokenizer.encode(" the")
    assert len(the) == 1
    assert not rule.is_canonical(tokenizer.encode(" t") + tokenizer.encode("he"))
