"""Prompt-boundary healing, measured: prompts cut inside words, greedy completion finishing the
word, naive vs healed (back off one token, character matching) with the n-gram model."""

from __future__ import annotations

import numpy as np
import pytest

from tokensmith.bytelevel import ByteLevel, NgramLM
from tokensmith.bytelevel.completion_eval import completion_rates, cuts_inside_words, finishes_word
from tokensmith.bytelevel.healing import Healer, complete


@pytest.fixture(scope="module")
def setting(english):
    import tokensmith

    tokenizer = tokensmith.train(english[:3000], method="bpe", vocab_size=512)
    ngram = NgramLM.train_on_texts(tokenizer, english[:-300], order=3)
    return tokenizer, ngram


def test_back_off_and_mask(setting):
    tokenizer, _ = setting
    healer = Healer(tokenizer)
    kept, removed = healer.back_off("The quick bro", 1)
    assert tokenizer.decode_bytes(kept) + removed == b"The quick bro"
    assert removed.endswith(b"bro") or removed.endswith(b"o")
    allowed = healer.mask(b" bro")
    for i in np.flatnonzero(allowed):
        data = tokenizer.token_bytes(int(i))
        assert data.startswith(b" bro") or b" bro".startswith(data)
    assert allowed.sum() >= 2  # " " (or " b"...) and the byte tokens at least
    assert healer.remaining_after(b" brown", tokenizer.encode(" br")) == b"own"


def test_healed_completion_reproduces_words_more_often(setting, english):
    tokenizer, ngram = setting
    cuts = cuts_inside_words(english[-300:], 40, seed=0)
    assert all(0 < len(c.rest) for c in cuts)
    rates = completion_rates(ngram, tokenizer, cuts, end_id=ngram.end_id,
                             byte_level=ByteLevel(tokenizer, ngram, canonical=True))
    print(rates)
    assert rates["healed"] >= rates["naive"] + 0.1
    assert rates["byte_level"] >= rates["naive"] + 0.1


def test_healed_completion_keeps_the_prompt(setting):
    tokenizer, ngram = setting
    out = complete(ngram, tokenizer, "and the other hal", 6, back_off=1, end_id=ngram.end_id)
    assert finishes_word(b"f of", "f") and not finishes_word(b"fs of", "f")
    assert out  # the removed characters are spelled again and only the new bytes returned
    assert not out.startswith(b"hal")


def test_logits_processor_masks_as_the_healer(setting):
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from tokensmith.bytelevel.healing import healing_logits_processor

    tokenizer, _ = setting
    healer = Healer(tokenizer)
    kept, removed = healer.back_off("It was the begi", 1)
    processor = healing_logits_processor(tokenizer, len(kept), removed)
    scores = torch.zeros((1, tokenizer.vocab_size + 8))  # a model's padded head
    out = processor(torch.tensor([kept]), scores.clone())
    allowed = healer.mask(removed, tokenizer.vocab_size + 8)
    assert torch.equal(torch.isfinite(out[0]), torch.from_numpy(allowed))
    # Once the removed characters are spelled, nothing is masked.
    done = torch.tensor([kept + tokenizer.encode(removed.decode())])
    assert torch.isfinite(processor(done, scores.clone())).all()
