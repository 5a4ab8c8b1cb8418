"""BERT's pre-tokenizer (WordPiece models), as BERT's reference tokenizer and HF ``tokenizers`` define it.

:class:`BertPreTokenizer` — split on whitespace (dropped) and make every punctuation character
its own piece. Punctuation is Unicode category P* plus every ASCII symbol (``$ + < = > ^ ` | ~``),
classified with the older Unicode tables HF ``tokenizers`` uses (the tests check every code point
against HF). BERT's normalizer is :mod:`tokensmith.normalizers.bert`.
"""

from __future__ import annotations

import re

import regex

from ..components import Splitter, register
from ..unicode_versions import code_point_class as _ranges

# Punctuation assigned after HF's tables (HF keeps them inside words), and two characters HF's
# tables still count as punctuation.
_LATE_PUNCT = _ranges(
    "061D 09FD 0A76 0C77 0C84 1B4E-1B4F 1B7D-1B7F 2E43-2E4F 2E52-2E5D 10D6E 10EAD 10ED0 "
    "10F55-10F59 10F86-10F89 113D4-113D5 113D7-113D8 1144B-1144F 1145A-1145B 1145D 11660-1166C "
    "116B9 1183B 11944-11946 119E2 11A3F-11A46 11A9A-11A9C 11A9E-11AA2 11B00-11B09 11BE1 "
    "11C41-11C45 11C70-11C71 11EF7-11EF8 11F43-11F4F 11FFF 12FF1-12FF2 16D6D-16D6F 16E97-16E9A "
    "16FE2 1E5FF 1E95E-1E95F")
_OLD_PUNCT = _ranges("166D 111C9")
# The punctuation class (a `regex` V1 set), also used by HF's BertPreTokenizer-like splitters.
PUNCTUATION = rf"[[\p{{P}}!-/:-@\[-`{{-~{_OLD_PUNCT}]--[{_LATE_PUNCT}]]"
_PIECE = regex.compile(rf"{PUNCTUATION}|[^\p{{White_Space}}{PUNCTUATION[1:-1]}]+", regex.V1)

# The same on ASCII text, where the classes are fixed: every ASCII symbol is punctuation and
# whitespace is tab to carriage return and space. The standard `re` engine runs it faster.
_ASCII_PIECE = re.compile(r"[!-/:-@\[-`{-~]|[^\t\n\x0b\x0c\r !-/:-@\[-`{-~]+")
_CHUNK = 4096


@register
class BertPreTokenizer(Splitter):
    """Words between whitespace, with each punctuation character a piece of its own.

    >>> BertPreTokenizer().split("Hello, world!  (ok)")
    ['Hello', ',', 'world', '!', '(', 'ok', ')']
    """

    kind = "bert"

    def split(self, text: str) -> list[str]:
        if text.isascii():
            return _ASCII_PIECE.findall(text)
        # Chunks cut at spaces (no piece holds whitespace): ASCII chunks take the fast pattern.
        pieces: list[str] = []
        start, n = 0, len(text)
        while start < n:
            cut = text.find(" ", start + _CHUNK)
            end = n if cut < 0 else cut
            chunk = text[start:end]
            pieces += (_ASCII_PIECE if chunk.isascii() else _PIECE).findall(chunk)
            start = end
        return pieces
