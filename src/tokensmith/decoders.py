"""Decoders for SentencePiece-style vocabularies.

:class:`MetaspaceDecoder` turns ``▁`` back into spaces and drops the space the normalizer added in
front of the text (SentencePiece's dummy prefix, HF's Metaspace ``prepend_scheme``). Byte-fallback
pieces ``<0xAB>`` reach the decoder already as the raw byte ``0xAB`` (the model's ``token_bytes``),
so a character spelled in byte pieces is reassembled by the plain join.
"""

from __future__ import annotations

from typing import Any, Sequence

from .components import Decoder, register

SPACE_BYTES = "\u2581".encode()


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
