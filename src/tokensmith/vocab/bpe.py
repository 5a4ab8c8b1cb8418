"""Byte-level BPE: a vocabulary of byte strings and a ranked table of merges.

Two published semantics share one representation, a table ``(left_id, right_id) -> (rank, merged_id)``:

* ``merges`` (GPT-2 ``merges.txt``, HF ``tokenizer.json``): only the listed pairs merge, rank is
  the line number.
* ``tiktoken`` (``.tiktoken`` files): any two adjacent parts whose concatenation is a token merge,
  rank is that token's rank (= its id). The table then lists every split of every token into two
  tokens, and a piece that is itself a token is one lookup, as tiktoken does.

Among candidate pairs the lowest rank merges first, the leftmost on ties.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .._reference.bpe import merge_piece
from ..components import Model, register
from ..errors import OptionError


def _core():
    try:
        from .._core import _bpe
    except ImportError:  # compiled core not built: pure-Python reference path
        return None
    return _bpe


@register
class BPEModel(Model):
    kind = "bpe"

    def __init__(self, tokens: Sequence[bytes], merges: Sequence[tuple[int, int]] | None = None,
                 *, semantics: str = "merges"):
        """``tokens[i]`` is the bytes of id ``i``; ``merges`` are ``(left_id, right_id)`` in rank order.

        With ``semantics="tiktoken"`` merges are derived from the tokens (rank = id) and ``merges``
        must be None.
        """
        self.tokens = [bytes(t) for t in tokens]
        self.semantics = semantics
        self.token_id = {t: i for i, t in enumerate(self.tokens)}
        if len(self.token_id) != len(self.tokens):
            raise OptionError("BPE vocabulary has duplicate tokens")
        self.byte_ids = [self.token_id.get(bytes([b]), -1) for b in range(256)]
        missing = [b for b, i in enumerate(self.byte_ids) if i < 0]
        if missing:
            raise OptionError(f"byte-level BPE vocabulary lacks {len(missing)} single bytes "
                              f"(first: 0x{missing[0]:02x})")
        if semantics == "tiktoken":
            if merges is not None:
                raise OptionError("tiktoken semantics derive merges from the ranks; pass merges=None")
            table = self._tiktoken_table()
            self.merges = None
        elif semantics == "merges":
            self.merges = [(int(a), int(b)) for a, b in (merges or [])]
            tokens, token_id = self.tokens, self.token_id
            rows = [(a, b, rank, token_id.get(tokens[a] + tokens[b], -1))
                    for rank, (a, b) in enumerate(self.merges)]
            table = np.array(rows, dtype=np.int64).reshape(-1, 4)
            unknown = np.flatnonzero(table[:, 3] < 0)
            if unknown.size:
                rank = int(unknown[0])
                a, b = self.merges[rank]
                raise OptionError(f"merge {rank} ({self.tokens[a]!r}, {self.tokens[b]!r}) "
                                  "produces a token that is not in the vocabulary")
        else:
            raise OptionError(f"unknown BPE semantics {semantics!r} (merges or tiktoken)")
        self.table = table
        self._py_table = None
        core = _core()
        self.core = None if core is None else core.BPECore(
            self.tokens, table.astype(np.uint32), semantics == "tiktoken")

    def _tiktoken_table(self) -> np.ndarray:
        core = _core()
        if core is not None:
            return core.tiktoken_merge_table(self.tokens)
        return self._tiktoken_table_reference()

    def _tiktoken_table_reference(self) -> np.ndarray:
        """Every split of a token into two tokens: rows (left, right, rank, merged), rank = id."""
        rows = []
        tid = self.token_id
        # Both halves of a split are tokens, so only cuts at token lengths are tried: the work
        # per token is bounded by the number of distinct lengths, not quadratic in its length.
        lengths = sorted({len(t) for t in self.tokens})
        for merged, tok in enumerate(self.tokens):
            n = len(tok)
            for k in lengths:
                if k >= n:
                    break
                a = tid.get(tok[:k])
                b = None if a is None else tid.get(tok[k:])
                if a is not None and b is not None:
                    rows.append((a, b, merged, merged))
        table = np.array(rows, dtype=np.int64).reshape(-1, 4)
        return table[np.lexsort((table[:, 1], table[:, 0], table[:, 2]))]

    # -- segmentation ---------------------------------------------------------------------------
    def encode_pieces(self, pieces: Sequence[bytes]) -> list[int]:
        if self.core is not None:
            return self.core.encode_pieces(list(pieces))
        return self.encode_pieces_reference(pieces)

    def encode_pieces_reference(self, pieces: Sequence[bytes]) -> list[int]:
        if self._py_table is None:
            self._py_table = {(int(a), int(b)): (int(r), int(m)) for a, b, r, m in self.table}
        out: list[int] = []
        for piece in pieces:
            if self.semantics == "tiktoken" and piece in self.token_id:
                out.append(self.token_id[piece])
                continue
            out.extend(merge_piece([self.byte_ids[b] for b in piece], self._py_table))
        return out

    def token_bytes(self) -> list[bytes]:
        return self.tokens

    # -- serialization ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        from ..formats.bytes_text import bytes_to_text

        data: dict[str, Any] = {"type": self.kind, "semantics": self.semantics,
                                "tokens": [bytes_to_text(t) for t in self.tokens]}
        if self.semantics == "merges":
            data["merges"] = [[a, b] for a, b in self.merges]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        from ..formats.bytes_text import text_to_bytes

        tokens = [text_to_bytes(t) for t in data["tokens"]]
        merges = data.get("merges") if data.get("semantics", "merges") == "merges" else None
        return cls(tokens, merges, semantics=data.get("semantics", "merges"))
