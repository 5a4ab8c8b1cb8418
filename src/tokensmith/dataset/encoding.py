"""``encode_corpus``: a corpus -> numbered ``.npy`` shards of token ids and an ``index.json``.

Documents are streamed (:mod:`.documents`) in batches; each batch is encoded locally with the
compiled, GIL-free ``Tokenizer.encode_batch`` on ``num_workers`` threads, or in Ray tasks
(``backend="ray"``: the driver reads, the cluster encodes, a bounded number of batches in
flight, results taken in order). Ids go to the :class:`~.shards.ShardWriter`, which flushes a
shard each time ``shard_tokens`` ids have arrived. The batches, their order and so every output
byte are the same whatever the backend and the number of workers.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import deque
from typing import Any, Iterator

import numpy as np

from ..corpus import iter_parts
from ..errors import InputError, OptionError
from .batch_encoding import encode_texts, encode_texts_remote, tokenizer_document
from .documents import TEXT_CHUNK, batches
from .shards import ShardWriter, prepare_directory, remove_created

DEFAULT_SHARD_TOKENS = 100_000_000
BATCH_CHARS_PER_WORKER = 2 << 20  # characters encoded per worker per batch


def encode_corpus(tokenizer, corpus, out_dir: str | os.PathLike, *,
                  shard_tokens: int = DEFAULT_SHARD_TOKENS, dtype: str = "auto",
                  append_eot: str | None = None, backend: str = "local",
                  num_workers: int | None = None, errors: str = "strict", text_field: str = "text",
                  overwrite: bool = False, ray_address: str | None = None) -> dict[str, Any]:
    """Encode every document of ``corpus`` into token shards under ``out_dir``; the index.

    ``dtype``: ``"auto"`` (``uint16`` when every id fits, else ``uint32``), ``"uint16"`` or
    ``"uint32"``. ``append_eot``: the name of a special token of ``tokenizer`` appended after
    every document, or ``None``. ``num_workers``: threads (local; default every core) or tasks in
    flight (Ray; default the cluster's CPUs). ``errors`` / ``text_field``: as for training.
    ``ray_address``: the cluster to join (``None``: the running session, or a local one).
    """
    out_dir = os.fspath(out_dir)
    shard_dtype = _check_options(tokenizer, shard_tokens, dtype, backend, num_workers)
    eot_id = _eot_id(tokenizer, append_eot)
    created = prepare_directory(out_dir, overwrite)
    try:
        writer = ShardWriter(out_dir, shard_tokens, shard_dtype)
    except BaseException:
        remove_created(created)
        raise
    try:
        saw_tokens = False
        for ids, lengths, ends in _encoded_batches(tokenizer, corpus, backend, num_workers,
                                                   errors, text_field, ray_address):
            saw_tokens = saw_tokens or len(ids) > 0
            ids, document_ends = _with_document_ends(ids, lengths, ends, eot_id)
            writer.add(_narrow(ids, shard_dtype, tokenizer), document_ends)
        if writer.documents == 0:
            raise InputError("the corpus is empty: no documents to encode")
        if not saw_tokens:
            raise InputError(f"the corpus is empty: its {writer.documents} documents hold no text")
        return writer.finish(_header(tokenizer, append_eot, eot_id))
    except BaseException:
        writer.abort()
        remove_created(created)  # an interrupted run leaves no empty directory behind
        raise


def _encoded_batches(tokenizer, corpus, backend, num_workers, errors, text_field, ray_address
                     ) -> Iterator[tuple[np.ndarray, np.ndarray, list[bool]]]:
    """``(ids, lengths, ends_document)`` of each batch of document parts, in corpus order."""
    parts = iter_parts(corpus, errors=errors, text_field=text_field, chunk_size=TEXT_CHUNK)
    if backend == "local":
        threads = num_workers or os.cpu_count() or 1
        for texts, ends in batches(parts, BATCH_CHARS_PER_WORKER * threads):
            ids, lengths = encode_texts(tokenizer, texts, threads)
            yield ids, lengths, ends
        return
    from ..distributed.ordered_map import ordered_map
    from ..distributed.session import ray_session

    document = tokenizer_document(tokenizer)
    key = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
    with ray_session(ray_address) as ray:
        in_flight = num_workers or 2 * max(1, int(ray.cluster_resources().get("CPU", 1)))
        task = ray.remote(num_cpus=1)(encode_texts_remote)
        boxed = [ray.put(document)]
        pending_ends: deque[list[bool]] = deque()

        def inputs():
            for texts, ends in batches(parts, BATCH_CHARS_PER_WORKER):
                pending_ends.append(ends)
                yield key, boxed, texts

        for ids, lengths in ordered_map(ray, task, inputs(), in_flight):
            yield ids, lengths, pending_ends.popleft()


def _with_document_ends(ids: np.ndarray, lengths: np.ndarray, ends: list[bool],
                        eot_id: int | None) -> tuple[np.ndarray, np.ndarray]:
    """``ids`` with the EOT inserted after each document, and the offsets just after each."""
    part_ends = np.cumsum(lengths)
    cuts = part_ends[np.asarray(ends, dtype=bool)]
    if eot_id is None:
        return ids, cuts
    ids = np.insert(ids, cuts, np.uint32(eot_id))
    return ids, cuts + np.arange(1, len(cuts) + 1)


def _narrow(ids: np.ndarray, dtype: np.dtype, tokenizer) -> np.ndarray:
    if dtype == np.uint32 or not len(ids):
        return ids
    top = int(ids.max())
    if top > np.iinfo(dtype).max:  # a tokenizer giving ids beyond its own vocab_size
        raise InputError(f"id {top} does not fit {dtype.name} (tokenizer vocab_size "
                         f"{tokenizer.vocab_size}); pass dtype='uint32'")
    return ids.astype(dtype)


def _check_options(tokenizer, shard_tokens, dtype, backend, num_workers) -> np.dtype:
    if not isinstance(shard_tokens, int) or isinstance(shard_tokens, bool) or shard_tokens < 1:
        raise OptionError(f"shard_tokens must be a positive integer, got {shard_tokens!r}")
    if backend not in ("local", "ray"):
        raise OptionError(f"backend must be 'local' or 'ray', got {backend!r}")
    if num_workers is not None and (not isinstance(num_workers, int) or num_workers < 1):
        raise OptionError(f"num_workers must be a positive integer or None, got {num_workers!r}")
    fits16 = tokenizer.vocab_size <= 1 << 16
    if dtype == "auto":
        return np.dtype(np.uint16 if fits16 else np.uint32)
    if dtype not in ("uint16", "uint32"):
        raise OptionError(f"dtype must be 'auto', 'uint16' or 'uint32', got {dtype!r}")
    if dtype == "uint16" and not fits16:
        raise OptionError(f"dtype='uint16' cannot hold the ids of a vocabulary of "
                          f"{tokenizer.vocab_size}; use 'uint32' or 'auto'")
    return np.dtype(dtype)


def _eot_id(tokenizer, append_eot: str | None) -> int | None:
    if append_eot is None:
        return None
    if append_eot not in tokenizer.special_tokens:
        known = ", ".join(map(repr, sorted(tokenizer.special_tokens))) or "none"
        raise OptionError(f"append_eot={append_eot!r} is not a special token of this tokenizer "
                          f"(its special tokens: {known})")
    return tokenizer.special_tokens[append_eot]


def _header(tokenizer, append_eot: str | None, eot_id: int | None) -> dict[str, Any]:
    return {
        "tokenizer": {"name": tokenizer.name, "vocab_size": tokenizer.vocab_size},
        "eot": None if append_eot is None else {"token": append_eot, "id": eot_id},
    }
