"""HF ``tokenizers``' normalizers: read from and written to ``tokenizer.json``.

:func:`build_normalizer` turns a ``normalizer`` spec into a tokensmith :class:`Normalizer` whose
``normalize(text)`` equals HF's ``normalize_str(text)``; :func:`normalizer_to_hf` is the inverse.
The shared ones live in :mod:`tokensmith.normalizers.common` and :mod:`tokensmith.pre_tokenizers.bert`
(``BertNormalizer``, ``Precompiled``, ``Replace``, NF*, ``Lowercase``, ``Sequence``); the others
are defined here, as HF defines them:

* ``Strip`` — remove leading / trailing White_Space (Rust's ``char::is_whitespace``).
* ``StripAccents`` — remove every combining mark (General_Category M of HF's tables), with no
  decomposition first (HF files put ``NFD`` / ``NFKD`` before it).
* ``Prepend`` — put a string before a non-empty text.
* ``Nmt`` — drop ASCII control characters, make other line and format breaks spaces.
* ``ByteLevel`` — the text's UTF-8 bytes as GPT-2's byte-to-character alphabet.
"""

from __future__ import annotations

import base64
import os
from typing import Any

import regex

from .bert import BertNormalizer
from ..components import Normalizer, register
from ..errors import ModelFileError, OptionError, utf8
from ..formats.bytes_text import bytes_to_text
from .common import (Lowercase, Precompiled, Prepend, Replace, SentencePieceNormalizer,
                           SequenceNormalizer, UnicodeNormalizer)
from ..formats.hf_spec import build_stage
from ..unicode_versions import FORMER_MARKS_STRIPPED, MARKS_KEPT_BY_STRIP_ACCENTS, class_body

# Unicode White_Space: Rust's char::is_whitespace (str.isspace adds \x1c-\x1f).
WHITE_SPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
               "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


@register
class Strip(Normalizer):
    """HF's ``Strip``: remove White_Space at the start (``left``) and / or end (``right``)."""

    kind = "strip"

    def __init__(self, left: bool = True, right: bool = True):
        self.left, self.right = bool(left), bool(right)

    def normalize(self, text: str) -> str:
        if self.left and self.right:
            return text.strip(WHITE_SPACE)
        if self.left:
            return text.lstrip(WHITE_SPACE)
        return text.rstrip(WHITE_SPACE) if self.right else text

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "left": self.left, "right": self.right}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data.get("left", True), data.get("right", True))


_COMBINING_MARKS = regex.compile(
    rf"[[\p{{M}}{class_body(FORMER_MARKS_STRIPPED)}]--[{class_body(MARKS_KEPT_BY_STRIP_ACCENTS)}]]+",
    regex.V1)


@register
class StripAccents(Normalizer):
    """HF's ``StripAccents``: remove the combining marks (no decomposition first)."""

    kind = "strip_accents"

    def normalize(self, text: str) -> str:
        return text if text.isascii() else _COMBINING_MARKS.sub("", text)


_NMT_TABLE: dict[int, str | None] = {c: None for c in (*range(0x01, 0x09), 0x0B, *range(0x0E, 0x20),
                                                     0x7F, 0x8F, 0x9F)}
_NMT_TABLE.update({c: " " for c in (0x09, 0x0A, 0x0C, 0x0D, 0x1680, *range(0x200B, 0x2010),
                                    0x2028, 0x2029, 0x2581, 0xFEFF, 0xFFFD)})


@register
class Nmt(Normalizer):
    """HF's ``Nmt`` (SentencePiece's NMT rules): drop the ASCII controls other than tab and line
    breaks (and U+008F, U+009F); tab, line breaks, zero-width and direction marks, BOM, U+2581 and
    U+FFFD become spaces."""

    kind = "nmt"

    def normalize(self, text: str) -> str:
        return text.translate(_NMT_TABLE)


@register
class ByteLevelNormalizer(Normalizer):
    """HF's ``ByteLevel`` normalizer: each UTF-8 byte as its GPT-2 byte-level character."""

    kind = "byte_level_normalizer"

    def normalize(self, text: str) -> str:
        return bytes_to_text(utf8(text))


def build_normalizer(spec: dict | None, path: str | os.PathLike) -> Normalizer | None:
    """The tokensmith normalizer of an HF ``normalizer`` spec (None for none)."""
    return build_stage("normalizer", _BUILDERS, spec, path)


def _sequence(spec, path):
    parts = [build_normalizer(s, path) for s in spec["normalizers"]]
    return SequenceNormalizer([p for p in parts if p is not None])


def _precompiled(spec, path):
    blob = spec.get("precompiled_charsmap")
    # An empty charsmap maps nothing (HF refuses to load it; older files carry one).
    return Precompiled(base64.b64decode(blob)) if blob else SequenceNormalizer([])


