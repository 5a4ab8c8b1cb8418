"""Writing SentencePiece ``.model`` files: ``sentencepiece`` reads what tokensmith writes as the
same tokenizer (ids and text on NTREX in many scripts), real models round-trip, and the
precompiled charsmap written for trained tokenizers is the map it stands for."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tokensmith
from tokensmith.normalizers.charsmap import PrecompiledCharsmap
from tokensmith.normalizers.charsmap_builder import build_charsmap
from tokensmith.errors import SaveError

spm = pytest.importorskip("sentencepiece")

SCRIPTS = ("eng-GB", "deu", "rus", "ell", "zho-CN", "arb", "hin", "jpn", "kor", "tha", "amh", "vie")


def _lines(ntrex_dir, lang: str, n: int = 80) -> list[str]:
    return (ntrex_dir / f"newstest2019-ref.{lang}.txt").read_text(encoding="utf-8").split("\n")[:n]


def _same_ids_and_text(reference, ours, reloaded, ntrex_dir):
    """``ours`` encodes as ``reference``; ``reloaded`` (the written file read by tokensmith)
    decodes as it (unknowns as `` ⁇ ``, where ``ours`` writes ``<unk>``)."""
    for lang in SCRIPTS:
        lines = _lines(ntrex_dir, lang)
        ids = reference.encode(lines)
        assert ours.encode_batch(lines) == ids, lang
        assert reloaded.encode_batch(lines) == ids, lang
        assert [reloaded.decode(i) for i in ids] == reference.decode(ids), lang


@pytest.mark.parametrize("name", ["llama2_tokenizer.model", "mistral_v3_tokenizer.model"])
def test_real_models_round_trip(tmp_path, tokenizer_files, ntrex_dir, name):
    original = spm.SentencePieceProcessor(model_file=str(tokenizer_files / name))
    path = tmp_path / "out" / name
    tokensmith.load(tokenizer_files / name).save(path, format="sentencepiece")
    written = spm.SentencePieceProcessor(model_file=str(path))
    assert [written.id_to_piece(i) for i in range(written.vocab_size())] == \
        [original.id_to_piece(i) for i in range(original.vocab_size())]
    assert [written.get_score(i) for i in range(0, written.vocab_size(), 97)] == \
        [original.get_score(i) for i in range(0, original.vocab_size(), 97)]
    assert (written.unk_id(), written.bos_id(), written.eos_id(), written.pad_id()) == \
        (original.unk_id(), original.bos_id(), original.eos_id(), original.pad_id())
    for lang in SCRIPTS:
        lines = _lines(ntrex_dir, lang)
        assert written.encode(lines) == original.encode(lines), lang
    # Written again from what was read: the same bytes.
    again = tmp_path / "again.model"
    tokensmith.load(path).save(again, format="sentencepiece")
    assert again.read_bytes() == path.read_bytes()


@pytest.fixture(scope="module")
def trained_text(ntrex_dir):  # in-memory text is a list of texts (a str is a path)
    return [line for lang in ("eng-GB", "deu", "rus", "ell") for line in _lines(ntrex_dir, lang, 2000)]


@pytest.mark.parametrize("options", [{}, {"byte_fallback": True, "special_tokens": ["<s>", "</s>", "<pad>"]}])
def test_trained_unigram_reads_back_in_sentencepiece(tmp_path, trained_text, ntrex_dir, options):
    ours = tokensmith.train(trained_text, method="unigram", vocab_size=3000, **options)
    path = tmp_path / "trained.model"
    ours.save(path, format="sentencepiece")
    reference = spm.SentencePieceProcessor(model_file=str(path))
    _same_ids_and_text(reference, ours, tokensmith.load(path), ntrex_dir)
    for lang in ("eng-GB", "kor", "amh"):  # the written charsmap is the trained normalizer
        lines = _lines(ntrex_dir, lang, 40) + ["ﬁ  Ａ\tx\u3000e\u0301 ", " \n "]
        assert [reference.normalize(t) for t in lines] == [ours.normalizer.normalize(t) for t in lines]
    if options:
        assert (reference.bos_id(), reference.eos_id(), reference.pad_id()) == (1, 2, 3)
        assert reference.is_byte(4) and reference.id_to_piece(4) == "<0x00>"


def test_sentencepiece_models_with_every_piece_type_round_trip(tmp_path, ntrex_dir):
    lines = _lines(ntrex_dir, "eng-GB", 2000)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(lines), model_writer=model, vocab_size=1500,
                                   model_type="unigram", user_defined_symbols=["<sep>", "news"],
                                   control_symbols=["<cls>"], byte_fallback=True,
                                   treat_whitespace_as_suffix=True, character_coverage=1.0,
                                   minloglevel=2)
    (tmp_path / "orig.model").write_bytes(model.getvalue())
    original = spm.SentencePieceProcessor(model_file=str(tmp_path / "orig.model"))
    tokensmith.load(tmp_path / "orig.model").save(tmp_path / "out.model", format="sentencepiece")
    written = spm.SentencePieceProcessor(model_file=str(tmp_path / "out.model"))
    kinds = [(p.is_control(i), p.is_unknown(i), p.is_byte(i), p.id_to_piece(i))
             for p in (original, written) for i in range(p.vocab_size())]
    assert kinds[:original.vocab_size()] == kinds[original.vocab_size():]
    for lang in SCRIPTS:
        text = _lines(ntrex_dir, lang, 40) + ["a <sep> b news<cls>"]
        ids = original.encode(text)
        assert written.encode(text) == ids
        assert written.decode(ids) == original.decode(ids)


def test_vocabularies_without_a_model_form_are_refused(tmp_path, tokenizer_files):
    wordpiece = tokensmith.load(tokenizer_files / "bert_base_cased_vocab.txt")
    with pytest.raises(SaveError, match="Unigram or SentencePiece-BPE vocabularies, not WordPieceModel"):
        wordpiece.save(tmp_path / "x.model", format="sentencepiece")
    t5 = tokensmith.load(tokenizer_files / "t5_small_tokenizer.json")
    with pytest.raises(SaveError, match="pre-tokenizer; this tokenizer splits with MetaspaceSplitter"):
        t5.save(tmp_path / "x.model", format="sentencepiece")
    t5.splitter = None  # HF's Precompiled applies the charsmap per grapheme: not SentencePiece's rule
    with pytest.raises(SaveError, match="cannot express the normalizer Precompiled"):
        t5.save(tmp_path / "x.model", format="sentencepiece")
    assert not (tmp_path / "x.model").exists()


_KEYS = st.text(alphabet="abé\u0301中", min_size=1, max_size=4)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_KEYS, st.text(alphabet="xyz ", max_size=3), min_size=1, max_size=40),
       st.text(alphabet="abé\u0301中x", max_size=12))
def test_built_charsmap_finds_exactly_the_longest_key(mapping, text):
    charsmap = PrecompiledCharsmap(build_charsmap(mapping))
    data = text.encode()
    for start in range(len(data) + 1):
        keys = [k.encode() for k in mapping if data.startswith(k.encode(), start)]
        expected = None
        if keys:
            longest = max(keys, key=len)
            expected = (len(longest), mapping[longest.decode()].encode())
        assert charsmap.longest(data, start) == expected
