"""The writing system of a text, from its letters' Unicode names (no external data)."""

from __future__ import annotations

import unicodedata
from collections import Counter

# ISO 15924 codes that appear as suffixes of language codes (``srp-Cyrl``).
ISO15924 = {"Latn": "Latin", "Cyrl": "Cyrillic", "Arab": "Arabic", "Deva": "Devanagari",
            "Hans": "Han", "Hant": "Han", "Grek": "Greek", "Hebr": "Hebrew", "Ethi": "Ethiopic",
            "Beng": "Bengali", "Thai": "Thai", "Tfng": "Tifinagh", "Mong": "Mongolian"}
# First word(s) of a Unicode character name that are not the script's common name.
_ALIASES = {"CJK": "Han", "HANGUL": "Hangul", "HIRAGANA": "Kana", "KATAKANA": "Kana",
            "MYANMAR": "Myanmar", "OL": "Ol Chiki", "NKO": "NKo"}


def char_script(ch: str) -> str | None:
    """Script of one letter or mark, e.g. ``'ж' -> 'Cyrillic'``; None for other characters."""
    if not unicodedata.category(ch).startswith(("L", "M")):
        return None
    name = unicodedata.name(ch, "")
    if not name:
        return None
    head = name.split()[0]
    if head in _ALIASES:
        return _ALIASES[head]
    return head.title()


def detect_script(text: str, sample: int = 20_000) -> str:
    """The majority script of the letters of ``text`` (Japanese: ``Japanese`` when kana is mixed
    with Han, since neither alone describes it)."""
    counts: Counter[str] = Counter()
    for ch, n in Counter(text[:sample]).items():  # distinct characters are few
        script = char_script(ch)
        if script is not None:
            counts[script] += n
    if not counts:
        return "Unknown"
    total = sum(counts.values())
    if counts.get("Kana", 0) >= 0.05 * total:
        return "Japanese"
    return counts.most_common(1)[0][0]


def script_of(code: str, text: str) -> str:
    """Script from the language code's ISO 15924 suffix if it has one, else from the text."""
    for part in code.split("-")[1:]:
        if part in ISO15924:
            return ISO15924[part]
    return detect_script(text)
