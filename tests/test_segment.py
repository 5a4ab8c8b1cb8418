"""Segmentation methods on any vocabulary: optimality, round trips, stochastic properties."""

from __future__ import annotations

import math
import random
from functools import lru_cache

import pytest
from hypothesis import given, settings, strategies as st

from tokensmith import Tokenizer
from tokensmith.errors import InputError, OptionError
from tokensmith.segmenters import SEGMENTERS, SegmentVocabulary, segmented_model
from tokensmith.segmenters.methods import (METHODS, least_tokens, least_tokens_longest_first, likelihood,
                                        longest_prefix)
from tokensmith.segmenters.stochastic import _Fenwick, stochastok_expand
from tokensmith.pre_tokenizers.splitters import RegexSplitter
from tokensmith.models.bpe.model import BPEModel
from tokensmith.models.wordpiece.model import WordPieceModel, wordpiece_tokenizer


def _all_segmentations(piece: bytes, vocab: SegmentVocabulary, i: int = 0):
    if i == len(piece):
        yield []
        return
    for length in range(1, len(piece) - i + 1):
        tid = vocab.table(i).get(piece[i:i + length])
        if tid is not None:
            for rest in _all_segmentations(piece, vocab, i + length):
                yield [tid] + rest


alphabet = st.sampled_from(b"abc")
words = st.lists(alphabet, min_size=1, max_size=4).map(bytes)


@st.composite
def vocab_and_piece(draw, with_singles=True):
    tokens = set(draw(st.lists(words, min_size=1, max_size=12)))
    if with_singles:
        tokens |= {b"a", b"b", b"c"}
    tokens = sorted(tokens)
    table = {t: i for i, t in enumerate(tokens)}
    scores = [draw(st.sampled_from([-1.0, -2.0, -3.5, -0.5])) for _ in tokens]
    piece = bytes(draw(st.lists(alphabet, min_size=0, max_size=9)))
    return SegmentVocabulary(table, table, scores=scores), piece, tokens


@settings(max_examples=300, deadline=None)
@given(vocab_and_piece(with_singles=False))
def test_least_tokens_is_optimal_by_brute_force(case):
    vocab, piece, _ = case
    every = list(_all_segmentations(piece, vocab))
    got = least_tokens(piece, vocab)
    if not every:
        assert got is None
        return
    fewest = min(map(len, every))
    shortest = [s for s in every if len(s) == fewest]
    assert got is not None and len(got) == fewest
    lengths = lambda seg: [len(vocab_token(vocab, t)) for t in seg]  # noqa: E731
    # PathPiece's official tie-break: token lengths read from the end are lexicographically largest.
    assert lengths(got)[::-1] == max(lengths(s)[::-1] for s in shortest)
    # The mirrored one: token lengths read from the start are lexicographically largest.
    first = least_tokens_longest_first(piece, vocab)
    assert lengths(first) == max(lengths(s) for s in shortest)


def vocab_token(vocab, tid):
    return next(t for t, i in vocab.start.items() if i == tid)


@settings(max_examples=300, deadline=None)
@given(vocab_and_piece(with_singles=False))
def test_likelihood_is_the_exhaustive_maximum(case):
    vocab, piece, _ = case
    every = list(_all_segmentations(piece, vocab))
    got = likelihood(piece, vocab)
    if not every:
        assert got is None
        return
    best = max(sum(vocab.scores[t] for t in s) for s in every)
    assert got is not None and math.isclose(sum(vocab.scores[t] for t in got), best)


@settings(max_examples=200, deadline=None)
@given(vocab_and_piece())
def test_every_method_concatenates_back_to_the_piece(case):
    vocab, piece, tokens = case
    for name, method in METHODS.items():
        ids = method(piece, vocab)
        assert ids is not None, name
        assert b"".join(tokens[i] for i in ids) == piece, name


def test_methods_differ_as_the_paper_describes():
    v = {b"a": 0, b"b": 1, b"c": 2, b"ab": 3, b"bc": 4, b"abc": 5, b"cab": 6, b"bcab": 7}
    voc = SegmentVocabulary(v, v)
    assert METHODS["longest_prefix"](b"abcab", voc) == [5, 3]      # abc|ab
    assert METHODS["longest_suffix"](b"abcab", voc) == [0, 7]      # a|bcab
    assert METHODS["longest_token"](b"abcab", voc) == [0, 7]       # bcab first, then a
    assert METHODS["least_tokens"](b"abcab", voc) == [0, 7]        # 2 tokens, longest last
    assert METHODS["least_tokens_longest_first"](b"abcab", voc) == [5, 3]
    assert longest_prefix(b"abd", voc) is None


