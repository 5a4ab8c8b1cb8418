"""Byte-level BPE training: the compiled trainer against the reference, determinism, compression
against HF tokenizers' trainer, and bad input."""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tokensmith
from tokensmith import InputError, OptionError
from tokensmith.errors import SmallCorpusWarning
from tokensmith._reference.bpe_train import train_bpe_from_counts as reference_train
from tokensmith.models.bpe.trainer import make_counter, train_bpe, train_bpe_from_counts
from tokensmith.pre_tokenizers.patterns import split_reference
from tokensmith.trainers import TRAINERS, train

core = pytest.importorskip("tokensmith._core._bpe_train") if not os.environ.get("CI") else \
    __import__("tokensmith._core._bpe_train", fromlist=["_"])


def piece_counts(text: str, pattern: str = "cl100k") -> dict[bytes, int]:
    return dict(Counter(p.encode() for p in split_reference(pattern, text)))


def kernel_merges(counts: dict[bytes, int], num_merges: int, min_frequency: int = 2):
    return core.train_from_counts(list(counts), list(counts.values()), num_merges, min_frequency)


# -- the kernel is the reference ----------------------------------------------------------------

def test_reference_worked_example():
    # "abab" x3 + "ab" x1: (a, b) has count 7, then (ab, ab) count 3.
    assert reference_train({b"abab": 3, b"ab": 1}, 5) == [(97, 98), (256, 256)]
    assert kernel_merges({b"abab": 3, b"ab": 1}, 5) == [(97, 98), (256, 256)]


def test_tie_break_is_smallest_bytes():
    # (x, y) and (a, b) both occur 4 times: (a, b) has the smaller bytes and goes first.
    counts = {b"xy": 4, b"ab": 4}
    assert reference_train(counts, 2) == kernel_merges(counts, 2) == [(97, 98), (120, 121)]
    # Equal counts and equal left token: the right token's bytes decide.
    counts = {b"ac": 3, b"ab": 3}
    assert reference_train(counts, 1) == kernel_merges(counts, 1) == [(97, 98)]


def test_overlapping_pairs_count_every_position():
    # "aaa" holds (a, a) twice; merging gives "aa a".
    assert reference_train({b"aaa": 1}, 2, min_frequency=1) == [(97, 97), (256, 97)]
    assert kernel_merges({b"aaa": 1}, 2, min_frequency=1) == [(97, 97), (256, 97)]


def test_kernel_equals_reference_on_english(english_sample):
    counts = piece_counts(english_sample[:1_000_000])
    assert kernel_merges(counts, 300) == reference_train(counts, 300)


def test_kernel_equals_reference_on_ntrex(ntrex_files):
    lines = []
    for path in ntrex_files:
        with open(path, encoding="utf-8") as f:
            lines.extend(line for _, line in zip(range(12), f))
    counts = piece_counts("".join(lines))
    assert len(counts) > 10_000
    assert kernel_merges(counts, 300) == reference_train(counts, 300)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.binary(min_size=0, max_size=12).map(lambda b: bytes(x % 4 + 97 for x in b)),
                       st.integers(1, 6), max_size=12),
       st.integers(0, 40), st.integers(1, 3))
def test_kernel_equals_reference_on_random_counts(counts, num_merges, min_frequency):
    # A four-letter alphabet makes many equal counts: the tie-break is exercised every step.
    assert kernel_merges(counts, num_merges, min_frequency) == \
        reference_train(counts, num_merges, min_frequency)


def test_public_function_uses_a_trainer_that_agrees(english_sample):
    counts = piece_counts(english_sample[:200_000])
    calls = []
    merges = train_bpe_from_counts(counts, 200, progress=calls.append)
    assert merges == reference_train(counts, 200)
    assert calls and calls[-1] == 200


def test_counts_are_64_bit():
    big = 3 * 2**32 + 7  # would overflow a 32-bit count
    assert kernel_merges({b"ab": big, b"cd": big - 1}, 2) == [(97, 98), (99, 100)]
    counter = core.PretokenCounter("")
    counter.add_counts({b"ab": big})
    counter.add_counts({b"ab": big})
    assert counter.counts() == {b"ab": 2 * big}


