"""ByteSpan: vocabulary tokens are predictable byte runs under the byte LM's surprisal."""

from __future__ import annotations

import pytest

from tokensmith import OptionError, Tokenizer
from tokensmith.trainers.method_utils import count_pieces
from tokensmith.trainers.bytespan import NgramByteLM, span_counts, spans, train_bytespan

VOCAB = 600


@pytest.fixture(scope="module")
def english(english_sample):
    return english_sample[:100_000], english_sample[1_000_000:1_020_000]


@pytest.fixture(scope="module")
def counts(english):
    return count_pieces([english[0]], "cl100k")


@pytest.fixture(scope="module")
def lm(counts):
    return NgramByteLM(counts, order=4)


def test_ngram_model_predicts_inside_words(lm, english):
    words = [p for p in count_pieces([english[1]], "cl100k") if p[:1] == b" " and p[1:].isalpha()
             and len(p) > 3][:2000]
    first = [lm(w)[1] for w in words]           # the word's first letter
    rest = [s for w in words for s in lm(w)[2:]]
    # bits: the rest of a word is far more predictable than its first letter
    assert sum(rest) / len(rest) < sum(first) / len(first) - 1.0
    for s in lm(b" the")[1:]:
        assert s < 3


def test_vocabulary_tokens_are_monotonic_spans(lm, counts, english):
    tok = train_bytespan([english[0]], VOCAB)
    tokens = tok.model.token_bytes()
    assert len(tokens) == VOCAB == len(set(tokens))
    found = span_counts(counts, lm, "monotonic", None)
    for token in tokens[256:]:
        assert token in found
    # the defining rule, checked on the pieces themselves: inside a span surprisal never rises
    for piece in list(counts)[:3000]:
        s = lm(piece)
        pos = 0
        for span in spans(piece, s, "monotonic"):
            inside = s[pos:pos + len(span)]
            if pos == 0 and piece[:1] == b" ":
                inside = inside[1:]  # the leading space is kept with its word
            assert all(b <= a for a, b in zip(inside, inside[1:]))
            pos += len(span)
    assert tok.decode(tok.encode(english[1])) == english[1]


def test_any_callable_is_a_predictor(english):
    vowels = set(b"aeiou")

    def surprising_vowels(piece: bytes):  # a vowel is "unpredictable": spans start at vowels
        return [5.0 if b in vowels else 1.0 for b in piece]

    tok = train_bytespan([english[0][:30_000]], 400, predictor=surprising_vowels, constraint="global",
                         threshold=2.0)
    for token in tok.model.token_bytes()[256:]:
        word = token[1:] if token[:1] == b" " else token  # a leading space stays with its word
        assert not set(word[1:]) & vowels, token


def test_native_round_trip_and_options(english, tmp_path):
    tok = train_bytespan([english[0][:30_000]], 400)
    tok.save(tmp_path / "bytespan.json")
    assert Tokenizer.load(tmp_path / "bytespan.json").encode(english[1][:3000]) == tok.encode(english[1][:3000])
    with pytest.raises(OptionError):
        train_bytespan([english[0][:3000]], 400, constraint="global")
    with pytest.raises(OptionError):
        train_bytespan([english[0][:3000]], 400, predictor=lambda piece: [1.0])
