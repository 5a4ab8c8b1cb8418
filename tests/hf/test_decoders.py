"""HF decoders (tokensmith.decoders.hf) against HF ``tokenizers`` itself: the same spec built both
ways must give the same text, on hand-picked, random (hypothesis) and real-file token sequences."""

from __future__ import annotations

import json
import os
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokensmith import components
from tokensmith.components import ByteDecoder
from tokensmith.decoders.common import MetaspaceDecoder
from tokensmith.errors import ModelFileError
from tokensmith.formats.bytes_text import bytes_to_text
from tokensmith.decoders.hf import build_decoder, decoder_to_hf

if os.environ.get("CI"):
    import tokenizers
else:
    tokenizers = pytest.importorskip("tokenizers")
D = tokenizers.decoders

REAL_FILES = ["roberta_base", "clip", "phi3_mini", "t5_small", "marian_nmt", "whisper_tiny",
              "phi2", "gpt_neox_20b", "falcon"]


def both(hf_decoder):
    """HF's decoder and ours, built from the spec HF writes for it."""
    spec = json.loads(hf_decoder.__getstate__())
    return hf_decoder, build_decoder(spec, "<test>")


def ours_decode(decoder, tokens: list[str]) -> str:
    return decoder.decode([t.encode("utf-8") for t in tokens]).decode("utf-8")


def assert_same(hf_decoder, tokens: list[str]):
    hf, ours = both(hf_decoder)
    text = ours_decode(ours, tokens)
    try:
        expected = hf.decode(tokens)
    except BaseException as exc:
        # HF's Strip panics when its two ends overlap (a token of only `content`, too short);
        # ours strips such a token to nothing. Any other failure of HF is a test error.
        assert type(exc).__name__ == "PanicException" and '"Strip"' in hf_decoder.__getstate__().decode()
        return
    assert text == expected, tokens


# Token strings that exercise every decoder's rules.
PARTS = ["▁", " ", "##", "</w>", "<pad>", "|", ".", ",", "?", "!", "'", "'s", "n't", "'m", "'ve",
         "'re", "do not", "a", "é", "Ġ", "Ċ", "<0x41>", "<0xC3>", "<0xA9>", "<0xe2>", "<0x+A>",
         "<0xZZ>", "x", "叫", "\U0001f600"]
token_lists = st.lists(st.lists(st.sampled_from(PARTS), min_size=0, max_size=4).map("".join),
                       max_size=12)

ALL_DECODERS = [
    D.ByteLevel(), D.Metaspace(), D.Metaspace(prepend_scheme="first"),
    D.Metaspace(prepend_scheme="never"), D.Metaspace(replacement="|", split=False),
    D.WordPiece(), D.WordPiece(prefix="##", cleanup=False), D.WordPiece(prefix="'", cleanup=True),
    D.BPEDecoder(), D.BPEDecoder(suffix="|"), D.CTC(), D.CTC(cleanup=False),
    D.CTC(pad_token="x", word_delimiter_token="▁"), D.ByteFallback(), D.Fuse(),
    D.Strip(" ", 1, 0), D.Strip("▁", 2, 3), D.Strip("a", 0, 1),
    D.Replace("▁", " "), D.Replace("'s", ""), D.Replace(tokenizers.Regex(r"\s+|#+"), "_"),
    D.Replace(tokenizers.Regex("x*"), "-"),
    D.Sequence([D.Replace("▁", " "), D.ByteFallback(), D.Fuse(), D.Strip(" ", 1, 0)]),
    D.Sequence([D.ByteFallback(), D.Metaspace()]),
    D.Sequence([D.Fuse(), D.Sequence([D.WordPiece(), D.Strip(" ", 0, 2)])]),
]


@pytest.mark.parametrize("hf_decoder", ALL_DECODERS, ids=lambda d: d.__getstate__().decode()[:60])
@settings(max_examples=60, deadline=None)
@given(tokens=token_lists)
def test_every_decoder_matches_hf(hf_decoder, tokens):
    assert_same(hf_decoder, tokens)


