"""The numpy byte n-gram model: ByteSpan's Witten-Bell model, for all 256 bytes at once."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tokensmith.errors import InputError, OptionError
from tokensmith.trainers.bytespan import NgramByteLM
from tokensmith.vocabfree.byte_model import ByteNgramModel


def test_equals_the_bytespan_model(english_lines):
    counts: dict[bytes, int] = {}
    for line in english_lines[:3000]:
        counts[line.encode()] = counts.get(line.encode(), 0) + 1
    for order in (1, 3, 5):
        ours, theirs = ByteNgramModel.from_counts(counts, order), NgramByteLM(counts, order)
        for probe in english_lines[5000:5020] + ["naïve Zürich, 東京 1234", "qqqq"]:
            data = probe.encode()
            assert np.allclose(ours(data), theirs(data), atol=1e-9)
            p = ours.distributions(data)
            assert p.shape == (len(data), 256) and np.allclose(p.sum(axis=1), 1)
            i = len(data) // 2
            assert math.isclose(p[i, data[i]], theirs.probability(b"\x02" * (order - 1) + data[:i], data[i]) if i < order - 1
                                else theirs.probability(data[i - order + 1:i], data[i]), rel_tol=1e-9)


def test_entropy_surprisal_and_unigram(byte_model, english_lines):
    data = "\n".join(english_lines[9000:9050]).encode()
    p = byte_model.distributions(data)
    h = byte_model.entropies(data)
    assert np.allclose(h, -(p * np.log(p)).sum(axis=1))
    assert np.allclose(byte_model.entropies(data, base=2), h / math.log(2))
    assert np.allclose(byte_model.surprisal(data), -np.log2(p[np.arange(len(data)), list(data)]))
    assert 0 < h.mean() < 3 and (h >= 0).all() and (h < math.log(256)).all()
    u = byte_model.unigram()
    assert math.isclose(u.sum(), 1) and u.argmax() == ord(" ")


def test_training_is_reproducible_and_checked(english_lines):
    a = ByteNgramModel.train(english_lines[:4000], 3, max_bytes=50_000, seed=1)
    b = ByteNgramModel.train(english_lines[:4000], 3, max_bytes=50_000, seed=1)
    c = ByteNgramModel.train(english_lines[:4000], 3, max_bytes=50_000, seed=2)
    probe = english_lines[9000].encode()
    assert np.array_equal(a.distributions(probe), b.distributions(probe))
    assert not np.array_equal(a.distributions(probe), c.distributions(probe))
    with pytest.raises(OptionError, match="order"):
        ByteNgramModel.train(["abc"], order=8)
    with pytest.raises(InputError, match="no text"):
        ByteNgramModel.train(["", ""])
