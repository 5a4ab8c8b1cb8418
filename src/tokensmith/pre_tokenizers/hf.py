r"""HF ``tokenizers``' pre-tokenizers: read from and written to ``tokenizer.json``.

:func:`build_pre_tokenizer` turns a ``pre_tokenizer`` spec into a tokensmith :class:`Splitter`
whose ``split(text)`` returns exactly the strings of HF's ``pre_tokenize_str(text)`` (empty
pieces dropped, as HF drops them); :func:`pre_tokenizer_to_hf` is the inverse. ``Metaspace``
and ``BertPreTokenizer`` are tokensmith's own splitters; the others are defined here.

Splitting follows HF's ``NormalizedString::split``: a pattern cuts the text into matches and
the text between them, and the *behavior* decides what becomes of the matches — ``removed``,
``isolated`` (a piece each), ``merged_with_previous`` / ``merged_with_next`` (glued to the text
before / after), ``contiguous`` (consecutive matches form one piece).

**Where a piece starts.** HF's ``Metaspace(prepend_scheme="first")`` prepends ``▁`` only to a
piece that starts at offset 0 of the *original* text. HF splits the text around added tokens
first and pre-tokenizes each segment separately, so a segment that follows an added token is not
at the start. A caller that splits around added tokens must call ``split_at(segment, at_start)``
with ``at_start=False`` for every segment but one starting at offset 0 (``split(text)`` is
``split_at(text, True)``). Inside a :class:`PreTokenizerSequence` only the first piece of a step
that kept the start of its input stays at the start. (HF measures offsets in the original text,
so when a normalizer deleted the text's first characters and a splitting step precedes
``Metaspace``, HF sees no piece at offset 0; tokensmith, given only the normalized text, does.)
"""

from __future__ import annotations

import os
import re
from typing import Any, Callable, Sequence

import regex

from .bert import PUNCTUATION, BertPreTokenizer
from ..components import Splitter, register
from ..errors import ModelFileError, OptionError, utf8
from ..formats.bytes_text import bytes_to_text
from .metaspace import MetaspaceSplitter
from .splitters import RegexSplitter
from ..normalizers.hf import WHITE_SPACE
from .regex_dialects import compile_pattern, find_matches
from ..formats.hf_spec import build_stage
from ..unicode_versions import UNICODE_17_ADDITIONS, class_body, has_unicode_17

BEHAVIORS = ("removed", "isolated", "merged_with_previous", "merged_with_next", "contiguous")
_HF_BEHAVIOR = {"Removed": "removed", "Isolated": "isolated", "MergedWithPrevious":
                "merged_with_previous", "MergedWithNext": "merged_with_next",
                "Contiguous": "contiguous"}
_JSON_BEHAVIOR = {v: k for k, v in _HF_BEHAVIOR.items()}


def apply_behavior(text: str, spans: Sequence[tuple[int, int]], behavior: str,
                   invert: bool = False) -> list[str]:
    """HF's ``NormalizedString::split``: the pieces of ``text`` given the pattern's match spans."""
    # Cover the text with (start, end, is_match), as HF's Pattern::find_matches does.
    parts: list[tuple[int, int, bool]] = []
    prev = 0
    for start, end in spans:
        if start > prev:
            parts.append((prev, start, invert))
        parts.append((start, end, not invert))
        prev = end
    if prev < len(text) or not parts:
        parts.append((prev, len(text), invert))
    if behavior == "removed":
        pieces = [(s, e) for s, e, m in parts if not m]
    elif behavior == "isolated":
        pieces = [(s, e) for s, e, _ in parts]
    elif behavior == "contiguous":
        pieces = []
        previous = False
        for s, e, m in parts:
            if pieces and m == previous:
                pieces[-1] = (pieces[-1][0], e)
            else:
                pieces.append((s, e))
            previous = m
    elif behavior == "merged_with_previous":
        pieces = []
        previous = False
        for s, e, m in parts:
            if pieces and m and not previous:
                pieces[-1] = (pieces[-1][0], e)
            else:
                pieces.append((s, e))
            previous = m
    elif behavior == "merged_with_next":
        pieces = []
        previous = False
        for s, e, m in reversed(parts):
            if pieces and m and not previous:
                pieces[-1] = (s, pieces[-1][1])
            else:
                pieces.append((s, e))
            previous = m
        pieces.reverse()
    else:
        raise OptionError(f"unknown split behavior {behavior!r} (known: {', '.join(BEHAVIORS)})")
    return [text[s:e] for s, e in pieces if e > s]


