"""PathPiece: segmentations are minimal; the vocabulary is pruned top-down from BPE."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from tokensmith import OptionError, Tokenizer
from tokensmith.trainers.pathpiece import (least_tokens_model, lattice, prune_to, removal_costs,
                                        shortest_path, train_pathpiece)

VOCAB = 600


@pytest.fixture(scope="module")
def english(english_sample):
    return english_sample[:100_000], english_sample[1_000_000:1_020_000]


@pytest.fixture(scope="module")
def trained(english):
    return train_pathpiece([english[0]], VOCAB)


def fewest_tokens(piece: bytes, vocab: set[bytes]) -> int:
    """Breadth-first search over byte positions: an independent shortest-path oracle."""
    frontier, seen, steps = {0}, {0}, 0
    while len(piece) not in frontier:
        steps += 1
        frontier = {j for i in frontier for j in range(i + 1, len(piece) + 1)
                    if piece[i:j] in vocab and j not in seen}
        seen |= frontier
    return steps


def test_segmentations_of_held_out_text_are_minimal(trained, english):
    vocab = set(trained.model.token_bytes())
    for piece in trained.splitter.split(english[1])[:3000]:
        data = piece.encode()
        ids = trained.model.encode_pieces([data])
        assert b"".join(trained.token_bytes(i) for i in ids) == data
        assert len(ids) == fewest_tokens(data, vocab), piece


def test_training_counts_uses_on_the_path_the_segmenter_takes(trained, english):
    # the pruning's readable twin and the segmenter break ties the same (the official way)
    tokens = trained.model.token_bytes()
    token_id = {t: i for i, t in enumerate(tokens)}
    max_len = max(map(len, tokens))
    mirrored = trained.with_segmenter("least_tokens_longest_first").model
    differ = 0
    for piece in trained.splitter.split(english[1])[:3000]:
        data = piece.encode()
        ids = trained.model.encode_pieces([data])
        assert ids == shortest_path(lattice(data, token_id, max_len))[1], piece
        differ += ids != mirrored.encode_pieces([data])
    assert differ > 0  # the tie-break is visible on this vocabulary


def test_tokens_are_at_most_max_token_length(trained, english):
    assert max(map(len, trained.model.token_bytes())) <= 16  # the paper's L
    short = train_pathpiece([english[0][:40_000]], 400, max_token_length=3)
    assert max(map(len, short.model.token_bytes())) == 3
    assert short.vocab_size == 400
    text = english[1][:3000]
    assert short.decode(short.encode(text)) == text


def test_vocabulary_size_bytes_and_round_trip(trained, english):
    tokens = trained.model.token_bytes()
    assert len(tokens) == VOCAB == len(set(tokens))
    assert set(tokens[:256]) == {bytes([b]) for b in range(256)}
    assert trained.decode(trained.encode(english[1])) == english[1]


def test_pruning_removes_the_cheapest_token_first():
    byte_tokens = [bytes([b]) for b in range(256)]
    counts = {b"abab": 10, b"ab": 3, b"ba": 1}
    tokens = byte_tokens + [b"ab", b"ba", b"abab"]
    cost, uses, total = removal_costs(counts, tokens)
    # every word is one token; without "abab" it takes 2 ("ab"+"ab"), and so on
    assert total == 14 and (cost[256], cost[257], cost[258]) == (3, 1, 10)
    assert uses[258] == 10
    assert prune_to(counts, tokens, 258) == byte_tokens + [b"ab", b"abab"]
    # next round: "ab" is now needed only by the word "ab" (3), "abab" by 10 occurrences
    assert prune_to(counts, tokens, 257) == byte_tokens + [b"abab"]


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=12),
       st.lists(st.binary(min_size=2, max_size=4), max_size=12))
def test_shortest_path_is_minimal_on_random_vocabularies(piece, extra):
    tokens = [bytes([b]) for b in range(256)] + sorted(set(extra))
    edges = lattice(piece, {t: i for i, t in enumerate(tokens)}, 4)
    length, ids = shortest_path(edges)
    assert b"".join(tokens[i] for i in ids) == piece
    assert length == len(ids) == fewest_tokens(piece, set(tokens))


def test_native_round_trip(trained, english, tmp_path):
    path = tmp_path / "pathpiece.json"
    trained.save(path)
    loaded = Tokenizer.load(path)
    assert loaded.encode(english[1][:5000]) == trained.encode(english[1][:5000])


def test_bad_options(english):
    with pytest.raises(OptionError):
        train_pathpiece([english[0][:1000]], 600, init_factor=0.5)
    with pytest.raises(OptionError):
        train_pathpiece([english[0][:1000]], 100)
    for bad in (1, 0, "16"):
        with pytest.raises(OptionError, match="max_token_length"):
            train_pathpiece([english[0][:1000]], 600, max_token_length=bad)
    assert least_tokens_model([bytes([b]) for b in range(256)]).vocab_size == 256


def test_compiled_costs_equal_the_reference(english):
    from tokensmith._reference import pathpiece as reference
    from tokensmith.trainers.method_utils import count_pieces, merge_token_bytes
    from tokensmith.models.bpe.trainer import train_bpe_from_counts
    from tokensmith._core import kernel

    assert kernel("_top_down") is not None, "the compiled kernel must be built for this test"
    counts = count_pieces([english[0][:60_000]], "cl100k")
    tokens = merge_token_bytes(train_bpe_from_counts(counts, 600))
    cost, uses, total = removal_costs(counts, tokens)
    ref_cost, ref_uses, ref_total = reference.removal_costs(counts, tokens)
    assert (cost, uses, total) == (dict(ref_cost), dict(ref_uses), ref_total)
    assert sum(c > 0 for c in cost.values()) > 100
