"""SentencePiece ``.model`` decoding and whitespace-as-suffix models, against ``sentencepiece``.

The unknown piece decodes to `` ⁇ `` (the model's ``unk_surface``) at the start, middle and end;
a ``▁`` spelled in byte pieces stays ``▁``; models trained with ``treat_whitespace_as_suffix``
(words end with ``▁``) load, encode and decode as SentencePiece does them.
"""

from __future__ import annotations

import io

import pytest

import tokensmith

spm = pytest.importorskip("sentencepiece")

SCRIPTS = ("eng-GB", "deu", "rus", "ell", "zho-CN", "arb", "hin", "jpn")


def _lines(ntrex_dir, lang: str, n: int = 100) -> list[str]:
    return (ntrex_dir / f"newstest2019-ref.{lang}.txt").read_text(encoding="utf-8").split("\n")[:n]


@pytest.fixture(scope="module")
def llama2(tokenizer_files):
    path = tokenizer_files / "llama2_tokenizer.model"
    return spm.SentencePieceProcessor(model_file=str(path)), tokensmith.load(path)


def _id_lists(reference) -> list[list[int]]:
    unk, bos, eos = reference.unk_id(), reference.bos_id(), reference.eos_id()
    world, space = reference.piece_to_id("▁world"), reference.piece_to_id("▁")
    newline = reference.piece_to_id("<0x0A>")
    return [[unk], [unk, unk], [unk, world], [world, unk], [world, unk, world], [world, unk, unk, world],
            [space, unk], [unk, space], [space, unk, world], [newline, unk], [unk, newline, unk],
            [space, world], [space, space, world], [world, space, space]]


def test_unknown_piece_decodes_to_its_surface(llama2):
    reference, ours = llama2
    for ids in _id_lists(reference):
        assert ours.decode(ids) == reference.decode(ids), ids


def test_marker_spelled_in_byte_pieces_stays_a_marker(llama2):
    reference, ours = llama2
    marker = [reference.piece_to_id(f"<0x{b:02X}>") for b in "▁".encode()]
    ids = marker + [reference.piece_to_id("▁world")] + marker
    assert ours.decode(ids) == reference.decode(ids) == "▁ world▁"


def _train(lines, path, model_type):
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(lines), model_writer=model, vocab_size=1000,
                                   model_type=model_type, treat_whitespace_as_suffix=True,
                                   character_coverage=1.0, minloglevel=2)
    path.write_bytes(model.getvalue())
    return spm.SentencePieceProcessor(model_file=str(path)), tokensmith.load(path)


@pytest.fixture(scope="module", params=["unigram", "bpe"])
def suffix_model(request, tmp_path_factory, ntrex_dir):
    lines = _lines(ntrex_dir, "eng-GB", 2000) + _lines(ntrex_dir, "deu", 500)
    return _train(lines, tmp_path_factory.mktemp("suffix") / "m.model", request.param)


def test_whitespace_as_suffix_encodes_as_sentencepiece(suffix_model, ntrex_dir):
    reference, ours = suffix_model
    assert ours.normalizer.normalize("  Hello  world ") == "Hello▁world▁"
    for lang in SCRIPTS:
        lines = _lines(ntrex_dir, lang) + ["", " ", "  two  spaces ", "x"]
        assert ours.encode_batch(lines) == reference.encode(lines), lang


def test_whitespace_as_suffix_decodes_as_sentencepiece(suffix_model, ntrex_dir):
    reference, ours = suffix_model
    for lang in SCRIPTS:
        for ids in reference.encode(_lines(ntrex_dir, lang, 40)):
            assert ours.decode(ids) == reference.decode(ids)
    for ids in _id_lists(reference)[:6] + [[reference.piece_to_id("the▁"), reference.piece_to_id("▁")]]:
        assert ours.decode(ids) == reference.decode(ids), ids


def test_ntrex_round_trip_with_unknowns(suffix_model, ntrex_dir):
    """Scripts the model has not seen: unknown runs encode and decode as SentencePiece's."""
    reference, ours = suffix_model
    for lang in ("amh", "kor", "tha"):
        lines = _lines(ntrex_dir, lang, 30)
        ids = reference.encode(lines)
        assert ours.encode_batch(lines) == ids
        assert [ours.decode(i) for i in ids] == reference.decode(ids)
