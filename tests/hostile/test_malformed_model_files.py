"""Forged tokenizer files that used to escape as AttributeError, TypeError, RecursionError,
OverflowError or RuntimeError, load wrongly, or fail only at encode time: each is now a
ModelFileError at load that names the file (the cases test_fuzz_model_files found)."""

from __future__ import annotations

import base64
import json
import struct

import pytest

import hostile_seeds as seeds
import tokensmith
from tokensmith.normalizers.charsmap import CharsmapError, PrecompiledCharsmap
from tokensmith.errors import ModelFileError, OptionError


def _write(path, document) -> str:
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def native_gpt2_text(tokenizer_files, tmp_path_factory):
    return seeds.native(seeds.gpt2(tokenizer_files), tmp_path_factory.mktemp("native"))["native.json"]


@pytest.fixture
def native_gpt2(native_gpt2_text):
    """A small tokensmith file (GPT-2's first merges) as a JSON document, fresh for each test."""
    return json.loads(native_gpt2_text)


def _load_error(path) -> str:
    with pytest.raises(ModelFileError) as info:
        tokensmith.load(path)
    assert str(path) in str(info.value)
    return str(info.value)


# -- native files --------------------------------------------------------------------------------
def test_unknown_splitter_name_is_an_error_not_a_regex(tmp_path, native_gpt2):
    """The name was taken as a regex: 'gpt5' matched nothing and encode returned []."""
    native_gpt2["splitter"]["name"] = "gpt5"
    assert "unknown split pattern name 'gpt5'" in _load_error(_write(tmp_path / "t.json", native_gpt2))


@pytest.mark.parametrize("stage, value, message", [
    ("model", None, "model is NoneType, not an object"),  # loaded, then failed at encode
    ("model", "bpe", "model is str"),
    ("decoder", 3, "decoder is int"),
    ("special_tokens", [1], "special_tokens is list"),
    ("name", {"a": 1}, "name is dict"),
])
def test_stage_of_the_wrong_type(tmp_path, native_gpt2, stage, value, message):
    native_gpt2[stage] = value
    assert message in _load_error(_write(tmp_path / "t.json", native_gpt2))


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -1, "7", 1.5, True])
def test_special_token_id_that_is_not_an_id(tmp_path, native_gpt2, value):
    native_gpt2["special_tokens"] = {"<|x|>": value}  # inf was OverflowError, "7" loaded
    assert "special token '<|x|>' has id" in _load_error(_write(tmp_path / "t.json", native_gpt2))


def test_decoder_prefix_of_the_wrong_type_fails_at_load(tmp_path, tokenizer_files):
    """A WordPiece decoder with a numeric prefix loaded, then decode raised AttributeError."""
    tok = tokensmith.load(tokenizer_files / "bert_base_cased_vocab.txt")
    tok.save(tmp_path / "bert.json")
    document = json.loads((tmp_path / "bert.json").read_text())
    document["decoder"]["prefix"] = 1.5
    assert "prefix must be a string" in _load_error(_write(tmp_path / "t.json", document))


@pytest.mark.parametrize("field, value", [("unk_surface", None), ("unk_surface", 3), ("unk_piece", []),
                                          ("replacement", None)])
def test_metaspace_decoder_fields_of_the_wrong_type_fail_at_load(tmp_path, tokenizer_files, field, value):
    """A SentencePiece BPE file whose decoder has ``"unk_surface": null`` loaded, then decoding
    its unknown piece raised AttributeError (found by test_fuzz_model_files under tools/sanitize.sh)."""
    document = json.loads(seeds.native(seeds.sentencepiece_bpe(tokenizer_files), tmp_path)["native.json"])
    assert document["decoder"]["type"] == "metaspace" and document["decoder"]["unk_piece"]
    document["decoder"][field] = value
    assert f"{field} must be a string" in _load_error(_write(tmp_path / "t.json", document))


@pytest.mark.parametrize("field, value", [("tokens", 7), ("tokens", [None]), ("merges", {"a": 1}),
                                          ("semantics", ["x"])])
def test_model_fields_of_the_wrong_type(tmp_path, native_gpt2, field, value):
    native_gpt2["model"][field] = value
    _load_error(_write(tmp_path / "t.json", native_gpt2))


# -- any JSON file -------------------------------------------------------------------------------
@pytest.mark.parametrize("text, message", [
    ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),  # was RecursionError
    ('{"a": ' + "9" * 5000 + "}", "invalid JSON: Exceeds the limit"),       # was a bare ValueError
    ("{}", "neither a tokensmith file"),                                  # read itself as merges.txt
])
def test_json_that_is_no_tokenizer(tmp_path, text, message):
    path = tmp_path / "tokenizer.json"
    path.write_text(text)
    assert message in _load_error(path)


@pytest.mark.parametrize("mutate", [
    lambda d: d.update(added_tokens=5),
    lambda d: d.update(decoder={"type": "Metaspace", "replacement": True}),
    lambda d: d["model"].update(vocab=[["a"]]),
    lambda d: d.update(normalizer=[1]),
])
def test_tokenizer_json_with_wrong_types(tmp_path, tokenizer_files, mutate):
    """Whatever the tokenizer.json reader raises on a field of the wrong type (AttributeError
    before) is reported as a malformed file by load's boundary."""
    document = json.loads(seeds.hf_unigram(tokenizer_files)["tokenizer.json"])
    mutate(document)
    _load_error(_write(tmp_path / "tokenizer.json", document))


