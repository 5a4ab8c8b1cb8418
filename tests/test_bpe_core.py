"""The compiled BPE encoder (tokensmith._core._bpe) against the readable reference merge_piece."""

import random
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokensmith._reference.bpe import merge_piece
from tokensmith.pre_tokenizers.patterns import split_reference
from tokensmith.models.bpe.model import BPEModel

_bpe = pytest.importorskip("tokensmith._core._bpe")

ALPHABET = b"ab c\xc3\xa9\xff"  # few symbols: merges happen often, multi-byte UTF-8 included


def random_vocabulary(seed: int, n_merges: int, alphabet: bytes = ALPHABET):
    """256 byte tokens in shuffled id order, then merges of random pairs of frequent symbols."""
    rng = random.Random(seed)
    tokens = [bytes([b]) for b in range(256)]
    rng.shuffle(tokens)
    ids = {t: i for i, t in enumerate(tokens)}
    pool = [ids[bytes([b])] for b in alphabet]
    merges = []
    for _ in range(n_merges * 4):
        if len(merges) == n_merges:
            break
        a, b = rng.choice(pool), rng.choice(pool)
        merged = tokens[a] + tokens[b]
        if merged in ids:
            continue
        ids[merged] = len(tokens)
        tokens.append(merged)
        pool.append(ids[merged])
        merges.append((a, b))
    return tokens, merges


def models(seed: int, n_merges: int = 60):
    tokens, merges = random_vocabulary(seed, n_merges)
    return [BPEModel(tokens, merges, semantics="merges"), BPEModel(tokens, semantics="tiktoken")]


pieces_strategy = st.lists(st.binary(min_size=0, max_size=40).map(
    lambda b: bytes(ALPHABET[x % len(ALPHABET)] if x % 5 else x for x in b)), max_size=20)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 40), pieces=pieces_strategy)
def test_core_equals_reference_on_random_vocabularies(seed, pieces):
    for model in models(seed):
        assert model.core.encode_pieces(pieces) == model.encode_pieces_reference(pieces)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 40), length=st.integers(64, 400), run=st.booleans())
def test_long_pieces_take_the_heap_path_and_agree(seed, length, run):
    rng = random.Random(seed * 1000 + length)
    piece = b"a" * length if run else bytes(rng.choice(ALPHABET) for _ in range(length))
    for model in models(seed, 120):
        assert model.core.encode_pieces([piece]) == model.encode_pieces_reference([piece])


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 40), length=st.integers(64, 300))
def test_long_pieces_with_ranks_out_of_creation_order(seed, length):
    # Shuffled merges: a merge can create a pair of lower rank than the one just applied, which
    # the long-piece queue must notice (it then leaves its fast monotone mode).
    tokens, merges = random_vocabulary(seed, 120)
    random.Random(seed).shuffle(merges)
    model = BPEModel(tokens, merges, semantics="merges")
    rng = random.Random(seed + length)
    for piece in (b"a" * length, bytes(rng.choice(ALPHABET) for _ in range(length))):
        assert model.core.encode_pieces([piece]) == model.encode_pieces_reference([piece])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 60), unit=st.binary(min_size=1, max_size=5), repeats=st.integers(20, 300),
       shuffled=st.booleans())
def test_long_repetitive_pieces_merge_rank_by_rank_like_the_reference(seed, unit, repeats, shuffled):
    # Many positions of one rank at once (the rank queue's batches, overlaps like "aaa" included);
    # shuffled merges make some merge create a pair of lower rank mid-batch (then the heap takes over).
    tokens, merges = random_vocabulary(seed, 150)
    if shuffled:
        random.Random(seed).shuffle(merges)
    unit = bytes(ALPHABET[x % len(ALPHABET)] for x in unit)
    piece = (unit * repeats)[:1500] + unit[:1]
    for model in (BPEModel(tokens, merges, semantics="merges"), BPEModel(tokens, semantics="tiktoken")):
        assert model.core.encode_pieces([piece]) == model.encode_pieces_reference([piece])


