"""HF ``tokenizers``' models: ``build_model(spec, path)`` turns the ``"model"`` object of a
tokenizer.json into a tokensmith :class:`~tokensmith.components.Model` with HF's ids.

The model receives the UTF-8 bytes of the pre-tokenizer's strings (``"Ġhello"`` after ByteLevel,
``"▁Hello"`` after Metaspace) and its ``token_bytes()`` are the UTF-8 of the vocabulary strings,
the form HF's decoders read. Each model also answers HF's ``token_to_id``, ``id_to_token``,
``get_vocab`` and ``unk_id``, and keeps its spec (``hf_spec()``) so that it is written back as read.

=============  ================================================  =========================
HF type        model                                             module
=============  ================================================  =========================
BPE            :class:`~tokensmith.models.bpe.hf.HFBPEModel`          ``hf.bpe_model``
Unigram        :class:`~tokensmith.models.unigram.hf.HFUnigramModel`  ``hf.unigram_model``
WordPiece      :class:`~tokensmith.models.wordpiece.hf.HFWordPieceModel`  ``hf.word_models``
WordLevel      :class:`~tokensmith.models.wordpiece.hf.HFWordLevelModel`  ``hf.word_models``
=============  ================================================  =========================

A spec without ``"type"`` (older files) is recognised by its fields, in the order HF's untagged
deserializer tries the models.
"""

from __future__ import annotations

from typing import Any

from ..components import Model
from ..errors import ModelFileError
from .bpe.hf import HFBPEModel
from .unigram.hf import HFUnigramModel
from .wordpiece.hf import HFWordLevelModel, HFWordPieceModel

MODELS = {"BPE": HFBPEModel, "Unigram": HFUnigramModel, "WordPiece": HFWordPieceModel,
          "WordLevel": HFWordLevelModel}


def build_model(spec: Any, path: Any) -> Model:
    """The tokensmith model of an HF model spec; :class:`ModelFileError` names what is wrong."""
    if not isinstance(spec, dict):
        raise ModelFileError(path, "the tokenizer.json 'model' is not an object")
    kind = spec.get("type") or model_type(spec)
    cls = MODELS.get(kind)
    if cls is None:
        raise ModelFileError(path, f"HF model type {kind!r} is not supported "
                                   f"(known: {', '.join(MODELS)})")
    try:
        return cls(spec, path)
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise ModelFileError(path, f"malformed {kind} model ({type(exc).__name__}: {exc})") from None


def model_type(spec: dict) -> str:
    """The type of a spec written without one."""
    if isinstance(spec.get("vocab"), list):
        return "Unigram"
    if "merges" in spec:
        return "BPE"
    if "continuing_subword_prefix" in spec or "max_input_chars_per_word" in spec:
        return "WordPiece"
    return "WordLevel"


def model_to_hf(model: Model) -> dict | None:
    """The tokenizer.json ``"model"`` object of a model read by :func:`build_model`, else None."""
    spec = getattr(model, "hf_spec", None)
    return spec() if spec is not None else None
