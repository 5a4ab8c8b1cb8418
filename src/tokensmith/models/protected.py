"""A model whose vocabulary is another model's plus one token per protected term form.

The model of the domain recipes (:mod:`tokensmith.trainers.domain`): each protected term is one
token with and without a leading space, so a protected term is never split; the rest of the text
is segmented by the base model. Its pre-tokenizer is
:class:`tokensmith.pre_tokenizers.protected.ProtectedSplitter`.
"""

from __future__ import annotations

from typing import Any, Sequence

from .. import components
from ..components import Model, register
from ..pre_tokenizers.protected import protected_terms


@register
class ProtectedModel(Model):
    """``base``'s vocabulary plus one id per protected term form (``term`` and `` term``)."""

    kind = "protected_terms"

    def __init__(self, base: Model, terms: Sequence[str]):
        self.base, self.terms = base, protected_terms(terms)
        self.tokens = list(base.token_bytes())
        self.term_id: dict[bytes, int] = {}
        known = {t: i for i, t in enumerate(self.tokens)}
        for term in self.terms:
            for form in (term.encode(), b" " + term.encode()):
                if form in known:  # already a token of the base vocabulary
                    self.term_id[form] = known[form]
                else:
                    self.term_id[form] = known[form] = len(self.tokens)
                    self.tokens.append(form)

    def encode_pieces(self, pieces: Sequence[bytes]) -> list[int]:
        out: list[int] = []
        run: list[bytes] = []
        for piece in pieces:
            tid = self.term_id.get(piece)
            if tid is None:
                run.append(piece)
                continue
            if run:
                out += self.base.encode_pieces(run)
                run = []
            out.append(tid)
        if run:
            out += self.base.encode_pieces(run)
        return out

    def token_bytes(self) -> list[bytes]:
        return self.tokens

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "terms": self.terms, "base": self.base.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(components.from_dict("model", data["base"]), data["terms"])
