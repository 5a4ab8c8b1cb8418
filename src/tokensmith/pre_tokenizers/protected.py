"""Protected terms: domain terms cut out of the text before splitting, so that no token crosses them.

The pre-tokenizer of the domain recipes (:mod:`tokensmith.trainers.domain`: KL3M, K-Tokeniser,
MATTER); its model is :class:`tokensmith.models.protected.ProtectedModel`. A term matches where it
is not inside a longer word (no letter or digit right before or after it), with or without a
single leading space.
"""

from __future__ import annotations

from typing import Any, Sequence

import regex

from .. import components
from ..components import Splitter, register
from ..errors import OptionError


def protected_terms(terms) -> list[str]:
    """The terms, longest first (so the longer of two overlapping terms wins), checked."""
    out = sorted({t for t in terms}, key=lambda t: (-len(t), t))
    if not all(isinstance(t, str) and t.strip() == t and t for t in out):
        raise OptionError("protected terms must be non-empty strings without surrounding spaces")
    return out


@register
class ProtectedSplitter(Splitter):
    """Protected terms (with an optional leading space) become pieces of their own; the rest of
    the text is split by ``base``."""

    kind = "protected_terms"

    def __init__(self, base: Splitter | None, terms: Sequence[str]):
        self.base, self.terms = base, protected_terms(terms)
        alternatives = "|".join(regex.escape(t) for t in self.terms)
        self._regex = regex.compile(rf" ?(?<![\p{{L}}\p{{N}}])(?:{alternatives})(?![\p{{L}}\p{{N}}])"
                                    if self.terms else r"(?!)")

    def split(self, text: str) -> list[str]:
        out, start = [], 0
        for match in self._regex.finditer(text):
            out += self._base_split(text[start:match.start()])
            out.append(match.group())
            start = match.end()
        out += self._base_split(text[start:])
        return out

    def _base_split(self, text: str) -> list[str]:
        if not text:
            return []
        return self.base.split(text) if self.base is not None else [text]

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "terms": self.terms,
                "base": None if self.base is None else self.base.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(components.from_dict("splitter", data.get("base")), data["terms"])