class _HFSplitter(Splitter):
    """A pre-tokenizer step; ``removes`` tells whether it can drop its input's first characters,
    ``depends_on_start`` whether its pieces depend on where the segment stands."""

    removes = True
    depends_on_start = False

    def split_at(self, text: str, at_start: bool) -> list[str]:
        """Pieces of a text segment; ``at_start``: the segment starts the original text."""
        return self.split(text)


GPT2_BYTE_LEVEL = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"


@register
class ByteLevelPreTokenizer(_HFSplitter):
    """HF's ``ByteLevel``: optionally a space before a piece not starting with one, GPT-2's split
    (``use_regex``), then each piece's UTF-8 bytes as GPT-2 byte-level characters."""

    kind = "byte_level"
    removes = False

    def __init__(self, add_prefix_space: bool = True, use_regex: bool = True,
                 trim_offsets: bool = True):
        self.add_prefix_space, self.use_regex = bool(add_prefix_space), bool(use_regex)
        self.trim_offsets = bool(trim_offsets)  # offsets only: no effect on the pieces
        self._gpt2 = RegexSplitter("gpt2")
        self._onig = compile_pattern(GPT2_BYTE_LEVEL, "onig")

    def split(self, text: str) -> list[str]:
        if not text:
            return []
        if self.add_prefix_space and not text.startswith(" "):
            text = " " + text
        if not self.use_regex:
            pieces = [text]
        elif not has_unicode_17(text):
            pieces = self._gpt2.split(text)
        else:  # the compiled splitter knows the letters of Unicode 17, HF's Oniguruma does not
            pieces = [text[s:e] for s, e in find_matches(self._onig, text, GPT2_BYTE_LEVEL)]
        return [bytes_to_text(utf8(p)) for p in pieces]

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "add_prefix_space": self.add_prefix_space,
                "use_regex": self.use_regex, "trim_offsets": self.trim_offsets}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data.get("add_prefix_space", True), data.get("use_regex", True),
                   data.get("trim_offsets", True))


# Rust's regex crate (Unicode 16 tables): \w+|[^\w\s]+
_WHITESPACE_WORDS = compile_pattern(r"\w+|[^\w\s]+", "fancy")


@register
class Whitespace(_HFSplitter):
    r"""HF's ``Whitespace``: the runs of word characters and the runs of other non-spaces
    (``\w+|[^\w\s]+``, Unicode ``\w``)."""

    kind = "hf_whitespace"

    def split(self, text: str) -> list[str]:
        return _WHITESPACE_WORDS.findall(text)


_NON_SPACE = re.compile(f"[^{WHITE_SPACE}]+")


@register
class WhitespaceSplit(_HFSplitter):
    """HF's ``WhitespaceSplit``: the text between runs of White_Space."""

    kind = "whitespace_split"

    def split(self, text: str) -> list[str]:
        return _NON_SPACE.findall(text)


class _CharClassSplit(_HFSplitter):
    """Each character of a class is a match of its own, handled by ``behavior``."""

    _chars: regex.Pattern
    _chars_before_unicode_17: regex.Pattern | None = None  # the same on text without them

    def __init__(self, behavior: str):
        if behavior not in BEHAVIORS:
            raise OptionError(f"unknown split behavior {behavior!r} (known: {', '.join(BEHAVIORS)})")
        self.behavior = behavior
        self.removes = behavior == "removed"

    def split(self, text: str) -> list[str]:
        chars = self._chars
        if self._chars_before_unicode_17 is not None and not has_unicode_17(text):
            chars = self._chars_before_unicode_17
        spans = [m.span() for m in chars.finditer(text)]
        if not spans:
            return [text] if text else []
        return apply_behavior(text, spans, self.behavior)


@register
class Punctuation(_CharClassSplit):
    """HF's ``Punctuation``: every punctuation character (Unicode P* and ASCII symbols, HF's
    tables) is a match."""

    kind = "punctuation"
    _chars = regex.compile(PUNCTUATION, regex.V1)

    def __init__(self, behavior: str = "isolated"):
        super().__init__(behavior)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "behavior": self.behavior}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data.get("behavior", "isolated"))


_NUMERIC = regex.compile(rf"[\p{{N}}--[{class_body(UNICODE_17_ADDITIONS)}]]", regex.V1)


@register
class Digits(_CharClassSplit):
    """HF's ``Digits``: numeric characters (N*) isolated one by one (``individual_digits``) or
    as runs."""

    kind = "digits"
    removes = False
    _chars = _NUMERIC
    _chars_before_unicode_17 = regex.compile(r"\p{N}")

    def __init__(self, individual_digits: bool = False):
        super().__init__("isolated" if individual_digits else "contiguous")
        self.individual_digits = bool(individual_digits)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "individual_digits": self.individual_digits}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data.get("individual_digits", False))


