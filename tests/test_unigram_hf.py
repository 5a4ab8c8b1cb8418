"""HF tokenizer.json Unigram files (T5): exact ids against `tokenizers`, and export that HF reads."""

from __future__ import annotations

import json

import pytest

tokenizers = pytest.importorskip("tokenizers")

from tokensmith.errors import ModelFileError  # noqa: E402
from tokensmith.formats import load  # noqa: E402
from tokensmith.formats.hf_unigram import write  # noqa: E402

NTREX_LINES = 25  # per file: every language, a fixed slice


@pytest.fixture(scope="module")
def t5(tokenizer_files):
    path = tokenizer_files / "t5_small_tokenizer.json"
    return load(path), tokenizers.Tokenizer.from_file(str(path))


def test_t5_english_sample(t5, english_sample):
    """ids equal HF's with add_special_tokens=False (the post-processor would append </s>)."""
    ours, ref = t5
    lines = english_sample[:300_000].split("\n")
    expected = [e.ids for e in ref.encode_batch(lines, add_special_tokens=False)]
    assert [ours.encode(line) for line in lines] == expected
    assert ref.encode("Hi").ids[-1] == 1 and ours.encode("Hi")[-1] != 1


def test_t5_every_ntrex_file(t5, ntrex_files):
    ours, ref = t5
    for path in ntrex_files:
        lines = path.read_text(encoding="utf-8").split("\n")[:NTREX_LINES]
        expected = [e.ids for e in ref.encode_batch(lines, add_special_tokens=False)]
        for line, ids in zip(lines, expected):
            assert ours.encode(line) == ids, (path.name, line[:80])


def test_t5_decode_matches_hf_on_known_text(t5, english_sample):
    ours, ref = t5
    for line in english_sample[:20_000].split("\n"):
        ids = ours.encode(line)
        if 2 not in ids:  # HF drops <unk> when decoding; tokensmith shows it
            assert ours.decode(ids) == ref.decode(ids)


def test_export_is_read_by_hf(t5, tmp_path, english_sample):
    ours, _ref = t5
    ours.save(tmp_path / "t5.json", format="hf")
    document = json.loads((tmp_path / "t5.json").read_text(encoding="utf-8"))
    assert document["model"]["type"] == "Unigram"
    exported = tokenizers.Tokenizer.from_file(str(tmp_path / "t5.json"))
    lines = english_sample[:30_000].split("\n") + ["ｆｕｌｌ ½ ﬁ", "  a  b  "]
    assert [exported.encode(x, add_special_tokens=False).ids for x in lines] == [ours.encode(x) for x in lines]
    again = load(tmp_path / "t5.json")
    assert [again.encode(x) for x in lines] == [ours.encode(x) for x in lines]


def test_write_declines_other_models(tokenizer_files):
    assert write(load(tokenizer_files / "llama2_tokenizer.model")) is None


def test_malformed_unigram_json(tmp_path):
    bad = {"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["a"]]}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ModelFileError, match="bad.json.*vocab entry 1"):
        load(path)
    path.write_text(json.dumps({"model": {"type": "Unigram", "unk_id": 5, "vocab": [["<unk>", 0.0]]}}))
    with pytest.raises(ModelFileError, match="unk_id"):
        load(path)
