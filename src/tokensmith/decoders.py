"""Decoders for SentencePiece-style vocabularies, and the base of HF-style decoders.

:class:`ChainDecoder` is a decoder written as HF ``tokenizers`` writes them: one step from the
tokens' strings to strings (``decode_chain``), so that steps can follow one another in a
sequence; the text is the join of the last step's strings.

:class:`MetaspaceDecoder` turns ``▁`` back into spaces and drops the space the normalizer added in
front of the text (SentencePiece's dummy prefix, HF's Metaspace ``prepend_scheme``). Byte-fallback
pieces ``<0xAB>`` reach the decoder already as the raw byte ``0xAB`` (the model's ``token_bytes``),
so a character spelled in byte pieces is reassembled by the plain join.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Sequence

from .components import Decoder, register

SPACE_BYTES = "\u2581".encode()


class ChainDecoder(Decoder):
    """A decoder made of one HF-style step: token strings in, strings out."""

    @abstractmethod
    def decode_chain(self, tokens: list[str]) -> list[str]: ...

    def hf_spec(self) -> dict[str, Any]:
        """This step as a tokenizer.json ``"decoder"`` object."""
        raise NotImplementedError

    def decode(self, tokens: Sequence[bytes]) -> bytes:
        # surrogateescape carries bytes that are not UTF-8 through the steps unchanged.
        strings = [t.decode("utf-8", "surrogateescape") for t in tokens]
        return "".join(self.decode_chain(strings)).encode("utf-8", "surrogateescape")


@register
class MetaspaceDecoder(Decoder):
    kind = "metaspace"

    def __init__(self, replacement: str = "\u2581", strip_leading: bool = True):
        self.replacement = replacement
        self.strip_leading = bool(strip_leading)
        self._marker = replacement.encode("utf-8")

    def decode(self, tokens: Sequence[bytes]) -> bytes:
        tokens = list(tokens)
        if self.strip_leading:
            for k, token in enumerate(tokens):
                if token:
                    if token.startswith(self._marker):
                        tokens[k] = token[len(self._marker):]
                    break
        return b"".join(tokens).replace(self._marker, b" ")

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "replacement": self.replacement, "strip_leading": self.strip_leading}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data.get("replacement", "\u2581"), data.get("strip_leading", True))