# -- on real tokenizer files ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def r50k(tokenizer_files):
    from tokensmith.formats import load

    return load(tokenizer_files / "r50k_base.tiktoken", pattern="gpt2")


@pytest.fixture(scope="module")
def bert(tokenizer_files):
    from tokensmith.formats.wordpiece_vocab import load_vocab_txt

    return load_vocab_txt(tokenizer_files / "bert_base_cased_vocab.txt", lowercase=False)


@pytest.fixture(scope="module")
def sample_text(ntrex_files):
    lines = []
    for path in ntrex_files[::16]:
        lines += path.read_text(encoding="utf-8").split("\n")[:5]
    return "\n".join(lines)


@pytest.mark.parametrize("name", [n for n in SEGMENTERS if n not in ("likelihood", "unigram_sampling")])
def test_byte_level_methods_decode_to_input(r50k, sample_text, name):
    tok = r50k.with_segmenter(name)
    ids = tok.encode(sample_text)
    assert tok.decode(ids, errors="strict") == sample_text
    if name in ("least_tokens",):
        assert len(ids) <= len(r50k.encode(sample_text))


@pytest.mark.parametrize("name", list(METHODS)[:4] + ["stochastok"])
def test_wordpiece_methods_decode_each_word(bert, name):
    tok = bert.with_segmenter(name)
    for word in ["unaffable", "tokenization", "Zusammenarbeit", "Straßenbahn", "naïveté"]:
        ids = tok.encode_ordinary(word)
        assert tok.decode(ids) == word or ids == [bert.model.token_id["[UNK]"]]


def test_least_tokens_never_longer_than_any_method(bert, r50k, sample_text):
    for tok in (bert, r50k):
        fewest = len(tok.with_segmenter("least_tokens").encode_ordinary(sample_text))
        for name in ("longest_prefix", "longest_suffix", "longest_token"):
            assert fewest <= len(tok.with_segmenter(name).encode_ordinary(sample_text))


def test_wordpiece_longest_prefix_is_the_model_itself(bert, sample_text):
    assert bert.with_segmenter("longest_prefix").encode_ordinary(sample_text) == bert.encode_ordinary(sample_text)


def test_merges_on_bpe_is_the_bpe_model(r50k):
    assert r50k.with_segmenter("merges").model is r50k.model


def test_bad_segmenter_requests(bert, r50k):
    with pytest.raises(OptionError, match="unknown segmenter"):
        r50k.with_segmenter("fastest")
    with pytest.raises(OptionError, match="merge-rule"):
        bert.with_segmenter("merges")
    with pytest.raises(OptionError, match="scores"):
        r50k.with_segmenter("likelihood")
    with pytest.raises(OptionError, match="BPE"):
        bert.with_segmenter("bpe_dropout")
    with pytest.raises(OptionError, match="takes no option"):
        r50k.with_segmenter("bpe_dropout", dropuot=0.1)
    with pytest.raises(OptionError, match="probability"):
        r50k.with_segmenter("stochastok", p=1.5)


def test_uncoverable_piece_without_unk_is_an_error():
    v = {b"a": 0}
    model = WordPieceModel(["[UNK]", "a"])
    tok = Tokenizer(segmented_model(model, "least_tokens"))
    assert tok.encode_ordinary("ab") == [0]
    from tokensmith.segmenters.models import segment_piece

    with pytest.raises(InputError, match="cannot be covered"):
        segment_piece(b"ab", SegmentVocabulary(v, v), least_tokens)
    assert segment_piece(b"", SegmentVocabulary(v, v), least_tokens) == []


# -- stochastic ----------------------------------------------------------------------------------
def test_dropout_zero_is_bpe_and_one_is_bytes(r50k, sample_text):
    assert r50k.with_segmenter("bpe_dropout", dropout=0.0).encode(sample_text) == r50k.encode(sample_text)
    ids = r50k.with_segmenter("bpe_dropout", dropout=1.0).encode(sample_text)
    assert ids == [r50k.model.byte_ids[b] for b in sample_text.encode()]


def test_dropout_is_seeded_and_decodes(r50k, sample_text):
    one = r50k.with_segmenter("bpe_dropout", dropout=0.2, seed=7)
    two = r50k.with_segmenter("bpe_dropout", dropout=0.2, seed=7)
    a, b = one.encode(sample_text), two.encode(sample_text)
    assert a == b
    assert one.encode(sample_text) == a                      # a function of (seed, text)
    fresh = r50k.with_segmenter("bpe_dropout", dropout=0.2, seed=None)
    assert fresh.encode(sample_text) != fresh.encode(sample_text)  # no seed: new draws every call
    assert r50k.with_segmenter("bpe_dropout", dropout=0.2, seed=8).encode(sample_text) != a
    assert one.decode(a, errors="strict") == sample_text
    assert len(r50k.encode(sample_text)) < len(a) < len(sample_text.encode())


