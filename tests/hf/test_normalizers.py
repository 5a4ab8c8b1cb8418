"""HF normalizers built from tokenizer.json specs: compared with HF ``tokenizers`` itself."""

from __future__ import annotations

import json

import pytest
from hf_reference import code_points, hf_component, tokenizers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokensmith.components import from_dict
from tokensmith.errors import ModelFileError
from tokensmith.normalizers.hf import build_normalizer, normalizer_to_hf

SPECS = [
    {"type": "Strip", "strip_left": True, "strip_right": True},
    {"type": "Strip", "strip_left": False, "strip_right": True},
    {"type": "Strip", "strip_left": True, "strip_right": False},
    {"type": "Strip", "strip_left": False, "strip_right": False},
    {"type": "StripAccents"}, {"type": "NFC"}, {"type": "NFD"}, {"type": "NFKC"}, {"type": "NFKD"},
    {"type": "Lowercase"}, {"type": "Nmt"}, {"type": "Prepend", "prepend": "\u2581"},
    {"type": "Prepend", "prepend": "<s> "}, {"type": "ByteLevel"},
    {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"},
    {"type": "Replace", "pattern": {"String": ""}, "content": "#"},
    {"type": "Replace", "pattern": {"String": "''"}, "content": '"'},
    {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
    {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": "\u2581"},
    {"type": "Replace", "pattern": {"Regex": "$"}, "content": "#"},
    {"type": "Replace", "pattern": {"Regex": r"^\s*|\p{Lu}"}, "content": "$1"},
    {"type": "Replace", "pattern": {"Regex": r"[\p{L}&&[^\p{Lu}]]+"}, "content": ""},
    {"type": "Sequence", "normalizers": [{"type": "NFKD"}, {"type": "StripAccents"},
                                         {"type": "Lowercase"}]},
    {"type": "Sequence", "normalizers": []},
] + [{"type": "BertNormalizer", "clean_text": c, "handle_chinese_chars": h, "strip_accents": s,
      "lowercase": lo}
     for c in (True, False) for h in (True, False) for s in (None, True, False) for lo in (True, False)]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: json.dumps(s, ensure_ascii=True)[:70])
def test_normalizer_equals_hf_on_ntrex(spec, ntrex_sample):
    theirs, ours = hf_component("normalizer", spec), build_normalizer(spec, "t.json")
    assert [line for line in ntrex_sample if ours.normalize(line) != theirs.normalize_str(line)] == []
    assert normalizer_to_hf(ours) == spec
    # and the native format keeps it
    assert from_dict("normalizer", ours.to_dict()).to_dict() == ours.to_dict()


def _differences(ours, theirs, separator="\n") -> list[str]:
    """Code points of planes 0-3 (where every Unicode version change lies) normalized otherwise,
    each character between separators so that none composes with the next."""
    chars = [c for c in code_points(0x40000) if c != separator]
    text = separator.join(chars)
    if ours(text) == theirs(text):
        return []
    return [f"{ord(c):04X}" for c in chars if ours(c) != theirs(c)]


@pytest.mark.parametrize("spec", [{"type": "Lowercase"}, {"type": "StripAccents"}, {"type": "NFD"},
                                  {"type": "NFKD"}, {"type": "NFC"}, {"type": "NFKC"},
                                  {"type": "ByteLevel"}, {"type": "Nmt"}])
def test_every_code_point_as_hf(spec):
    theirs = hf_component("normalizer", spec).normalize_str
    ours = build_normalizer(spec, "t.json").normalize
    assert _differences(ours, theirs, "|" if spec["type"] == "Nmt" else "\n") == []


def test_greek_capital_sigma_lowercases_to_sigma_never_final(ntrex_dir):
    lines = (ntrex_dir / "newstest2019-ref.ell.txt").read_text(encoding="utf-8").upper().splitlines()
    ours = build_normalizer({"type": "Lowercase"}, "t.json")
    theirs = hf_component("normalizer", {"type": "Lowercase"})
    assert all(ours.normalize(line) == theirs.normalize_str(line) for line in lines[:300])
    assert ours.normalize("ΟΔΟΣ") == "οδοσ" != "ΟΔΟΣ".lower()


def test_normalizers_of_every_tokenizer_file(tokenizer_files, ntrex_sample):
    files = sorted(tokenizer_files.glob("*tokenizer.json"))
    assert len(files) >= 9
    for path in files:
        spec = json.loads(path.read_text(encoding="utf-8")).get("normalizer")
        ours = build_normalizer(spec, path)
        theirs = tokenizers.Tokenizer.from_file(str(path)).normalizer
        if spec is None:
            assert ours is None and theirs is None
            continue
        bad = [line for line in ntrex_sample if ours.normalize(line) != theirs.normalize_str(line)]
        assert bad == [], path.name
        assert normalizer_to_hf(ours) == spec, path.name


_ANY_TEXT = st.lists(st.one_of(st.characters(codec="utf-8"),
                               st.sampled_from(list(" \t\n\u3000\u00a0ΣAÉé\u0301ǅİ0٣.!ﬁÅ")),
                               st.sampled_from(["  ", "\r\n", "ΟΔΟΣ "])), max_size=30).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SPECS), _ANY_TEXT)
def test_any_text_as_hf(spec, text):
    assert build_normalizer(spec, "t.json").normalize(text) == \
        hf_component("normalizer", spec).normalize_str(text)


def test_unknown_and_malformed_specs_name_the_file_and_problem():
    with pytest.raises(ModelFileError, match=r"t\.json.*HF normalizer 'Fancy' is not supported"):
        build_normalizer({"type": "Fancy"}, "t.json")
    with pytest.raises(ModelFileError, match="t.json.*prepend"):
        build_normalizer({"type": "Prepend"}, "t.json")
    with pytest.raises(ModelFileError, match="t.json.*Replace pattern"):
        build_normalizer({"type": "Replace", "pattern": "x", "content": ""}, "t.json")
    with pytest.raises(ModelFileError, match=r"t\.json.*regex"):
        build_normalizer({"type": "Replace", "pattern": {"Regex": "(a"}, "content": ""}, "t.json")
    assert build_normalizer(None, "t.json") is None


def test_unigram_writer_uses_the_one_normalizer_writer(tokenizer_files):
    from tokensmith.formats import hf_unigram

    path = tokenizer_files / "t5_small_tokenizer.json"
    assert path.exists(), path
    tok = hf_unigram.read(json.loads(path.read_text(encoding="utf-8")), path)
    assert hf_unigram.write(tok)["normalizer"] == normalizer_to_hf(tok.normalizer)
    assert normalizer_to_hf(tok.normalizer) == json.loads(path.read_text(encoding="utf-8"))["normalizer"]