@register
class Split(_HFSplitter):
    """HF's ``Split``: matches of a literal string or an Oniguruma regex, handled by
    ``behavior``; ``invert`` makes the text between matches the delimiters."""

    kind = "hf_split"

    def __init__(self, pattern: str, behavior: str = "isolated", invert: bool = False,
                 is_regex: bool = True):
        if behavior not in BEHAVIORS:
            raise OptionError(f"unknown split behavior {behavior!r} (known: {', '.join(BEHAVIORS)})")
        self.pattern, self.behavior = pattern, behavior
        self.invert, self.is_regex = bool(invert), bool(is_regex)
        self._regex = compile_pattern(pattern if is_regex else _literal(pattern), "onig")
        self.removes = behavior == "removed" or (invert and behavior != "isolated")

    def split(self, text: str) -> list[str]:
        if not text:
            return []
        spans = find_matches(self._regex, text, self.pattern)
        return apply_behavior(text, spans, self.behavior, self.invert)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "pattern": self.pattern, "behavior": self.behavior,
                "invert": self.invert, "is_regex": self.is_regex}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data["pattern"], data.get("behavior", "isolated"), data.get("invert", False),
                   data.get("is_regex", True))


def _literal(text: str) -> str:
    """An Oniguruma pattern matching ``text`` literally."""
    return "".join(c if c.isalnum() else f"\\x{{{ord(c):X}}}" for c in text)


@register
class CharDelimiterSplit(_HFSplitter):
    """HF's ``CharDelimiterSplit``: the text between occurrences of one character."""

    kind = "char_delimiter"

    def __init__(self, delimiter: str):
        if len(delimiter) != 1:
            raise OptionError(f"CharDelimiterSplit delimiter must be one character, got {delimiter!r}")
        self.delimiter = delimiter

    def split(self, text: str) -> list[str]:
        return [p for p in text.split(self.delimiter) if p]

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "delimiter": self.delimiter}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data["delimiter"])


@register
class FixedLength(_HFSplitter):
    """HF's ``FixedLength``: consecutive chunks of ``length`` characters."""

    kind = "fixed_length"
    removes = False

    def __init__(self, length: int = 5):
        if not isinstance(length, int) or length < 1:
            raise OptionError(f"FixedLength length must be a positive integer, got {length!r}")
        self.length = length

    def split(self, text: str) -> list[str]:
        n = self.length
        return [text[i:i + n] for i in range(0, len(text), n)]

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "length": self.length}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data.get("length", 5))


@register
class UnicodeScripts(_HFSplitter):
    """HF's ``UnicodeScripts``: a new piece wherever the script changes. Spaces (and characters
    HF's script table does not know) join either side; Hiragana, Katakana and ``ー`` count as
    Han, as in SentencePiece."""

    kind = "unicode_scripts"
    removes = False

    def split(self, text: str) -> list[str]:
        from .unicode_scripts import script_runs

        return script_runs(text)


@register
class PreTokenizerSequence(_HFSplitter):
    """HF's ``Sequence``: each step splits every piece of the previous step."""

    kind = "hf_sequence"

    def __init__(self, steps: Sequence[Splitter]):
        self.steps = list(steps)
        self.removes = any(getattr(s, "removes", True) for s in self.steps)
        self.depends_on_start = any(getattr(s, "depends_on_start", hasattr(s, "split_at"))
                                    for s in self.steps)

    def split(self, text: str) -> list[str]:
        return self.split_at(text, True)

    def split_at(self, text: str, at_start: bool) -> list[str]:
        if not self.steps:  # HF returns the text untouched, even an empty one
            return [text]
        pieces = [text] if text else []
        first_at_start = at_start
        for step in self.steps:
            split_at: Callable = getattr(step, "split_at", None) or (lambda t, _s, f=step.split: f(t))
            out: list[str] = []
            for k, piece in enumerate(pieces):
                parts = split_at(piece, first_at_start and k == 0)
                if k == 0 and parts:
                    first_at_start = first_at_start and (
                        not getattr(step, "removes", True) or piece.startswith(parts[0]))
                elif k == 0:
                    first_at_start = False
                out += parts
            pieces = out
        return pieces

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "steps": [s.to_dict() for s in self.steps]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        from ..components import from_dict

        return cls([from_dict("splitter", d) for d in data["steps"]])


