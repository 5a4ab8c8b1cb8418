import json

import pytest

import tokensmith
from tokensmith.errors import ModelFileError, SaveError


@pytest.fixture(scope="module")
def r50k(tokenizer_files):
    return tokensmith.load(tokenizer_files / "r50k_base.tiktoken")


def test_round_trip_gives_identical_ids_and_bytes(tmp_path, r50k, english_sample):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    r50k.save(first)
    again = tokensmith.load(first)
    again.save(second)
    assert first.read_bytes() == second.read_bytes()
    text = english_sample[:200_000]
    assert again.encode(text) == r50k.encode(text)
    assert again.special_tokens == r50k.special_tokens


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.update(version=99), "version"),
    (lambda d: d.pop("model"), "malformed"),
    (lambda d: d["model"].update(type="nonsense"), "unknown model type"),
    (lambda d: d["model"]["tokens"].pop(97), "single bytes|malformed|merge"),
])
def test_forged_native_files(tmp_path, r50k, mutate, message):
    path = tmp_path / "tok.json"
    r50k.save(path)
    document = json.loads(path.read_text())
    mutate(document)
    path.write_text(json.dumps(document))
    with pytest.raises(ModelFileError, match=message):
        tokensmith.load(path)


def test_truncated_json(tmp_path, r50k):
    path = tmp_path / "tok.json"
    r50k.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(ModelFileError, match="invalid JSON"):
        tokensmith.load(path)


def test_failed_save_leaves_no_partial_file(tmp_path, r50k, monkeypatch):
    path = tmp_path / "tok.json"

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(json, "dump", boom)
    with pytest.raises(SaveError, match="disk full"):
        r50k.save(path)
    assert list(tmp_path.iterdir()) == []


def test_missing_and_unknown_files(tmp_path):
    with pytest.raises(ModelFileError, match="no such file"):
        tokensmith.load(tmp_path / "nope.json")
    odd = tmp_path / "odd.bin"
    odd.write_bytes(b"\x00\x01garbage")
    with pytest.raises(ModelFileError, match="unknown tokenizer file format"):
        tokensmith.load(odd)