def test_bad_counts_and_huge_merge_budget():
    with pytest.raises(OptionError, match="counts"):
        train_bpe_from_counts({b"ab": -1}, 5)
    with pytest.raises(OptionError, match="num_merges"):
        train_bpe_from_counts({b"ab": 3}, -1)
    # A budget far beyond what the corpus holds stops when the pairs run out (no huge allocation).
    assert train_bpe_from_counts({b"abcd": 5}, 10**12) == [(97, 98), (256, 99), (257, 100)]


# -- counting -------------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern", ["cl100k", "gpt2", "o200k", "llama3"])
def test_parallel_counts_equal_whole_text_split(english_sample, pattern):
    # One text cut into ~300 work units of 1-2 kB: the cuts must not change any piece.
    text = english_sample[:500_000]
    counter = make_counter(pattern, None, unit_bytes=2048)
    counter.add_texts([text], 3)
    assert counter.counts() == piece_counts(text, pattern)


def test_counts_of_many_languages(ntrex_files):
    texts = [p.read_text(encoding="utf-8")[:20_000] for p in ntrex_files]
    counter = core.PretokenCounter("cl100k")
    counter.add_texts(texts, 2)
    expected: Counter[bytes] = Counter()
    for t in texts:  # each text is split on its own
        expected.update(piece_counts(t))
    assert counter.counts() == dict(expected)


# -- train_bpe ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory, english_sample) -> str:
    path = tmp_path_factory.mktemp("corpus") / "english.txt"
    path.write_text(english_sample[:600_000], encoding="utf-8")
    return str(path)


def test_same_output_whatever_the_number_of_workers(small_corpus):
    outputs = {json.dumps(train_bpe(small_corpus, 1200, num_workers=n, progress=False).to_dict())
               for n in (1, 2, 5)}
    assert len(outputs) == 1


def test_custom_pattern_same_output_whatever_the_number_of_workers(english_sample):
    texts = english_sample[:300_000].splitlines()
    outputs = {json.dumps(train_bpe(texts, 600, pattern=r"\w+|\s+|[^\w\s]+", num_workers=n,
                                    progress=False).to_dict())
               for n in (1, 3)}
    assert len(outputs) == 1


def test_vocab_size_counts_bytes_merges_and_specials(small_corpus):
    specials = ["<|endoftext|>", "<|pad|>"]
    tok = train_bpe(small_corpus, 700, special_tokens=specials, progress=False)
    assert tok.vocab_size == 700
    assert tok.special_tokens == {"<|endoftext|>": 698, "<|pad|>": 699}
    assert len(tok.model.token_bytes()) == 698
    assert tok.encode("<|pad|>", allowed_special="all") == [699]


def test_trained_tokenizer_round_trips_and_compresses(small_corpus, english_sample):
    tok = train_bpe(small_corpus, 2000, progress=False)
    held_out = english_sample[-100_000:]
    ids = tok.encode(held_out)
    assert tok.decode(ids) == held_out
    assert len(held_out.encode()) / len(ids) > 2.7  # held-out books, 2k tokens: ~2.9 bytes a token


def test_matches_merges_from_reference_counts(small_corpus, english_sample):
    tok = train_bpe(small_corpus, 556, progress=False)
    counts = piece_counts(english_sample[:600_000])
    assert tok.model.merges == reference_train(counts, 300)


def test_custom_regex_pattern(small_corpus, english_sample):
    pattern = r"\w+|\s+|[^\w\s]+"
    tok = train_bpe(small_corpus, 400, pattern=pattern, progress=False)
    counts = piece_counts(english_sample[:600_000], pattern)
    assert tok.model.merges == reference_train(counts, 144)
    assert tok.splitter.pattern == pattern


def test_iterable_of_strings_and_dispatcher():
    texts = ["the cat sat on the mat"] * 50 + ["the dog sat on the log"] * 30
    a = train(texts, method="bpe", vocab_size=270, progress=False)
    b = tokensmith.train_bpe(iter(texts), 270, progress=False)
    assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())
    assert a.encode("the cat") == [a.model.token_id[b"the"], a.model.token_id[b" cat"]]
    assert "bpe" in TRAINERS
    with pytest.raises(OptionError, match="unknown training method"):
        train(texts, method="nope", vocab_size=300)


