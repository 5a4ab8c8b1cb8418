"""The script runs of HF's ``UnicodeScripts`` pre-tokenizer.

HF gives each character a script from SentencePiece's table (the 137 scripts of Unicode 9.0),
with SentencePiece's adjustments: Hiragana, Katakana and ``ー`` (U+30FC) are Han, the space and
every character missing from the table are *Any*. A piece ends before a character whose script
(not Any) differs from the last script seen; Any characters join the piece before them, and those
before the first scripted character are dropped (a text of Any characters gives no piece).

The scripts come from the ``regex`` module's Script property; :data:`SCRIPT_EXCEPTIONS` lists
the characters HF's older table classifies otherwise (compared on every code point by the tests).
"""

from __future__ import annotations

import regex

from ..unicode_versions import code_points

HF_SCRIPTS = (
    "Adlam Ahom AnatolianHieroglyphs Arabic Armenian Avestan Balinese Bamum BassaVah Batak Bengali "
    "Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid CanadianAboriginal Carian CaucasianAlbanian "
    "Chakma Cham Cherokee Common Coptic Cuneiform Cypriot Cyrillic Deseret Devanagari Duployan "
    "EgyptianHieroglyphs Elbasan Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati "
    "Gurmukhi Han Hangul Hanunoo Hatran Hebrew Hiragana ImperialAramaic Inherited "
    "InscriptionalPahlavi InscriptionalParthian Javanese Kaithi Kannada Katakana KayahLi "
    "Kharoshthi Khmer Khojki Khudawadi Lao Latin Lepcha Limbu LinearA LinearB Lisu Lycian Lydian "
    "Mahajani Malayalam Mandaic Manichaean Marchen MeeteiMayek MendeKikakui MeroiticCursive "
    "MeroiticHieroglyphs Miao Modi Mongolian Mro Multani Myanmar Nabataean NewTaiLue Newa Nko "
    "Ogham OlChiki OldHungarian OldItalic OldNorthArabian OldPermic OldPersian OldSouthArabian "
    "OldTurkic Oriya Osage Osmanya PahawhHmong Palmyrene PauCinHau PhagsPa Phoenician "
    "PsalterPahlavi Rejang Runic Samaritan Saurashtra Sharada Shavian Siddham SignWriting Sinhala "
    "SoraSompeng Sundanese SylotiNagri Syriac Tagalog Tagbanwa TaiLe TaiTham TaiViet Takri Tamil "
    "Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Ugaritic Vai WarangCiti Yi").split()

