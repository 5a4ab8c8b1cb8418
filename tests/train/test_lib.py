"""LiB (Less-is-Better): memorise joined chunks, forget redundant ones; fewer tokens, bounded types."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokensmith import InputError, ModelFileError, OptionError, Tokenizer
from tokensmith.cli.main import main as cli
from tokensmith.trainers import train
from tokensmith.trainers.lib import Lexicon, SENTENCE_PATTERN, sentences

NEVER = 1e-12  # memorise probability that keeps a hand-built lexicon fixed


# -- the memorise/forget loop on hand-checkable text ---------------------------------------------
def test_a_joined_pair_is_memorised_on_its_second_sighting():
    lex = Lexicon(memorise=1.0, life=10)
    lex.read([b"abab"])  # candidates in order: "ab", "ba", "ab" (second sighting)
    assert b"ab" in lex and b"ba" not in lex
    assert lex.ranked == [b"ab"]
    assert lex.lives[b"ab"] == 9  # memorised, not yet used: one article of its life spent


def test_an_unused_new_chunk_is_forgotten_when_its_life_runs_out():
    lex = Lexicon(memorise=1.0, life=3)
    lex.read([b"abab"])
    lex.read([b"xy"])
    assert b"ab" in lex
    lex.read([b"pq"])
    assert b"ab" not in lex and b"ab" in lex.forgotten


def test_a_used_chunk_is_kept_and_the_unused_bottom_is_forgotten():
    lex = Lexicon([b"xx", b"yy", b"zz"], memorise=1.0, life=2)
    lex.read([b"abab"])
    assert lex.ranked == [b"xx", b"yy", b"zz", b"ab"] and lex.lives == {b"ab": 1}
    lex.read([b"ab"])  # read as one chunk where "a" + "b" would need two: it wins and moves up
    assert lex.ranked == [b"xx", b"yy", b"ab", b"zz"]
    assert lex.lives == {b"zz": 2}  # "ab" is safe; the bottom chunk gets a life (as published)
    lex.read([b"pq"])
    lex.read([b"uv"])
    assert b"ab" in lex and b"zz" not in lex and b"xx" in lex


def test_a_redundant_chunk_sinks_and_is_forgotten():
    lex = Lexicon([b"ab", b"abc", b"cde"], memorise=NEVER)
    assert lex.segment(b"abcde") == [b"abc", b"d", b"e"]
    # starting with "ab" instead: "ab" + "cde" reaches the end in 2 chunks, not 3
    assert lex.compete(b"abcde", 0, 3, 2)
    lex.read([b"abcde"])
    assert lex.ranked == [b"ab", b"cde", b"abc"]  # punished to the bottom, "ab" rewarded
    lex.read([b"abcde"])
    assert b"abc" not in lex  # moved past the bottom: forgotten
    assert lex.segment(b"abcde") == [b"ab", b"cde"]  # fewer tokens and fewer types


def test_ties_go_to_the_better_ranked_reading():
    # "abc"+"d" and "ab"+"cd" both take 2 chunks; a single byte ranks below every chunk (here 3)
    lex = Lexicon([b"cd", b"ab", b"abc"], memorise=NEVER)
    assert lex.compete(b"abcd", 0, 3, 2)  # ranks 2+3 against 1+0: "abc" is redundant
    lex = Lexicon([b"abc", b"cd", b"ab"], memorise=NEVER)
    assert not lex.compete(b"abcd", 0, 3, 2)  # 0+3 against 2+1: a tie keeps the long chunk
    assert not lex.compete(b"abc", 0, 3, 2)  # "abc" alone beats "ab" + "c"


# -- on real English ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def english(english_sample):
    return english_sample[:300_000], english_sample[1_000_000:1_030_000]


@pytest.fixture(scope="module")
def trained(english):
    return train([english[0]], method="lib", vocab_size=1500, epochs=2)


def test_vocabulary_has_words_and_multi_word_units_within_the_cap(trained):
    tokens = [trained.model.token_bytes()[i] for i in range(trained.vocab_size)]
    assert trained.vocab_size <= 1500 and len(set(tokens)) == len(tokens)
    words = {b" the", b" and", b" of", b" to"}
    assert words <= set(tokens)
    multi = [t for t in tokens if len(t.strip().split(b" ")) >= 2 and t.strip().replace(b" ", b"").isalpha()]
    assert len(multi) >= 20, multi[:10]
    assert b" of the" in tokens or b" in the" in tokens


def test_training_lowers_the_token_count_from_the_byte_start(trained, english):
    held = english[1]
    n = len(trained.encode(held))
    assert n < len(held.encode()) / 2.5  # start: one token per byte
    # and against its own early state: more reading of the same text reads it with fewer chunks
    spans = sentences([english[0][:100_000]], SENTENCE_PATTERN, 10**9)
    lex = Lexicon(capacity=2000, seed=1)
    counts = [lex.read(spans) for _ in range(4)]
    assert counts[-1] < counts[0] < sum(map(len, spans))
    assert len(lex) <= 2000 and lex.forgotten  # types bounded, redundant chunks dropped


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_round_trip(trained, text):
    assert trained.decode(trained.encode(text)) == text


def test_save_load(trained, english, tmp_path):
    trained.save(tmp_path / "lib.json")
    loaded = Tokenizer.load(tmp_path / "lib.json")
    assert loaded.encode(english[1][:5000]) == trained.encode(english[1][:5000])


def test_hf_export_is_refused_clearly(trained, tmp_path):
    with pytest.raises(ModelFileError, match="native format"):
        trained.save(tmp_path / "lib_hf.json", format="hf")


def test_cli(english, tmp_path, capsys):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(english[0][:60_000], encoding="utf-8")
    out = tmp_path / "out.json"
    assert cli(["train", str(corpus), "--method", "lib", "--vocab-size", "600", "-o", str(out),
                "--quiet"]) == 0
    tok = Tokenizer.load(out)
    assert 256 < tok.vocab_size <= 600
    assert tok.decode(tok.encode(english[1][:2000])) == english[1][:2000]


def test_bad_input(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(InputError, match=r"empty\.txt\) is empty"):
        train([str(empty)], method="lib", vocab_size=500)
    with pytest.raises(InputError, match="empty"):
        train([""], method="lib", vocab_size=500)
    with pytest.raises(OptionError):
        train(["some text"], method="lib", vocab_size=500, memorise=0)
    with pytest.raises(OptionError):
        train(["some text"], method="lib", vocab_size=100)