@pytest.mark.parametrize("tokens", [
    [], [""], ["▁▁b"], ["x", "▁▁b"], ["▁a▁b", "▁c"], ["do", "not", "it", "'s", "."],
    ["do not", "it 's", "a ."], ["<pad>", "<pad>", "h", "e", "e", "|", "|", "l", "<pad>", "l"],
    ["a</w>b</w>", " x</w>"], ["<0xE5>", "<0x8f>", "<0xab>", "a", "<0xE5>", "<0x8f>", "a"],
    ["aé c", "Ġx", "ĠÃ©"], ["  a  ", "b  "],
])
def test_known_quirks_match_hf(tokens):
    """HF's quirks that a plausible implementation gets wrong: every ▁ of the first token
    removed, cleanup per token, CTC dedup before pad removal, one U+FFFD per invalid byte token,
    a token outside the byte alphabet kept whole."""
    for hf_decoder in ALL_DECODERS:
        assert_same(hf_decoder, tokens)


# -- byte tokens over all of Unicode ------------------------------------------------------------
any_text = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=("Cs",)),
                   max_size=12)


@st.composite
def byte_token_lists(draw):
    """Text cut into tokens, some characters spelled as their UTF-8 byte tokens, with random
    bytes thrown in (so that runs are sometimes invalid UTF-8)."""
    tokens = []
    for char in draw(any_text):
        if draw(st.booleans()):
            tokens += [f"<0x{b:02X}>" for b in char.encode("utf-8")]
        else:
            tokens.append(char)
        if draw(st.integers(0, 5)) == 0:
            tokens.append(f"<0x{draw(st.integers(0, 255)):02{draw(st.sampled_from('Xx'))}}>")
    return tokens


@settings(max_examples=300, deadline=None)
@given(tokens=byte_token_lists())
def test_byte_fallback_over_all_planes(tokens):
    assert_same(D.ByteFallback(), tokens)
    assert_same(D.Sequence([D.Replace("▁", " "), D.ByteFallback(), D.Fuse(), D.Strip(" ", 1, 0)]),
                tokens)


@settings(max_examples=300, deadline=None)
@given(chunks=st.lists(st.binary(max_size=6), max_size=8), text=any_text)
def test_byte_level_invalid_utf8_matches_hf(chunks, text):
    """Byte-level tokens of arbitrary bytes (invalid UTF-8 becomes U+FFFD as Rust's lossy
    conversion does), with a token outside the byte alphabet among them."""
    tokens = [bytes_to_text(c) for c in chunks] + [text]
    random.Random(len(chunks)).shuffle(tokens)
    assert_same(D.ByteLevel(), tokens)


# -- the real files' decoders -------------------------------------------------------------------
@pytest.fixture(scope="module")
def ntrex_lines(ntrex_files):
    lines = []
    for path in ntrex_files:
        lines += path.read_text(encoding="utf-8").splitlines()[:3]
    return lines


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_decoders_match_hf(name, tokenizer_files, ntrex_lines):
    path = tokenizer_files / f"{name}_tokenizer.json"
    hf = tokenizers.Tokenizer.from_file(str(path))
    ours = build_decoder(json.loads(path.read_text(encoding="utf-8"))["decoder"], path)
    rng = random.Random(name)
    size = hf.get_vocab_size(with_added_tokens=True)
    sequences = [hf.encode(line, add_special_tokens=False).ids for line in ntrex_lines]
    sequences += [[rng.randrange(size) for _ in range(rng.randrange(1, 40))] for _ in range(300)]
    for ids in sequences:
        tokens = [hf.id_to_token(i) for i in ids]
        assert ours_decode(ours, tokens) == hf.decode(ids, skip_special_tokens=False), ids


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_decoders_round_trip(name, tokenizer_files):
    """Saved natively and written back as tokenizer.json, a decoder keeps its meaning."""
    spec = json.loads((tokenizer_files / f"{name}_tokenizer.json").read_text(encoding="utf-8"))["decoder"]
    decoder = build_decoder(spec, name)
    again = components.from_dict("decoder", json.loads(json.dumps(decoder.to_dict())))
    assert again.to_dict() == decoder.to_dict()
    written = decoder_to_hf(decoder)
    assert build_decoder(written, name).to_dict() == decoder.to_dict()
    hf_written = _hf_decoder(written)
    tokens = ["▁Hel", "lo", "Ġwor", "ld</w>", "<0xE2>", "<0x82>", "<0xAC>", "##s", "."]
    assert hf_written.decode(tokens) == ours_decode(decoder, tokens)


