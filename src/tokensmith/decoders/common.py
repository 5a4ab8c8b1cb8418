"""Decoders for SentencePiece-style vocabularies, and the base of HF-style decoders.

:class:`ChainDecoder` is a decoder written as HF ``tokenizers`` writes them: one step from the
tokens' strings to strings (``decode_chain``), so that steps can follow one another in a
sequence; the text is the join of the last step's strings.

:class:`MetaspaceDecoder` turns ``▁`` back into spaces and drops the space the normalizer added in
front of the text (SentencePiece's dummy prefix, HF's Metaspace ``prepend_scheme``). Byte-fallback
pieces ``<0xAB>`` reach the decoder already as the raw byte ``0xAB`` (the model's ``token_bytes``),
so a character spelled in byte pieces is reassembled by the plain join.

SentencePiece writes its unknown piece as ``unk_surface`` (`` ⁇ ``, spaces included) rather than
as the piece's text; a decoder given ``unk_piece`` does the same. The unknown piece counts as the
first token: a ``▁`` after it stays a space (SentencePiece's ``DecodeIds``). ``▁`` is replaced
token by token, so a ``▁`` spelled in byte pieces stays ``▁``, as in SentencePiece and HF.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Sequence

from ..components import Decoder, register
from ..errors import OptionError

SPACE_BYTES = "\u2581".encode()
UNK_SURFACE = " \u2047 "  # SentencePiece's default text of the unknown piece


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

    def __init__(self, replacement: str = "\u2581", strip_leading: bool = True,
                 unk_piece: str | None = None, unk_surface: str = UNK_SURFACE):
        # Checked here: a file naming no surface for its unknown piece must fail at load, not
        # when a text first decodes one.
        for name, value in (("replacement", replacement), ("unk_surface", unk_surface)):
            if not isinstance(value, str):
                raise OptionError(f"Metaspace decoder: {name} must be a string, not {value!r:.40}")
        if unk_piece is not None and not isinstance(unk_piece, str):
            raise OptionError(f"Metaspace decoder: unk_piece must be a string or null, not {unk_piece!r:.40}")
        self.replacement = replacement
        self.strip_leading = bool(strip_leading)
        self.unk_piece, self.unk_surface = unk_piece, unk_surface
        self._marker = replacement.encode("utf-8")
        self._unk = None if unk_piece is None else unk_piece.encode("utf-8")

    def decode(self, tokens: Sequence[bytes]) -> bytes:
        tokens = list(tokens)
        if self.strip_leading:
            for k, token in enumerate(tokens):
                if token:
                    if token.startswith(self._marker):
                        tokens[k] = token[len(self._marker):]
                    break
        # Token by token: a marker spelled in byte pieces stays a marker (SentencePiece and HF
        # turn byte pieces into text after replacing the marker).
        marker = self._marker
        if self._unk is None:
            return b"".join([t.replace(marker, b" ") for t in tokens])
        surface = self.unk_surface.encode("utf-8")
        return b"".join([surface if t == self._unk else t.replace(marker, b" ") for t in tokens])

    def to_dict(self) -> dict[str, Any]:
        data = {"type": self.kind, "replacement": self.replacement, "strip_leading": self.strip_leading}
        if self.unk_piece is not None:
            data.update(unk_piece=self.unk_piece, unk_surface=self.unk_surface)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data.get("replacement", "\u2581"), data.get("strip_leading", True),
                   data.get("unk_piece"), data.get("unk_surface", UNK_SURFACE))
