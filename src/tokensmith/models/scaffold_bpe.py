"""Scaffold-BPE's model: BPE over the expanded vocabulary, with the scaffold tokens demolished.

Paper: Haoran Lian et al., "Scaffold-BPE: Enhancing Byte Pair Encoding for Large Language Models
with Simple and Effective Scaffold Token Removal". The trainer that finds the scaffold tokens is
:mod:`tokensmith.trainers.scaffold_bpe`. As published: encoding runs BPE with every merge of the
expanded vocabulary E (scaffolds included), then replaces each scaffold token by its two parts,
recursively, until only tokens of the final vocabulary V remain.
"""

from __future__ import annotations

from typing import Any, Sequence

from .._reference.bpe import merge_token_bytes
from ..components import Model, register
from ..errors import OptionError
from .bpe.model import BPEModel


@register
class ScaffoldBPEModel(Model):
    """BPE over the expanded vocabulary E, then scaffold tokens demolished; ids cover V only.

    Ids are the tokens of E in order with the scaffold tokens left out, so ids 0..255 stay the
    single bytes and the id space has no holes.
    """

    kind = "scaffold_bpe"

    def __init__(self, expanded: BPEModel, scaffolds):
        self.expanded = expanded
        self.scaffolds = sorted(int(s) for s in scaffolds)
        n = len(expanded.tokens)
        bad = [s for s in self.scaffolds if not 256 <= s < n]
        if bad:
            raise OptionError(f"scaffold id {bad[0]} is not a merged token of the vocabulary")
        parts = {merged: (a, b) for a, b, _rank, merged in expanded.table.tolist()}
        is_scaffold = set(self.scaffolds)
        self.expanded_to_id = {}
        self.tokens: list[bytes] = []
        for e, tok in enumerate(expanded.tokens):
            if e not in is_scaffold:
                self.expanded_to_id[e] = len(self.tokens)
                self.tokens.append(tok)

        def demolish(e: int) -> list[int]:
            if e not in is_scaffold:
                return [self.expanded_to_id[e]]
            a, b = parts[e]
            return demolish(a) + demolish(b)

        self._demolished = {s: demolish(s) for s in self.scaffolds}

    @classmethod
    def from_merges(cls, merges, scaffolds) -> "ScaffoldBPEModel":
        return cls(BPEModel(merge_token_bytes(merges), merges), scaffolds)

    def scaffold_tokens(self) -> list[bytes]:
        """Bytes of the scaffold tokens (in E, never emitted)."""
        return [self.expanded.tokens[s] for s in self.scaffolds]

    def encode_pieces(self, pieces: Sequence[bytes]) -> list[int]:
        out: list[int] = []
        to_id, demolished = self.expanded_to_id, self._demolished
        for e in self.expanded.encode_pieces(pieces):
            i = to_id.get(e)
            if i is None:
                out.extend(demolished[e])
            else:
                out.append(i)
        return out

    def token_bytes(self) -> list[bytes]:
        return self.tokens

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "expanded": self.expanded.to_dict(), "scaffolds": self.scaffolds}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(BPEModel.from_dict(data["expanded"]), data["scaffolds"])