def test_memory_import_errors_and_interrupt_are_not_blamed_on_the_file(tmp_path, monkeypatch, native_gpt2):
    import tokensmith.formats.native as native

    path = _write(tmp_path / "t.json", native_gpt2)
    for error in (MemoryError, KeyboardInterrupt, ImportError):  # ImportError: a kernel not built
        def boom(*args, error=error):
            raise error()

        monkeypatch.setattr(native, "from_document", boom)
        with pytest.raises(error):
            tokensmith.load(path)


def test_an_unknown_option_is_an_option_error(tokenizer_files):
    with pytest.raises(OptionError, match="takes no option colour"):
        tokensmith.load(tokenizer_files / "r50k_base.tiktoken", colour="red")


# -- GPT-2 vocab.json + merges.txt ---------------------------------------------------------------
def test_boolean_ids_in_vocab_json(tmp_path, tokenizer_files):
    files = seeds.gpt2(tokenizer_files)
    vocab = json.loads(files["vocab.json"])
    vocab["!"] = True  # id 1 for isinstance(True, int)
    (tmp_path / "merges.txt").write_bytes(files["merges.txt"])
    assert "entry '!': True" in _load_error(_write(tmp_path / "vocab.json", vocab))


def test_unreadable_merges_file_is_named(tmp_path, tokenizer_files):
    (tmp_path / "vocab.json").write_bytes(seeds.gpt2(tokenizer_files)["vocab.json"])
    (tmp_path / "merges.txt").mkdir()
    with pytest.raises(ModelFileError, match="merges.txt: cannot read"):
        tokensmith.load(tmp_path / "vocab.json")


# -- SentencePiece .model ------------------------------------------------------------------------
def _with_piece_score(model: bytes, index: int, score: float) -> bytes:
    items = seeds.proto_fields(model)
    pieces = [i for i, f in enumerate(items) if f[0] == 1]
    n, w, v = items[pieces[index]]
    piece = [(k, ww, int.from_bytes(struct.pack("<f", score), "little") if k == 2 else vv)
             for k, ww, vv in seeds.proto_fields(v)]
    items[pieces[index]] = (n, w, seeds.join_fields(piece))
    return seeds.join_fields(items)


def test_nan_score_is_refused(tmp_path, tokenizer_files):
    model = seeds.sentencepiece_bpe(tokenizer_files)["llama2_small.model"]
    path = tmp_path / "nan.model"
    path.write_bytes(_with_piece_score(model, 300, float("nan")))
    assert "piece 300 score is NaN" in _load_error(path)


def test_spec_field_of_the_wrong_wire_type(tmp_path, tokenizer_files):
    """A model_type sent as a string was int()-ed into a TypeError."""
    model = seeds.sentencepiece_bpe(tokenizer_files)["llama2_small.model"]
    path = tmp_path / "bad.model"
    path.write_bytes(model + seeds.field(2, 2, seeds.field(3, 2, b"bpe")))
    assert "trainer_spec.model_type is not a number" in _load_error(path)


def _charsmap_with_value_out_of_bounds(blob: bytes) -> bytes:
    """``blob`` with the value of its first key pointing past the replacement strings."""
    charsmap = PrecompiledCharsmap(blob)
    units = list(charsmap.units)
    for i, unit in enumerate(units):
        if not unit >> 31 and (unit >> 8) & 1:
            j = i ^ ((unit >> 10) << ((unit & (1 << 9)) >> 6))
            units[j] = (1 << 31) | (len(charsmap.normalized) + 1000)
            break
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + charsmap.normalized


def test_bad_charsmap_fails_at_load_in_a_model_file(tmp_path, tokenizer_files):
    """The compiled encoder and the Python normalizer found it only on a text reaching that key."""
    bad = _charsmap_with_value_out_of_bounds(seeds.t5_charsmap(tokenizer_files))
    with pytest.raises(CharsmapError, match="outside its strings"):
        PrecompiledCharsmap(bad)
    items = seeds.proto_fields(seeds.sentencepiece_unigram(tokenizer_files)["t5_small.model"])
    items = [(n, w, v) for n, w, v in items if n != 3]
    items.append((3, 2, seeds.field(1, 2, b"nmt_nfkc") + seeds.field(2, 2, bad)))
    path = tmp_path / "bad_charsmap.model"
    path.write_bytes(seeds.join_fields(items))
    assert "outside its strings" in _load_error(path)


def test_bad_charsmap_fails_at_load_in_a_tokenizer_json(tmp_path, tokenizer_files):
    document = json.loads(seeds.hf_unigram(tokenizer_files)["tokenizer.json"])
    bad = _charsmap_with_value_out_of_bounds(seeds.t5_charsmap(tokenizer_files))
    document["normalizer"]["precompiled_charsmap"] = base64.b64encode(bad).decode()
    assert "outside its strings" in _load_error(_write(tmp_path / "tokenizer.json", document))


def test_real_charsmaps_pass_the_check(tokenizer_files):
    assert PrecompiledCharsmap(seeds.t5_charsmap(tokenizer_files)).longest("ｈ".encode(), 0) == (3, b"h")
    marian = json.loads((tokenizer_files / "marian_nmt_tokenizer.json").read_text(encoding="utf-8"))
    blob = base64.b64decode(marian["normalizer"]["normalizers"][0]["precompiled_charsmap"])
    assert PrecompiledCharsmap(blob).longest(b"!", 0) == (1, b"P!")  # Marian's own charsmap
