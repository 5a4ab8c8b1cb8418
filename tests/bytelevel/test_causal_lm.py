"""A real causal LM (tests/causal_lm.py, trained on shared English with a tokensmith BPE): byte-level
bits per byte on held-out text against the token-level figure, and the gap between them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from causal_lm import trained_causal_lm

pytest.importorskip("torch")
pytest.importorskip("transformers")

from tokensmith.bytelevel import ByteLevel  # noqa: E402
from tokensmith.bytelevel.hf import CausalLM  # noqa: E402
from tokensmith.bytelevel.scoring import bits_per_byte, score_text  # noqa: E402


@pytest.fixture(scope="session")
def causal(english):
    import torch

    import tokensmith

    torch.set_num_threads(1)  # tiny matrices: threads only contend

    tokenizer = tokensmith.train(english[:3000], method="bpe", vocab_size=512)
    folder = trained_causal_lm(tokenizer, english[:3000], steps=300)
    lm = CausalLM.from_pretrained(folder, start=tokenizer.encode("\n"))
    return tokenizer, lm


@pytest.fixture(scope="session")
def held_out(english):
    return [line + "\n" for line in english[-40:] if len(line) < 160][:12]


def test_byte_level_bits_per_byte_against_token_level(causal, held_out):
    tokenizer, lm = causal
    model = ByteLevel(tokenizer, lm, canonical=True)
    scores = [score_text(model, text.encode()) for text in held_out]
    totals = bits_per_byte(scores)
    print(totals)
    # (float32 forward passes of one prefix batched differently agree to ~1e-7 per row)
    for s in scores:
        assert s.renormalised_bits >= 0 and s.later_covers_bits >= -1e-5
        # byte bits = token bits - the gap's two parts (each computed on its own)
        assert s.byte_bits == pytest.approx(s.token_bits - s.gap_bits, abs=1e-5)
    assert totals["byte_bpb"] <= totals["token_bpb"]
    # A model that learnt its tokenizer puts little mass on non-canonical sequences.
    assert totals["renormalised_bpb"] < 0.1 * totals["token_bpb"]
    assert 0.5 < totals["token_bpb"] < 6


def test_next_byte_distributions_sum_to_one(causal, held_out):
    tokenizer, lm = causal
    for canonical in (True, False):
        model = ByteLevel(tokenizer, lm, canonical=canonical, beam=8)
        text = held_out[0].encode()[:30]
        for k in range(0, len(text), 7):
            step = model.next_byte_logprobs(text[:k])
            assert math.fsum(np.exp(step)) == pytest.approx(1.0, abs=1e-9)
            assert step[256] == -np.inf  # the fixture has no end-of-text token


def test_all_covers_with_a_beam_bound_the_canonical_tokenization(causal, held_out):
    """Every cover includes the canonical tokenization, so the all-covers marginal (even pruned
    to a beam that keeps it) is at least P(T)."""
    tokenizer, lm = causal
    text = held_out[1].encode()[:60]
    canonical = ByteLevel(tokenizer, lm, canonical=True)
    every = ByteLevel(tokenizer, lm, canonical=False, beam=32)
    s = score_text(canonical, text)
    assert -every.prefix_logprob(text) / math.log(2) <= s.token_bits + 1e-9
