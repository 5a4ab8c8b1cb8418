"""The compiled pre-tokenizer gives exactly the pieces of ``regex.findall`` for the named patterns.

The reference is the ``regex`` module running the patterns of ``tokensmith.pre_tokenizers.patterns`` as written.
"""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokensmith._core import _split  # built by setup.py: a missing build must fail, not skip
from tokensmith.errors import InputError, OptionError
from tokensmith.pre_tokenizers.patterns import CL100K, LLAMA3, NAMED_PATTERNS

SPLITTERS = ["gpt2", "cl100k", "llama3", "o200k"]
COMPILED = {name: regex.compile(NAMED_PATTERNS[name]) for name in SPLITTERS}


def assert_same_pieces(name: str, text: str, where: str = "") -> None:
    expected = COMPILED[name].findall(text)
    got = _split.split(name, text)
    if got != expected:
        k = next((k for k, (a, b) in enumerate(zip(expected, got)) if a != b),
                 min(len(expected), len(got)))
        pytest.fail(f"{name} {where}: first difference at piece {k}: "
                    f"regex {expected[max(k - 2, 0):k + 3]!r} vs compiled {got[max(k - 2, 0):k + 3]!r}")


# ---- real text -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SPLITTERS)
def test_english_sample(name, english_sample):
    assert_same_pieces(name, english_sample, "english sample")


@pytest.mark.parametrize("name", SPLITTERS)
def test_every_ntrex_language(name, ntrex_files):
    # Every 8th line of each of the 128+ languages keeps the run time reasonable (the reference is
    # slow); the lines still cover every script and the file's own line breaks.
    for path in ntrex_files:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        assert_same_pieces(name, "".join(lines[::8]), path.name)


@pytest.fixture(scope="module")
def llama_cpp_cases(tokenizer_files) -> list[str]:
    cases = []
    for path in sorted((tokenizer_files / "llama_cpp_vectors").glob("*.inp")):
        cases += path.read_text(encoding="utf-8").split("\n__ggml_vocab_test__\n")
    assert len(cases) > 40
    return cases


@pytest.mark.parametrize("name", SPLITTERS)
def test_llama_cpp_vectors(name, llama_cpp_cases):
    for case in llama_cpp_cases:
        assert_same_pieces(name, case, repr(case[:40]))
        assert_same_pieces(name, case + "\n", repr(case[:40]))


# ---- every short string over one representative of each character kind ---------------------

REPRESENTATIVES = [" ", "\t", "\n", "\r", "\u00a0", "a", "A", "s", "L", "e", "\u01c5", "\u02b0",
                   "\u4e2d", "\u0301", "1", "\u0663", ".", "'", "/"]


@pytest.mark.parametrize("name", SPLITTERS)
def test_all_strings_up_to_three_characters(name):
    for length in (1, 2, 3):
        for chars in itertools.product(REPRESENTATIVES, repeat=length):
            text = "".join(chars)
            assert _split.split(name, text) == COMPILED[name].findall(text), repr(text)


# ---- every code point, and the tables they are classified by ---------------------------------
# The compiled tables fix one Unicode version (that of the `regex` release that generated them);
# the installed `regex` may be newer and classify code points assigned since. The comparisons with
# `regex` leave out exactly those code points (DRIFT); the drift itself is checked below.

def _load_generator():
    path = Path(__file__).resolve().parents[1] / "tools" / "gen_unicode_tables.py"
    spec = importlib.util.spec_from_file_location("gen_unicode_tables", path)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return gen


GEN = _load_generator()
EVERY_CHAR = "".join(map(chr, range(GEN.MAX_CP)))
TABLE_CLASSES = GEN.read_classes()
INSTALLED_CLASSES = GEN.class_bytes(EVERY_CHAR)
DRIFT = frozenset(cp for cp in range(GEN.MAX_CP) if TABLE_CLASSES[cp] != INSTALLED_CLASSES[cp])
ALL_CHARS = "".join(chr(cp) for cp in range(0x110000)
                    if not 0xD800 <= cp <= 0xDFFF and cp not in DRIFT)


def without_drift(text: str) -> str:
    return "".join("x" if ord(c) in DRIFT else c for c in text)


@pytest.mark.parametrize("name", SPLITTERS)
def test_every_code_point(name):
    assert_same_pieces(name, ALL_CHARS, "all code points in order")
    triples = " ".join(ALL_CHARS[i:i + 3] for i in range(0, len(ALL_CHARS), 3))
    assert_same_pieces(name, triples, "all code points in threes")


def test_unicode_tables_are_those_regex_defines():
    if GEN.generator_version() == regex.__version__:
        expected = GEN.render(INSTALLED_CLASSES, GEN.contraction_folds(EVERY_CHAR))
        committed = Path(GEN.OUT).read_text(encoding="utf-8")
        assert committed == expected, "unicode_tables.h is stale: run python tools/gen_unicode_tables.py"
    assert GEN.read_folds() == GEN.contraction_folds(EVERY_CHAR)


def test_other_unicode_versions_differ_only_in_newly_assigned_code_points():
    # Between Unicode versions a code point goes from unassigned (no class) to assigned; a change
    # of class of an assigned character would be a real difference worth regenerating for.
    assert all(TABLE_CLASSES[cp] == 0 or INSTALLED_CLASSES[cp] == 0 for cp in DRIFT), \
        sorted(hex(cp) for cp in DRIFT if TABLE_CLASSES[cp] and INSTALLED_CLASSES[cp])[:20]
    assert len(DRIFT) < 20_000
    assert len(TABLE_CLASSES) == len(INSTALLED_CLASSES) == 0x110000
    assert (TABLE_CLASSES[ord("a")], TABLE_CLASSES[ord("7")], TABLE_CLASSES[ord(" ")]) == (17, 2, 4)


