"""The shared BPE trainer resumes from given merges and refuses merges on request.

Compiled and reference trainers must agree; resuming from the first k merges of a training must
give the rest of that same training.
"""

from __future__ import annotations

import re

import pytest

from tokensmith import OptionError
from tokensmith._core import kernel
from tokensmith._reference import bpe_train as reference
from tokensmith.trainers.method_utils import count_pieces, merge_token_bytes
from tokensmith.models.bpe.trainer import make_counter, train_bpe_from_counts
from tokensmith.pre_tokenizers.patterns import resolve_pattern

CROSSES = re.compile(rb"\S ")  # a word's last byte then a space: a word boundary inside


def no_boundary(merged: bytes) -> bool:
    return not CROSSES.search(merged)


@pytest.fixture(scope="module")
def counts(english_sample):
    return count_pieces([english_sample[:60_000]], "gpt2")


@pytest.fixture(scope="module")
def spans(english_sample):
    """Whole lines: pieces that hold many words, as SuperBPE's second stage sees them."""
    return count_pieces([english_sample[:60_000]], r"[^\n]+|\n+")


def test_resuming_from_a_prefix_gives_the_rest_of_the_training(counts):
    full = train_bpe_from_counts(counts, 300)
    for k in (1, 120, 299):
        assert train_bpe_from_counts(counts, 300 - k, initial_merges=full[:k]) == full[k:]
    assert reference.train_bpe_from_counts(counts, 180, 2, full[:120]) == full[120:]


def test_compiled_and_reference_agree_when_resuming_with_a_refusal(counts, spans):
    assert kernel("_bpe_train") is not None, "the compiled trainer must be built for this test"
    stage1 = train_bpe_from_counts(counts, 200)
    compiled = train_bpe_from_counts(spans, 150, initial_merges=stage1, allowed=no_boundary)
    assert compiled == reference.train_bpe_from_counts(spans, 150, 2, stage1, no_boundary)
    tokens = merge_token_bytes(stage1 + compiled)
    assert len(compiled) == 150 and not [t for t in tokens if CROSSES.search(t)]
    # without the refusal, the same spans do make tokens across word boundaries
    free = train_bpe_from_counts(spans, 150, initial_merges=stage1)
    assert [t for t in merge_token_bytes(stage1 + free) if CROSSES.search(t)]


def test_refusing_nothing_is_plain_training(counts):
    assert train_bpe_from_counts(counts, 150, allowed=lambda b: True) == train_bpe_from_counts(counts, 150)


def test_counter_trains_with_the_same_options(english_sample, spans, counts):
    stage1 = train_bpe_from_counts(counts, 200)
    regex_string, compiled = resolve_pattern(r"[^\n]+|\n+")
    counter = make_counter(compiled, regex_string)
    counter.add_texts([english_sample[:60_000]])
    got = counter.train(150, 2, None, 256, initial_merges=stage1, allowed=no_boundary)
    assert got == train_bpe_from_counts(spans, 150, initial_merges=stage1, allowed=no_boundary)


def test_bad_initial_merges_and_failing_predicates(counts):
    for bad in ([(97, 300)], [(97, 98), (97, 98)], [("a", 98)], [(1, 2, 3)]):
        with pytest.raises(OptionError):
            train_bpe_from_counts(counts, 10, initial_merges=bad)

    def broken(merged: bytes) -> bool:
        raise KeyError("predicate failed")

    with pytest.raises(KeyError, match="predicate failed"):
        train_bpe_from_counts(counts, 10, allowed=broken)


def test_the_compiled_counter_checks_initial_merge_ids(english_sample):
    counter = make_counter(*reversed(resolve_pattern("gpt2")))
    counter.add_texts([english_sample[:2_000]])
    with pytest.raises(ValueError, match="initial merge 1"):
        counter.train(10, 2, None, 256, initial_merges=[(97, 98), (300, 97)])
