"""WordPiece and BERT's pipeline: exact ids of HF's BertWordPieceTokenizer on real text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokensmith.normalizers.bert import BertNormalizer
from tokensmith.pre_tokenizers.bert import BertPreTokenizer
from tokensmith.errors import ModelFileError, OptionError
from tokensmith.formats import hf_wordpiece
from tokensmith.formats.wordpiece_vocab import load_vocab_txt, save_vocab_txt
from tokensmith.models.wordpiece.model import WordPieceDecoder, WordPieceModel, wordpiece_tokenizer

tokenizers = pytest.importorskip("tokenizers")


@pytest.fixture(scope="module")
def bert_vocab(tokenizer_files):
    return tokenizer_files / "bert_base_cased_vocab.txt"


@pytest.fixture(scope="module")
def pair(bert_vocab):
    ours = load_vocab_txt(bert_vocab, lowercase=False)
    ref = tokenizers.BertWordPieceTokenizer(str(bert_vocab), lowercase=False)
    return ours, ref


def _ref_ids(ref, text):
    return ref.encode(text, add_special_tokens=False).ids


def test_english_sample_matches_hf(pair, english_sample):
    ours, ref = pair
    text = english_sample[:200_000]
    assert ours.encode_ordinary(text) == _ref_ids(ref, text)


def test_every_ntrex_file_matches_hf(pair, ntrex_files):
    ours, ref = pair
    for path in ntrex_files:
        # The first 60 lines of each of the 129 files keep the run short on a small machine.
        text = "\n".join(path.read_text(encoding="utf-8").split("\n")[:60])
        assert ours.encode_ordinary(text) == _ref_ids(ref, text), path.name


def _per_code_point(fn) -> list[str]:
    """``fn`` applied to ``q<c>q`` for every assigned code point c (and every 97th unassigned
    one), in one call: ``|`` separates them.

    "Assigned" is by Python's Unicode database, and unassigned means unassigned in ``regex``'s
    too: code points assigned in a newer Unicode version than one of the three libraries knows
    are classified differently by each, and are left out."""
    import unicodedata

    import regex

    unassigned = regex.compile(r"\p{Cn}")
    cps = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000 and c != ord("|")
           and (unicodedata.category(chr(c)) != "Cn"
                or (c % 97 == 0 and unassigned.match(chr(c))))]
    out = fn("|".join("q" + chr(c) + "q" for c in cps)).split("|")
    assert len(out) == len(cps)
    return dict(zip(cps, out))


@pytest.mark.parametrize("lowercase", [False, True])
def test_normalizer_agrees_with_hf_on_every_code_point(lowercase):
    ref = tokenizers.normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                strip_accents=None, lowercase=lowercase)
    ours = _per_code_point(BertNormalizer(lowercase=lowercase).normalize)
    theirs = _per_code_point(ref.normalize_str)
    assert [hex(c) for c in ours if ours[c] != theirs[c]] == []


def test_pre_tokenizer_agrees_with_hf_on_every_code_point():
    ref = tokenizers.pre_tokenizers.BertPreTokenizer()
    ours = _per_code_point(lambda t: " ".join(BertPreTokenizer().split(t)))
    theirs = _per_code_point(lambda t: " ".join(p for p, _ in ref.pre_tokenize_str(t)))
    assert [hex(c) for c in ours if ours[c] != theirs[c]] == []


def test_lowercase_guess_follows_the_vocabulary(bert_vocab):
    assert load_vocab_txt(bert_vocab).normalizer.lowercase is False
    assert wordpiece_tokenizer(["[UNK]", "hello", "##s"]).normalizer.lowercase is True


def test_uncoverable_and_overlong_words_are_one_unk():
    tok = wordpiece_tokenizer(["[UNK]", "ab", "##c", "a"], lowercase=False, max_input_chars_per_word=5)
    assert tok.encode_ordinary("abc") == [1, 2]
    assert tok.encode_ordinary("abd abcab") == [0, 0]          # d is not covered: whole word unk
    assert tok.encode_ordinary("a" * 6) == [0]                  # longer than the limit
    assert tok.encode_ordinary("") == []
    assert tok.encode_ordinary("   \n ") == []


def test_decoder_joins_continuations():
    assert WordPieceDecoder().decode([b"un", b"##aff", b"##able", b"a"]) == b"unaffable a"
    assert WordPieceDecoder(cleanup=True).decode([b"Hi", b",", b"you", b"!"]) == b"Hi, you!"


@pytest.mark.parametrize("content,problem", [
    (b"", "empty"),
    (b"[UNK]\n\nhello\n", "line 2 is empty"),
    (b"[UNK]\nhello\nhello\n", "already on line 2"),
    (b"[UNK]\n\xff\xfe\n", "not UTF-8"),
    (b"hello\nworld\n", "unknown token"),
])
def test_malformed_vocab_txt(tmp_path, content, problem):
    path = tmp_path / "vocab.txt"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=problem) as info:
        load_vocab_txt(path)
    assert str(path) in str(info.value)


def test_vocab_txt_round_trip_and_format_registry(tmp_path, bert_vocab):
    from tokensmith.formats import load, save

    tok = load(bert_vocab, lowercase=False)
    out = tmp_path / "out" / "vocab.txt"
    save(tok, out, format="vocab.txt")
    assert out.read_bytes() == bert_vocab.read_bytes().rstrip(b"\n") + b"\n"
    with pytest.raises(OptionError):
        save_vocab_txt(wordpiece_tokenizer(["[UNK]", "a b "]), tmp_path / "bad.txt")
    assert not (tmp_path / "bad.txt").exists()


def test_hf_json_export_gives_hf_the_same_ids(pair, english_sample):
    ours, _ = pair
    document = hf_wordpiece.write(ours)
    ref = tokenizers.Tokenizer.from_str(json.dumps(document))
    text = english_sample[:50_000] + " 東京 naïve ¿Qué?"
    assert ref.encode(text, add_special_tokens=False).ids == ours.encode_ordinary(text)
    assert ref.encode("a b").ids[0] == ours.special_tokens["[CLS]"]


def test_hf_json_read_of_a_file_hf_wrote(bert_vocab, english_sample):
    ref = tokenizers.BertWordPieceTokenizer(str(bert_vocab), lowercase=True, strip_accents=True)
    document = json.loads(ref.to_str())
    ours = hf_wordpiece.read(document, "tokenizer.json")
    text = english_sample[:50_000] + " Crème BRÛLÉE"
    assert ours.encode_ordinary(text) == _ref_ids(ref, text)


def test_hf_json_read_rejects_bad_documents():
    with pytest.raises(ModelFileError, match="vocab"):
        hf_wordpiece.read({"model": {"type": "WordPiece"}}, "x.json")
    with pytest.raises(ModelFileError, match="normalizer"):
        hf_wordpiece.read({"model": {"type": "WordPiece", "vocab": {"[UNK]": 0}},
                           "normalizer": {"type": "Precompiled"}}, "x.json")


def test_native_round_trip(tmp_path, pair):
    import tokensmith.segmenters  # noqa: F401  (registers the stages the file names)
    from tokensmith.formats import load, save

    ours, _ = pair
    save(ours, tmp_path / "t.json")
    again = load(tmp_path / "t.json")
    text = "Hello, wonderful world of tokenization!"
    assert again.encode_ordinary(text) == ours.encode_ordinary(text)
    assert isinstance(again.model, WordPieceModel)


_FAST_PATH_TEXT = st.lists(st.one_of(
    st.characters(max_codepoint=0x7F), st.sampled_from(["\n", " ", "\t", "\r\n", "\x0b", "\x1c", "\x7f",
                                                        "ΟΔΟΣ", "Σ", "é", "e\u0301", "中文", "İ", "ß", "\u00a0", "\u3000"]),
    st.characters(codec="utf-8")), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_FAST_PATH_TEXT, lowercase=st.booleans(), clean=st.booleans())
def test_ascii_fast_paths_equal_the_general_path(text, lowercase, clean):
    from tokensmith.pre_tokenizers.bert import _PIECE

    norm = BertNormalizer(clean_text=clean, lowercase=lowercase)
    assert norm.normalize(text) == norm._normalize_any(text)
    assert BertPreTokenizer().split(text) == _PIECE.findall(text)
    long = (text + " ") * 300  # several chunks, cut at spaces
    assert BertPreTokenizer().split(long) == _PIECE.findall(long)


def test_vocab_txt_adds_cls_and_sep_as_hf(tokenizer_files):
    """A vocab.txt loads with BERT's template: [CLS] A [SEP] (B [SEP]) as BertWordPieceTokenizer."""
    tokenizers = pytest.importorskip("tokenizers")
    import tokensmith

    path = tokenizer_files / "bert_base_cased_vocab.txt"
    ours = tokensmith.load(path)
    ref = tokenizers.BertWordPieceTokenizer(str(path), lowercase=False)
    for text, pair in [("Hello, world!", None), ("a question?", "the context, here.")]:
        expected = ref.encode(text, pair)
        got = ours.encode_plus(text, pair=pair)
        assert got.ids == expected.ids and got.type_ids == expected.type_ids
        assert ours.encode(text, pair=pair, add_special_tokens=True) == expected.ids
        assert ours.encode(text) == ref.encode(text, add_special_tokens=False).ids
