"""No text is ever lost: decode(encode(x)) == x for every byte-level tokenizer, whatever the
split pattern leaves unmatched.

A pattern that does not match every character used to make those characters vanish (tiktoken
drops them too); they now become pieces of their own, as HF's ``Split(behavior="Isolated")``
makes them.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tokensmith
from tokensmith.pre_tokenizers.patterns import split_keeping_gaps, split_reference
from tokensmith.pre_tokenizers.splitters import RegexSplitter

# Patterns that leave characters unmatched: only letters, only ASCII words and digits, nothing
# but a lookahead (every match empty).
GAPPY = [r"\p{L}+", r"[a-z]+|\d", r"(?=x)"]

FILES = {
    "r50k": "r50k_base.tiktoken",
    "p50k": "p50k_base.tiktoken",
    "cl100k": "cl100k_base.tiktoken",
    "o200k": "o200k_base.tiktoken",
    "gpt2": "gpt2_vocab.json",
    "roberta": "roberta_base_tokenizer.json",
}


@pytest.fixture(scope="module")
def tokenizers(tokenizer_files):
    loaded = {name: tokensmith.load(tokenizer_files / file) for name, file in FILES.items()}
    for pattern in GAPPY:  # r50k's vocabulary, split by a pattern with gaps
        loaded[f"r50k {pattern}"] = tokensmith.Tokenizer(loaded["r50k"].model, RegexSplitter(pattern))
    return loaded


def _code_point_in_plane(plane: int):
    return st.integers(plane << 16, (plane << 16) | 0xFFFF).filter(
        lambda c: not 0xD800 <= c <= 0xDFFF).map(chr)


# Every plane (0-16) equally likely, plus hypothesis' own character choice (ASCII-heavy) and the
# characters the patterns treat specially.
any_character = st.one_of(
    st.integers(0, 16).flatmap(_code_point_in_plane),
    st.characters(blacklist_categories=("Cs",)),
    st.sampled_from(list(" \n\r\t'sx1€") + ["\u0301", "\u200d", "\U0001F469"]),
)
any_text = st.text(any_character, max_size=24)


@settings(max_examples=300, deadline=None)
@given(text=any_text)
def test_every_tokenizer_round_trips(tokenizers, text):
    for name, tokenizer in tokenizers.items():
        ids = tokenizer.encode_ordinary(text)
        assert tokenizer.decode(ids, errors="strict") == text, name


def test_unmatched_characters_are_encoded(tokenizers):
    gappy = tokenizers[r"r50k \p{L}+"]
    for text in ["€", "a€b", "12 34", " \n"]:
        ids = gappy.encode(text)
        assert ids and gappy.decode(ids) == text
    assert gappy.splitter.split("a€b") == ["a", "€", "b"]


@settings(max_examples=300, deadline=None)
@given(text=any_text, pattern=st.sampled_from(GAPPY + [r"\s+|\S", r"x|"]))
def test_pieces_join_back_to_the_text(text, pattern):
    pieces = RegexSplitter(pattern).split(text)
    assert "".join(pieces) == text
    assert split_reference(pattern, text) == pieces


def test_named_patterns_match_everything_so_nothing_changes():
    # The compiled splitters and regex agree, and the fast path of split_keeping_gaps (a length
    # check) is what runs for them.
    for name in ("gpt2", "cl100k", "o200k", "llama3"):
        splitter = RegexSplitter(name)
        text = "Hello  world!\n\n 123 héllo 'll\t \U0001F469\u200d x "
        assert "".join(splitter.split(text)) == text
        assert splitter.split(text) == splitter._regex.findall(text)


def test_gaps_are_their_own_pieces_in_order():
    import regex

    compiled = regex.compile(r"[a-z]+")
    assert split_keeping_gaps(compiled, "ab12cd  e") == ["ab", "12", "cd", "  ", "e"]
    assert split_keeping_gaps(compiled, "") == []
    assert split_keeping_gaps(compiled, "99") == ["99"]


def test_training_sees_the_pieces_encoding_sees():
    """A custom pattern with gaps: the text between matches is trained on too, so the trained
    vocabulary has merges for it (it used to be counted by findall, which drops it)."""
    import tokensmith

    texts = ["xyzxyz 123 xyzxyz 123"] * 200
    tok = tokensmith.train_bpe(texts, vocab_size=300, pattern=r"\d+", progress=False)
    learnt = {tok.model.tokens[i] for i in range(256, tok.model.vocab_size)}
    assert any(b"xyz" in t for t in learnt), sorted(learnt)[:20]
    assert tok.decode(tok.encode(texts[0])) == texts[0]
