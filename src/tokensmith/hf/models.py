"""HF ``tokenizers``' models: ``build_model(spec, path)`` turns the ``"model"`` object of a
tokenizer.json into a tokensmith :class:`~tokensmith.components.Model` with HF's ids.

The model receives the UTF-8 bytes of the pre-tokenizer's strings (``"Ġhello"`` after ByteLevel,
``"▁Hello"`` after Metaspace) and its ``token_bytes()`` are the UTF-8 of the vocabulary strings,
the form HF's decoders read. Each model also answers HF's ``token_to_id``, ``id_to_token``,
``get_vocab`` and ``unk_id``, and keeps its spec (``hf_spec()``) so that it is written back as read.

=============  ================================================  =========================
HF type        model                                             module
=============  ================================================  =========================
BPE            :class:`~tokensmith.hf.bpe_model.HFBPEModel`          ``hf.bpe_model``
Unigram        :class:`~tokensmith.hf.unigram_model.HFUnigramModel`  ``hf.unigram_model``
WordPiece      :class:`~tokensmith.hf.word_models.HFWordPieceModel`  ``hf.word_models``
WordLevel      :class:`~tokensmith.hf.word_models.HFWordLevelModel`  ``hf.word_models``
=============  ================================================  =========================

A spec without ``"type"`` (older files) is recognised by its fields, in the order HF's untagged
deserializer tries the models.
"""

from __future__ import annotations

from typing import Any

from ..components import Model
from ..errors import ModelFileError
from .bpe_model import HFBPEModel
from .unigram_model import HFUnigramModel
from .word_models import HFWordLevelModel, HFWordPieceModel

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