def build_pre_tokenizer(spec: dict | None, path: str | os.PathLike) -> Splitter | None:
    """The tokensmith splitter of an HF ``pre_tokenizer`` spec (None for none)."""
    return build_stage("pre-tokenizer", _BUILDERS, spec, path)


def _behavior(spec: dict, default: str | None = None) -> str:
    value = spec.get("behavior", default)
    if value in _HF_BEHAVIOR:
        return _HF_BEHAVIOR[value]
    if value in BEHAVIORS:  # the Python bindings' spelling
        return value
    raise OptionError(f"unknown behavior {value!r}")


def _metaspace(spec, path):
    scheme = spec.get("prepend_scheme")
    if scheme is None:  # files written before prepend_scheme existed
        scheme = "always" if spec.get("add_prefix_space", True) else "never"
    return MetaspaceSplitter(spec["replacement"], scheme, spec.get("split", True))


def _split(spec, path):
    pattern = spec["pattern"]
    if not isinstance(pattern, dict) or len(pattern) != 1 or not ({"String", "Regex"} & set(pattern)):
        raise ModelFileError(path, f"HF Split pattern must be {{'String': ..}} or {{'Regex': ..}}, "
                                   f"got {pattern!r}")
    is_regex = "Regex" in pattern
    return Split(pattern["Regex" if is_regex else "String"], _behavior(spec), spec.get("invert", False),
                 is_regex)


def _sequence(spec, path):
    steps = [build_pre_tokenizer(s, path) for s in spec["pretokenizers"]]
    return PreTokenizerSequence([s for s in steps if s is not None])


_BUILDERS = {
    "ByteLevel": lambda s, p: ByteLevelPreTokenizer(s.get("add_prefix_space", True),
                                                    s.get("use_regex", True),
                                                    s.get("trim_offsets", True)),
    "Whitespace": lambda s, p: Whitespace(),
    "WhitespaceSplit": lambda s, p: WhitespaceSplit(),
    "BertPreTokenizer": lambda s, p: BertPreTokenizer(),
    "Metaspace": _metaspace,
    "Punctuation": lambda s, p: Punctuation(_behavior(s, "Isolated")),
    "Digits": lambda s, p: Digits(s.get("individual_digits", False)),
    "Split": _split,
    "CharDelimiterSplit": lambda s, p: CharDelimiterSplit(s["delimiter"]),
    "UnicodeScripts": lambda s, p: UnicodeScripts(),
    "FixedLength": lambda s, p: FixedLength(s.get("length", 5)),
    "Sequence": _sequence,
}


def pre_tokenizer_to_hf(splitter: Splitter | None) -> dict | None:
    """The HF ``tokenizer.json`` spec of a splitter (None for none)."""
    if splitter is None:
        return None
    simple = {Whitespace: "Whitespace", WhitespaceSplit: "WhitespaceSplit",
              BertPreTokenizer: "BertPreTokenizer", UnicodeScripts: "UnicodeScripts"}
    if type(splitter) in simple:
        return {"type": simple[type(splitter)]}
    if isinstance(splitter, ByteLevelPreTokenizer):
        return {"type": "ByteLevel", "add_prefix_space": splitter.add_prefix_space,
                "trim_offsets": splitter.trim_offsets, "use_regex": splitter.use_regex}
    if isinstance(splitter, MetaspaceSplitter):
        meta = {"type": "Metaspace", "replacement": splitter.replacement,
                "prepend_scheme": splitter.prepend_scheme, "split": splitter.split_on_replacement}
        if splitter.whitespace_split:
            return {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, meta]}
        return meta
    if isinstance(splitter, Punctuation):
        return {"type": "Punctuation", "behavior": _JSON_BEHAVIOR[splitter.behavior]}
    if isinstance(splitter, Digits):
        return {"type": "Digits", "individual_digits": splitter.individual_digits}
    if isinstance(splitter, Split):
        key = "Regex" if splitter.is_regex else "String"
        return {"type": "Split", "pattern": {key: splitter.pattern},
                "behavior": _JSON_BEHAVIOR[splitter.behavior], "invert": splitter.invert}
    if isinstance(splitter, CharDelimiterSplit):
        return {"type": "CharDelimiterSplit", "delimiter": splitter.delimiter}
    if isinstance(splitter, FixedLength):
        return {"type": "FixedLength", "length": splitter.length}
    if isinstance(splitter, PreTokenizerSequence):
        return {"type": "Sequence", "pretokenizers": [pre_tokenizer_to_hf(s) for s in splitter.steps]}
    raise OptionError(f"splitter {type(splitter).__name__} has no HF tokenizer.json form")
