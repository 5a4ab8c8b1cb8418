"""Very many special tokens: 200,000 of them used to take 9 s to set up and 3 s to find in 35 kB
(a ``regex`` named list that large); a set lookup per candidate position replaces it past
``NAMED_LIST_LIMIT`` strings, with the same leftmost-longest matches."""

from __future__ import annotations

import random
import time

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import tokensmith
from tokensmith.added_tokens import _LargeLiteralSet
from tokensmith.tokenizer import Tokenizer

ALPHABET = "ab<|>"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(ALPHABET, min_size=1, max_size=5), min_size=1, max_size=12),
       st.text(ALPHABET, max_size=60))
def test_large_literal_set_matches_as_the_named_list(strings, text):
    named = regex.compile(r"\L<s>", s=sorted(set(strings)))
    large = _LargeLiteralSet(strings)
    assert [m.span() for m in large.finditer(text)] == [m.span() for m in named.finditer(text)]
    first = named.search(text)
    found = large.search(text)
    assert (found is None) == (first is None)
    if first is not None:
        assert found.span() == first.span() and found.group() == first.group()


def test_two_hundred_thousand_specials(tokenizer_files):
    base = tokensmith.load(tokenizer_files / "r50k_base.tiktoken")
    specials = {f"<|sp{i}|>": base.vocab_size + i for i in range(200_000)}
    start = time.perf_counter()
    tok = Tokenizer(base.model, base.splitter, special_tokens=specials)
    rng = random.Random(0)
    picked = [rng.randrange(200_000) for _ in range(2000)]
    text = " ".join(f"word <|sp{i}|>" for i in picked)
    ids = tok.encode(text, allowed_special="all")
    assert time.perf_counter() - start < 20  # was a hang in practice (minutes on larger texts)
    assert [i - base.vocab_size for i in ids if i >= base.vocab_size] == picked
    assert tok.decode(ids) == text
