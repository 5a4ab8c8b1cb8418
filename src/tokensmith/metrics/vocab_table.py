"""Per-token facts every vocabulary measure needs, computed once per tokenizer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_WHITESPACE = b" \t\n\r\x0b\x0c"


@dataclass
class VocabTable:
    surfaces: list[bytes | None]   # surface bytes by id; None for control tokens and id holes
    byte_len: np.ndarray            # len(surface), 0 for None
    solid: list[bytes]              # surface without ASCII whitespace (b"" for None)
    solid_len: np.ndarray

    @classmethod
    def of(cls, tokenizer) -> "VocabTable":
        cached = getattr(tokenizer, "_tokensmith_vocab_table", None)
        if cached is not None:
            return cached
        surfaces = [tokenizer.token_bytes(i) for i in range(tokenizer.vocab_size)]
        solid = [b"" if s is None else s.translate(None, _WHITESPACE) for s in surfaces]
        table = cls(surfaces,
                    np.array([0 if s is None else len(s) for s in surfaces], dtype=np.int64),
                    solid, np.array([len(s) for s in solid], dtype=np.int64))
        try:
            tokenizer._tokensmith_vocab_table = table
        except AttributeError:
            pass
        return table

    @property
    def text_ids(self) -> np.ndarray:
        """Ids of tokens that stand for text (not control tokens)."""
        return np.array([i for i, s in enumerate(self.surfaces) if s is not None], dtype=np.int64)


def solid_bytes(text: str) -> bytes:
    return text.encode("utf-8").translate(None, _WHITESPACE)
