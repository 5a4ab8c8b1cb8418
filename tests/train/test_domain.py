"""Domain recipes: protected terms are never split; character-level boundaries survive typos."""

from __future__ import annotations

import random

import pytest
import regex
from hypothesis import given, settings, strategies as st

from tokensmith import OptionError, Tokenizer
from tokensmith.pre_tokenizers.splitters import RegexSplitter
from tokensmith.trainers.method_utils import count_pieces, merge_token_bytes
from tokensmith.models.bpe.trainer import train_bpe_from_counts
from tokensmith.trainers.domain import char_count, train_char_bpe, train_domain_bpe
from tokensmith.models.bpe.model import BPEModel

TERMS = ["natives", "knowledge", "main road", "acetylsalicylic acid"]


@pytest.fixture(scope="module")
def english(english_sample):
    return english_sample[:150_000], english_sample[1_000_000:1_030_000]


@pytest.fixture(scope="module")
def domain(english):
    return train_domain_bpe([english[0]], 600, protected_terms=TERMS)


def occurrences(text: str, term: str) -> int:
    return len(regex.findall(rf"(?<![\p{{L}}\p{{N}}]){regex.escape(term)}(?![\p{{L}}\p{{N}}])", text))


def test_protected_terms_are_whole_tokens_in_real_text(domain, english):
    text = english[0] + " took acetylsalicylic acid."
    pieces = [domain.token_bytes(i) for i in domain.encode(text)]
    assert domain.decode(domain.encode(text)) == text
    for term in TERMS:
        whole = sum(p.strip() == term.encode() for p in pieces)
        assert whole == occurrences(text, term) > 0, term
    assert domain.vocab_size == 600


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(TERMS), st.text(" abmainrodnatives.,\n", max_size=8)), max_size=12))
def test_protected_terms_are_never_split(domain, parts):
    text = " ".join(parts)
    pieces = [domain.token_bytes(i) for i in domain.encode(text)]
    assert b"".join(pieces) == text.encode()
    for term in TERMS:
        assert sum(p.strip() == term.encode() for p in pieces) == occurrences(text, term)


def test_domain_native_round_trip(domain, english, tmp_path):
    domain.save(tmp_path / "domain.json")
    loaded = Tokenizer.load(tmp_path / "domain.json")
    assert loaded.encode(english[1][:5000]) == domain.encode(english[1][:5000])


def spans(tok: Tokenizer, word: str) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for i in tok.encode(word):
        end = pos + len(tok.token_bytes(i))  # ASCII words: bytes are characters
        out.add((pos, end))
        pos = end
    return out


def untouched_share(tok: Tokenizer, text: str, window: int, trials: int = 300) -> float:
    """Share of characters further than ``window`` from a random letter substitution whose
    token (the same span) is still a token after it: how local the damage of a typo is."""
    rng = random.Random(0)
    words = regex.findall(r"[A-Za-z]{6,}", text)
    kept = total = 0
    for _ in range(trials):
        word = rng.choice(words)
        k = rng.randrange(len(word))
        typo = word[:k] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[k + 1:]
        before, after = spans(tok, word), spans(tok, typo)
        for start, end in before:
            far = [c for c in range(start, end) if abs(c - k) > window]
            total += len(far)
            kept += len(far) * ((start, end) in after)
    return kept / total


def test_character_level_boundaries_survive_substitutions(english):
    train, held_out = english
    char = train_char_bpe([train], 1000, max_chars=3)
    assert all(0 < char_count(t) <= 3 for t in char.model.token_bytes()[256:] if char_count(t) > 0)
    merges = train_bpe_from_counts(count_pieces([train]), 1000 - 256)
    plain = Tokenizer(BPEModel(merge_token_bytes(merges), merges), RegexSplitter("gpt2"))
    char_share = untouched_share(char, held_out, window=2)
    assert char_share >= 0.95  # measured 0.966; plain BPE of the same size 0.958
    assert char_share > untouched_share(plain, held_out, window=2)


def test_bad_options(english):
    with pytest.raises(OptionError):
        train_domain_bpe([english[0][:1000]], 600, protected_terms=[" padded "])
    with pytest.raises(OptionError):
        train_char_bpe([english[0][:1000]], 600, max_chars=0)
