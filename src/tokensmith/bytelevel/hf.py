"""A ``transformers`` causal LM as a model of the :mod:`.lm` contract (``transformers`` and
``torch`` are the optional extra, imported when a model is made).

A causal LM cannot predict the first token of a text without something before it: ``start``
gives the ids every prefix is read after (default: the model's ``bos_token_id`` when it has one).
A prefix longer than the model's positions is read in its last ``n_positions - len(start)`` ids.
"""

from __future__ import annotations

import os
from typing import Sequence

import numpy as np

from ..errors import InputError, ModelFileError, OptionError
from .lm import check_ids


class CausalLM:
    def __init__(self, model, *, start: Sequence[int] | None = None, batch_size: int = 32):
        import torch

        self.torch = torch
        self.model = model.eval()
        config = model.config
        self.vocab_size = int(config.vocab_size)
        bos = getattr(config, "bos_token_id", None)
        self.start = [int(i) for i in start] if start is not None else ([] if bos is None else [int(bos)])
        check_ids(self.start, self.vocab_size, "start id")
        self.positions = int(getattr(config, "n_positions", None) or getattr(config, "max_position_embeddings", 1024))
        if len(self.start) >= self.positions:
            raise OptionError(f"the start ids ({len(self.start)}) fill the model's {self.positions} positions")
        self.batch_size = batch_size

    @classmethod
    def from_pretrained(cls, folder: str | os.PathLike, **kwargs) -> "CausalLM":
        """A model folder (``config.json`` and weights), loaded on the CPU in float32."""
        import transformers

        if not os.path.isdir(folder):
            raise ModelFileError(folder, "not a model folder")
        try:
            model = transformers.AutoModelForCausalLM.from_pretrained(folder, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelFileError(folder, f"cannot load a causal LM: {exc}") from None
        return cls(model, **kwargs)

    def all_prefixes(self, ids: Sequence[int]) -> np.ndarray:
        """The rows of ``ids[:k]`` for every ``k`` from 0 to ``len(ids)``, from one forward pass
        (when they fit the model's positions; else prefix by prefix)."""
        check_ids(ids, self.vocab_size)
        ids = [int(i) for i in ids]
        if not self.start or len(self.start) + len(ids) > self.positions:
            return self([ids[:k] for k in range(len(ids) + 1)])
        torch = self.torch
        with torch.inference_mode():
            logits = self.model(input_ids=torch.tensor([self.start + ids])).logits[0, len(self.start) - 1:]
            return torch.log_softmax(logits.double(), dim=-1).numpy()

    def __call__(self, prefixes: list[list[int]]) -> np.ndarray:
        torch = self.torch
        keep = self.positions - len(self.start)
        rows = []
        for prefix in prefixes:
            check_ids(prefix, self.vocab_size)
            rows.append(self.start + [int(i) for i in prefix][-keep:] if keep else self.start)
        if any(not r for r in rows):
            raise InputError("an empty prefix needs start ids (the model has no bos_token_id): "
                             "pass start=[...] to CausalLM")
        out = np.empty((len(rows), self.vocab_size))
        order = sorted(range(len(rows)), key=lambda k: len(rows[k]))
        with torch.inference_mode():
            for b in range(0, len(order), self.batch_size):
                chunk = order[b:b + self.batch_size]
                width = max(len(rows[k]) for k in chunk)
                ids = torch.zeros((len(chunk), width), dtype=torch.long)
                mask = torch.zeros((len(chunk), width), dtype=torch.long)
                for j, k in enumerate(chunk):  # left padding: the last position is the prediction
                    ids[j, width - len(rows[k]):] = torch.tensor(rows[k])
                    mask[j, width - len(rows[k]):] = 1
                position_ids = (mask.cumsum(-1) - 1).clamp(min=0)
                logits = self.model(input_ids=ids, attention_mask=mask, position_ids=position_ids).logits[:, -1]
                logp = torch.log_softmax(logits.double(), dim=-1).numpy()
                for j, k in enumerate(chunk):
                    out[k] = logp[j]
        return out
