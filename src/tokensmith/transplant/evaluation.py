"""How well a transplanted model works before any training, measured through ``transformers``.

* :func:`sentence_embeddings`: mean-pooled last hidden states (the pooling of sentence-transformers
  models such as all-MiniLM-L6-v2), L2-normalised; compare the original model with its tokenizer
  and the transplanted model with the new one by the cosine of the two embeddings of each text.
* :func:`bits_per_byte`: a causal LM's held-out cross-entropy per byte of text, which does not
  depend on the tokenizer (nats per token would): the texts, joined by newlines, are encoded once
  and cut into windows of ``context`` tokens overlapping by one, so that every token but the very
  first is predicted once; the sum over tokens is divided by the text's UTF-8 bytes.

Needs ``torch`` and ``transformers`` (the transplant itself does not).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np


def sentence_embeddings(model_dir, texts: Sequence[str], *, batch_size: int = 32,
                        max_length: int = 256) -> np.ndarray:
    import torch
    import transformers

    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    model = transformers.AutoModel.from_pretrained(model_dir).eval()
    out = []
    with torch.no_grad():
        for begin in range(0, len(texts), batch_size):
            batch = tokenizer(list(texts[begin:begin + batch_size]), padding=True, truncation=True,
                              max_length=max_length, return_tensors="pt")
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            out.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
    return np.concatenate(out)


def mean_cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Mean cosine of matching rows of two L2-normalised embedding arrays."""
    return float(np.mean(np.sum(a * b, axis=1)))


def bits_per_byte(model_dir, texts: Sequence[str], *, context: int = 128) -> float:
    import torch
    import transformers

    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    model = transformers.AutoModelForCausalLM.from_pretrained(model_dir).eval()
    text = "\n".join(texts) + "\n"
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    starts = list(range(0, len(ids) - 1, context - 1))
    windows = [ids[b:b + context] for b in starts]
    nats = 0.0
    with torch.no_grad():
        # Windows overlap by one token, so every token but the very first is predicted once;
        # full windows go through the model in batches, the shorter last one alone.
        full = [w for w in windows if len(w) == context]
        rest = [w for w in windows if len(w) != context and len(w) > 1]
        groups = [full[b:b + 32] for b in range(0, len(full), 32)] + [[w] for w in rest]
        for group in groups:
            x = torch.tensor(group)
            logits = model(input_ids=x).logits[:, :-1].double()
            nats += float(torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                                            x[:, 1:].reshape(-1), reduction="sum"))
    return nats / math.log(2) / len(text.encode("utf-8"))
