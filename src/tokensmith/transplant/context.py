"""What every transplant method receives: the two tokenizers, the model's matrix, what they share.

A method is a module in :mod:`tokensmith.transplant.methods` with one function::

    def initialize(ctx: TransplantContext, matrix: np.ndarray) -> np.ndarray

``matrix`` is one of the model's vocabulary matrices (the input embeddings, or the output head when
it is not tied), ``[old_vocab_size, width]`` float32. The result is the new matrix,
``[new_vocab_size, width]`` float32; rows of tokens both vocabularies share (``ctx.shared``) must be
copied from ``matrix`` unchanged unless the method's paper says otherwise. The caller casts back
to the checkpoint's dtype.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np


@dataclass
class TransplantContext:
    old_tokenizer: Any                 # tokensmith Tokenizer of the checkpoint
    new_tokenizer: Any                 # tokensmith Tokenizer the model moves to
    shared: dict[int, int]             # new id -> old id, tokens both vocabularies hold (conventions matched)
    corpus: Sequence[str] | None = None  # texts, for methods that learn from text (FOCUS, TokAlign ...)
    seed: int = 0
    options: dict[str, Any] = field(default_factory=dict)  # the method's own options, from the caller
    progress: Callable[[str, int, int], None] | None = None  # (stage, done, total)
    # Donor space for OMP-style methods: the model's own input embeddings by default.
    input_embeddings: np.ndarray | None = None
    # What each token of both vocabularies means and which are shared
    # (:class:`tokensmith.transplant.matching.VocabularyMatch`); computed on first use when None.
    match: Any = None

    @property
    def old_vocab_size(self) -> int:
        return self.old_tokenizer.vocab_size

    @property
    def new_vocab_size(self) -> int:
        return self.new_tokenizer.vocab_size
