"""Any HF ``tokenizer.json``, assembled from HF's general components.

``read(document, path)`` builds each stage from its spec (``normalizers.hf``, ``pre_tokenizers.hf``,
``models.hf``, ``decoders.hf``, ``post_processors.hf``) and the added tokens, into one
:class:`~tokensmith.Tokenizer` that encodes and decodes as ``tokenizers.Tokenizer.from_file``
does. ``formats.hf_json`` calls it for the files the compiled fast readers do not reproduce.

``write(tokenizer)`` is the inverse for such tokenizers: each component module writes its
components' HF specs back (``normalizer_to_hf``, ``pre_tokenizer_to_hf``, ``model_to_hf``,
``decoder_to_hf``), so the document is written back as it was read.
"""

from __future__ import annotations

import os
from typing import Any


def hf_model_vocab_size(model) -> int:
    """HF's ``model.get_vocab_size()``, from which HF numbers the added tokens: the length of
    the model's vocabulary (a Unigram's list, counting repeated pieces; else its map)."""
    pieces = getattr(model, "pieces", None)
    return len(pieces) if pieces is not None else len(model.get_vocab())


def read(document: dict, path: str | os.PathLike, name: str | None = None):
    """The tokenizer of an HF ``tokenizer.json`` document, exactly as HF ``tokenizers`` loads it."""
    from ..decoders.hf import build_decoder
    from ..models.hf import build_model
    from ..normalizers.hf import build_normalizer
    from ..pre_tokenizers.hf import build_pre_tokenizer
    from ..tokenizer import Tokenizer
    from .hf_json import read_extras

    normalizer = build_normalizer(document.get("normalizer"), path)
    splitter = build_pre_tokenizer(document.get("pre_tokenizer"), path)
    model = build_model(document["model"], path)
    decoder = build_decoder(document.get("decoder"), path)
    added, post = read_extras(document, path, model.token_to_id, hf_model_vocab_size(model))
    return Tokenizer(model, splitter, normalizer=normalizer, decoder=decoder,
                     added_tokens=added, post_processor=post,
                     name=name or os.path.basename(os.fspath(path)))


def write(tokenizer) -> dict[str, Any] | None:
    """The tokenizer.json document of a tokenizer whose model was read by this pipeline (its
    components write their HF specs back); ``None`` for any other tokenizer."""
    from ..decoders.hf import decoder_to_hf
    from ..models.hf import model_to_hf
    from ..normalizers.hf import normalizer_to_hf
    from ..pre_tokenizers.hf import pre_tokenizer_to_hf
    from .hf_json import added_tokens, post_processor

    model = model_to_hf(tokenizer.model)
    if model is None:
        return None
    return {"version": "1.0", "truncation": None, "padding": None,
            "added_tokens": added_tokens(tokenizer),
            "normalizer": normalizer_to_hf(tokenizer.normalizer),
            "pre_tokenizer": pre_tokenizer_to_hf(tokenizer.splitter),
            "post_processor": post_processor(tokenizer),
            "decoder": decoder_to_hf(tokenizer.decoder),
            "model": model}