def official_expansions(tokens: list[bytes]) -> dict[int, list[tuple[int, int]]]:
    """StochasTok's ``build_expansions`` restated: every cut of a token into two in-vocabulary
    parts, cut points in increasing order."""
    ids = {t: i for i, t in enumerate(tokens)}
    out: dict[int, list[tuple[int, int]]] = {}
    for tid, token in enumerate(tokens):
        for j in range(1, len(token)):
            if token[:j] in ids and token[j:] in ids:
                out.setdefault(tid, []).append((ids[token[:j]], ids[token[j:]]))
    return out


@pytest.fixture(scope="module")
def bpe_2k(english_sample):
    from tokensmith.trainers import train_bpe

    return train_bpe([english_sample[:300_000]], 2000, progress=False)


def test_stochastok_uses_every_in_vocabulary_split(r50k, bpe_2k):
    for tok in (r50k, bpe_2k):
        tokens = tok.model.token_bytes()
        splits = tok.with_segmenter("stochastok", p=0.5).model.splits
        assert splits == official_expansions(tokens)
        multi = [i for i, t in enumerate(tokens) if len(t) > 1]
        assert all(splits.get(i) for i in multi)  # every BPE token splits at least its merge's way
    # A trained BPE's merge table holds one pair per token; the official expansions hold more.
    tokens = bpe_2k.model.token_bytes()
    splits = bpe_2k.with_segmenter("stochastok").model.splits
    merge_pairs = {int(m): (int(a), int(b)) for a, b, _, m in bpe_2k.model.table}
    assert len(merge_pairs) == len(tokens) - 256
    assert all(merge_pairs[tid] in options for tid, options in splits.items())
    per_token = sum(map(len, splits.values())) / len(merge_pairs)
    assert per_token > 1.4, per_token


def test_stochastok_wordpiece_splits_join_back(bert):
    tokens = bert.model.token_bytes()
    splits = bert.with_segmenter("stochastok").model.splits
    checked = 0
    for tid, options in splits.items():
        for a, b in options:
            assert tokens[b].startswith(b"##")  # the right part continues a word
            assert tokens[a] + tokens[b][2:] == tokens[tid]
            checked += 1
    assert checked > 5000


def test_stochastok_count_seed_and_decoding(r50k, bert, sample_text):
    base = r50k.encode(sample_text)
    tok = r50k.with_segmenter("stochastok", p=0.1, seed=3)
    ids = tok.encode(sample_text)
    assert ids == r50k.with_segmenter("stochastok", p=0.1, seed=3).encode(sample_text)
    assert tok.decode(ids, errors="strict") == sample_text
    # as published: int(n * p) attempts, each adds one token when the chosen token splits
    assert len(base) < len(ids) <= len(base) + int(len(base) * 0.1)
    assert r50k.with_segmenter("stochastok", p=0.0).encode(sample_text) == base
    wp = bert.with_segmenter("stochastok", p=0.3, seed=1)
    words = "unbelievable tokenization everywhere"
    assert wp.decode(wp.encode_ordinary(words)) == words


def test_stochastok_expand_is_uniform_over_positions():
    # one attempt on [x, y]: each position is chosen with probability 1/2
    rng = random.Random(0)
    splits = {1: [(5, 6)], 2: [(7, 8)]}
    counts = {1: 0, 2: 0}
    for _ in range(4000):
        out = stochastok_expand([1, 2], splits, 0.5, rng)
        counts[1 if out[:2] == [5, 6] else 2] += 1
    assert abs(counts[1] - 2000) < 200


@given(st.lists(st.integers(0, 5), min_size=1, max_size=40), st.data())
def test_fenwick_find(sizes, data):
    tree = _Fenwick(sizes)
    total = sum(sizes)
    if total == 0:
        return
    index = data.draw(st.integers(0, total - 1))
    k, offset = tree.find(index)
    assert sum(sizes[:k]) + offset == index and offset < sizes[k]


def test_segmented_tokenizer_saves_and_reloads(tmp_path, bert):
    from tokensmith.formats import load

    tok = bert.with_segmenter("least_tokens")
    tok.save(tmp_path / "t.json")
    again = load(tmp_path / "t.json")
    text = "Zusammenarbeit unaffable"
    assert again.encode_ordinary(text) == tok.encode_ordinary(text)
