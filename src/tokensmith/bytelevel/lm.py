"""The language-model contract: a callable from a batch of id prefixes to next-token log-probs.

``lm(prefixes: list[list[int]]) -> array [len(prefixes), width]`` where ``width`` is the
tokenizer's ``vocab_size`` (the end of text, if any, is one of the tokenizer's ids) or
``vocab_size + 1`` (the last column is the model's own end-of-text symbol, as the n-gram model
here has). Anything that behaves so is a model: a ``transformers`` causal LM
(:class:`~tokensmith.bytelevel.hf.CausalLM`), the n-gram model
(:class:`~tokensmith.bytelevel.ngram.NgramLM`), a lambda in a test.

Optional attributes a model may have:

``all_prefixes(ids)``
    the rows of every prefix of ``ids`` at once (a transformer's one forward pass): scoring a
    text asks for its canonical tokenization's rows this way first.
``context_size``
    the number of last ids its prediction depends on (an n-gram model: ``order - 1``). Byte-level
    enumeration then merges token histories that agree on them, which makes the marginal over all
    token sequences a dynamic program instead of an enumeration.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Sequence

import numpy as np

from ..errors import InputError, OptionError

LanguageModel = Callable[[list[list[int]]], np.ndarray]


def model_width(lm: LanguageModel, vocab_size: int) -> int:
    """The output width of ``lm`` (asked once, on the empty prefix), checked against the vocabulary."""
    out = np.asarray(lm([[]]))
    if out.ndim != 2 or out.shape[0] != 1:
        raise OptionError(f"the language model must return log-probabilities of shape "
                          f"[len(prefixes), vocabulary]; for one prefix it returned shape {out.shape}")
    width = out.shape[1]
    if width not in (vocab_size, vocab_size + 1):
        raise OptionError(f"the tokenizer has {vocab_size} ids but the language model predicts "
                          f"{width} (expected {vocab_size}, or {vocab_size + 1} with an end symbol): "
                          f"the model was not trained with this tokenizer")
    return width


def check_ids(ids: Sequence[int], size: int, what: str = "token id") -> None:
    """Every id in ``[0, size)``, or an InputError naming the first that is not."""
    for i in ids:
        if not 0 <= int(i) < size:
            raise InputError(f"{what} {int(i)} is out of range: the model has {size} ids (0..{size - 1})")


class CachedModel:
    """``lm`` with its answers remembered per context (least recently used first out) and the time
    spent inside the model counted, so enumeration cost and model cost can be told apart."""

    def __init__(self, lm: LanguageModel, width: int, capacity: int = 4096):
        self.lm, self.width, self.capacity = lm, width, capacity
        self._cache: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self.calls = 0
        self.seconds = 0.0

    def put(self, contexts: Sequence[tuple], rows: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.float64)
        if rows.shape != (len(contexts), self.width):
            raise OptionError(f"the language model returned shape {rows.shape} for "
                              f"{len(contexts)} prefixes; expected {(len(contexts), self.width)}")
        for c, row in zip(contexts, rows):
            self._cache[c] = row
            self._cache.move_to_end(c)

    def get(self, contexts: Sequence[tuple]) -> list[np.ndarray]:
        """The log-probability rows of ``contexts``; one model call for all those not cached."""
        import time

        missing = list(dict.fromkeys(c for c in contexts if c not in self._cache))
        if missing:
            start = time.perf_counter()
            out = np.asarray(self.lm([list(c) for c in missing]), dtype=np.float64)
            self.seconds += time.perf_counter() - start
            self.calls += 1
            if out.shape != (len(missing), self.width):
                raise OptionError(f"the language model returned shape {out.shape} for "
                                  f"{len(missing)} prefixes; expected {(len(missing), self.width)}")
            for c, row in zip(missing, out):
                self._cache[c] = row
        rows = []
        for c in contexts:
            row = self._cache[c]
            self._cache.move_to_end(c)
            rows.append(row)
        while len(self._cache) > self.capacity:
            self._cache.popitem(last=False)
        return rows
