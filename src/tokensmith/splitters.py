"""Splitters (pre-tokenizers) shipped with tokensmith."""

from __future__ import annotations

from typing import Any

from ._core import kernel
from .components import Splitter, register
from .split import compile_custom, resolve_pattern


@register
class RegexSplitter(Splitter):
    """Pieces are the matches of a regex (named: ``gpt2``, ``cl100k``, ``o200k``, ``llama3``).

    Text between matches is dropped, as in tiktoken; the named patterns match everything.
    """

    kind = "regex"

    def __init__(self, pattern: str):
        self.name = pattern if not pattern or pattern in _names() else None
        self.pattern, self.compiled_name = resolve_pattern(pattern)
        self._regex = compile_custom(self.pattern)

    def split(self, text: str) -> list[str]:
        if self.compiled_name is not None:
            compiled = _compiled_split()
            if compiled is not None:
                return compiled(self.compiled_name, text)
        return self._regex.findall(text)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "pattern": self.pattern, "name": self.name}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data.get("name") or data["pattern"])


def _compiled_split():
    core = kernel("_split")  # None: regex gives the same pieces, slower
    return None if core is None else core.split


def _names():
    from .split import NAMED_PATTERNS

    return NAMED_PATTERNS
