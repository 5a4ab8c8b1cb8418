"""Equal-Info Windows: exact round trips (hypothesis, real multilingual text), every window
decodes alone, window size limits, statistics."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from tokensmith.errors import InputError, OptionError
from tokensmith.vocabfree.eqinfo import EqualInfoCoder, equal_info_stats, quantize


@pytest.fixture(scope="module")
def coder(byte_model):
    return EqualInfoCoder(byte_model, window_bits=16, token_bits=8)


@settings(max_examples=120, deadline=None)
@given(st.binary(max_size=40))
def test_round_trip_of_any_bytes(coder, data):
    tokens = coder.encode(data)
    assert all(0 <= t < 256 for t in tokens) and len(tokens) % 2 == 0
    assert coder.decode(tokens) == data


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=30), st.sampled_from([16, 24, 48, 128]))
def test_round_trip_of_any_text_at_any_window_size(byte_model, text, bits):
    coder = EqualInfoCoder(byte_model, window_bits=bits, token_bits=8)
    assert coder.decode(coder.encode(text)) == text.encode()


def test_real_text_round_trips_window_by_window(byte_model, ntrex_sample):
    coder = EqualInfoCoder(byte_model, window_bits=32, token_bits=16)
    for lines in ntrex_sample.values():
        for line in lines[:2]:
            data = line.encode()
            windows = coder.encode_windows(data)
            assert all(0 <= w < 2**32 for w in windows)
            pieces = [coder.decode_window(w) for w in windows]   # each window decodes on its own
            assert b"".join(pieces) == data
            assert coder.decode(coder.encode(line)) == data


def test_predictable_text_packs_more_bytes_per_window(byte_model, ntrex_sample):
    coder = EqualInfoCoder(byte_model, window_bits=64)
    english = equal_info_stats(coder, ntrex_sample["eng"][:10])
    hindi = equal_info_stats(coder, ntrex_sample["hin"][:10])
    assert english.bytes_per_window > 2 * hindi.bytes_per_window
    # the windows cost more than the model's cross-entropy (padding, end marks, resets) but
    # English compresses below 8 bits per byte
    assert english.model_bits_per_byte < english.bits_per_byte < 5
    assert english.tokens == english.windows * 4


def test_quantized_frequencies(byte_model):
    f = quantize(byte_model.distributions(b"the cat"), 16)
    assert (f.sum(axis=1) == 2**16 - 1).all() and f.min() >= 16


def test_bad_settings_are_clear_errors(byte_model):
    with pytest.raises(OptionError, match="window bits too small"):
        EqualInfoCoder(byte_model, window_bits=12)
    with pytest.raises(OptionError, match="must divide"):
        EqualInfoCoder(byte_model, window_bits=20, token_bits=8)
    coder = EqualInfoCoder(byte_model, window_bits=16, token_bits=8)
    with pytest.raises(InputError, match="whole number of windows"):
        coder.decode([1, 2, 3])
    with pytest.raises(InputError, match="8-bit"):
        coder.decode([1, 300])
