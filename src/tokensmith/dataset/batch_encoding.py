"""Encoding one batch of texts into flat ids plus per-text lengths (locally or in a Ray task).

The compiled ``Tokenizer.encode_batch`` does the work; special-token strings in the corpus are
encoded as plain text (a dataset marks document ends with ``append_eot``, never from the text).
A Ray worker rebuilds the tokenizer from its saved description once and keeps it.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np


def encode_texts(tokenizer, texts: list[str], num_threads: int) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, lengths)``: the ids of all texts one after another (uint32), and each one's count."""
    encoded = tokenizer.encode_batch(texts, num_threads=num_threads, disallowed_special=())
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    ids = np.fromiter(chain.from_iterable(encoded), dtype=np.uint32, count=int(lengths.sum()))
    return ids, lengths


def tokenizer_document(tokenizer) -> dict[str, Any]:
    """What a worker needs to rebuild ``tokenizer`` (its native file as a dict)."""
    from ..formats.native import FORMAT, VERSION

    return {"format": FORMAT, "version": VERSION, **tokenizer.to_dict()}


_WORKER_TOKENIZERS: dict[str, Any] = {}  # key -> Tokenizer, per worker process


def encode_texts_remote(key: str, boxed_document: list, texts: list[str]
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Ray task body: ``boxed_document`` is ``[ObjectRef]`` (boxed so Ray does not fetch it
    for every task); the tokenizer is built on a worker's first task only."""
    tokenizer = _WORKER_TOKENIZERS.get(key)
    if tokenizer is None:
        import ray

        from ..formats.native import from_document

        tokenizer = from_document(ray.get(boxed_document[0]), "<tokenizer sent to the Ray worker>")
        _WORKER_TOKENIZERS.clear()
        _WORKER_TOKENIZERS[key] = tokenizer
    return encode_texts(tokenizer, texts, 1)
