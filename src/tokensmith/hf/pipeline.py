"""Any HF ``tokenizer.json``, assembled from HF's general components.

``read(document, path)`` builds each stage from its spec (``normalizers``, ``pre_tokenizers``,
``models``, ``decoders``, ``post_processors``) and the added tokens, into one
:class:`~tokensmith.Tokenizer` that encodes and decodes as ``tokenizers.Tokenizer.from_file``
does. ``formats.hf_json`` calls it for the files the compiled fast readers do not reproduce.

``write(tokenizer)`` is the inverse for such tokenizers: each component module writes its
components' HF specs back (``normalizer_to_hf``, ``pre_tokenizer_to_hf``, ``model_to_hf``,
``decoder_to_hf``), so the document is written back as it was read.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from ..errors import ModelFileError

COMPONENT_MODULES = ("normalizers", "pre_tokenizers", "models", "decoders")


def _builders(refusal: ModelFileError | None):
    """The component modules; without them (an installation lacking the general path) the
    fast reader's reason for refusing the file is the error to report."""
    modules = {}
    for name in COMPONENT_MODULES:
        try:
            modules[name] = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.{name}":
                raise
            if refusal is not None:
                raise refusal from None
            raise ModelFileError("<tokenizer.json>", f"HF component module {name!r} is missing") from None
    return modules


def hf_model_vocab_size(model) -> int:
    """HF's ``model.get_vocab_size()``, from which HF numbers the added tokens: the length of
    the model's vocabulary (a Unigram's list, counting repeated pieces; else its map)."""
    pieces = getattr(model, "pieces", None)
    return len(pieces) if pieces is not None else len(model.get_vocab())


def read(document: dict, path: str | os.PathLike, name: str | None = None,
         refusal: ModelFileError | None = None):
    """The tokenizer of an HF ``tokenizer.json`` document, exactly as HF ``tokenizers`` loads it."""
    from ..formats.hf_json import read_extras
    from ..tokenizer import Tokenizer

    built = _builders(refusal)
    normalizer = built["normalizers"].build_normalizer(document.get("normalizer"), path)
    splitter = built["pre_tokenizers"].build_pre_tokenizer(document.get("pre_tokenizer"), path)
    model = built["models"].build_model(document["model"], path)
    decoder = built["decoders"].build_decoder(document.get("decoder"), path)
    added, post = read_extras(document, path, model.token_to_id, hf_model_vocab_size(model))
    return Tokenizer(model, splitter, normalizer=normalizer, decoder=decoder,
                     added_tokens=added, post_processor=post,
                     name=name or os.path.basename(os.fspath(path)))


def write(tokenizer) -> dict[str, Any] | None:
    """The tokenizer.json document of a tokenizer whose model was read by this pipeline (its
    components write their HF specs back); ``None`` for any other tokenizer."""
    from ..formats.hf_json import added_tokens, post_processor

    try:
        built = _builders(None)
    except ModelFileError:
        return None
    model = built["models"].model_to_hf(tokenizer.model)
    if model is None:
        return None
    return {"version": "1.0", "truncation": None, "padding": None,
            "added_tokens": added_tokens(tokenizer),
            "normalizer": built["normalizers"].normalizer_to_hf(tokenizer.normalizer),
            "pre_tokenizer": built["pre_tokenizers"].pre_tokenizer_to_hf(tokenizer.splitter),
            "post_processor": post_processor(tokenizer),
            "decoder": built["decoders"].decoder_to_hf(tokenizer.decoder),
            "model": model}
