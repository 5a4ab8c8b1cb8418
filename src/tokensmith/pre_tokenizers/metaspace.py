"""HF's ``Metaspace`` pre-tokenizer (optionally after ``WhitespaceSplit``), as T5-style
tokenizer.json files use it: spaces become ``▁``, a ``▁`` is prepended to each word
(``prepend_scheme="always"``) or to the first (``"first"``), and with ``split=True`` every ``▁``
starts a new piece, so the model never segments across a ``▁``.
"""

from __future__ import annotations

import re
from typing import Any

from ..components import Splitter, register
from ..errors import OptionError

# Unicode White_Space, which HF's WhitespaceSplit splits on (Python's str.split adds \x1c-\x1f).
_WHITESPACE = re.compile("[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


@register
class MetaspaceSplitter(Splitter):
    kind = "metaspace"

    def __init__(self, replacement: str = "\u2581", prepend_scheme: str = "always",
                 split: bool = True, whitespace_split: bool = False):
        if prepend_scheme not in ("always", "first", "never"):
            raise OptionError(f"unknown Metaspace prepend_scheme {prepend_scheme!r}")
        if len(replacement) != 1:
            raise OptionError(f"Metaspace replacement must be one character, got {replacement!r}")
        self.replacement = replacement
        self.prepend_scheme = prepend_scheme
        self.split_on_replacement = bool(split)
        self.whitespace_split = bool(whitespace_split)
        self._cut = re.compile(f"(?={re.escape(replacement)})")

    @property
    def removes(self) -> bool:
        """Whether the first piece can miss the text's first characters (whitespace split)."""
        return self.whitespace_split

    def split(self, text: str) -> list[str]:
        return self.split_at(text, True)

    def split_at(self, text: str, at_start: bool) -> list[str]:
        """The pieces of a text segment; ``at_start``: the segment starts the whole text (for
        ``prepend_scheme="first"``: HF prepends only at offset 0 of the original text, so a
        segment after an added token gets no ``▁``)."""
        if self.whitespace_split:
            words = [w for w in _WHITESPACE.split(text) if w]
            at_start = at_start and bool(text) and not _WHITESPACE.match(text)
        else:
            words = [text] if text else []
        pieces: list[str] = []
        for k, word in enumerate(words):
            word = word.replace(" ", self.replacement)
            prepend = self.prepend_scheme == "always" or (
                self.prepend_scheme == "first" and k == 0 and at_start)
            if prepend and not word.startswith(self.replacement):
                word = self.replacement + word
            if self.split_on_replacement:
                pieces.extend(p for p in self._cut.split(word) if p)
            else:
                pieces.append(word)
        return pieces

    def compiled_spec(self) -> dict[str, Any]:
        """This splitter for the compiled text encoders (``_core/include/spm_text.h``)."""
        return {"type": "metaspace", "replacement": self.replacement,
                "prepend_scheme": self.prepend_scheme, "split": self.split_on_replacement,
                "whitespace_split": self.whitespace_split}

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "replacement": self.replacement,
                "prepend_scheme": self.prepend_scheme, "split": self.split_on_replacement,
                "whitespace_split": self.whitespace_split}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data.get("replacement", "\u2581"), data.get("prepend_scheme", "always"),
                   data.get("split", True), data.get("whitespace_split", False))