def _hf_decoder(spec: dict | None):
    """HF's decoder for a spec, through a tokenizer.json (HF has no other way to read one)."""
    document = {"version": "1.0", "added_tokens": [], "normalizer": None, "pre_tokenizer": None,
                "post_processor": None, "decoder": spec,
                "model": {"type": "WordLevel", "vocab": {"[UNK]": 0}, "unk_token": "[UNK]"}}
    return tokenizers.Tokenizer.from_str(json.dumps(document)).decoder


def test_no_decoder_joins_with_spaces():
    """HF without a decoder joins the tokens with spaces; decoder_to_hf writes no decoder."""
    document = {"version": "1.0", "added_tokens": [], "normalizer": None, "pre_tokenizer": None,
                "post_processor": None, "decoder": None,
                "model": {"type": "WordLevel", "vocab": {"a": 0, "b▁": 1}, "unk_token": "a"}}
    hf = tokenizers.Tokenizer.from_str(json.dumps(document))
    ours = build_decoder(None, "<test>")
    assert ours_decode(ours, ["a", "b▁", "a"]) == hf.decode([0, 1, 0])
    assert decoder_to_hf(ours) is None


@pytest.mark.parametrize("decoder, tokens", [
    (MetaspaceDecoder(), [b"\xe2\x96\x81He", b"llo", b"\xe2\x96\x81w", b"\xc3", b"\xa9", b"A"]),
    (MetaspaceDecoder(strip_leading=False), [b"\xe2\x96\x81He", b"llo", b"\xe2\x96\x81"]),
    (ByteDecoder(), [b" he", b"llo", b"\n", b"\xe2\x82\xac"]),
])
def test_tokensmith_decoders_written_for_hf(decoder, tokens):
    """tokensmith's own decoders written as HF decoders give the same text in HF (their tokens
    as HF's vocabulary spells them: byte pieces as <0xNN>, byte-level tokens in GPT-2's alphabet)."""
    spec = decoder_to_hf(decoder)
    if isinstance(decoder, ByteDecoder):
        hf_tokens = [bytes_to_text(t) for t in tokens]
    else:
        hf_tokens = [t.decode("utf-8") if len(t) > 1 or t < b"\x80" else f"<0x{t[0]:02X}>" for t in tokens]
    assert _hf_decoder(spec).decode(hf_tokens) == decoder.decode(tokens).decode("utf-8")


# -- malformed specs ----------------------------------------------------------------------------
@pytest.mark.parametrize("spec", [
    {"type": "Metaspace", "replacement": "▁", "add_prefix_space": False, "prepend_scheme": "always"},
    {"type": "Metaspace", "replacement": "▁", "add_prefix_space": False},
    {"type": "Metaspace"},
    {"type": "Metaspace", "replacement": "ab"},
    {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "bogus"},
    {"type": "ByteLevel", "add_prefix_space": True},
    {"type": "WordPiece", "prefix": "##"},
    {"type": "BPEDecoder"},
    {"type": "CTC", "pad_token": "<pad>", "word_delimiter_token": "|"},
    {"type": "Strip", "content": " ", "start": 1},
    {"type": "Strip", "content": " ", "start": -1, "stop": 0},
    {"type": "Strip", "content": "ab", "start": 1, "stop": 0},
    {"type": "Replace", "pattern": {"String": "a"}},
    {"type": "Replace", "pattern": {"String": "a", "Regex": "b"}, "content": "x"},
    {"type": "Replace", "pattern": {"Regex": "("}, "content": "x"},
    {"type": "Sequence"},
    {"type": "Sequence", "decoders": [{"type": "Fuse"}, None]},
    {"decoders": [{"type": "Fuse"}]},
    {"type": "Nope"},
])
def test_malformed_specs_are_refused_like_hf(spec):
    with pytest.raises(ModelFileError, match="tokenizer.json"):
        build_decoder(spec, "tokenizer.json")
    with pytest.raises(BaseException):  # HF refuses the same spec
        _hf_decoder(spec)


def test_non_object_decoder_is_refused():
    with pytest.raises(ModelFileError, match="not an object"):
        build_decoder(["ByteLevel"], "tokenizer.json")
