"""The piece reader of SentencePiece .model files: its fast path for the common piece layout
reads what the general wire-format reader reads, on real models and on layouts it must leave to
the general reader; a large vocabulary still encodes as sentencepiece does."""

from __future__ import annotations

import struct

import pytest

from tokensmith.formats.sentencepiece import _piece, fields, parse_model_proto


def general_pieces(data: bytes) -> list:
    pieces = []
    for number, _wire, value in fields(data):
        if number == 1:
            pieces.append(_piece(value, len(pieces)))
    return pieces


@pytest.mark.parametrize("name", ["llama2_tokenizer.model", "mistral_v3_tokenizer.model"])
def test_fast_path_reads_as_the_general_reader(tokenizer_files, name):
    data = (tokenizer_files / name).read_bytes()
    pieces = parse_model_proto(data)["pieces"]
    assert len(pieces) > 30_000
    assert pieces == general_pieces(data)


def message(number: int, payload: bytes) -> bytes:
    return bytes([number << 3 | 2, len(payload)]) + payload if len(payload) < 128 else \
        bytes([number << 3 | 2, len(payload) & 0x7F | 0x80, len(payload) >> 7]) + payload


def piece(text: str, score: float, kind: int | None = None, order: str = "tsk") -> bytes:
    parts = {"t": message(1, text.encode()), "s": b"\x15" + struct.pack("<f", score),
             "k": b"" if kind is None else bytes([0x18, kind])}
    return message(1, b"".join(parts[c] for c in order))


def test_uncommon_layouts_fall_back_to_the_general_reader():
    data = b"".join([
        piece("<unk>", 0.0, 2),
        piece("a", -1.5),                          # type left out (normal)
        piece("\u2581" + "x" * 150, -2.0, 1),      # text of two length bytes
        piece("b", -3.0, 1, order="stk"),         # fields out of order
        piece("c", -4.0, 1),
    ])
    pieces = parse_model_proto(data)["pieces"]
    assert pieces == general_pieces(data) == [
        ("<unk>", 0.0, "unknown"), ("a", -1.5, "normal"), ("\u2581" + "x" * 150, -2.0, "normal"),
        ("b", -3.0, "normal"), ("c", -4.0, "normal")]


def test_large_unigram_model_encodes_as_sentencepiece(tmp_path):
    spm = pytest.importorskip("sentencepiece")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from bench_spm_load import TEXT, build_model

    import tokensmith

    path = tmp_path / "u.model"
    build_model(path, 60_000)  # wide trie nodes (41 letters, several UTF-8 lead bytes)
    sp = spm.SentencePieceProcessor(model_file=str(path))
    tok = tokensmith.load(path)
    lines = TEXT.split("; ") + ["шило и жало", "ñandú çøü", "abc def ghi"]
    assert [tok.encode(t) for t in lines] == [sp.encode(t) for t in lines]