def _replace(spec, path):
    pattern = spec["pattern"]
    if not isinstance(pattern, dict) or len(pattern) != 1 or not ({"String", "Regex"} & set(pattern)):
        raise ModelFileError(path, f"HF Replace pattern must be {{'String': ..}} or {{'Regex': ..}}, "
                                   f"got {pattern!r}")
    if "String" in pattern:
        return Replace(pattern["String"], spec["content"])
    return Replace(pattern["Regex"], spec["content"], is_regex=True)


_BUILDERS = {
    "BertNormalizer": lambda s, p: BertNormalizer(
        s.get("clean_text", True), s.get("handle_chinese_chars", True), s.get("strip_accents"),
        s.get("lowercase", True)),
    "Strip": lambda s, p: Strip(s.get("strip_left", True), s.get("strip_right", True)),
    "StripAccents": lambda s, p: StripAccents(),
    "NFC": lambda s, p: UnicodeNormalizer("NFC"),
    "NFD": lambda s, p: UnicodeNormalizer("NFD"),
    "NFKC": lambda s, p: UnicodeNormalizer("NFKC"),
    "NFKD": lambda s, p: UnicodeNormalizer("NFKD"),
    "Lowercase": lambda s, p: Lowercase(),
    "Nmt": lambda s, p: Nmt(),
    "Precompiled": _precompiled,
    "Replace": _replace,
    "Prepend": lambda s, p: Prepend(s["prepend"]),
    "ByteLevel": lambda s, p: ByteLevelNormalizer(),
    "Sequence": _sequence,
}


def _charsmap_json(blob: bytes) -> dict:
    return {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(blob).decode("ascii")}


def normalizer_to_hf(normalizer: Normalizer | None) -> dict | None:
    """The HF ``tokenizer.json`` spec of a normalizer (None for none)."""
    if normalizer is None:
        return None
    simple = {Lowercase: "Lowercase", StripAccents: "StripAccents", Nmt: "Nmt",
              ByteLevelNormalizer: "ByteLevel"}
    if type(normalizer) in simple:
        return {"type": simple[type(normalizer)]}
    if isinstance(normalizer, SequenceNormalizer):
        parts = [normalizer_to_hf(n) for n in normalizer.normalizers]
        return {"type": "Sequence", "normalizers": [p for p in parts if p is not None]}
    if isinstance(normalizer, BertNormalizer):
        return {"type": "BertNormalizer", "clean_text": normalizer.clean_text,
                "handle_chinese_chars": normalizer.handle_chinese_chars,
                "strip_accents": normalizer.strip_accents, "lowercase": normalizer.lowercase}
    if isinstance(normalizer, Strip):
        return {"type": "Strip", "strip_left": normalizer.left, "strip_right": normalizer.right}
    if isinstance(normalizer, Prepend):
        return {"type": "Prepend", "prepend": normalizer.prefix}
    if isinstance(normalizer, Precompiled):
        return _charsmap_json(normalizer.charsmap_blob)
    if isinstance(normalizer, Replace):
        key = "Regex" if normalizer.is_regex else "String"
        return {"type": "Replace", "pattern": {key: normalizer.pattern}, "content": normalizer.content}
    if isinstance(normalizer, UnicodeNormalizer):
        return {"type": normalizer.form}
    if isinstance(normalizer, SentencePieceNormalizer):
        steps = _sentencepiece_steps(normalizer)
        return None if not steps else steps[0] if len(steps) == 1 else {"type": "Sequence", "normalizers": steps}
    raise OptionError(f"normalizer {type(normalizer).__name__} has no HF tokenizer.json form")


def _sentencepiece_steps(normalizer) -> list[dict]:
    """SentencePiece's normalizer as HF steps, in its order: charsmap; collapse runs of spaces and
    strip them at both ends; the dummy prefix (``Prepend``, which skips an empty text as
    SentencePiece does); spaces escaped as ``▁``. These are HF's exact equivalents, unlike a
    ``Metaspace`` pre-tokenizer, which adds no ``▁`` before a text that starts with one.

    The charsmap becomes HF's ``Precompiled`` as in every converted SentencePiece model; HF applies
    it per grapheme cluster, which differs from SentencePiece on rare clusters (see
    :class:`~tokensmith.normalizers.common.Precompiled`)."""
    if normalizer.user_defined:
        raise OptionError("SentencePiece user-defined symbols have no HF tokenizer.json form (HF "
                          "would normalize the text on each side of them apart)")
    space = "\u2581" if normalizer.escape_whitespaces else " "
    steps = [_charsmap_json(normalizer.charsmap_blob)] if normalizer.charsmap_blob else []
    if normalizer.remove_extra_whitespaces:
        steps += [{"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
                  {"type": "Replace", "pattern": {"Regex": r"\A | \z"}, "content": ""}]
    if normalizer.add_dummy_prefix:
        steps.append({"type": "Prepend", "prepend": space})
    if normalizer.escape_whitespaces:
        steps.append({"type": "Replace", "pattern": {"String": " "}, "content": space})
    return steps
