"""Scaffold-BPE: scaffold tokens exist during training and are never emitted."""

from __future__ import annotations

import pytest

from tokensmith import OptionError, Tokenizer
from tokensmith.trainers.method_utils import merge_token_bytes
from tokensmith.trainers.scaffold_bpe import (ScaffoldBPEModel, find_scaffolds,
                                           train_scaffold_bpe, train_scaffold_bpe_from_counts)

VOCAB = 700


@pytest.fixture(scope="module")
def english(english_sample):
    return english_sample[:150_000], english_sample[1_000_000:1_040_000]


@pytest.fixture(scope="module")
def trained(english):
    return train_scaffold_bpe([english[0]], VOCAB)


def test_vocabulary_has_the_requested_size_and_no_scaffold(trained):
    model = trained.model
    assert len(model.token_bytes()) == VOCAB
    assert model.scaffolds, "real English always has scaffold tokens"
    assert len(model.expanded.tokens) == VOCAB + len(model.scaffolds)
    assert not set(model.scaffold_tokens()) & set(model.token_bytes())


def test_never_emits_a_scaffold_token(trained, english):
    held_out = english[1]
    scaffold_bytes = set(trained.model.scaffold_tokens())
    ids = trained.encode(held_out)
    assert all(trained.token_bytes(i) not in scaffold_bytes for i in ids)
    assert trained.decode(ids) == held_out
    # the merges of E do produce scaffold tokens on this text: demolition really happens
    pieces = [p.encode() for p in trained.splitter.split(held_out)]
    expanded_ids = trained.model.expanded.encode_pieces(pieces)
    assert set(expanded_ids) & set(trained.model.scaffolds)
    assert len(ids) > len(expanded_ids)


def test_scaffold_rule_on_a_worked_example():
    # "ab" only ever occurs inside "abcd" once "abc" exists: it becomes a scaffold token.
    kept, scaffolds = find_scaffolds({b"abcd": 10, b"ab": 1}, [(97, 98), (256, 99), (257, 100)], 258)
    assert kept == 3 and scaffolds == {256}
    model = ScaffoldBPEModel.from_merges([(97, 98), (256, 99), (257, 100)], scaffolds)
    ids = model.encode_pieces([b"ab", b"abcd"])
    assert [model.token_bytes()[i] for i in ids] == [b"a", b"b", b"abcd"]


def test_a_scaffold_comes_back_when_it_reaches_the_head_of_the_queue():
    from tokensmith._reference.scaffold_bpe import find_scaffolds as replay

    counts = {b"abcd": 10, b"ab": 4, b"pq": 6, b"xyxyxy": 1}
    merges = train_bpe_counts(counts)
    assert merge_token_bytes(merges)[256:] == [b"ab", b"abc", b"abcd", b"pq", b"xy", b"xyxy", b"xyxyxy"]
    # After "abcd", "ab" occurs 4 times on its own, fewer than the next pair "pq" (6): a scaffold
    # (and "abc", 0 on its own). V = 256 bytes + 4 merges - 2 scaffolds.
    assert find_scaffolds(counts, merges, 258) == replay(counts, merges, 258) == (4, {256, 257})
    # The next pair, "xy" (3), is rarer than "ab" (4): "ab" reaches the head of the queue and is
    # re-added to V instead of a merge; "abc" never comes back.
    assert find_scaffolds(counts, merges, 259) == replay(counts, merges, 259) == (4, {257})
    assert find_scaffolds(counts, merges, 300) == (len(merges), {257})


def train_bpe_counts(counts):
    from tokensmith.models.bpe.trainer import train_bpe_from_counts

    return train_bpe_from_counts(counts, 10, 1)


def test_native_round_trip(trained, english, tmp_path):
    path = tmp_path / "scaffold.json"
    trained.save(path)
    loaded = Tokenizer.load(path)
    assert isinstance(loaded.model, ScaffoldBPEModel)
    assert loaded.encode(english[1][:5000]) == trained.encode(english[1][:5000])


def test_bad_options():
    with pytest.raises(OptionError):
        train_scaffold_bpe_from_counts({b"ab": 3}, 100)
    with pytest.raises(OptionError):
        ScaffoldBPEModel.from_merges([(97, 98)], [97])


def test_realised_counts_give_the_word_by_word_replay(english):
    from tokensmith._reference.scaffold_bpe import find_scaffolds as replay
    from tokensmith.trainers.method_utils import count_pieces
    from tokensmith.models.bpe.trainer import train_bpe_from_counts

    counts = count_pieces([english[0][:80_000]], "cl100k")
    merges = train_bpe_from_counts(counts, 700)
    for size in (500, 900):
        kept, scaffolds = find_scaffolds(counts, merges, size)
        assert (kept, scaffolds) == replay(counts, merges, size)
    assert scaffolds
