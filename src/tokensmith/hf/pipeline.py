"""Any HF ``tokenizer.json``, assembled from HF's general components.

``read(document, path)`` builds each stage from its spec (``normalizers``, ``pre_tokenizers``,
``models``, ``decoders``, ``post_processors``) and the added tokens, into one
:class:`~tokensmith.Tokenizer` that encodes and decodes as ``tokenizers.Tokenizer.from_file``
does. ``formats.hf_json`` calls it for the files the compiled fast readers do not reproduce.

``write(tokenizer)`` is the inverse for such tokenizers: every component keeps its HF spec
(its ``to_dict`` is that spec), so the document is written back as it was read.
"""

from __future__ import annotations

import importlib
import os
from typing import Any, Sequence

from ..components import Decoder, register
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
    """HF's ``model.get_vocab_size()``, from which HF numbers the added tokens."""
    size = getattr(model, "hf_vocab_size", None)
    return int(size) if size is not None else int(model.vocab_size)


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
    return Tokenizer(model, splitter, normalizer=normalizer,
                     decoder=decoder if decoder is not None else SpaceJoinDecoder(),
                     added_tokens=added, post_processor=post,
                     name=name or os.path.basename(os.fspath(path)))


@register
class SpaceJoinDecoder(Decoder):
    """HF's decoding when a file has no decoder: the token strings joined by single spaces."""

    kind = "hf_no_decoder"

    def decode(self, tokens: Sequence[bytes]) -> bytes:
        return b" ".join(tokens)

    def hf_spec(self) -> None:
        return None


def _spec(component) -> Any:
    """A component's HF spec, or ``KeyError`` when it is not an HF component."""
    if component is None:
        return None
    if hasattr(component, "hf_spec"):
        return component.hf_spec()
    if getattr(component, "hf_component", False):
        return component.to_dict()
    raise KeyError(type(component).__name__)


def write(tokenizer) -> dict[str, Any] | None:
    """The tokenizer.json document of a tokenizer made of HF components (``None`` otherwise)."""
    from ..formats.hf_json import added_tokens, post_processor

    try:
        parts = {stage: _spec(getattr(tokenizer, attr)) for stage, attr in (
            ("normalizer", "normalizer"), ("pre_tokenizer", "splitter"),
            ("decoder", "decoder"), ("model", "model"))}
    except KeyError:
        return None
    return {"version": "1.0", "truncation": None, "padding": None,
            "added_tokens": added_tokens(tokenizer), "normalizer": parts["normalizer"],
            "pre_tokenizer": parts["pre_tokenizer"], "post_processor": post_processor(tokenizer),
            "decoder": parts["decoder"], "model": parts["model"]}
