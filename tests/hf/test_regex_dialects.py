"""Regexes of the Rust engines read by ``regex``: compared with HF ``tokenizers`` (Oniguruma)."""

from __future__ import annotations

import time

import pytest
from hf_reference import code_points, tokenizers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokensmith.errors import InputError, OptionError
from tokensmith.pre_tokenizers.regex_dialects import compile_pattern, find_matches, translate
from tokensmith.pre_tokenizers.patterns import CL100K, GPT2, LLAMA3, O200K, split_reference


def hf_replace(pattern: str, text: str) -> str:
    """HF's matches made visible: each one (empty ones too) replaced by <>."""
    return tokenizers.normalizers.Replace(tokenizers.Regex(pattern), "<>").normalize_str(text)


def our_replace(pattern: str, text: str) -> str:
    out, prev = [], 0
    for start, end in find_matches(compile_pattern(pattern, "onig"), text):
        out += [text[prev:start], "<>"]
        prev = end
    return "".join(out) + text[prev:]


# Constructs whose meaning differs between Oniguruma and Python, with a text that shows it.
CONSTRUCTS = [
    ("^", "a\nb\n"), ("$", "a\nb\n"), (r"\Z", "a\nb\n"), (r"\z", "a\n"), (r"b\Z", "ab\n"),
    (r"^.", "ab\ncd\n"), (r".$", "ab\ncd\n"), ("(?m)^", "a\nb"), ("(?m)a.b", "a\nb"),
    (r"\h+", "xyzabc0129GHfz"), (r"[\H]", "a0g"), (r"\d{1,3}+", "1234567"),
    (r"\d{1,3}", "1234567"), (r"\d{2}+", "12345"), (r"\d++", "123"), ("a{2}?", "aaa"),
    ("a{2}+", "aaaaa"), ("a{1,2}?", "aaa"), ("a**", "aaa"), ("a+*", "aa"), ("x{2,1}", "xxx"),
    ("a{,2}", "aaaa"), ("a{", "a{"), (r"[\p{L}&&[^\p{Lu}]]+", "abcDEFghé"),
    (r"[a-z&&[^aeiou]]+", "abcdefg"), (r"[\w&&\d]+", "a12b"), ("(?i:A)a", "aA aa"),
    ("a(?i)b|c", "aB C"), (r"(?i:\p{Lu})", "aB"), (r"(?i)ǅ", "ǆǄǅ"), (r"\G.", "abc"),
    ("(?x) a b # c\n", "ab c"), (r"\x{1F600}", "\U0001F600"), (r"(?<!a)b", "ab b"),
    (r"\p{Han}", "漢a"), (r"\p{Hiragana}+", "ひらa"), (r"\p{Alnum}", "a1_"), (r"\p{Word}", "a_-²"),
    (r"\p{Punct}", "$+,-"), (r"[[:punct:]]", "$+,-Ⓐ"), (r"\p{^L}+", "ab12c"), (r"\pL+", "ab12pL"),
    (r"\e", "a\x1bb"), (r"\cA", "a\x01b"), (r"\u0041", "zAz"), (r"\R", "a\r\nb\x85c"),
    (r"\N", "a\nb"), (r"\O", "a\nb"), (r"\v", "a\x0bb"), (r"\a", "a\x07b"), (r"\K", "ab"),
    (r"[[:alpha:]]+", "abé1c"), (r"[[:digit:]]+", "1٣x"), (r"[[:word:]]+", "a\u200cb²"),
    (r"[a-]", "a-b"), (r"[--/]", "a-./b"), (r"[a||b]", "a|b"), (r"[a~~b]", "a~b"), (r"[]a]", "a]b"),
    (r"[^]a]", "a]b"), (r"(?<x>a)\k<x>", "aab"), (r"(?<x>x)\g<x>", "xx"), (r"(a)(?:b)\1", "aba"),
    (r"\0101", "A"), (r"\101", "A"), (r"\x41", "A"), (r"\q\j", "qj"), (r"[\y]", "y"), ("a|", "bab"),
    ("", "bab"), (r"\w+", "a²b\u200cc"), (r"[\x00-\x1f]", "a\x05"), ("(?=a)", "ba"), ("a{0}", "aa"),
    (r"\s+", " a \u3000\x1c b "), (r"\b", "ab cd"), (r"\B", "ab cd"),
]


@pytest.mark.parametrize("pattern,text", CONSTRUCTS)
def test_construct_matches_where_oniguruma_does(pattern, text):
    assert our_replace(pattern, text) == hf_replace(pattern, text)


# Character classes on every code point of planes 0-3 (where Unicode 17 added characters too).
CLASSES = [r"\w", r"\W", r"\d", r"\s", r"\p{L}", r"\P{L}", r"\p{N}", r"[^\s\p{L}\p{N}]", r"\p{Cn}",
           r"[[:punct:]]", r"\p{Han}", r"[[:^alpha:]]", r"\p{Lu}"]


@pytest.mark.parametrize("cls", CLASSES)
def test_class_holds_the_characters_oniguruma_holds(cls):
    text = code_points(0x40000)
    kept = set()
    for i in range(0, len(text), 100_000):
        chunk = text[i:i + 100_000]
        split = tokenizers.pre_tokenizers.Split(tokenizers.Regex(cls), "removed")
        for piece, _ in split.pre_tokenize_str(chunk):
            kept.update(piece)
    theirs = set(text) - kept
    ours = set(compile_pattern(cls, "onig").findall(text))
    assert sorted(f"{ord(c):04X}" for c in theirs ^ ours) == []


