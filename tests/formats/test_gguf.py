"""GGUF files (llama.cpp): the tokenizer they hold gives the ids of llama.cpp's test vectors
(produced by the HF tokenizers, ``add_special_tokens=False``) and of the reference libraries on
NTREX; broken files are clear errors naming the file."""

import os
import struct
from pathlib import Path

import pytest

import tokensmith
from tokensmith.errors import InputError, ModelFileError
from tokensmith.formats import detect
from tokensmith.formats.bytes_text import bytes_to_text
from tokensmith.formats.gguf import load_gguf, read_gguf_vocab
from tokensmith.formats.gguf_container import read_metadata

NAMES = ["gpt-2", "llama-spm", "phi-3", "falcon", "mpt", "bert-bge"]


def reference(module: str):
    if os.environ.get("CI"):
        return __import__(module)
    return pytest.importorskip(module)


@pytest.fixture(scope="module")
def vectors(tokenizer_files) -> Path:
    return tokenizer_files / "llama_cpp_vectors"


@pytest.fixture(scope="module")
def loaded(vectors):
    return {name: tokensmith.load(vectors / f"ggml-vocab-{name}.gguf") for name in NAMES}


def cases(vectors, name):
    """llama.cpp's test-tokenizer-0 reading: cases split on the separator line, one id line each."""
    text = (vectors / f"ggml-vocab-{name}.gguf.inp").read_text(encoding="utf-8")
    inputs = text.split("\n__ggml_vocab_test__\n")
    if inputs[-1] == "":
        inputs.pop()
    lines = (vectors / f"ggml-vocab-{name}.gguf.out").read_text(encoding="utf-8").split("\n")
    assert len(lines) >= len(inputs) > 40
    return [(case, [int(x) for x in line.split()]) for case, line in zip(inputs, lines)]


@pytest.mark.parametrize("name", NAMES)
def test_llama_cpp_vectors(loaded, vectors, name):
    tokenizer = loaded[name]
    pairs = cases(vectors, name)
    # Control and user-defined tokens are matched in the text, as HF's added tokens are.
    wrong = [(case, tokenizer.encode(case, allowed_special="all"), ids) for case, ids in pairs
             if tokenizer.encode(case, allowed_special="all") != ids]
    exact = 100 * (len(pairs) - len(wrong)) / len(pairs)
    assert not wrong, f"{name}: {exact:.1f}% exact; first differences: {wrong[:3]}"


def test_byte_level_files_take_the_compiled_path(loaded):
    for name in ("gpt-2", "phi-3", "llama-spm"):  # (mpt composes to NFC first, in Python)
        assert loaded[name]._fast is not None, name


def ntrex_sample(ntrex_files, every=8, lines=40):
    return ["\n".join(p.read_text(encoding="utf-8").split("\n")[:lines]) for p in ntrex_files[::every]]


@pytest.mark.parametrize("name, reference_file", [
    ("falcon", "falcon_tokenizer.json"),
    ("mpt", "gpt_neox_20b_tokenizer.json"),
    ("phi-3", "phi3_mini_tokenizer.json"),
])
def test_same_ids_as_hf_on_ntrex(loaded, tokenizer_files, ntrex_files, name, reference_file):
    hf = reference("tokenizers").Tokenizer.from_file(str(tokenizer_files / reference_file))
    ours = loaded[name]
    for text in ntrex_sample(ntrex_files):
        assert ours.encode(text, allowed_special="all") == hf.encode(text, add_special_tokens=False).ids


def test_llama_spm_same_ids_as_sentencepiece_on_ntrex(loaded, tokenizer_files, ntrex_files):
    spm = reference("sentencepiece").SentencePieceProcessor(
        model_file=str(tokenizer_files / "llama2_tokenizer.model"))
    ours = loaded["llama-spm"]
    for text in ntrex_sample(ntrex_files):
        assert ours.encode(text) == spm.encode(text)
        assert ours.decode(spm.encode(text)) == spm.decode(spm.encode(text))


