"""Unicode script classes of characters, for the rule "a piece never mixes scripts".

SentencePiece refuses pieces that mix Unicode scripts (``split_by_unicode_script``), with Han,
Hiragana and Katakana counted as one script, combining marks joining the script before them, and
Common (digits, punctuation, symbols) as a script of its own. Python has no script property, so
the script is taken from the character's Unicode name (``LATIN SMALL LETTER A`` -> Latin,
``DEVANAGARI VOWEL SIGN AA`` -> Devanagari), which agrees with the Script property for letters
and marks of every script; digits, punctuation and symbols are Common.

Script ids: ``0`` Common, ``-1`` Inherited (combining marks), ``>= 1`` a script.
"""

from __future__ import annotations

import unicodedata
from typing import Iterable

COMMON = 0
INHERITED = -1

# Name prefixes that describe a form, not a script.
_GENERIC = {"DIGIT", "MODIFIER", "FULLWIDTH", "HALFWIDTH", "SUPERSCRIPT", "SUBSCRIPT", "VULGAR",
            "ROMAN", "CIRCLED", "PARENTHESIZED", "MATHEMATICAL", "SMALL", "SQUARED", "NEGATIVE",
            "DOUBLE", "BLACK", "WHITE", "OLD", "TAG", "VARIATION"}
_SAME_AS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "IDEOGRAPHIC": "CJK", "KANGXI": "CJK",
            "BOPOMOFO": "CJK"}


def script_name(ch: str) -> str:
    """``"Common"``, ``"Inherited"`` or the script's name as the Unicode name spells it."""
    if ch == "\u30fc":  # the prolonged sound mark is written with Katakana
        return "CJK"
    cat = unicodedata.category(ch)
    if cat[0] not in "LMN":
        return "Common"
    name = unicodedata.name(ch, "")
    if not name:
        return "CJK" if cat == "Lo" else "Common"
    word = name.split(" ")[0].split("-")[0]
    if word == "COMBINING" or (cat[0] == "M" and word in _GENERIC):
        return "Inherited"
    if word in _GENERIC or (cat[0] == "N" and word in ("DIGIT", "NUMBER")):
        return "Common"
    if word == "CJK":
        return "CJK"
    return _SAME_AS.get(word, word)


def script_ids(chars: Iterable[str]) -> dict[int, int]:
    """``{code point: script id}`` for ``chars`` (ids are stable for a given set of characters)."""
    names = {ch: script_name(ch) for ch in chars}
    numbered = {n: i + 1 for i, n in enumerate(sorted(set(names.values()) - {"Common", "Inherited"}))}
    numbered["Common"] = COMMON
    numbered["Inherited"] = INHERITED
    return {ord(ch): numbered[n] for ch, n in names.items()}
