"""BERT's pipeline character for character as HF does it, on real text in many scripts.

Lowercasing per character (capital sigma is always ``σ``), the Unicode classes of HF's tables on
every code point, and WordPiece decoding with HF's token-by-token cleanup; checked against HF
``tokenizers`` and ``transformers`` on NTREX.
"""

from __future__ import annotations

import pytest

from tokensmith.normalizers.bert import BertNormalizer
from tokensmith.formats.wordpiece_vocab import load_vocab_txt
from tokensmith.models.wordpiece.model import WordPieceDecoder

tokenizers = pytest.importorskip("tokenizers")

SCRIPTS = ("ell", "rus", "arb", "heb", "hin", "tha", "kor", "jpn", "zho-CN", "tur", "deu", "fra",
           "vie", "amh", "kat", "hye", "tam", "eng-GB")


def _lines(ntrex_dir, lang: str, n: int | None = 150) -> list[str]:
    path = ntrex_dir / f"newstest2019-ref.{lang}.txt"
    return [line for line in path.read_text(encoding="utf-8").split("\n")[:n] if line]


@pytest.fixture(scope="module")
def bert_vocab(tokenizer_files):
    return tokenizer_files / "bert_base_cased_vocab.txt"


@pytest.fixture(scope="module")
def greek_vocab(tmp_path_factory, ntrex_dir):
    """A cased WordPiece vocabulary trained by HF on Greek news: it holds both ``σ`` and ``ς``."""
    ref = tokenizers.BertWordPieceTokenizer(lowercase=False)
    ref.train_from_iterator(_lines(ntrex_dir, "ell", 2000), vocab_size=3000)
    folder = tmp_path_factory.mktemp("greek")
    path = ref.save_model(str(folder))[0]
    tokens = open(path, encoding="utf-8").read().split("\n")
    assert "σ" in tokens and "##ς" in tokens
    return path


def test_capital_sigma_lowercases_to_small_sigma_everywhere():
    ref = tokenizers.normalizers.BertNormalizer(lowercase=True)
    for text in ["ΟΔΟΣ ΣΟΦΟΣ.", "ΣΑΣ\nΣ", "Σ", "ΑΣ ς"]:
        assert BertNormalizer(lowercase=True).normalize(text) == ref.normalize_str(text)
    assert BertNormalizer(lowercase=True).normalize("ΟΔΟΣ") == "οδοσ"


@pytest.mark.parametrize("lowercase", [True, False])
def test_normalizer_matches_hf_on_ntrex(ntrex_dir, lowercase):
    ref = tokenizers.normalizers.BertNormalizer(lowercase=lowercase)
    ours = BertNormalizer(lowercase=lowercase)
    for lang in SCRIPTS:
        lines = _lines(ntrex_dir, lang, None)  # all: capitals ending Greek words are rare
        assert [ours.normalize(t) for t in lines] == [ref.normalize_str(t) for t in lines], lang
        # Whole documents take the line-by-line path.
        assert ours.normalize("\n".join(lines)) == ref.normalize_str("\n".join(lines)), lang


def test_late_unicode_characters_are_kept_or_stripped_as_hf_does():
    """Marks, case pairs and a decomposition newer than HF's tables (or than Python's): a kept
    character makes its word ``[UNK]`` in HF, so dropping it would change the ids."""
    ref = tokenizers.normalizers.BertNormalizer(lowercase=True)
    for cp in (0x05C8, 0x0B53, 0x1ADE, 0x10ECB, 0x11DF0, 0x1D127, 0x1734, 0x1171E, 0x11938,
               0x1C89, 0xA7CB, 0xA7DC, 0x10D50, 0x10D65, 0x16EA0, 0x16EB8):
        text = f"a{chr(cp)}b"
        assert BertNormalizer(lowercase=True).normalize(text) == ref.normalize_str(text), hex(cp)


@pytest.mark.parametrize("lowercase", [True, False])
def test_ids_match_hf_and_transformers_on_ntrex_with_a_greek_vocabulary(ntrex_dir, greek_vocab, lowercase):
    from transformers import BertTokenizerFast

    ours = load_vocab_txt(greek_vocab, lowercase=lowercase)
    ref = tokenizers.BertWordPieceTokenizer(greek_vocab, lowercase=lowercase)
    fast = BertTokenizerFast(greek_vocab, do_lower_case=lowercase)
    for lang in ("ell", "rus", "eng-GB", "tur"):
        lines = _lines(ntrex_dir, lang, None if lang == "ell" else 150)
        expected = [e.ids for e in ref.encode_batch(lines, add_special_tokens=False)]
        assert ours.encode_batch(lines) == expected, lang
        assert fast(lines, add_special_tokens=False)["input_ids"] == expected, lang


@pytest.mark.parametrize("lowercase", [True, False])
def test_ids_and_decode_match_hf_on_ntrex_in_many_scripts(ntrex_dir, bert_vocab, lowercase):
    from transformers import BertTokenizerFast

    ours = load_vocab_txt(bert_vocab, lowercase=lowercase)
    ref = tokenizers.BertWordPieceTokenizer(str(bert_vocab), lowercase=lowercase)
    fast = BertTokenizerFast(str(bert_vocab), do_lower_case=lowercase)
    for lang in SCRIPTS:
        lines = _lines(ntrex_dir, lang, 60)
        expected = [e.ids for e in ref.encode_batch(lines, add_special_tokens=False)]
        assert [ours.encode(t) for t in lines] == expected, lang
        decoded = [ours.decode(ids) for ids in expected]
        assert decoded == ref.decode_batch(expected, skip_special_tokens=False), lang
        assert decoded == fast.batch_decode(expected), lang


def test_decoder_cleans_up_token_by_token_as_hf():
    ref = tokenizers.decoders.WordPiece(prefix="##", cleanup=True)
    ours = WordPieceDecoder("##", cleanup=True)
    for tokens in (["Sainsbury", "'", "s", "."], ["don", "'", "t", "!"], ["a", ",", "b", "?"],
                   ["x", "'s", "n't", "'m", "'ve", "'re"], ["a ' b", " ."], ["##a", "b", "##.", "."],
                   ["I", " do not"], ["ü", "##ber", "."]):
        assert ours.decode([t.encode() for t in tokens]).decode() == ref.decode(tokens), tokens
