"""A token n-gram language model: light, exact to evaluate, trained here with NumPy.

Probabilities are interpolated Witten-Bell estimates (Witten & Bell 1991; Chen & Goodman 1998):
``P(w | h) = λ_h P_ML(w | h) + (1 - λ_h) P(w | h')`` with ``h'`` the history shortened by one,
``λ_h = N(h) / (N(h) + T(h))`` (tokens seen after ``h``, and distinct ones), down to the uniform
distribution, so every token and the end symbol always have mass. A context never seen backs off
to the shorter one.

The end of text is an explicit symbol: the model predicts ``vocab_size + 1`` outcomes, the last
one (id ``vocab_size``) ending the text; each training text is followed by it. The start of a
text is a context of its own (histories shorter than ``order - 1`` are padded with a start
symbol), so "the first token of a text" is learnt apart from "a token after anything".
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Iterable, Sequence

import numpy as np

from ..errors import InputError, ModelFileError, OptionError
from .lm import check_ids


class NgramLM:
    def __init__(self, vocab_size: int, order: int, levels: list[dict[tuple, tuple[np.ndarray, np.ndarray]]]):
        if order < 1:
            raise OptionError(f"an n-gram order is at least 1, not {order}")
        self.vocab_size, self.order, self.levels = int(vocab_size), int(order), levels
        self.end_id = self.vocab_size
        self.start_id = self.vocab_size + 1
        self.context_size = self.order - 1

    # -- training -------------------------------------------------------------------------------
    @classmethod
    def train(cls, sequences: Iterable[Sequence[int]], vocab_size: int, order: int = 3) -> "NgramLM":
        """Count the n-grams of token sequences (one text each; the end symbol is added)."""
        if order < 1:
            raise OptionError(f"an n-gram order is at least 1, not {order}")
        counts = [Counter() for _ in range(order)]
        start, end = vocab_size + 1, vocab_size
        seen = 0
        for seq in sequences:
            seq = [int(i) for i in seq]
            check_ids(seq, vocab_size)
            padded = [start] * (order - 1) + seq + [end]
            for pos in range(order - 1, len(padded)):
                for k in range(order):
                    counts[k][tuple(padded[pos - k:pos + 1])] += 1
            seen += 1
        if not seen:
            raise InputError("no text to train the n-gram model on")
        levels = []
        for k in range(order):
            grouped: dict[tuple, Counter] = {}
            for gram, c in counts[k].items():
                grouped.setdefault(gram[:-1], Counter())[gram[-1]] = c
            levels.append({ctx: (np.fromiter(g.keys(), np.int64), np.fromiter(g.values(), np.float64))
                           for ctx, g in grouped.items()})
        return cls(vocab_size, order, levels)

    @classmethod
    def train_on_texts(cls, tokenizer, texts: Iterable[str], order: int = 3) -> "NgramLM":
        texts = list(texts)
        return cls.train(tokenizer.encode_batch(texts), tokenizer.vocab_size, order)

    # -- the model contract -----------------------------------------------------------------------
    def __call__(self, prefixes: list[list[int]]) -> np.ndarray:
        out = np.empty((len(prefixes), self.vocab_size + 1))
        for row, prefix in enumerate(prefixes):
            check_ids(prefix, self.vocab_size)
            out[row] = np.log(self.probabilities(prefix))
        return out

    def probabilities(self, prefix: Sequence[int]) -> np.ndarray:
        """P(next | prefix) over the ids and the end symbol (``vocab_size + 1`` entries)."""
        history = [self.start_id] * (self.order - 1) + [int(i) for i in prefix]
        p = np.full(self.vocab_size + 1, 1.0 / (self.vocab_size + 1))
        for k in range(self.order):
            ctx = tuple(history[len(history) - k:]) if k else ()
            seen = self.levels[k].get(ctx)
            if seen is None:
                continue
            ids, counts = seen
            total = counts.sum()
            weight = total / (total + len(ids))
            p *= 1.0 - weight
            p[ids] += weight * counts / total
        return p

    # -- files -------------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        arrays = {"meta": np.array([self.vocab_size, self.order], dtype=np.int64)}
        for k, level in enumerate(self.levels):
            contexts = list(level)
            arrays[f"ctx{k}"] = np.array(contexts, dtype=np.int64).reshape(len(contexts), k)
            arrays[f"len{k}"] = np.array([len(level[c][0]) for c in contexts], dtype=np.int64)
            arrays[f"ids{k}"] = np.concatenate([level[c][0] for c in contexts] or [np.zeros(0, np.int64)])
            arrays[f"cnt{k}"] = np.concatenate([level[c][1] for c in contexts] or [np.zeros(0)])
        with open(path, "wb") as f:
            np.savez_compressed(f, **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "NgramLM":
        try:
            with np.load(path, allow_pickle=False) as data:
                vocab_size, order = (int(x) for x in data["meta"])
                levels = []
                for k in range(order):
                    ctx, lengths = data[f"ctx{k}"], data[f"len{k}"]
                    ids, counts = data[f"ids{k}"], data[f"cnt{k}"]
                    bounds = np.concatenate([[0], np.cumsum(lengths)])
                    if bounds[-1] != len(ids) or len(ids) != len(counts) or ids.size and (
                            ids.min() < 0 or ids.max() > vocab_size):
                        raise ValueError(f"level {k} is inconsistent")
                    levels.append({tuple(int(x) for x in ctx[j]): (ids[bounds[j]:bounds[j + 1]],
                                                                     counts[bounds[j]:bounds[j + 1]])
                                   for j in range(len(ctx))})
        except OSError as exc:
            raise ModelFileError(path, f"cannot read: {exc.strerror or exc}") from None
        except (KeyError, ValueError, EOFError) as exc:
            detail = str(exc) if "inconsistent" in str(exc) else "not a NumPy archive with its arrays"
            raise ModelFileError(path, f"not an n-gram model file written by NgramLM.save ({detail})") from None
        return cls(vocab_size, order, levels)


class RandomBigramLM:
    """A seeded random token bigram model (each row Dirichlet-distributed), over the ids and an
    end symbol: a model with no regularities, for exactness tests."""

    def __init__(self, vocab_size: int, seed: int = 0, concentration: float = 0.3):
        rng = np.random.default_rng(seed)
        self.vocab_size = vocab_size
        self.end_id = vocab_size
        self.context_size = 1
        # Row vocab_size is the start of text.
        p = rng.dirichlet(np.full(vocab_size + 1, concentration), size=vocab_size + 1) + 1e-9
        self.table = np.log(p / p.sum(axis=1, keepdims=True))

    def __call__(self, prefixes: list[list[int]]) -> np.ndarray:
        rows = []
        for prefix in prefixes:
            check_ids(prefix, self.vocab_size)
            rows.append(prefix[-1] if prefix else self.vocab_size)
        return self.table[rows]
