"""Against the reference implementation: genlm-bytes (Vieira et al.'s byte-level beam over token
covers; installed with ``--no-deps``, see .ci/run). With a beam wide enough to keep every cover and
no pruning it computes the marginal over all covers, as ``ByteLevel(canonical=False)`` does. It
has no canonical filter and no end symbol here: the model below has neither. Its trie sums in
float32, hence the 1e-5 tolerance on log-probabilities."""

from __future__ import annotations

import asyncio
import math

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("genlm.bytes")

import torch  # noqa: E402
from genlm.backend.tokenization import Token  # noqa: E402
from genlm.bytes import BeamParams, ByteBeamState  # noqa: E402

from tokensmith.bytelevel import ByteLevel, RandomBigramLM  # noqa: E402


class WithoutEnd:
    """A bigram model over the ids only (the end column dropped, rows renormalised)."""

    def __init__(self, vocab_size: int):
        self.bigram = RandomBigramLM(vocab_size, seed=11, concentration=0.5)
        self.vocab_size = vocab_size
        self.context_size = 1

    def __call__(self, prefixes):
        rows = self.bigram(prefixes)[:, :self.vocab_size]
        return rows - np.logaddexp.reduce(rows, axis=1, keepdims=True)


class GenlmModel:
    """The same model through genlm's async interface (a start id of -1 stands for 'nothing')."""

    def __init__(self, tokenizer, lm):
        self.lm = lm
        self.tokenizer = type("T", (), {"bos_token_id": -1})()
        self.byte_vocab = [Token(token_id=i, byte_string=tokenizer.token_bytes(i))
                           for i in range(tokenizer.vocab_size)]

    async def next_token_logprobs(self, context):
        return torch.from_numpy(self.lm([[c for c in context if c >= 0]])[0])

    async def batch_next_token_logprobs(self, contexts):
        return torch.from_numpy(self.lm([[c for c in ctx if c >= 0] for ctx in contexts]))


async def _genlm(tokenizer, lm, text: bytes):
    beam = await ByteBeamState.initial(GenlmModel(tokenizer, lm), BeamParams(K=1_000_000, prune_threshold=0.0))
    beam = await beam.prefill(text)
    step = await beam.logp_next()
    return beam.logZ, np.asarray(step.ps)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_all_covers_agree_with_genlm_bytes(tiny_tokenizer):
    lm = WithoutEnd(tiny_tokenizer.vocab_size)
    model = ByteLevel(tiny_tokenizer, lm, canonical=False)
    for text in [b"the sea", b"and then he", b" was it", b"ing, "]:
        log_z, step = asyncio.run(_genlm(tiny_tokenizer, lm, text))
        assert model.prefix_logprob(text) == pytest.approx(log_z, abs=1e-5)
        ours = model.next_byte_logprobs(text)
        assert np.abs(np.exp(step[:256]) - np.exp(ours[:256])).max() < 1e-6
        assert math.fsum(np.exp(ours)) == pytest.approx(1.0, abs=1e-12)
