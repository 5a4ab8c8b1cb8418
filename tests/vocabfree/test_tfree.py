"""T-FREE against a plain port of its released reference procedure (tests/vocabfree/tfree_port.py)
on a fixed word list and real multilingual text, plus properties."""

from __future__ import annotations

import string

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tfree_port as ref
from tokensmith.errors import InputError, OptionError
from tokensmith.vocabfree.tfree import (TFree, TFreeDictionary, collision_stats, join_words, split_words,
                                        trigrams)

WORDS = ["Hello", "hello", "HELLO", "world", "house", "houses", "domestic", "a", "I", "x",
         "naïve", "Zürich", "straße", "東京", "Москва", "नमस्ते", "1", "!", "<|endoftext|>",
         "<|ws|>", "<|\n|>", "don", "t", "can", "aaaa", "Aaa", "aBc"]

# the reference's own expected splits (its tests/test_word_split.py cases)
CASES = [
    ("", []),
    ("Hello World!", ["Hello", "World", "!"]),
    ("Hello World!<|endoftext|>abc", ["Hello", "World", "!", "<|endoftext|>", "abc"]),
    ("Hello<|startoftext|> World!", ["Hello", "<|startoftext|>", "<|ws|>", "World", "!"]),
    ("Hello\nWorld!", ["Hello", "<|\n|>", "World", "!"]),
    ("This is a <|test with some numbers 1234.",
     ["This", "is", "a", "<", "|", "<|no_ws|>", "test", "with", "some", "numbers", "<|ws|>",
      "1", "2", "3", "4", "."]),
    ("a" + " " * 7 + "b", ["a", "<|4<-ws->|>", "<|2<-ws->|>", "<|ws|>", "b"]),
]


@pytest.fixture(scope="module")
def ntrex_lines(ntrex_dir):
    lines = []
    for code in ("src.eng", "ref.deu", "ref.rus", "ref.hin", "ref.zho-CN", "ref.arb", "ref.fra"):
        path = ntrex_dir / f"newstest2019-{code}.txt"
        lines += path.read_text(encoding="utf-8").splitlines()[:40]
    return lines


@pytest.mark.parametrize("text,expected", CASES)
def test_split_matches_the_reference_cases(text, expected):
    assert split_words(text) == expected == ref.text_to_words(text)
    assert join_words(expected) == text


def test_split_matches_the_port_on_real_text(ntrex_lines):
    for line in ntrex_lines:
        words = split_words(line)
        assert words == ref.text_to_words(line), line
        assert join_words(words) == line
    joined = "\n\n".join(ntrex_lines[:30]) + "   tail  \n\n\n\n\n x"
    assert split_words(joined) == ref.text_to_words(joined)


_ALPHABET = string.ascii_letters + string.digits + string.punctuation + " \n\té€ж"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_split_equals_port_and_round_trips(text):
    words = split_words(text)
    assert words == ref.text_to_words(text)
    if "<|" not in text:        # a literal <|ws|> or <|\n|> in the text reads back as a space
        assert join_words(words) == text


@pytest.mark.parametrize("v,m,k", [(8000, 10, 0), (32000, 10, 2), (1000, 4, 1)])
def test_patterns_match_the_port(v, m, k):
    tf = TFree(v, m, k)
    for word in WORDS:
        ids, count = ref.process_word(word, v, m, k)
        assert tf.pattern(word).tolist() == sorted(ids), word
        assert tf.trigram_count(word) == count
    for t in (b" He", b"Hel", b"ABC", b"a b"):
        assert len(set(tf.trigram_rows(t))) == m or k  # m distinct rows (sharing may repeat one)


def test_trigrams_and_lowercase_sharing():
    assert trigrams("Hello") == [b" He", b"Hel", b"ell", b"llo", b"lo "]
    assert trigrams("aaaa") == [b" aa", b"aaa", b"aa "]
    tf = TFree(32000, 10, 2)
    upper, lower = tf.trigram_rows(b"Hel"), tf.trigram_rows(b"hel")
    assert upper[-2:] == lower[-2:] and upper[:8] != lower[:8]
    assert TFree(32000, 10, 0).trigram_rows(b"Hel")[-2:] != lower[-2:]


def test_decoder_matches_the_port():
    v, m = 2000, 6
    tf = TFree(v, m)
    words = WORDS[:12]
    d = TFreeDictionary(words, tf)
    rng = np.random.default_rng(0)
    for target in ("house", "naïve", "world"):
        logits = rng.normal(-3, 1, v)
        logits[tf.pattern(target)] += 6           # a model that predicts the target's pattern
        expected = ref.decode_scores(d.words, logits, v, m)
        got = dict(d.decode(logits, top=len(words))[0])
        assert np.allclose([got[w] for w in d.words], expected)
        assert d.decode(logits, top=1)[0][0][0] == target
        assert d.decode(tf.pattern(target), top=1)[0][0][0] == target  # a pattern decodes too


def test_collision_statistics_on_a_real_vocabulary(tokenizer_files):
    lines = (tokenizer_files / "bert_base_cased_vocab.txt").read_text(encoding="utf-8").splitlines()
    words = [w for w in lines if w and not w.startswith(("##", "[")) and w.isalpha()][:4000]
    small = collision_stats(TFreeDictionary(words, TFree(1000, 10)), pairs=3000, sample=400)
    large = collision_stats(TFreeDictionary(words, TFree(32000, 10)), pairs=3000, sample=400)
    assert small.words == large.words == len(set(words))
    # more rows: fewer overlaps, more words decoded back from their own pattern
    assert large.pair_overlap_mean < small.pair_overlap_mean
    assert large.self_decoded >= small.self_decoded > 0.5
    assert large.self_decoded > 0.95
    assert 0 <= large.nearest_contained <= 1 and large.words_sharing_a_pattern <= large.words
    # words whose patterns coincide: " aaa ", " aaaa " and " aaaaa " have the same trigram set
    shared = collision_stats(TFreeDictionary(["aaa", "aaaa", "aaaaa", "bcd"], TFree(500, 4)), sample=4)
    assert shared.words_sharing_a_pattern == 3 and shared.largest_shared_group == 3


def test_bad_input_is_a_clear_error():
    with pytest.raises(InputError, match="no word with a trigram"):
        TFreeDictionary(["", ""], source="words.txt")
    with pytest.raises(InputError, match="no word with a trigram"):
        TFreeDictionary([])
    with pytest.raises(InputError, match="no trigram"):
        TFree().pattern("")
    with pytest.raises(OptionError, match="activations"):
        TFree(100, 0)
    with pytest.raises(OptionError, match="lowercase_activations"):
        TFree(100, 4, 5)
    with pytest.raises(InputError, match="vocab_size"):
        TFreeDictionary(["a"], TFree(100, 4)).decode(np.zeros(50))
