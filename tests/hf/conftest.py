"""Fixtures of the HF component tests."""

from __future__ import annotations

import random

import pytest
from hf_reference import EDGE_TEXTS, NTREX_LANGUAGES


@pytest.fixture(scope="session")
def ntrex_sample(ntrex_dir) -> list[str]:
    """50 lines from each of 30 languages, plus edge cases."""
    rng = random.Random(0)
    lines: list[str] = []
    for code in NTREX_LANGUAGES:
        path = ntrex_dir / f"newstest2019-ref.{code}.txt"
        assert path.exists(), path
        lines += rng.sample(path.read_text(encoding="utf-8").splitlines(), 50)
    return lines + EDGE_TEXTS
