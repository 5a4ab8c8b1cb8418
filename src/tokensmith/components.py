"""The pluggable stages of the pipeline and the registry that saves and loads them.

``text ─ normalize ─ split ─ segment with a vocabulary (model) ─ special tokens ─▶ ids``
``ids ─ decoder ─▶ text``

Each stage is a small class with a ``kind`` name and ``to_dict`` / ``from_dict``; registering
the class with :func:`register` is what lets the native file format save and load it. A custom
stage written in Python is therefore saveable too, once registered.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Sequence

from .errors import OptionError

_REGISTRY: dict[tuple[str, str], type] = {}


def register(cls):
    """Class decorator: make ``cls`` loadable from its ``{"type": cls.kind, ...}`` dict."""
    _REGISTRY[(cls.stage, cls.kind)] = cls
    return cls


# Modules whose stages register themselves on import; imported the first time a saved file
# names a type that is not registered yet, so loading never depends on what was imported before.
PROVIDER_MODULES = [
    "tokensmith.normalizers.common", "tokensmith.normalizers.bert", "tokensmith.normalizers.hf",
    "tokensmith.pre_tokenizers.splitters", "tokensmith.pre_tokenizers.metaspace",
    "tokensmith.pre_tokenizers.bert", "tokensmith.pre_tokenizers.protected",
    "tokensmith.pre_tokenizers.hf",
    "tokensmith.models.bpe.model", "tokensmith.models.bpe.sentencepiece",
    "tokensmith.models.unigram.model", "tokensmith.models.wordpiece.model",
    "tokensmith.models.scaffold_bpe", "tokensmith.models.protected", "tokensmith.models.hf",
    "tokensmith.segmenters", "tokensmith.decoders.common", "tokensmith.decoders.hf",
    "tokensmith.post_processors.hf",
]


def from_dict(stage: str, data: dict[str, Any] | None):
    if data is None:
        return None
    key = (stage, data.get("type") if isinstance(data, dict) else None)
    if key not in _REGISTRY:
        import importlib

        for module in PROVIDER_MODULES:
            importlib.import_module(module)
    try:
        cls = _REGISTRY[key]
    except KeyError:
        raise OptionError(f"unknown {stage} type {key[1]!r}") from None
    return cls.from_dict(data)


class Stage(ABC):
    stage: ClassVar[str]
    kind: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls()

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items() if k != "type")
        return f"{type(self).__name__}({args})"


class Normalizer(Stage):
    """Rewrites text before splitting (NFKC, lowercasing, SentencePiece's space marker, ...)."""

    stage = "normalizer"

    @abstractmethod
    def normalize(self, text: str) -> str: ...


class Splitter(Stage):
    """Cuts normalized text into pieces; the model never merges across pieces."""

    stage = "splitter"

    @abstractmethod
    def split(self, text: str) -> list[str]: ...


class Model(Stage):
    """A vocabulary and the way it segments one piece into token ids."""

    stage = "model"

    @abstractmethod
    def encode_pieces(self, pieces: Sequence[bytes]) -> list[int]:
        """Token ids of the pieces, in order (pieces are UTF-8 bytes after normalize/split)."""

    @abstractmethod
    def token_bytes(self) -> list[bytes]:
        """Bytes of every token, indexed by id (the form the decoder joins)."""

    @property
    def vocab_size(self) -> int:
        return len(self.token_bytes())

    def compiled_encoder(self, normalizer: "Normalizer | None", splitter: "Splitter | None"):
        """The compiled encoder of whole texts through ``normalizer`` and ``splitter`` with this
        model, as ``(encoder, splitter_name)``, or None when this pipeline has none (the stages
        then run one after another).

        One interface for every encoder: ``encoder.encode(text, splitter_name)``,
        ``encode_array(text, splitter_name)`` and ``encode_batch(texts, splitter_name, threads)``
        (encoders that compile their own text stages ignore the name, which is then None)."""
        return None


class Decoder(Stage):
    """Turns the tokens' bytes back into text bytes."""

    stage = "decoder"

    @abstractmethod
    def decode(self, tokens: Sequence[bytes]) -> bytes: ...


@register
class ByteDecoder(Decoder):
    """Byte-level vocabularies: the text is the concatenation of the tokens' bytes."""

    kind = "bytes"

    def decode(self, tokens: Sequence[bytes]) -> bytes:
        return b"".join(tokens)
