"""Splitters (pre-tokenizers) shipped with tokensmith."""

from __future__ import annotations

from typing import Any

from .._core import kernel
from ..components import Splitter, register
from ..errors import OptionError
from .patterns import compile_custom, resolve_pattern, split_keeping_gaps


@register
class RegexSplitter(Splitter):
    """Pieces are the matches of a regex (named: ``gpt2``, ``cl100k``, ``o200k``, ``llama3``).

    Text between matches becomes pieces of its own, as HF's ``Split(behavior="Isolated")``
    does, so no character is lost (tiktoken drops it; the named patterns match everything, so
    for them both agree).
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
        return split_keeping_gaps(self._regex, text)

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
    core = kernel("_split")  # None: regex gives the same pieces, slower
    return None if core is None else core.split


def _names():
    from .patterns import NAMED_PATTERNS

    return NAMED_PATTERNS


@register
class SequenceSplitter(Splitter):
    """Splitters applied in turn, each to every piece the previous one made (HF's ``Sequence``
    of pre-tokenizers; llama.cpp's list of regexes for a pre-tokenizer)."""

    kind = "sequence"

    def __init__(self, steps: list[Splitter]):
        self.steps = list(steps)

    def split(self, text: str) -> list[str]:
        pieces = [text] if text else []
        for step in self.steps:
            pieces = [p for piece in pieces for p in step.split(piece)]
        return pieces

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "steps": [step.to_dict() for step in self.steps]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        from ..components import from_dict

        return cls([from_dict("splitter", step) for step in data["steps"]])