# ---- generated text --------------------------------------------------------------------------

WHITESPACE = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u00a0", "\u1680",
              "\u2000", "\u2009", "\u200a", "\u200b", "\u2028", "\u2029", "\u202f", "\u205f",
              "\u3000", "\ufeff"]
CONTRACTION_PARTS = ["'", "\u2019", "s", "S", "d", "D", "m", "M", "t", "T", "l", "L", "v", "V",
                     "r", "R", "e", "E", "\u017f", "\u212a", "\u00df", "\u0130", "\u0131"]
DIGITS = ["0", "7", "\u0663", "\u0969", "\uff15", "\u00b2", "\u00bd", "\u216b", "\u3007", "\U0001d7ce"]
LETTERS = ["a", "z", "A", "Z", "\u00e9", "\u00c9", "\u01c5", "\u1f88", "\u02b0", "\u30fc", "\ua7f8",
           "\u4e2d", "\u0627", "\u05e9", "\u03a9", "\u03c9", "\u042f", "\u044f", "\u0e01", "\u3131",
           "\ud55c", "\u0915", "\U00010400", "\U00010428", "\U0002070e"]
MARKS = ["\u0301", "\u0308", "\u0903", "\u093f", "\u0e31", "\u20dd", "\ufe0f", "\U000e0100"]
OTHER = [".", ",", "!", "?", "-", '"', "\u00ab", "\u00bb", "\u2026", "\u2014", "/", "\\", "(", ")",
         "#", "@", "$", "%", "&", "*", "_", "~", "`", "^", "\x00", "\x7f", "\u200d", "\U0001f600",
         "\U0001f44d", "\U0001f3fd", "\u2603"]
CHUNKS = ["'s", "'S", "'ll", "'LL", "'Ll", "'ve", "'VE", "'re", "'Re", "'m", "'D", "'t", "\u017fs",
          "\r\n", "\n\n", " \n ", "\r\n\r\n", "  ", "   ", "\t\n", "\n/", "//", " //\n", "1234567",
          "HELLO", "Hello", "hELLO", "McDonald's", "DON'T", "don't", "\u0915\u093f", "e\u0301",
          "E\u0301", "\u01c5a", "\u01c4\u01c6", "\U0001f468\u200d\U0001f469", " \u0301", "\u00a0a"]
TRICKY = WHITESPACE + CONTRACTION_PARTS + DIGITS + LETTERS + MARKS + OTHER

pieces_of_text = st.one_of(
    st.sampled_from(TRICKY),
    st.sampled_from(CHUNKS),
    st.characters(exclude_categories=("Cs",)),
)
texts = st.lists(pieces_of_text, max_size=40).map("".join).map(without_drift)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_generated_text_matches_regex(text):
    for name in SPLITTERS:
        assert _split.split(name, text) == COMPILED[name].findall(text), (name, text)


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_pieces_tile_the_text(text):
    for name in SPLITTERS:
        pieces = _split.split(name, text)
        assert "".join(pieces) == text
        assert all(pieces)
        assert _split.count_pieces(name, text) == len(pieces)


# ---- long runs and the llama3 / cl100k difference -------------------------------------------

@pytest.mark.parametrize("name", SPLITTERS)
@pytest.mark.parametrize("text", [" " * 100_000 + "x", "\n " * 50_000, "a" * 100_000, "1" * 100_001,
                                  "'s" * 30_000, "A\u0301" * 30_000, ". " * 50_000 + "\n"])
def test_long_runs(name, text):
    assert _split.split(name, text) == COMPILED[name].findall(text)


def test_llama3_differs_from_cl100k_only_in_trailing_whitespace():
    # llama3's spelling has \s*[\r\n]+ before \s+(?!\S) and no \s++$, so a text ending in a line
    # break followed by more whitespace splits there.
    assert regex.findall(CL100K, "a\n ") == ["a", "\n "]
    assert regex.findall(LLAMA3, "a\n ") == ["a", "\n", " "]
    assert _split.split("llama3", "a\n ") == ["a", "\n", " "]
    assert _split.split("cl100k", "a\n ") == ["a", "\n "]


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_llama3_equals_cl100k_on_text_not_ending_in_whitespace(text):
    text += "x"
    assert regex.findall(LLAMA3, text) == regex.findall(CL100K, text)


# ---- errors ----------------------------------------------------------------------------------

def test_aliases_share_a_splitter():
    text = "Hello world's 123 \u4e2d\u6587!!\n\n"
    assert _split.split("r50k", text) == _split.split("p50k", text) == _split.split("gpt2", text)


def test_lone_surrogate_is_a_clear_error():
    with pytest.raises(InputError, match="lone surrogate U\\+D800 at character 3"):
        _split.split("cl100k", "abc\ud800def")
    with pytest.raises(InputError, match="surrogate"):
        _split.count_pieces("o200k", "\udfff")


def test_unknown_pattern_name_is_an_option_error():
    with pytest.raises(OptionError, match="unknown split pattern name 'gpt5'"):
        _split.split("gpt5", "text")


def test_empty_text():
    for name in SPLITTERS:
        assert _split.split(name, "") == []
        assert _split.count_pieces(name, "") == 0
