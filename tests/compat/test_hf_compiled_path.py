"""HF byte-level BPE files read by the general tokenizer.json path (``formats.hf_pipeline``)
encode whole texts in the compiled core when their stages allow it, with HF's ids."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import hf_cases
import tokensmith
from tokensmith.formats.bytes_text import bytes_to_text

tokenizers = pytest.importorskip("tokenizers") if not os.environ.get("CI") else __import__("tokenizers")

UNICODE_17_LETTER = "\ua7ce"  # a letter for the compiled splitter, unassigned for HF's Oniguruma


@pytest.fixture(scope="module")
def texts(ntrex_dir):
    return hf_cases.ntrex_sample(ntrex_dir, per_language=3) + [
        "", " ", "a  b\n\n", "Ünïcode ﬁ e\u0301 ", f"x{UNICODE_17_LETTER}y z", "12345 6789"]


def _stages_refused(monkeypatch, tok):
    """Make the model's piece-by-piece path fail: only the compiled whole-text path works."""
    def refuse(pieces):
        raise AssertionError("the stage-by-stage path ran")
    monkeypatch.setattr(tok.model, "encode_pieces", refuse)


def test_gpt_neox_encodes_in_the_compiled_core(tokenizer_files, texts, monkeypatch):
    path = tokenizer_files / "gpt_neox_20b_tokenizer.json"
    ours, ref = tokensmith.load(path), tokenizers.Tokenizer.from_file(str(path))
    expected = [e.ids for e in ref.encode_batch(texts, add_special_tokens=False)]
    # Every text but the one with a Unicode 17 letter runs without the stages; that one takes
    # them (HF's Oniguruma does not see the letter as one).
    _stages_refused(monkeypatch, ours)
    plain = [t for t in texts if UNICODE_17_LETTER not in t]
    assert [ours.encode(t) for t in plain] == [e for t, e in zip(texts, expected) if t in plain]
    assert ours.encode_batch(plain, num_threads=2) == [e for t, e in zip(texts, expected) if t in plain]
    assert ours.encode_to_numpy(texts[0]).tolist() == expected[0]
    with pytest.raises(AssertionError, match="stage-by-stage"):
        ours.encode(texts[-2])
    monkeypatch.undo()
    assert [ours.encode(t) for t in texts] == expected
    assert ours.encode_batch(texts, num_threads=2) == expected
    assert isinstance(ours.encode_to_numpy(texts[-2]), np.ndarray)
    assert ours.encode_to_numpy(texts[-2]).tolist() == expected[-2]


def test_a_byte_the_vocabulary_lacks_is_dropped_as_hf_drops_it(tokenizer_files, tmp_path, texts):
    # GPT-NeoX whose token for byte 0x03 is renamed (no merge uses it): HF drops the byte.
    document = json.loads((tokenizer_files / "gpt_neox_20b_tokenizer.json").read_text(encoding="utf-8"))
    model = document["model"]
    gone = bytes_to_text(b"\x03")
    model["vocab"]["<no byte 3>"] = model["vocab"].pop(gone)
    model["merges"] = [m for m in model["merges"] if gone not in (m.split(" ") if isinstance(m, str) else m)]
    path = tmp_path / "tokenizer.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    ours, ref = tokensmith.load(path), tokenizers.Tokenizer.from_file(str(path))
    sample = texts[:40] + ["a\x03b c", "\x03", "x \x03\x03 y"]
    expected = [e.ids for e in ref.encode_batch(sample, add_special_tokens=False)]
    assert [ours.encode(t) for t in sample] == expected
    assert ours.encode_batch(sample, num_threads=2) == expected
    assert ours.encode_to_numpy("a\x03b c").tolist() == expected[-3]