def test_sparse_ranks_merge_like_dense_ones():
    # The core keeps only the order of ranks; gaps and huge values must not change the merges.
    tokens, merges = random_vocabulary(4, 80)
    model = BPEModel(tokens, merges, semantics="merges")
    table = model.table.astype(np.uint32).copy()
    table[:, 2] = table[:, 2] * 40_000_003 % (2**32 - 1)  # distinct, no longer in merge order
    sparse = _bpe.BPECore(model.tokens, table, False)
    py_table = {(int(a), int(b)): (int(r), int(m)) for a, b, r, m in table}
    rng = random.Random(4)
    for piece in (b"a" * 300, bytes(rng.choice(ALPHABET) for _ in range(500)), b"ab c" * 40, b"ab c"):
        assert sparse.encode_pieces([piece]) == merge_piece([model.byte_ids[b] for b in piece], py_table)


def test_ties_merge_leftmost():
    # (a, a) is rank 0: "aaaaa" -> aa a a a -> aa aa a -> then (aa, a) gives aa aaa. Tiktoken
    # semantics give "aaa" two equal-rank splits and must still merge leftmost.
    tokens = [bytes([b]) for b in range(256)] + [b"aa", b"aaa"]
    a, aa = ord("a"), 256
    merges_model = BPEModel(tokens, [(a, a), (aa, a)], semantics="merges")
    pieces = [b"aaa", b"aaaa", b"aaaaa"]
    assert merges_model.core.encode_pieces(pieces) == [257, aa, aa, aa, 257]
    assert merges_model.encode_pieces_reference(pieces) == [257, aa, aa, aa, 257]
    tt = BPEModel(tokens, semantics="tiktoken")
    for n in range(1, 200):
        assert tt.core.encode_pieces([b"a" * n]) == tt.encode_pieces_reference([b"a" * n])


def test_piece_lookup_is_tiktoken_semantics():
    # "abc" is a token, but no chain of merges reaches it from bytes under merges semantics.
    tokens = [bytes([b]) for b in range(256)] + [b"ab", b"abc", b"bc"]
    merges = [(ord("b"), ord("c")), (ord("a"), ord("b"))]
    by_merges = BPEModel(tokens, merges, semantics="merges")
    assert by_merges.core.encode_pieces([b"abc"]) == [ord("a"), 258]
    assert BPEModel(tokens, semantics="tiktoken").core.encode_pieces([b"abc"]) == [257]


def test_piece_lookup_with_a_table_whose_merges_are_not_concatenations():
    # Tiktoken tables merge two tokens into the token of their bytes, so a piece that is not a
    # token keeps its last two ids; with any other table the core must still look that pair up.
    tokens = byte_tokens() + [b"xy", b"ab"]
    c, d, a, b = (ord(ch) for ch in "cdab")
    table = np.array([[c, d, 0, 256], [a, b, 1, 257], [257, c, 2, 256]], dtype=np.uint32)
    core = _bpe.BPECore(tokens, table, True)
    assert core.encode_pieces([b"cd", b"abc", b"ab", b"xy"]) == [256, 256, 257, 256]


def test_cache_keeps_results_right_across_evictions():
    model = models(7, 200)[0]
    rng = random.Random(1)
    pieces = [bytes(rng.choice(ALPHABET) for _ in range(rng.randint(2, 24))) for _ in range(90_000)]
    first = model.core.encode_pieces(pieces)  # more distinct pieces than the cache holds
    again = model.core.encode_pieces(pieces)  # served from the cache where it still has them
    assert first == again
    sample = pieces[:300] + pieces[-300:]
    assert model.core.encode_pieces(sample) == model.encode_pieces_reference(sample)
    # pieces longer than 16 bytes are compared beyond the inline key
    long_a, long_b = b"a" * 20 + b"b", b"a" * 20 + b"c"
    assert model.core.encode_pieces([long_a, long_b, long_a]) == model.encode_pieces_reference([long_a, long_b, long_a])


