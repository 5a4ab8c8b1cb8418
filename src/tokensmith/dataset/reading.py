"""Reading a directory written by :func:`~tokensmith.dataset.encode_corpus`."""

from __future__ import annotations

import json
import os
from typing import Any, Iterator

import numpy as np

from ..errors import InputError
from .shards import INDEX_FORMAT, INDEX_NAME


def load_index(out_dir: str | os.PathLike) -> dict[str, Any]:
    path = os.path.join(os.fspath(out_dir), INDEX_NAME)
    try:
        with open(path, encoding="utf-8") as f:
            index = json.load(f)
    except FileNotFoundError:
        raise InputError("no index.json: not an encoded dataset (or its encoding did not finish)",
                         out_dir) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"unreadable index ({exc})", path) from None
    if not isinstance(index, dict) or index.get("format") != INDEX_FORMAT:
        raise InputError(f"not a {INDEX_FORMAT} index", path)
    return index


def _load(out_dir: str, name: str) -> np.ndarray:
    path = os.path.join(out_dir, name)
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise InputError(f"unreadable shard ({exc})", path) from None


def iter_documents(out_dir: str | os.PathLike, *, strip_eot: bool = True) -> Iterator[np.ndarray]:
    """The ids of each document in order (without its EOT when ``strip_eot``), across shards."""
    out_dir = os.fspath(out_dir)
    index = load_index(out_dir)
    ends = _load(out_dir, index["document_ends"])
    has_eot = index.get("eot") is not None
    shards = iter(index["shards"])
    current = np.empty(0, dtype=index["dtype"])
    current_start = 0  # global offset of current[0]
    start = 0
    for end in ends:
        end = int(end)
        pieces = []
        while start < end:
            if start >= current_start + len(current):
                current_start += len(current)
                entry = next(shards, None)
                if entry is None:
                    raise InputError("document ends run past the last shard", out_dir)
                current = _load(out_dir, entry["file"])
                continue
            stop = min(end, current_start + len(current))
            pieces.append(np.asarray(current[start - current_start:stop - current_start]))
            start = stop
        doc = np.concatenate(pieces) if pieces else np.empty(0, dtype=index["dtype"])
        yield doc[:-1] if has_eot and strip_eot else doc
