"""The embedding and unembedding matrices of a Hugging Face checkpoint folder, as numpy arrays.

One small reader (``config.json`` + ``*.safetensors``) until the project's checkpoint reader takes
its place: :func:`read_embeddings` is the only function that opens the folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import ModelFileError

_INPUT = ("embed_tokens.weight", "wte.weight", "word_embeddings.weight", "embed_in.weight",
          "tok_embeddings.weight")
_OUTPUT = ("lm_head.weight", "embed_out.weight", "output.weight")


def read_embeddings(folder) -> tuple[np.ndarray, np.ndarray | None, bool]:
    """``(input embeddings, output embeddings or None, tied)`` of the checkpoint in ``folder``.

    ``tied`` is the config's ``tie_word_embeddings`` (True when absent, as in transformers); a tied
    model's output matrix is its input matrix. An encoder without a language-model head (BERT,
    sentence embedders) has no output matrix: None.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelFileError(folder, "not a checkpoint folder")
    config_path = folder / "config.json"
    try:
        config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.exists() else {}
    except (OSError, ValueError) as exc:
        raise ModelFileError(config_path, f"cannot read the config: {exc}") from None
    tied = bool(config.get("tie_word_embeddings", True))
    files = sorted(folder.glob("*.safetensors"))
    if not files:
        raise ModelFileError(folder, "no .safetensors weights in the folder")
    found = _find(files, _INPUT + _OUTPUT)
    inputs = next((found[k] for k in found if k.endswith(_INPUT)), None)
    if inputs is None:
        raise ModelFileError(folder, "no token embedding matrix (embed_tokens, wte, word_embeddings, ...)")
    outputs = next((found[k] for k in found if k.endswith(_OUTPUT)), None)
    if outputs is None and tied and _has_lm_head(config):
        outputs = inputs
    return inputs, outputs, tied and outputs is inputs


def _has_lm_head(config: dict) -> bool:
    """A causal LM (``...ForCausalLM`` / ``...LMHeadModel``) has a head even when it shares the matrix."""
    return any(a.endswith(("ForCausalLM", "LMHeadModel")) for a in config.get("architectures", []))


def _find(files: list[Path], suffixes: tuple[str, ...]) -> dict[str, np.ndarray]:
    try:
        from safetensors import SafetensorError, safe_open
    except ImportError as exc:
        raise ImportError("reading checkpoint weights needs safetensors "
                          "(pip install 'tokensmith[forensics]')") from exc
    out = {}
    for path in files:
        try:
            with safe_open(str(path), framework="numpy") as f:
                for name in f.keys():
                    if name.endswith(suffixes):
                        out[name] = np.asarray(f.get_tensor(name), dtype=np.float32)
        except (OSError, ValueError, TypeError, SafetensorError) as exc:  # damaged files, bf16 for numpy
            raise ModelFileError(path, f"cannot read the weights: {exc}") from None
    return out
