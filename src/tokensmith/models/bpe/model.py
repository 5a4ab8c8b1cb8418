"""Byte-level BPE: a vocabulary of byte strings and a ranked table of merges.

Two published semantics share one representation, a table ``(left_id, right_id) -> (rank, merged_id)``:

* ``merges`` (GPT-2 ``merges.txt``, HF ``tokenizer.json``): only the listed pairs merge, rank is
  the line number.
* ``tiktoken`` (``.tiktoken`` files): any two adjacent parts whose concatenation is a token merge,
  rank is that token's rank (= its id). The table then lists every split of every token into two
  tokens, and a piece that is itself a token is one lookup, as tiktoken does.

Among candidate pairs the lowest rank merges first, the leftmost on ties.

A vocabulary may leave ids to the special tokens alone: tiktoken's ``p50k_base`` has no rank
50256, where its ``<|endoftext|>`` sits; GGUF files keep control tokens among the others. Such
an id is given as ``None``: it is listed in ``holes``, holds a placeholder that no text can
produce (it starts with byte 0xFF, which UTF-8 never contains) and is never the result of a merge.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..._core import kernel
from ..._reference.bpe import merge_piece, tiktoken_merge_table
from ...components import Model, register
from ...errors import OptionError


def hole_placeholder(token_id: int) -> bytes:
    """The bytes held by an unassigned id: unique, and never part of UTF-8 text."""
    return b"\xff<unassigned %d>" % token_id


@register
class BPEModel(Model):
    kind = "bpe"

    def __init__(self, tokens: Sequence[bytes | None], merges: Sequence[tuple[int, int]] | None = None,
                 *, semantics: str = "merges"):
        """``tokens[i]`` is the bytes of id ``i``; ``merges`` are ``(left_id, right_id)`` in rank order.

        With ``semantics="tiktoken"`` merges are derived from the tokens (rank = id) and ``merges``
        must be None. A ``None`` token is an unassigned id (see ``holes``).
        """
        self.holes = frozenset(i for i, t in enumerate(tokens) if t is None)
        self.tokens = [hole_placeholder(i) if t is None else bytes(t) for i, t in enumerate(tokens)]
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
        core = kernel("_bpe")
        self.core = None if core is None else core.BPECore(
            self.tokens, table.astype(np.uint32), semantics == "tiktoken")

    def _tiktoken_table(self) -> np.ndarray:
        core = kernel("_bpe")
        table = (core.tiktoken_merge_table(self.tokens) if core is not None
                 else tiktoken_merge_table(self.tokens))
        if self.holes:  # an unassigned id is never made by merging
            table = table[~np.isin(table[:, 3], sorted(self.holes))]
        return table

    # -- segmentation ---------------------------------------------------------------------------
    def compiled_encoder(self, normalizer, splitter):
        """The compiled core with a named split pattern and no normalizer (tiktoken's shape)."""
        name = getattr(splitter, "compiled_name", None)
        if self.core is None or name is None or normalizer is not None:
            return None
        return self.core, name

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
        from ...formats.bytes_text import bytes_to_text

        data: dict[str, Any] = {"type": self.kind, "semantics": self.semantics,
                                "tokens": [None if i in self.holes else bytes_to_text(t)
                                           for i, t in enumerate(self.tokens)]}
        if self.semantics == "merges":
            data["merges"] = [[a, b] for a, b in self.merges]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        from ...formats.bytes_text import text_to_bytes

        tokens = [None if t is None else text_to_bytes(t) for t in data["tokens"]]
        merges = data.get("merges") if data.get("semantics", "merges") == "merges" else None
        return cls(tokens, merges, semantics=data.get("semantics", "merges"))


# Bytes that UTF-8 text never holds.
NOT_IN_UTF8 = frozenset([0xC0, 0xC1, *range(0xF5, 0x100)])


@register
class PartialByteBPEModel(Model):
    """A byte-level BPE (merges semantics) whose vocabulary lacks some single bytes.

    Falcon's lacks 28: control characters and bytes UTF-8 rarely or never uses (0xF2 leads the
    characters of planes 8-11). HF and llama.cpp drop such a byte without a word; here a text
    holding one is refused with an InputError naming it, so no text is lost unnoticed. Inside,
    the missing bytes are extra tokens after the vocabulary, which no merge uses.
    """

    kind = "bpe_partial_bytes"

    def __init__(self, tokens: Sequence[bytes | None], merges: Sequence[tuple[int, int]]):
        self.size = len(tokens)
        present = {t for t in tokens if t is not None and len(t) == 1}
        self.missing = [bytes([b]) for b in range(256) if bytes([b]) not in present]
        self.base = BPEModel(list(tokens) + self.missing, merges, semantics="merges")
        self.holes = self.base.holes
        self._tokens = self.base.tokens[:self.size]
        # Bytes UTF-8 never holds cannot come from text: the compiled whole-text encoder, which
        # only sees text, may then serve this model directly (the Tokenizer's fast path).
        never_in_text = all(b[0] in NOT_IN_UTF8 for b in self.missing)
        self.core = self.base.core if never_in_text else None

    def compiled_encoder(self, normalizer, splitter):
        return None if self.core is None else self.base.compiled_encoder(normalizer, splitter)

    def encode_pieces(self, pieces: Sequence[bytes]) -> list[int]:
        ids = self.base.encode_pieces(pieces)
        if ids and max(ids) >= self.size:
            from ...errors import InputError

            byte = self.missing[next(i for i in ids if i >= self.size) - self.size]
            raise InputError(f"the text holds byte 0x{byte[0]:02x}, which this vocabulary has no "
                             "token for (its reference tokenizers drop it)")
        return ids

    def token_bytes(self) -> list[bytes]:
        return self._tokens

    def to_dict(self) -> dict[str, Any]:
        data = self.base.to_dict()
        data["tokens"] = data["tokens"][:self.size]
        data["type"] = self.kind
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        from ...formats.bytes_text import text_to_bytes

        return cls([None if t is None else text_to_bytes(t) for t in data["tokens"]], data["merges"])
