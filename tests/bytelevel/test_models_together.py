"""Ensembles across tokenizers, token distributions mapped between tokenizers, the n-gram model,
and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tokensmith.bytelevel import ByteLevel, NgramLM, RandomBigramLM
from tokensmith.bytelevel.ensemble import ByteEnsemble
from tokensmith.bytelevel.transfer import map_next_token
from tokensmith.errors import InputError, ModelFileError, OptionError

import brute_force


@pytest.fixture(scope="module")
def second_tokenizer(english):
    import tokensmith

    return tokensmith.train(english[2000:4000], method="bpe", vocab_size=280)


@pytest.fixture(scope="module")
def ngram(tiny_tokenizer, english):
    return NgramLM.train_on_texts(tiny_tokenizer, english[:3000], order=3)


def test_ngram_model_gives_every_token_mass_and_learns(tiny_tokenizer, ngram, english):
    p = ngram.probabilities(tiny_tokenizer.encode("the"))
    assert p.shape == (tiny_tokenizer.vocab_size + 1,) and (p > 0).all()
    assert math.fsum(p) == pytest.approx(1.0, abs=1e-12)
    # Held-out text is likelier under the trained model than under a uniform one.
    ids = tiny_tokenizer.encode(english[-1])
    logp = sum(math.log(ngram.probabilities(ids[:k])[ids[k]]) for k in range(len(ids)))
    assert logp > len(ids) * math.log(1 / (tiny_tokenizer.vocab_size + 1)) + 10


def test_ngram_save_and_load(tmp_path, tiny_tokenizer, ngram):
    path = tmp_path / "model.npz"
    ngram.save(path)
    again = NgramLM.load(path)
    prefixes = [[], tiny_tokenizer.encode("the sea"), [5, 6, 7]]
    assert np.array_equal(again(prefixes), ngram(prefixes))
    (tmp_path / "bad.npz").write_bytes(b"not numpy")
    with pytest.raises(ModelFileError, match="bad.npz"):
        NgramLM.load(tmp_path / "bad.npz")


def test_ngram_byte_level_is_exact_over_all_covers(tiny_tokenizer, ngram):
    """Histories merged by the model's context: the dynamic program equals brute force."""
    model = ByteLevel(tiny_tokenizer, ngram, canonical=False)
    for x in [b"the", b" and", b"he s"]:
        want = brute_force.prefix_prob(tiny_tokenizer, ngram, model.end_ids, x, False)
        assert model.prefix_logprob(x) == pytest.approx(math.log(want), abs=1e-9)


def test_ensembles_across_tokenizers(tiny_tokenizer, second_tokenizer, english):
    a = ByteLevel(tiny_tokenizer, RandomBigramLM(tiny_tokenizer.vocab_size, seed=1))
    b = ByteLevel(second_tokenizer, NgramLM.train_on_texts(second_tokenizer, english[:2000], order=2))
    text = b"the sea"
    for mode in ("mixture", "product"):
        ensemble = ByteEnsemble([a, b], mode=mode)
        step = ensemble.next_byte_logprobs(text)
        assert math.fsum(np.exp(step)) == pytest.approx(1.0, abs=1e-12)
    mixture = ByteEnsemble([a, b], weights=[0.3, 0.7])
    # The mixture of distributions over texts: its prefix probability is the weighted sum, and
    # its next-byte steps multiply up to it.
    want = math.log(0.3 * math.exp(a.prefix_logprob(text)) + 0.7 * math.exp(b.prefix_logprob(text)))
    assert mixture.prefix_logprob(text) == pytest.approx(want, abs=1e-9)
    chained = sum(mixture.next_byte_logprobs(text[:k])[text[k]] for k in range(len(text)))
    assert chained == pytest.approx(want, abs=1e-9)
    # The trained model dominates the random one: the mixture follows it.
    assert mixture.generate(b"the se", 1, greedy=True) == b.generate(b"the se", 1, greedy=True)
    with pytest.raises(OptionError):
        ByteEnsemble([a, b], mode="average")


def test_token_distribution_mapped_onto_another_tokenizer(tiny_tokenizer, second_tokenizer, ngram):
    source = ByteLevel(tiny_tokenizer, ngram, canonical=True)
    mapped = map_next_token(source, b"the s", second_tokenizer)
    assert mapped.shape == (second_tokenizer.vocab_size + 1,)
    assert (mapped >= -1e-12).all()
    assert math.fsum(mapped) == pytest.approx(1.0, abs=1e-9)
    # Onto the source's own tokenizer, the first token's probability of spelling "e" exactly
    # then something no longer token starts with is P("e") minus the longer tokens' share.
    own = map_next_token(source, b"the s", tiny_tokenizer)
    assert math.fsum(own) == pytest.approx(1.0, abs=1e-9)
    top = int(np.argmax(mapped[:-1]))
    assert mapped[top] > 0.05
    data = second_tokenizer.token_bytes(top)
    # Longest match: P(first token = t) <= P(continuation starts with t).
    assert mapped[top] <= math.exp(source.prefix_logprob(b"the s" + data) - source.prefix_logprob(b"the s")) + 1e-12


def test_bad_input(tiny_tokenizer, second_tokenizer, ngram):
    with pytest.raises(InputError, match="out of range"):
        ngram([[0, 5, tiny_tokenizer.vocab_size + 3]])
    with pytest.raises(InputError, match="out of range"):
        ngram([[-1]])
    with pytest.raises(OptionError, match="was not trained with this tokenizer"):
        ByteLevel(second_tokenizer, ngram)
    with pytest.raises(OptionError, match="shape"):
        ByteLevel(tiny_tokenizer, lambda prefixes: np.zeros(tiny_tokenizer.vocab_size))
    model = ByteLevel(tiny_tokenizer, ngram, canonical=True)
    with pytest.raises(InputError, match="bytes"):
        model.prefix_logprob(12)


def test_a_prefix_no_token_spells_is_an_error(tokenizer_files):
    """T5's SentencePiece vocabulary has no byte pieces: a control byte has no covering token."""
    import tokensmith

    t5 = tokensmith.load(tokenizer_files / "t5_small_tokenizer.json")
    uniform = ByteLevel(t5, lambda prefixes: np.zeros((len(prefixes), t5.vocab_size)), canonical=False)
    assert uniform.end_ids == [t5.token_to_id("</s>")]
    assert uniform.prefix_logprob(b" Hello") < 0
    with pytest.raises(InputError, match=r"no token sequence .* spells the first 3 bytes"):
        uniform.prefix_logprob(b" a\x01b")
    with pytest.raises(InputError, match="no token sequence"):
        uniform.next_byte_logprobs(b" \x01")
