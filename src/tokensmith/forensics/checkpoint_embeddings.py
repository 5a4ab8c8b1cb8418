"""The embedding and unembedding matrices of a Hugging Face checkpoint folder, as numpy arrays.

Read through :mod:`tokensmith.checkpoint` (the reader the transplant uses); this module only says
which matrices the under-trained-token indicators look at.
"""

from __future__ import annotations

import numpy as np

from ..checkpoint import open_checkpoint


def read_embeddings(folder) -> tuple[np.ndarray, np.ndarray | None, bool]:
    """``(input embeddings, output embeddings or None, tied)`` of the checkpoint in ``folder``.

    A tied causal LM's output matrix is its input matrix (``tied`` True). An encoder without a
    language-model head (BERT, sentence embedders) has no output matrix: None.
    """
    checkpoint = open_checkpoint(folder)
    inputs = checkpoint.input_embeddings()
    outputs = checkpoint.output_embeddings()
    if outputs is None and _has_lm_head(checkpoint.config):
        outputs = inputs
    return inputs, outputs, outputs is inputs


def _has_lm_head(config: dict) -> bool:
    """A causal LM (``...ForCausalLM`` / ``...LMHeadModel``) has a head even when it shares the matrix."""
    return any(a.endswith(("ForCausalLM", "LMHeadModel")) for a in config.get("architectures", []))
