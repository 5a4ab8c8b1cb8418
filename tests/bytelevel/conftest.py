"""Fixtures of the byte-level tests: a tiny tokenizer trained on the shared English corpus."""

from __future__ import annotations

import pytest

from causal_lm import english_lines


@pytest.fixture(scope="session")
def english(shared_data):
    return english_lines(shared_data, size=400_000)


@pytest.fixture(scope="session")
def tiny_tokenizer(english):
    import tokensmith

    return tokensmith.train(english[:2000], method="bpe", vocab_size=300)
