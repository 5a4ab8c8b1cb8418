"""HF pre-tokenizers built from tokenizer.json specs: compared with HF ``tokenizers`` itself."""

from __future__ import annotations

import json
import random

import pytest
from hf_reference import code_points, hf_component, hf_pieces, tokenizers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokensmith.components import from_dict
from tokensmith.errors import ModelFileError
from tokensmith.pre_tokenizers.hf import build_pre_tokenizer, pre_tokenizer_to_hf

BEHAVIORS = ["Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"]
META = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": True}
SPECS = (
    [{"type": "ByteLevel", "add_prefix_space": a, "trim_offsets": True, "use_regex": r}
     for a in (True, False) for r in (True, False)]
    + [{"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": True}]
    + [{"type": "Whitespace"}, {"type": "WhitespaceSplit"}, {"type": "BertPreTokenizer"},
       {"type": "UnicodeScripts"}, {"type": "FixedLength", "length": 3},
       {"type": "FixedLength", "length": 5}, {"type": "CharDelimiterSplit", "delimiter": " "},
       {"type": "CharDelimiterSplit", "delimiter": "\u3002"}]
    + [{"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": s, "split": sp}
       for s in ("always", "first", "never") for sp in (True, False)]
    + [{"type": "Metaspace", "replacement": "_", "prepend_scheme": "always", "split": True}]
    + [{"type": "Punctuation", "behavior": b} for b in BEHAVIORS]
    + [{"type": "Digits", "individual_digits": d} for d in (True, False)]
    + [{"type": "Split", "pattern": {"Regex": r"\s+|\p{P}"}, "behavior": b, "invert": i}
       for b in BEHAVIORS for i in (False, True)]
    + [{"type": "Split", "pattern": {"String": " "}, "behavior": b, "invert": i}
       for b in BEHAVIORS for i in (False, True)]
    + [{"type": "Split", "pattern": {"String": s}, "behavior": b, "invert": True}
       for s in ("an", "") for b in ("Removed", "MergedWithNext", "Contiguous")]
    + [{"type": "Split", "pattern": {"Regex": r"a*|$"}, "behavior": b, "invert": False}
       for b in BEHAVIORS]
    + [{"type": "Sequence", "pretokenizers": steps} for steps in (
        [{"type": "WhitespaceSplit"}, META],
        [{"type": "Punctuation", "behavior": "Removed"}, META],
        [{"type": "Split", "pattern": {"Regex": r"\d"}, "behavior": "Removed", "invert": False}, META],
        [META, {"type": "Digits", "individual_digits": True}],
        [{"type": "Digits", "individual_digits": False}, META],
        [{"type": "Split", "pattern": {"Regex": r"\d"}, "behavior": "Isolated", "invert": False},
         {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True}],
        [{"type": "Sequence", "pretokenizers": [{"type": "Whitespace"}]}, {"type": "UnicodeScripts"}],
        [])]
)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: json.dumps(s, ensure_ascii=True)[:80])
def test_pre_tokenizer_equals_hf_on_ntrex(spec, ntrex_sample):
    theirs, ours = hf_component("pre_tokenizer", spec), build_pre_tokenizer(spec, "t.json")
    # a pattern matching the empty string everywhere is matched position by position: sample less
    empty_matches = "a*" in json.dumps(spec) or {"String": ""} == spec.get("pattern")
    lines = ntrex_sample[::10] + ntrex_sample[-20:] if empty_matches else ntrex_sample
    bad = [line for line in lines if ours.split(line) != hf_pieces(theirs, line)]
    assert bad == []
    assert pre_tokenizer_to_hf(ours) == spec
    assert from_dict("splitter", ours.to_dict()).to_dict() == ours.to_dict()


def test_pre_tokenizers_of_every_tokenizer_file(tokenizer_files, ntrex_sample):
    files = sorted(tokenizer_files.glob("*tokenizer.json"))
    assert len(files) >= 9
    for path in files:
        spec = json.loads(path.read_text(encoding="utf-8")).get("pre_tokenizer")
        ours = build_pre_tokenizer(spec, path)
        theirs = tokenizers.Tokenizer.from_file(str(path)).pre_tokenizer
        if spec is None:
            assert ours is None and theirs is None
            continue
        assert [line for line in ntrex_sample if ours.split(line) != hf_pieces(theirs, line)] == [], \
            path.name
        # the legacy Metaspace of t5 (add_prefix_space, str_rep) is written in today's form
        written = pre_tokenizer_to_hf(ours)
        assert hf_pieces(hf_component("pre_tokenizer", written), "a  b") == ours.split("a  b")