# Characters HF's table classifies otherwise than today's Script property (mostly characters
# assigned after Unicode 9.0, which it does not know: Any).
SCRIPT_EXCEPTIONS: dict[str, str] = {
    "Any": (
        "0558 0560 0588 058B-058C 05C8-05C9 05EF 061D 07FD-07FF 0860-086A 0870-0891 0897-089F "
        "08B5 08BE-08D3 09FC-09FE 0A76 0AFA-0AFF 0B53-0B55 0C04 0C3C 0C5C-0C5D 0C77 0C84 "
        "0CDC-0CDD 0CF3 0D00 0D04 0D3B-0D3C 0D81 0E86 0E89 0E8C 0E8E-0E93 0E98 0EA0 0EA8-0EA9 "
        "0EAC 0EBA 0ECE 170D 1715 171F 180F 1878 1ABF-1AF0 1B4C 1B4E-1B4F 1B7D-1B7F 1C89-1C8A "
        "1C90-1CBA 1CBD-1CBF 1CF7 1CFA 1DF6-1DFA 208F 209D-209F 20BF-20C4 23FF 2427-2429 "
        "2B96-2B97 2BBA-2BBC 2BC9 2BD2-2BEB 2BF0-2BFF 2C2F 2C5F 2E45-2E5D 2E60-2E63 2FFC-2FFF "
        "312E-312F 31BB-31BF 31E4-31E5 31EF 32FF 4DB6-4DBF 9FD6-9FFF A7AF A7B8-A7DD A7E2 "
        "A7F1-A7F6 A82C A8FE-A8FF AB66-AB6D FBC2-FBD2 FD40-FD4F FD90-FD91 FDC8-FDCF FDFE-FDFF "
        "1019C 1032D-1032F 10780-10785 10787-107B0 107B2-107BF 10A34-10A35 10A48 10EC2-10EC7 "
        "10EC9-10EEE 10EF0-10EFF 11070-11075 110C2 110CD 11144-11147 111CE-111CF 1123F-11241 "
        "1133B 1145A 1145E-11461 116B8-116B9 116D0-116E3 1171A 11740-11746 11AB0-11ABF "
        "11B00-11B0A 11B60-11B67 11DF0-11DF1 11FB0 11FC0-11FF1 11FFF 1246F 12475-1247F "
        "12550-125A7 1264C-12686 1342F-13455 13460-143FA 16F45-16F4A 16F4F 16F7F-16F87 "
        "16FE2-16FE3 16FF0-16FF6 187ED-187FF 18AF3-18AFF 18D00-18D20 18D80-18DF2 1AFF0-1AFF3 "
        "1AFF5-1AFFB 1AFFD-1AFFE 1B002-1B128 1B132 1B150-1B152 1B155 1B164-1B168 1CC00-1CCFC "
        "1CD00-1CEB3 1CEBA-1CED0 1CED2-1CED4 1CEDD-1CEFD 1CF00-1CF2D 1CF30-1CF46 1CF50-1CFC3 "
        "1D127-1D128 1D1E9-1D1FF 1D250-1D281 1D2C0-1D2D3 1D2E0-1D2F3 1D372-1D378 1D6A6 "
        "1DB00-1DB1C 1DF00-1DF81 1DF90-1DF96 1DFCD-1DFFF 1E030-1E06D 1E08F 1E7E0-1E7E6 "
        "1E7E8-1E7EB 1E7ED-1E7EE 1E7F0-1E7FE 1E94B 1EC71-1ECB4 1ED01-1ED3D 1F10D-1F10F 1F12F "
        "1F16C-1F16F 1F1AD-1F1AE 1F260-1F265 1F6D3-1F6D9 1F6DC-1F6DF 1F6F7-1F6FC 1F774-1F77F "
        "1F7D5-1F7DB 1F7E0-1F7EB 1F7F0-1F7FF 1F8B0-1F8BB 1F8C0-1F8C1 1F8D0-1F8D8 1F900-1F90F "
        "1F91F 1F928-1F92F 1F931-1F932 1F93F 1F94C-1F94F 1F95F-1F97F 1F992-1F9BF 1F9C1-1FA57 "
        "1FA60-1FA6D 1FA70-1FA7C 1FA80-1FAC6 1FAC8 1FACC-1FADD 1FADF-1FAEB 1FAEF-1FAFA "
        "1FB00-1FB92 1FB94-1FBFA 2A6D7-2A6DF 2B735-2B73F 2B81E 2CEA2-2CEAD 2CEB0-2EBE0 "
        "2EBF0-2EE5D 30000-3134A 31350-33479"),
    "Common": (
        "0589 061C"),
    "Devanagari": (
        "0953-0954"),
}

_ANY = " "
_SCRIPT_OF = regex.compile("|".join(rf"(?P<{name}>\p{{Script={name}}})" for name in HF_SCRIPTS))


def _script_id(name: str) -> str:
    return _ANY if name == "Any" else chr(0x100 + HF_SCRIPTS.index(name))


class _ScriptIds(dict):
    """code point -> one character standing for its script (computed once per character)."""

    def __missing__(self, cp: int) -> str:
        c = chr(cp)
        m = _SCRIPT_OF.match(c)
        name = m.lastgroup if m else "Any"
        if name in ("Hiragana", "Katakana"):
            name = "Han"
        self[cp] = out = _script_id(name)
        return out


def _table() -> _ScriptIds:
    table = _ScriptIds({ord(" "): _ANY, 0x30FC: _script_id("Han")})
    for name, spec in SCRIPT_EXCEPTIONS.items():
        for cp in code_points(spec):
            table[cp] = _script_id(name)
    return table


_IDS = _table()
_RUN = regex.compile(r"([^ ])(?:\1| )*")


def script_runs(text: str) -> list[str]:
    """HF's ``UnicodeScripts`` pieces of ``text``."""
    ids = text.translate(_IDS)
    return [text[m.start():m.end()] for m in _RUN.finditer(ids)]
