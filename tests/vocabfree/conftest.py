"""Shared fixtures of the vocabfree tests: a byte model trained on real English."""

from __future__ import annotations

import pytest

from tokensmith.vocabfree.byte_model import ByteNgramModel


@pytest.fixture(scope="session")
def english_lines(english_sample) -> list[str]:
    return [line for line in english_sample.split("\n") if line.strip()]


@pytest.fixture(scope="session")
def byte_model(english_lines) -> ByteNgramModel:
    return ByteNgramModel.train(english_lines[:8000], order=4)


@pytest.fixture(scope="session")
def ntrex_sample(ntrex_dir) -> dict[str, list[str]]:
    out = {}
    for code in ("src.eng", "ref.deu", "ref.rus", "ref.hin", "ref.zho-CN", "ref.arb"):
        out[code.split(".")[1]] = (ntrex_dir / f"newstest2019-{code}.txt").read_text(encoding="utf-8").splitlines()[:30]
    return out
