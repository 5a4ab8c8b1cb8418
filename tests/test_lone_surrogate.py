"""Every path that meets a lone surrogate (a str that UTF-8 cannot encode) says so in one way:
tokensmith.errors.lone_surrogate's InputError, naming the code point and where it is."""

from __future__ import annotations

import pytest

from tokensmith._core import kernel
from tokensmith.errors import InputError, lone_surrogate
from tokensmith.normalizers.common import SentencePieceNormalizer
from tokensmith.trainers import train_bpe
from tokensmith.models.unigram.trainer import train_unigram
from tokensmith.models.wordpiece.trainer import train_wordpiece

TEXT = "abc\udc80def"
MESSAGE = r"has a lone surrogate U\+DC80 at character 3; it cannot be encoded as UTF-8"


def test_the_message():
    try:
        TEXT.encode("utf-8")
    except UnicodeEncodeError as exc:
        error = lone_surrogate(exc, "a corpus text")
    assert isinstance(error, InputError)
    assert str(error) == "a corpus text has a lone surrogate U+DC80 at character 3; it cannot be encoded as UTF-8"


def test_the_compiled_splitter_raises_the_same_error():
    split = kernel("_split")
    assert split is not None, "the compiled splitter must be built for this test"
    with pytest.raises(InputError, match="^text " + MESSAGE):
        split.split("cl100k", TEXT)


def test_normalizer():
    with pytest.raises(InputError, match="^text " + MESSAGE):
        SentencePieceNormalizer().normalize(TEXT)


@pytest.mark.parametrize("train", [lambda c: train_bpe(c, 300, progress=False),
                                   lambda c: train_unigram(c, 100),
                                   lambda c: train_wordpiece(c, 200)], ids=["bpe", "unigram", "wordpiece"])
def test_trainers_name_the_surrogate(train):
    corpus = ["a clean line of text"] * 20 + [TEXT]
    with pytest.raises(InputError, match="^a corpus (text|line) " + MESSAGE):
        train(corpus)


@pytest.mark.parametrize("train", [lambda c: train_unigram(c, 100), lambda c: train_wordpiece(c, 200)],
                         ids=["unigram", "wordpiece"])
def test_the_readable_counters_refuse_surrogates_too(monkeypatch, train):
    monkeypatch.setenv("TOKENSMITH_PURE_PYTHON", "1")
    with pytest.raises(InputError, match="^a corpus (text|line) " + MESSAGE):
        train(["a clean line of text"] * 20 + [TEXT])