def test_gpt2_same_ids_as_tiktoken_r50k(loaded, tokenizer_files, ntrex_files):
    r50k = tokensmith.load(tokenizer_files / "r50k_base.tiktoken")
    for text in ntrex_sample(ntrex_files):
        assert loaded["gpt-2"].encode(text) == r50k.encode(text)


def test_keys_are_kept(vectors):
    vocab = read_gguf_vocab(vectors / "ggml-vocab-llama-spm.gguf")
    assert (vocab.model, vocab.pre, vocab.bos_id, vocab.eos_id, vocab.unk_id) == ("llama", "default", 1, 2, 0)
    assert vocab.add_bos is True and vocab.add_eos is False
    assert len(vocab.tokens) == len(vocab.scores) == len(vocab.token_types) == 32000


def test_metadata_reader_agrees_with_the_gguf_package(vectors):
    gguf = reference("gguf")
    path = vectors / "ggml-vocab-bert-bge.gguf"
    ours = read_metadata(path)
    theirs = {name: field.contents() for name, field in gguf.GGUFReader(str(path)).fields.items()
              if not name.startswith("GGUF.")}
    assert ours.keys() == theirs.keys()
    for key, value in theirs.items():
        assert ours[key] == pytest.approx(value) if isinstance(value, float) else ours[key] == value, key


def test_detected_by_magic_not_name(vectors, tmp_path):
    renamed = tmp_path / "model.bin"
    renamed.write_bytes((vectors / "ggml-vocab-bert-bge.gguf").read_bytes())
    assert detect(renamed) == "gguf"
    assert tokensmith.load(renamed).encode("hello world") == [7592, 2088]


def test_missing_byte_is_refused_not_dropped(loaded):
    falcon = loaded["falcon"]
    with pytest.raises(InputError, match="byte 0x03"):
        falcon.encode("a\x03b")
    text = "plane 9: \U00090000"  # its UTF-8 lead byte 0xF2 has no Falcon token
    with pytest.raises(InputError, match="byte 0xf2"):
        falcon.encode(text)


def test_native_round_trip_keeps_ids(loaded, tmp_path):
    for name in ("falcon", "gpt-2", "phi-3"):
        path = tmp_path / f"{name}.json"
        loaded[name].save(path)
        again = tokensmith.load(path)
        text = "Hello, y'all! 3333 ½ нещо 🦙🦙 \n\n  x"
        assert again.encode(text) == loaded[name].encode(text)
        assert again.decode(again.encode(text)) == text


# -- broken files ---------------------------------------------------------------------------------

def gguf_bytes(pairs, version=3, magic=b"GGUF"):
    """A GGUF metadata section: pairs of (key, type, value); type names a GGUF value type."""
    def string(s):
        raw = s if isinstance(s, bytes) else s.encode()
        return struct.pack("<Q", len(raw)) + raw

    scalars = {"u32": (4, "<I"), "i32": (5, "<i"), "f32": (6, "<f"), "bool": (7, "<?")}
    out = [magic, struct.pack("<IQQ", version, 0, len(pairs))]
    for key, kind, value in pairs:
        out.append(string(key))
        if kind == "str":
            out += [struct.pack("<I", 8), string(value)]
        elif kind in scalars:
            code, fmt = scalars[kind]
            out += [struct.pack("<I", code), struct.pack(fmt, value)]
        elif kind == "strs":
            out += [struct.pack("<IIQ", 9, 8, len(value))] + [string(v) for v in value]
        elif kind in ("i32s", "f32s"):
            code, fmt = scalars[kind[:-1]]
            out += [struct.pack("<IIQ", 9, code, len(value))] + [struct.pack(fmt, v) for v in value]
        else:  # raw bytes after the key: a forged type or value
            out.append(value)
    return b"".join(out)


BYTE_TOKENS = [bytes_to_text(bytes([b])) for b in range(256)]


