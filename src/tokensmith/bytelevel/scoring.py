"""Bits per byte of a text, token-level and byte-level, and what separates them.

Token level: ``-log2 P(T)`` of the text's canonical tokenization ``T`` (the usual figure).
Byte level: ``-log2 P(text starts with these bytes)`` from :class:`~.core.ByteLevel`.

With the canonical reading the two differ by exactly two non-negative terms, each computed on its
own and reported:

``renormalised``
    ``-sum log2 kept`` along ``T``: the mass the model puts, at each token of ``T``, on tokens
    that would make the sequence non-canonical (the canonical-mass gap proper);
``later_covers``
    ``log2 P(x) - log2 P(T)`` under the canonical reading: the canonical covers whose last token
    runs past the end of the text (the text may go on inside a longer token).

so ``byte bits = token bits - renormalised - later_covers``: the byte-level figure is never worse,
and the difference is this gap.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

LOG2 = math.log(2)


@dataclass
class TextScore:
    bytes: int
    token_bits: float
    byte_bits: float
    renormalised_bits: float
    later_covers_bits: float

    @property
    def gap_bits(self) -> float:
        return self.renormalised_bits + self.later_covers_bits

    def as_dict(self) -> dict:
        return asdict(self)


def score_text(model, text: bytes) -> TextScore:
    """Token-level and byte-level bits of ``text`` under ``model`` (a canonical :class:`ByteLevel`)."""
    ids = model.tokenizer.encode(text.decode("utf-8"), disallowed_special=())
    histories = [model.extend_all(ids[:k]) for k in range(len(ids))]
    model.prefill(ids)
    rows = model.model.get(histories)
    token_logp = sum(float(row[t] - np.logaddexp.reduce(row)) for row, t in zip(rows, ids))
    kept = sum(math.log(t.kept) for t in model.tables(histories))
    byte_logp = model.prefix_logprob(text)
    boundary_logp = token_logp - kept  # log P(T) under the canonical reading
    return TextScore(len(text), -token_logp / LOG2, -byte_logp / LOG2, -kept / LOG2,
                     (byte_logp - boundary_logp) / LOG2)


def bits_per_byte(scores: list[TextScore]) -> dict:
    """Totals over texts: bits per byte at token and byte level, and the gap's two parts."""
    n = sum(s.bytes for s in scores) or 1
    return {"texts": len(scores), "bytes": n,
            "token_bpb": sum(s.token_bits for s in scores) / n,
            "byte_bpb": sum(s.byte_bits for s in scores) / n,
            "renormalised_bpb": sum(s.renormalised_bits for s in scores) / n,
            "later_covers_bpb": sum(s.later_covers_bits for s in scores) / n}