def test_threads_sharing_one_core_agree():
    model = models(3, 150)[1]
    rng = random.Random(2)
    pieces = [bytes(rng.choice(ALPHABET) for _ in range(rng.randint(1, 30))) for _ in range(20_000)]
    expected = model.encode_pieces_reference(pieces[:2000])
    results = []

    def work():
        results.append(model.core.encode_pieces(pieces)[: len(expected)])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


TEXTS = ["", "a", "Hello world, it's 2024!\n\n  tabs\tand  spaces ", "ab cé ÿ " * 50, "ééé" * 100,
         "日本語のテキスト、中文文本。", "مرحبا بالعالم", "a" * 5000]


@pytest.mark.parametrize("splitter", ["gpt2", "cl100k", "o200k"])
def test_encode_splits_like_the_pattern_then_merges(splitter):
    for model in models(11, 150):
        for text in TEXTS:
            pieces = [p.encode() for p in split_reference(splitter, text)]
            assert model.core.encode(text, splitter) == model.encode_pieces_reference(pieces)


def test_encode_array_and_batch_equal_encode():
    model = models(5, 150)[1]
    core = model.core
    expected = [core.encode(t, "cl100k") for t in TEXTS]
    for t, ids in zip(TEXTS, expected):
        arr = core.encode_array(t, "cl100k")
        assert arr.dtype == np.uint32 and arr.tolist() == ids
    for threads in (1, 2, 4, 50):
        assert core.encode_batch(TEXTS * 3, "cl100k", threads) == expected * 3
    assert core.encode_batch([], "cl100k", 4) == []


def test_bad_calls_raise():
    core = models(5)[0].core
    with pytest.raises(UnicodeEncodeError):
        core.encode("ok \ud800 no", "cl100k")
    with pytest.raises(UnicodeEncodeError):
        core.encode_batch(["fine", "bad \udfff"], "gpt2", 2)
    with pytest.raises(ValueError, match="splitter"):
        core.encode("x", "no-such-pattern")
    with pytest.raises(ValueError, match="num_threads"):
        core.encode_batch(["x"], "gpt2", 0)
    with pytest.raises(TypeError):
        core.encode(b"bytes", "gpt2")
    with pytest.raises(TypeError):
        core.encode_pieces(["str piece"])


def byte_tokens():
    return [bytes([b]) for b in range(256)]


def test_bad_construction_input():
    tokens = byte_tokens() + [b"ab"]
    good = np.array([[97, 98, 0, 256]], dtype=np.uint32)
    _bpe.BPECore(tokens, good, False)
    with pytest.raises(ValueError, match="out of range"):
        _bpe.BPECore(tokens, np.array([[97, 98, 0, 257]], dtype=np.uint32), False)
    with pytest.raises(ValueError, match="out of range"):
        _bpe.BPECore(tokens, np.array([[999, 98, 0, 256]], dtype=np.uint32), False)
    with pytest.raises(ValueError, match=r"\(M, 4\)"):
        _bpe.BPECore(tokens, np.zeros((2, 3), dtype=np.uint32), False)
    with pytest.raises(ValueError, match="rank"):
        _bpe.BPECore(tokens, np.array([[97, 98, 2**32 - 1, 256]], dtype=np.uint32), False)
    with pytest.raises(ValueError, match="0x41"):
        _bpe.BPECore([t for t in tokens if t != b"A"], np.zeros((0, 4), dtype=np.uint32), False)
    with pytest.raises(ValueError, match="twice"):
        _bpe.BPECore(tokens + [b"ab"], good, False)
    with pytest.raises(TypeError):
        _bpe.BPECore(byte_tokens() + ["ab"], good, False)