def test_compression_close_to_hf_trainer(english_sample):
    tokenizers = pytest.importorskip("tokenizers")
    from tokenizers import models, pre_tokenizers, trainers

    train_text = english_sample[:1_500_000]
    held_out = english_sample[-300_000:]
    vocab = 3000
    lines = train_text.splitlines(keepends=True)

    ours = train_bpe(lines, vocab, pattern="gpt2", progress=False)
    hf = tokenizers.Tokenizer(models.BPE())
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    hf.train_from_iterator(lines, trainers.BpeTrainer(
        vocab_size=vocab, min_frequency=2, show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    n_bytes = len(held_out.encode())
    ours_bpt = n_bytes / len(ours.encode(held_out))
    hf_bpt = n_bytes / len(hf.encode(held_out).ids)
    assert abs(ours_bpt / hf_bpt - 1) < 0.02, (ours_bpt, hf_bpt)


def test_progress_bar_does_not_change_output(small_corpus, capsys):
    quiet = train_bpe(small_corpus, 400, progress=False)
    loud = train_bpe(small_corpus, 400, progress=True)
    assert json.dumps(quiet.to_dict()) == json.dumps(loud.to_dict())


def test_save_and_load_round_trip(small_corpus, tmp_path, english_sample):
    tok = train_bpe(small_corpus, 800, special_tokens=["<|eot|>"], progress=False)
    path = tmp_path / "tok.json"
    tok.save(path)
    again = tokensmith.load(path)
    text = english_sample[:20_000]
    assert again.encode(text) == tok.encode(text)
    assert again.special_tokens == tok.special_tokens


# -- bad input ------------------------------------------------------------------------------------

def test_vocab_too_small():
    with pytest.raises(OptionError, match="at least 256"):
        train_bpe(["abc"], 255, progress=False)
    with pytest.raises(OptionError, match=r"258"):
        train_bpe(["abc"], 257, special_tokens=["<a>", "<b>"], progress=False)


def test_unknown_pattern_and_bad_options():
    with pytest.raises(OptionError, match="unknown split pattern 'cl100kk'"):
        train_bpe(["abc"], 300, pattern="cl100kk", progress=False)
    with pytest.raises(OptionError, match="invalid split pattern"):
        train_bpe(["abc"], 300, pattern="(unclosed", progress=False)
    with pytest.raises(OptionError, match="min_frequency"):
        train_bpe(["abc"], 300, min_frequency=0, progress=False)
    with pytest.raises(OptionError, match="num_workers"):
        train_bpe(["abc"], 300, num_workers=0, progress=False)
    with pytest.raises(OptionError, match="duplicates"):
        train_bpe(["abc"], 300, special_tokens=["<a>", "<a>"], progress=False)
    with pytest.raises(OptionError, match="vocab_sise"):
        train(["abc"], vocab_size=300, vocab_sise=3)  # a misspelt option is never ignored


def test_empty_corpus(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    for corpus in (str(empty), [], ["", ""], iter([])):
        with pytest.raises(InputError, match="empty"):
            train_bpe(corpus, 300, progress=False)


def test_invalid_utf8_names_file_and_offset(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"hello world\n" * 10 + b"caf\xe9 au lait\n")
    with pytest.raises(InputError) as info:
        train_bpe(str(path), 300, progress=False)
    assert str(path) in str(info.value) and "byte 123" in str(info.value)
    tok = train_bpe(str(path), 262, errors="replace", progress=False)
    assert tok.vocab_size == 262
    with pytest.raises(OptionError):
        train_bpe(str(path), 300, errors="bogus", progress=False)


def test_nul_bytes_are_text(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(b"a\x00b\x00a\x00b\x00 x\x00\x00y\n" * 50)
    with pytest.warns(SmallCorpusWarning, match="supports 260 ids, fewer than vocab_size=270"):
        tok = train_bpe(str(path), 270, progress=False)
    assert tok.vocab_size == 260
    text = "a\x00b\x00 x\x00\x00y"
    assert tok.decode(tok.encode(text)) == text
    assert len(tok.encode(text)) < len(text.encode())


def test_lone_surrogate_is_a_clear_error():
    with pytest.raises(InputError, match="surrogate"):
        train_bpe(["fine", "bad \ud800 text"], 300, progress=False)


def test_long_single_line(tmp_path):
    # 23 MB without a line break: read in bounded chunks, trained like any text.
    path = tmp_path / "one_line.txt"
    words = " ".join(f"w{i % 977}x" for i in range(4_000_000)).encode()
    path.write_bytes(words)
    assert len(words) > 20_000_000
    tok = train_bpe(str(path), 300, progress=False)
    assert tok.vocab_size == 300
    assert len(tok.encode(" w12x w13x")) <= 6