def test_unicode_scripts_and_byte_level_on_every_code_point():
    # Shuffled code points between letters of a few scripts, spaces and digits: every character
    # meets every kind of neighbour; HF's and our pieces must be the same.
    rng = random.Random(5)
    everything = code_points()
    # planes 0-3 (where the Unicode versions differ) whole, a sample of the rest
    chars = list(everything[:0x40000 - 0x800]) + list(everything[0x40000 - 0x800::61])
    rng.shuffle(chars)
    glue = ["", " ", "a", "\u03b1", "1", "\u6f22", "\u30ab", "  ", "\n", "'s"]
    text = "".join(c + rng.choice(glue) for c in chars)
    for spec in ({"type": "UnicodeScripts"},
                 {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                  "use_regex": True}):
        theirs, ours = hf_component("pre_tokenizer", spec), build_pre_tokenizer(spec, "t.json")
        for i in range(0, len(text), 200_000):
            chunk = text[i:i + 200_000]
            assert ours.split(chunk) == hf_pieces(theirs, chunk), spec


_ANY_TEXT = st.lists(st.one_of(st.characters(codec="utf-8"),
                               st.sampled_from(list(" \t\n\u3000\u2581_'0123٣.,!?-aZΣ漢カ")),
                               st.sampled_from(["  ", "\r\n", "'s", "123456", "...", "▁▁"])),
                     max_size=30).map("".join)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SPECS), _ANY_TEXT)
def test_any_text_as_hf(spec, text):
    assert build_pre_tokenizer(spec, "t.json").split(text) == \
        hf_pieces(hf_component("pre_tokenizer", spec), text)


def test_first_prepend_scheme_after_added_tokens():
    """HF splits around added tokens first; only the segment at offset 0 gets the first ``▁``.
    ``split_at(segment, at_start)`` reproduces it (shown with a character-level BPE whose tokens
    show the pieces)."""
    for spec in (META, {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, META]}):
        ours = build_pre_tokenizer(spec, "t.json")
        for text in ["<x>hello world<x> again", "hi <x> there<x>", "<x><x>a", " <x>b", "a b"]:
            chars = sorted(set(text.replace("<x>", "") + "\u2581"))
            model = tokenizers.models.BPE({c: i for i, c in enumerate(chars)}, [])
            tok = tokenizers.Tokenizer(model)
            tok.pre_tokenizer = hf_component("pre_tokenizer", spec)
            tok.add_special_tokens(["<x>"])
            theirs = [t for t in tok.encode(text).tokens if t != "<x>"]
            segments = text.split("<x>")
            pieces = [p for k, seg in enumerate(segments)
                      for p in ours.split_at(seg, k == 0)]
            assert list("".join(pieces)) == theirs, (spec, text)


def test_unknown_and_malformed_specs_name_the_file_and_problem():
    with pytest.raises(ModelFileError, match=r"t\.json.*HF pre-tokenizer 'Fancy' is not supported"):
        build_pre_tokenizer({"type": "Fancy"}, "t.json")
    with pytest.raises(ModelFileError, match=r"t\.json.*behavior"):
        build_pre_tokenizer({"type": "Punctuation", "behavior": "Sideways"}, "t.json")
    with pytest.raises(ModelFileError, match=r"t\.json.*regex"):
        build_pre_tokenizer({"type": "Split", "pattern": {"Regex": "[a"}, "behavior": "Isolated",
                             "invert": False}, "t.json")
    with pytest.raises(ModelFileError, match=r"t\.json.*one character"):
        build_pre_tokenizer({"type": "Metaspace", "replacement": "ab"}, "t.json")
    with pytest.raises(ModelFileError, match=r"t\.json.*delimiter"):
        build_pre_tokenizer({"type": "CharDelimiterSplit"}, "t.json")
    assert build_pre_tokenizer(None, "t.json") is None