def test_the_letter_unicode_17_added_is_unassigned_for_oniguruma():
    # U+A7CE (Latin, Unicode 17): a letter for ``regex``, an unassigned code point for HF.
    assert not compile_pattern(r"\p{L}", "onig").match("\ua7ce")
    assert compile_pattern(r"\p{Cn}", "onig").match("\ua7ce")
    assert compile_pattern(r"\p{L}", "fancy").match("\ua7ce")


PATTERNS = [
    r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+",
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",
    LLAMA3, O200K, r"[\p{L}&&[^\p{Lu}]]+|\p{Lu}+|\s+$|^\s+",
    r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
    r"\d{1,3}+|\h+|\Z|\z", r" ?[^(\s|[.,!?…。，、।۔،])]+",
]
_TEXT = st.text(st.one_of(st.characters(codec="utf-8"), st.sampled_from(list(" \n\r\t'sdlL0123.,!?ÀΣ"))),
                max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATTERNS), _TEXT)
def test_split_pieces_equal_hf_on_any_text(pattern, text):
    split = tokenizers.pre_tokenizers.Split(tokenizers.Regex(pattern), "isolated")
    theirs = [p for p, _ in split.pre_tokenize_str(text)]
    ours = [text[s:e] for s, e in find_matches(compile_pattern(pattern, "onig"), text)]
    # isolated pieces: matches and the text between them, empty ones dropped
    pieces, prev = [], 0
    for s, e in find_matches(compile_pattern(pattern, "onig"), text):
        pieces += [text[prev:s], text[s:e]]
        prev = e
    pieces.append(text[prev:])
    assert [p for p in pieces if p] == theirs, ours


def test_ntrex_pieces_equal_hf(ntrex_sample):
    for pattern in PATTERNS:
        split = tokenizers.pre_tokenizers.Split(tokenizers.Regex(pattern), "isolated")
        compiled = compile_pattern(pattern, "onig")
        for line in ntrex_sample:
            theirs = "|".join(p for p, _ in split.pre_tokenize_str(line))
            cuts = sorted({0, len(line), *(x for span in find_matches(compiled, line) for x in span)})
            ours = "|".join(line[a:b] for a, b in zip(cuts, cuts[1:]) if b > a)
            assert ours == theirs, (pattern, line)


@pytest.mark.parametrize("name,pattern", [("gpt2", GPT2), ("cl100k", CL100K), ("llama3", LLAMA3),
                                          ("o200k", O200K)])
def test_fancy_reading_of_tiktoken_patterns_keeps_their_pieces(name, pattern, ntrex_sample):
    # The named patterns' pieces are tiktoken's (tested elsewhere); read as fancy-regex they stay.
    compiled = compile_pattern(pattern, "fancy")
    for line in ntrex_sample:
        if any(0x10000 <= ord(c) for c in line):
            continue
        assert compiled.findall(line) == split_reference(name, line), line


def test_fancy_dialect_constructs():
    fancy = lambda p: compile_pattern(p, "fancy")  # noqa: E731
    assert fancy(r"\d{1,3}+").findall("1234567") == ["123", "456", "7"]   # possessive, not a repeat
    assert fancy(r"a$").findall("a\na") == ["a"]                           # $: end of text
    assert fancy(r"(?m)a$").findall("a\na") == ["a", "a"]                  # (?m): end of line
    assert fancy(r"^a").findall("a\na") == ["a"]
    assert fancy(r"(?s)a.b").findall("a\nb") == ["a\nb"]
    assert fancy(r"\h+").findall("xab09G") == ["ab09"]
    assert fancy(r"a\Z").findall("a\n\n") == ["a"]
    assert fancy(r"\w+").findall("a\u200cb") == ["a\u200cb"]               # joiners are word chars
    assert fancy(r"[\p{L}&&[^\p{Lu}]]+").findall("abCd") == ["ab", "d"]
    assert fancy(r"[\p{L}--\p{Lu}]+").findall("abC-d") == ["ab", "d"]       # Rust's set difference
    assert fancy(r"[a-z--b~~c-e]+").findall("abcdefg") == ["a", "fg"]        # left to right
    assert fancy(r"(?i)ss").findall("ß ss SS") == ["ss", "SS"]               # simple case folding
    with pytest.raises(OptionError):
        translate("x{2,1}", "fancy")


def test_bad_patterns_are_clear_errors():
    for pattern in ["(a", "a)", "[a", r"\y", "(?<=a+", "x{2,1}(?P<1>)"]:
        with pytest.raises(OptionError, match="regex"):
            compile_pattern(pattern, "onig")
    with pytest.raises(OptionError, match="dialect"):
        translate("a", "pcre")


def test_catastrophic_backtracking_stops_with_a_clear_error():
    compiled = compile_pattern("(a|a)+$", "onig")
    start = time.monotonic()
    with pytest.raises(InputError, match=r"\(a\|a\)\+\$"):
        find_matches(compiled, "a" * 40 + "b", "(a|a)+$")
    assert time.monotonic() - start < 10
