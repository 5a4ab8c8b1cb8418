"""tokensmith.checkpoint: reading and rewriting Hugging Face safetensors checkpoints with numpy.

Checked against the ``safetensors`` library (and torch for bfloat16) on models ``transformers``
saves: BERT (MLM head tied, vocabulary bias), GPT-2 (tied), Llama (untied), one file and shards.
"""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

from tokensmith.checkpoint import CheckpointWriter, open_checkpoint, remap_config
from tokensmith.checkpoint.dtypes import from_float32, to_float32
from tokensmith.errors import ModelFileError, SaveError
from transplant_fixtures import tiny_model

safetensors_numpy = pytest.importorskip("safetensors.numpy")


@pytest.mark.parametrize("architecture,input_name,output_name", [
    ("bert", "bert.embeddings.word_embeddings.weight", None),
    ("gpt2", "transformer.wte.weight", None),
    ("llama", "model.embed_tokens.weight", "lm_head.weight"),
])
def test_finds_vocabulary_tensors_of_each_family(tmp_path, architecture, input_name, output_name):
    folder = tiny_model(tmp_path / architecture, architecture, 100)
    ckpt = open_checkpoint(folder)
    assert ckpt.tensors.input == input_name
    assert ckpt.tensors.output == output_name
    assert ckpt.tied == (output_name is None)
    reference = safetensors_numpy.load_file(str(folder / "model.safetensors"))
    np.testing.assert_array_equal(ckpt.input_embeddings(), reference[input_name])
    if output_name:
        np.testing.assert_array_equal(ckpt.output_embeddings(), reference[output_name])
    else:
        assert ckpt.output_embeddings() is None
    if architecture == "bert":  # the MLM head's bias has one entry per token
        assert ckpt.tensors.biases == ("cls.predictions.bias",)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_reads_half_precision_as_torch_does(tmp_path, dtype):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file

    folder = tiny_model(tmp_path / dtype, "llama", 90, dtype=dtype)
    ckpt = open_checkpoint(folder)
    expected = load_file(str(folder / "model.safetensors"))["model.embed_tokens.weight"].to(torch.float32)
    np.testing.assert_array_equal(ckpt.input_embeddings(), expected.numpy())


def test_bfloat16_rounds_to_nearest_even_as_torch():
    torch = pytest.importorskip("torch")
    values = np.random.default_rng(0).standard_normal(10_000).astype(np.float32) * 10
    values[:4] = [np.inf, -np.inf, 0.0, 3.4e38]
    ours = from_float32(values, "BF16")
    theirs = torch.from_numpy(values).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(to_float32(ours, "BF16"), torch.from_numpy(values).to(torch.bfloat16).float().numpy())


def test_sharded_rewrite_keeps_other_tensors_and_shard_names(tmp_path):
    folder = tiny_model(tmp_path / "sharded", "llama", 120, max_shard_size="20KB", dtype="bfloat16")
    ckpt = open_checkpoint(folder)
    assert ckpt.sharded and len(ckpt.files) >= 2
    new_rows = np.random.default_rng(1).standard_normal((150, ckpt.width)).astype(np.float32)
    with CheckpointWriter(ckpt, tmp_path / "out") as writer:
        writer.write_weights({ckpt.tensors.input: new_rows, ckpt.tensors.output: new_rows * 2})
        writer.write_json("config.json", remap_config(ckpt.config, lambda i: i, 150)[0])
    out = open_checkpoint(tmp_path / "out")
    assert sorted(out.files) == sorted(ckpt.files)
    np.testing.assert_array_equal(out.input_embeddings(), to_float32(from_float32(new_rows, "BF16"), "BF16"))
    assert out.info(out.tensors.input).dtype == "BF16"
    for name in ckpt.location:
        if name not in ckpt.tensors.all:
            assert out.read(name).tobytes() == ckpt.read(name).tobytes(), name
    index = json.loads((tmp_path / "out" / "model.safetensors.index.json").read_text())
    sizes = sum(info.nbytes for f in out.files.values() for info in f.tensors.values())
    assert index["metadata"]["total_size"] == sizes
    # transformers reads the result
    transformers = pytest.importorskip("transformers")
    model = transformers.AutoModelForCausalLM.from_pretrained(tmp_path / "out")
    assert model.get_input_embeddings().weight.shape[0] == 150


def test_written_file_is_read_by_safetensors(tmp_path):
    folder = tiny_model(tmp_path / "bert", "bert", 64)
    ckpt = open_checkpoint(folder)
    rows = np.ones((70, ckpt.width), dtype=np.float32)
    with CheckpointWriter(ckpt, tmp_path / "out") as writer:
        writer.write_weights({ckpt.tensors.input: rows})
    loaded = safetensors_numpy.load_file(str(tmp_path / "out" / "model.safetensors"))
    np.testing.assert_array_equal(loaded[ckpt.tensors.input], rows)
    original = safetensors_numpy.load_file(str(folder / "model.safetensors"))
    assert set(loaded) == set(original)


def test_failed_write_leaves_no_folder(tmp_path):
    folder = tiny_model(tmp_path / "gpt2", "gpt2", 64)
    ckpt = open_checkpoint(folder)
    with pytest.raises(RuntimeError):
        with CheckpointWriter(ckpt, tmp_path / "out") as writer:
            writer.write_weights({})
            raise RuntimeError("stop")
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["gpt2"]
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(SaveError, match="not empty"):
        CheckpointWriter(ckpt, tmp_path / "full")


def _corrupt(path, data: bytes):
    path.write_bytes(data)


@pytest.mark.parametrize("damage,problem", [
    (lambda raw: raw[:5], "too short"),
    (lambda raw: struct.pack("<Q", 10**12) + raw[8:], "does not fit"),
    (lambda raw: raw[:8] + b"{not json" + raw[17:], "not JSON"),
    (lambda raw: raw[:len(raw) // 2], "outside"),
])
def test_corrupt_header_names_the_file(tmp_path, damage, problem):
    folder = tiny_model(tmp_path / "gpt2", "gpt2", 64)
    path = folder / "model.safetensors"
    _corrupt(path, damage(path.read_bytes()))
    with pytest.raises(ModelFileError, match=problem) as info:
        open_checkpoint(folder)
    assert str(path) in str(info.value)


def test_unknown_architecture_lists_the_names_looked_for(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "mystery", "vocab_size": 4}))
    safetensors_numpy.save_file({"encoder.tok.weight": np.zeros((4, 2), np.float32)},
                                str(tmp_path / "model.safetensors"))
    with pytest.raises(ModelFileError, match=r"unknown architecture \(mystery\).*\*wte\.weight.*encoder\.tok\.weight"):
        open_checkpoint(tmp_path)


def test_config_vocab_size_disagreeing_with_the_embeddings(tmp_path):
    folder = tiny_model(tmp_path / "gpt2", "gpt2", 64)
    config = json.loads((folder / "config.json").read_text())
    config["vocab_size"] = 65
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelFileError, match="vocab_size is 65 but the input embeddings"):
        open_checkpoint(folder)


def test_remap_config_maps_ids_and_lists():
    config = {"vocab_size": 10, "bos_token_id": 1, "eos_token_id": [2, 3], "pad_token_id": None,
              "text_config": {"vocab_size": 10, "decoder_start_token_id": 3}}
    new, changes = remap_config(config, {1: 5, 2: 6}.get, 12)
    assert new["bos_token_id"] == 5 and new["eos_token_id"] == [6]
    assert new["text_config"] == {"vocab_size": 12, "decoder_start_token_id": None}
    assert changes["vocab_size"] == (10, 12) and config["bos_token_id"] == 1
