"""A small causal language model trained here on the shared English corpus: a cached, seeded test fixture.

Tests that need a real ``transformers`` model (transplant, byte-level probabilities, under-trained
tokens) call :func:`trained_causal_lm` with the tokenizer and texts they want. The checkpoint is a
Hugging Face folder (``config.json``, ``model.safetensors``, ``tokenizer.json`` ...) cached under
``.cache/test-models`` at the repository root (``TOKENSMITH_TEST_CACHE`` overrides), keyed by
everything that determines it, so it is trained once per machine: a few CPU seconds to a minute.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("TOKENSMITH_TEST_CACHE", ROOT / ".cache" / "test-models"))


def english_lines(shared_data: Path, *, start: int = 50_000_000, size: int = 1_000_000,
                  min_chars: int = 20) -> list[str]:
    """Lines of prose from the shared English corpus (``size`` bytes from byte ``start``)."""
    with open(shared_data / "corpora" / "en_gutenberg_100MB.txt", "rb") as f:
        f.seek(start)
        data = f.read(size).decode("utf-8", errors="ignore")
    lines = [" ".join(line.split()) for line in data.splitlines()[1:-1]]
    return [line for line in lines if len(line) >= min_chars]


def trained_causal_lm(tokenizer, texts: list[str], *, architecture: str = "gpt2",
                      n_layer: int = 2, n_embd: int = 128, n_head: int = 4, context: int = 128,
                      steps: int = 400, batch_size: int = 16, learning_rate: float = 3e-3,
                      seed: int = 0, tie_word_embeddings: bool | None = None) -> Path:
    """The folder of a causal LM trained on ``texts`` tokenized by ``tokenizer`` (a tokensmith
    ``Tokenizer``); ``architecture`` is ``"gpt2"`` (tied head) or ``"llama"`` (untied unless
    ``tie_word_embeddings``). Cached: the same arguments give the same folder without training."""
    settings = dict(architecture=architecture, n_layer=n_layer, n_embd=n_embd, n_head=n_head,
                    context=context, steps=steps, batch_size=batch_size, lr=learning_rate,
                    seed=seed, tie=tie_word_embeddings)
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    digest.update(json.dumps(tokenizer.to_dict(), sort_keys=True, default=str).encode())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass") + b"\0")
    folder = CACHE / f"{architecture}-{digest.hexdigest()[:16]}"
    if (folder / "model.safetensors").exists():
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=CACHE, prefix=".train-"))
    try:
        _train(tokenizer, texts, work, settings)
        if folder.exists():  # trained meanwhile by another process
            shutil.rmtree(work)
        else:
            work.rename(folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder


def _train(tokenizer, texts: list[str], out: Path, s: dict) -> None:
    import numpy as np
    import torch
    import transformers

    torch.manual_seed(s["seed"])
    rng = np.random.default_rng(s["seed"])
    vocab_size = tokenizer.vocab_size
    if s["architecture"] == "gpt2":
        config = transformers.GPT2Config(
            vocab_size=vocab_size, n_positions=s["context"], n_embd=s["n_embd"], n_layer=s["n_layer"],
            n_head=s["n_head"], tie_word_embeddings=True if s["tie"] is None else s["tie"],
            bos_token_id=None, eos_token_id=None)
        model = transformers.GPT2LMHeadModel(config)
    elif s["architecture"] == "llama":
        config = transformers.LlamaConfig(
            vocab_size=vocab_size, hidden_size=s["n_embd"], intermediate_size=2 * s["n_embd"],
            num_hidden_layers=s["n_layer"], num_attention_heads=s["n_head"],
            num_key_value_heads=s["n_head"], max_position_embeddings=s["context"],
            tie_word_embeddings=bool(s["tie"]), bos_token_id=None, eos_token_id=None)
        model = transformers.LlamaForCausalLM(config)
    else:
        raise ValueError(f"unknown architecture {s['architecture']!r}")
    # One long stream of token ids cut into training windows, as LM pretraining does.
    stream = np.concatenate([np.asarray(ids, dtype=np.int64)
                             for ids in tokenizer.encode_batch([t + "\n" for t in texts])])
    windows = len(stream) // s["context"]
    if windows < s["batch_size"]:
        raise ValueError(f"{len(stream)} tokens are too few for batches of {s['batch_size']} "
                         f"windows of {s['context']}")
    stream = torch.from_numpy(stream[: windows * s["context"]].reshape(windows, s["context"]))
    optimizer = torch.optim.AdamW(model.parameters(), lr=s["lr"], weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=s["lr"], total_steps=s["steps"],
                                                   pct_start=0.1)
    model.train()
    with torch.random.fork_rng():
        torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
        for _ in range(s["steps"]):
            rows = torch.from_numpy(rng.integers(0, windows, size=s["batch_size"]))
            batch = stream[rows]
            loss = model(input_ids=batch, labels=batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
    model.eval()
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    (out / "training.json").write_text(json.dumps({**s, "final_loss": float(loss)}, indent=2))
