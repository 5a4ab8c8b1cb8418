"""BPE merges equal an external trainer's (HF ``tokenizers``) on real text, up to the first tie.

Both trainers pick the most frequent pair; they differ only in how they break ties between pairs
of equal count. So the merge lists must be identical up to the first step where the best count
is shared by several pairs, and at the first difference such a tie must exist (checked by
counting the pairs after the common merges independently).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tokensmith.formats.bytes_text import text_to_bytes
from tokensmith.models.bpe.trainer import train_bpe_from_counts
from tokensmith.trainers.method_utils import count_pieces
from tokensmith.models.bpe.model import BPEModel

tokenizers = pytest.importorskip("tokenizers")

NUM_MERGES = 600


def _hf_merges(lines: list[str]) -> list[tuple[bytes, bytes]]:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    trainer = trainers.BpeTrainer(vocab_size=256 + NUM_MERGES, min_frequency=2, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(lines, trainer)
    merges = json.loads(tok.to_str())["model"]["merges"]
    pairs = [m.split(" ", 1) if isinstance(m, str) else m for m in merges]
    return [(text_to_bytes(a), text_to_bytes(b)) for a, b in pairs]


def _pair_counts_after(counts: dict[bytes, int], merges: list[tuple[int, int]]) -> Counter:
    tokens = [bytes([b]) for b in range(256)]
    for a, b in merges:
        tokens.append(tokens[a] + tokens[b])
    model = BPEModel(tokens, merges)
    pairs: Counter = Counter()
    for word, n in counts.items():
        ids = model.encode_pieces([word])
        for left, right in zip(ids, ids[1:]):
            pairs[(tokens[left], tokens[right])] += n
    return pairs


def test_merges_equal_hf_tokenizers_up_to_the_first_tie(english_sample):
    lines = english_sample[:1_000_000].splitlines()
    counts = count_pieces(lines, pattern="gpt2")
    ours = train_bpe_from_counts(counts, NUM_MERGES, min_frequency=2)
    tokens = [bytes([b]) for b in range(256)]
    for a, b in ours:
        tokens.append(tokens[a] + tokens[b])
    ours_bytes = [(tokens[a], tokens[b]) for a, b in ours]
    theirs = _hf_merges(lines)

    first_difference = next((k for k, (x, y) in enumerate(zip(ours_bytes, theirs)) if x != y),
                            min(len(ours_bytes), len(theirs)))
    assert first_difference >= 100, "the trainers disagree almost at once: not a tie-break matter"
    if first_difference == min(len(ours_bytes), len(theirs)):
        return  # no tie on the way: every merge equal
    pairs = _pair_counts_after(counts, ours[:first_difference])
    best = max(pairs.values())
    assert pairs[ours_bytes[first_difference]] == best
    assert pairs[theirs[first_difference]] == best, (
        f"merge {first_difference} differs without a tie: ours {ours_bytes[first_difference]} "
        f"({pairs[ours_bytes[first_difference]]}), HF {theirs[first_difference]} "
        f"({pairs[theirs[first_difference]]})")
