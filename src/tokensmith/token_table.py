"""The bytes of every id (a model's tokens, then special tokens beyond them), joined for decoding.

For tokenizers whose decoder is the plain byte join (:class:`~tokensmith.components.ByteDecoder`),
``TokenTable(...).join(ids)`` is ``Tokenizer.decode_bytes(ids)``: the compiled kernel
``_core/_decode.cpp`` reads a NumPy id array in place with the GIL released, or a list of ints;
its readable twin is :func:`tokensmith._reference.decode.join_token_bytes`.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from ._core import kernel
from ._reference.decode import join_token_bytes


class TokenTable:
    def __init__(self, tokens: Sequence[bytes], specials: Mapping[int, bytes] | None = None):
        """``tokens[i]``: the bytes of id ``i``; ``specials``: ``{id: bytes}``, used for ids
        past the tokens (a model's own token wins where both name an id, as in decoding)."""
        table: list[bytes | None] = list(tokens)
        for i, text in (specials or {}).items():
            if i >= len(table):
                table += [None] * (i + 1 - len(table))
            if table[i] is None:
                table[i] = text
        self._table = table
        core = kernel("_decode")
        self._core = None if core is None else core.TokenTable(table)

    def __len__(self) -> int:
        return len(self._table)

    def join(self, ids: Iterable[int]) -> bytes:
        """The bytes of ``ids`` joined (a NumPy integer array or any iterable of ints); an id
        without bytes is an InputError naming it."""
        if self._core is None:
            return join_token_bytes(self._table, ids)
        return self._core.join(ids)
