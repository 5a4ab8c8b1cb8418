"""Splitters (pre-tokenizers) shipped with tokensmith."""

from __future__ import annotations

from typing import Any

from .components import Splitter, register
from .errors import OptionError
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
        name = data.get("name")
        if name:
            # a saved name is one of the named patterns; any other is not a regex to guess at
            if name not in _names():
                raise OptionError(f"unknown split pattern name {name!r} (known: {', '.join(_names())})")
            return cls(name)
        pattern = data.get("pattern")
        if not isinstance(pattern, str):
            raise OptionError(f"regex splitter needs a pattern string, not {pattern!r}")
        return cls(pattern)


def _compiled_split():
    try:
        from ._core._split import split
    except ImportError:  # compiled core not built: regex gives the same pieces, slower
        return None
    return split


def _names():
    from .split import NAMED_PATTERNS

    return NAMED_PATTERNS
