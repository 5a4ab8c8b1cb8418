"""BERT's normalizer (WordPiece models), as BERT's reference tokenizer and HF ``tokenizers`` define it.

:class:`BertNormalizer` — *clean text* (drop NUL, U+FFFD and control/format characters, turn
every whitespace character into a space), put spaces around CJK ideographs, strip accents
(NFD, then drop combining marks), lowercase. ``strip_accents=None`` follows ``lowercase``.

Character classes come from the ``regex`` module's Unicode tables, adjusted to the older
Unicode tables HF ``tokenizers`` classifies with (about Unicode 8): the characters listed below are
classified as HF does, so ids match its tokenizers exactly. Unassigned code points are kept, as HF
keeps them (the word holding one becomes ``[UNK]``). The tests check every code point against HF
``tokenizers``; lowercasing is HF's per-character one (:func:`tokensmith.normalizers.common.lowercase`:
``Σ`` is always ``σ``, where Python's ``str.lower`` writes ``ς`` at the end of a word). BERT's
pre-tokenizer is :mod:`tokensmith.pre_tokenizers.bert`.
"""

from __future__ import annotations

from typing import Any

import regex

from ..components import Normalizer, register
from ..unicode_versions import code_point_class as _ranges
from .common import UnicodeNormalizer, lowercase

# The CJK Unified Ideograph blocks BERT pads with spaces (not Hiragana, Katakana or Hangul).
_CJK = ("\u4E00-\u9FFF\u3400-\u4DBF\U00020000-\U0002A6DF\U0002A700-\U0002B73F"
        "\U0002B740-\U0002B81F\U0002B920-\U0002CEAF\uF900-\uFAFF\U0002F800-\U0002FA1F")
_CJK_CHAR = regex.compile(f"([{_CJK}])")

# Format characters assigned after HF's tables: HF keeps them.
_LATE_FORMAT = _ranges("0890-0891 08E2 110CD 13430-1343F")
# Non-spacing marks assigned after HF's tables: accent stripping keeps them.
_LATE_MARKS = _ranges(
    "05C8-05C9 0B53-0B54 1ADE-1ADF 1AEC-1AF0 10ECB-10ECF 10EF0-10EF9 11DF0 1D127-1D128 1D25B-1D25C "
    "07FD 0897-089F 08CA-08E1 09FE 0AFA-0AFF 0B55 0C04 0C3C 0D00 0D3B-0D3C 0D81 0EBA 0ECE 180F "
    "1885-1886 1ABF-1ADD 1AE0-1AEB 1DF6-1DFB A82C A8C5 A8FF A9BD 10D24-10D27 10D69-10D6D "
    "10EAB-10EAC 10EFA-10EFF 10F46-10F50 10F82-10F85 11070 11073-11074 110C2 111C9 111CF 1123E "
    "11241 1133B 113BB-113C0 113CE 113D0 113D2 113E1-113E2 11438-1143F 11442-11444 11446 1145E "
    "1182F-11837 11839-1183A 1193B-1193C 1193E 11943 119D4-119D7 119DA-119DB 119E0 11A01-11A0A "
    "11A33-11A38 11A3B-11A3E 11A47 11A51-11A56 11A59-11A5B 11A8A-11A96 11A98-11A99 11B60 "
    "11B62-11B64 11B66 11C30-11C36 11C38-11C3D 11C3F 11C92-11CA7 11CAA-11CB0 11CB2-11CB3 "
    "11CB5-11CB6 11D31-11D36 11D3A 11D3C-11D3D 11D3F-11D45 11D47 11D90-11D91 11D95 11D97 "
    "11EF3-11EF4 11F00-11F01 11F36-11F3A 11F40 11F42 11F5A 13440 13447-13455 1611E-16129 "
    "1612D-1612F 16F4F 16FE4 1CF00-1CF2D 1CF30-1CF46 1E000-1E006 1E008-1E018 1E01B-1E021 "
    "1E023-1E024 1E026-1E02A 1E08F 1E130-1E136 1E2AE 1E2EC-1E2EF 1E4EC-1E4EF 1E5EE-1E5EF 1E6E3 "
    "1E6E6 1E6EE-1E6EF 1E6F5 1E944-1E94A")
# Spacing marks that HF's tables still count as non-spacing (accent stripping drops them).
_OLD_MARKS = _ranges("1734 1171E")
# Tab, newline and carriage return are control characters that BERT counts as whitespace;
# NUL, U+FFFD and other controls, format and private-use characters are dropped.
_DROP = regex.compile(rf"[\x00\uFFFD[[\p{{Cc}}\p{{Cf}}\p{{Co}}]--[\t\n\r{_LATE_FORMAT}]]]+", regex.V1)
_WHITESPACE = regex.compile(r"[\t\n\r\p{White_Space}]")
_MARK = regex.compile(rf"[[\p{{Mn}}{_OLD_MARKS}]--[{_LATE_MARKS}]]+", regex.V1)
_NFD = UnicodeNormalizer("NFD")  # with HF's decomposition tables

# The same on ASCII text, where the classes are fixed: controls other than tab, line feed and
# carriage return are dropped, those three become spaces.
_ASCII_CLEAN = {c: None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)}
_ASCII_CLEAN.update({0x09: " ", 0x0A: " ", 0x0D: " "})


@register
class BertNormalizer(Normalizer):
    kind = "bert"

    def __init__(self, clean_text: bool = True, handle_chinese_chars: bool = True,
                 strip_accents: bool | None = None, lowercase: bool = True):
        self.clean_text = bool(clean_text)
        self.handle_chinese_chars = bool(handle_chinese_chars)
        self.strip_accents = strip_accents
        self.lowercase = bool(lowercase)

    @property
    def _strips(self) -> bool:
        return self.lowercase if self.strip_accents is None else bool(self.strip_accents)

    def normalize(self, text: str) -> str:
        if text.isascii():
            return self._normalize_ascii(text)
        if "\n" not in text:
            return self._normalize_any(text)
        # Line by line, so that the ASCII lines (most, in most corpora) take the fast path. Every
        # step maps characters one by one (casing's context stops at a line break), so this
        # equals normalizing the whole text.
        newline = " " if self.clean_text else "\n"
        return newline.join(self._normalize_ascii(line) if line.isascii() else self._normalize_any(line)
                            for line in text.split("\n"))

    def _normalize_ascii(self, text: str) -> str:
        # ASCII has no CJK, accents or marks: cleaning and lowercasing are all that can change.
        if self.clean_text:
            text = text.translate(_ASCII_CLEAN)
        return text.lower() if self.lowercase else text

    def _normalize_any(self, text: str) -> str:
        if self.clean_text:
            text = _WHITESPACE.sub(" ", _DROP.sub("", text))
        if self.handle_chinese_chars:
            text = _CJK_CHAR.sub(r" \1 ", text)
        if self._strips:
            text = _MARK.sub("", _NFD.normalize(text))
        if self.lowercase:
            text = lowercase(text)
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "clean_text": self.clean_text,
                "handle_chinese_chars": self.handle_chinese_chars,
                "strip_accents": self.strip_accents, "lowercase": self.lowercase}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data.get("clean_text", True), data.get("handle_chinese_chars", True),
                   data.get("strip_accents"), data.get("lowercase", True))