def small_gpt2(**changes):
    keys = {"tokenizer.ggml.model": ("str", "gpt2"), "tokenizer.ggml.pre": ("str", "gpt-2"),
            "tokenizer.ggml.tokens": ("strs", BYTE_TOKENS + ["ab", "<|end|>"]),
            "tokenizer.ggml.token_type": ("i32s", [1] * 257 + [3]),
            "tokenizer.ggml.merges": ("strs", ["a b"])}
    keys.update(changes)
    return [(k, kind, v) for k, (kind, v) in keys.items() if kind is not None]


def test_small_forged_file_loads(tmp_path):
    path = tmp_path / "small.gguf"
    path.write_bytes(gguf_bytes(small_gpt2()))
    tok = tokensmith.load(path)
    assert tok.encode("abc") == [256, ord("c")]  # byte b has id b here; "ab" is merged
    assert tok.encode("ab<|end|>", allowed_special="all") == [256, 257]
    assert tok.decode([256, 257]) == "ab<|end|>"


@pytest.mark.parametrize("pairs, options, message", [
    (small_gpt2(), {"magic": b"GGUX"}, "not a GGUF file"),
    (small_gpt2(), {"version": 9}, "version 9"),
    (small_gpt2(**{"tokenizer.ggml.tokens": ("raw", struct.pack("<IIQ", 9, 8, 1 << 60))}), {}, "cannot fit"),
    (small_gpt2(**{"tokenizer.ggml.pre": ("raw", struct.pack("<I", 99))}), {}, "unknown value type 99"),
    (small_gpt2(**{"tokenizer.ggml.pre": ("str", b"\xff\xfe")}), {}, "not UTF-8"),
    (small_gpt2() + [("tokenizer.ggml.model", "str", "gpt2")], {}, "appears twice"),
    (small_gpt2(**{"tokenizer.ggml.tokens": (None, None)}), {}, "holds no tokenizer"),
    (small_gpt2(**{"tokenizer.ggml.tokens": ("u32", 5)}), {}, "is not a list of strings"),
    (small_gpt2(**{"tokenizer.ggml.merges": ("strs", ["a zz"])}), {}, "merge 0"),
    (small_gpt2(**{"tokenizer.ggml.merges": (None, None)}), {}, "needs the 'tokenizer.ggml.merges'"),
    (small_gpt2(**{"tokenizer.ggml.model": ("str", "rwkv")}), {}, "'rwkv' is not supported"),
    (small_gpt2(**{"tokenizer.ggml.pre": ("str", "nonsense")}), {}, "pre-tokenizer 'nonsense'"),
    (small_gpt2(**{"tokenizer.ggml.token_type": ("i32s", [1])}), {}, "1 entries for 258 tokens"),
    (small_gpt2(**{"tokenizer.ggml.bos_token_id": ("u32", 9999)}), {}, "is not a token id"),
    (small_gpt2(**{"tokenizer.ggml.tokens": ("strs", ["\u4e00"] + BYTE_TOKENS[1:] + ["ab", "<|end|>"])}),
     {}, "byte alphabet"),
])
def test_forged_files_are_refused(tmp_path, pairs, options, message):
    path = tmp_path / "forged.gguf"
    path.write_bytes(gguf_bytes(pairs, **options))
    with pytest.raises(ModelFileError, match=message) as info:
        load_gguf(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("keep", [2, 7, 24, 40, 1000, 300_000, -1])
def test_truncated_files_are_refused(vectors, tmp_path, keep):
    data = (vectors / "ggml-vocab-bert-bge.gguf").read_bytes()
    metadata_end = 600_000  # inside the last keys of this file, after the vocabulary
    path = tmp_path / "cut.gguf"
    path.write_bytes(data[:keep] if keep > 0 else data[:metadata_end])
    with pytest.raises(ModelFileError) as info:
        load_gguf(path)
    assert str(path) in str(info.value)
