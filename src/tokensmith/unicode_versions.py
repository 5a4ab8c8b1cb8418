"""Where the Unicode tables of HF ``tokenizers``' Rust crates and Python's disagree.

HF ``tokenizers`` classifies characters with tables frozen at different Unicode versions: its
Oniguruma reads Unicode 16.0, its normalization and combining-mark tables are older, Rust's
``char::to_lowercase`` is newer than Python 3.11's ``str.lower``. To give HF's output on any text,
the components correct Python's answer on exactly the characters listed here (each list found by
comparing every code point with HF ``tokenizers``; the tests repeat the comparison).

Ranges are written as hex code points, ``"0558 058B-058C"``.
"""

from __future__ import annotations

# Code points Unicode 17.0 assigned: unassigned (Cn) for HF's Oniguruma, which reads Unicode 16.0.
UNICODE_17_ADDITIONS = (
    "0558 058B-058C 05C8-05C9 088F 0B53-0B54 0C5C 0CDC 1ACF-1AF0 208F 209D-209F 20C1-20C4 2B96 "
    "2E60-2E63 A7CE-A7CF A7D2 A7D4 A7DD A7E2 A7F1 AB6C-AB6D FBC3-FBD2 FD90-FD91 FDC8-FDCE "
    "107BB-107BF 10940-10959 10EC5-10EC7 10EC9-10EEE 10EF0-10EFB 11B0A 11B60-11B67 11DB0-11DDB "
    "11DE0-11DE9 11DF0-11DF1 1246F 12475-1247F 12550-12686 16EA0-16EB8 16EBB-16ED3 16FF2-16FF6 "
    "187F8-187FF 18CD6-18CDA 18D09-18D20 18D80-18DF2 18E00-19191 191A0-191D2 1B123-1B128 1B168 "
    "1CCFA-1CCFC 1CEBA-1CED0 1CED2-1CED4 1CEDD-1CEFD 1D127-1D128 1D1EB-1D1FF 1D250-1D281 1D6A6 "
    "1DB00-1DB1C 1DF1F-1DF24 1DF2B-1DF81 1DF90-1DF96 1DFCD-1DFFF 1E6C0-1E6DE 1E6E0-1E6F5 "
    "1E6FE-1E6FF 1F1AE 1F6D8-1F6D9 1F777-1F77A 1F7DA-1F7DB 1F7F1-1F7FF 1F8D0-1F8D8 1FA54-1FA57 "
    "1FA8A-1FA8E 1FAC8 1FACC-1FACD 1FADD 1FAEA-1FAEB 1FAEF 1FAF9-1FAFA 1FBFA 2B73A-2B73F 2B81E "
    "2CEA2-2CEAD 323B0-33479 3D000-3FC3F")

# Marks (General_Category M) HF's StripAccents keeps: assigned after its combining-mark table.
MARKS_KEPT_BY_STRIP_ACCENTS = (
    "05C8-05C9 07FD 0897-089F 08CA-08D3 09FE 0AFA-0AFF 0B53-0B55 0C04 0C3C 0CF3 0D00 0D3B-0D3C "
    "0D81 0EBA 0ECE 1715 180F 1ABF-1AF0 1CF7 1DF6-1DFA A82C A8FF 10D24-10D27 10D69-10D6D "
    "10EAB-10EAC 10ECB-10ECF 10EF0-10EFF 10F46-10F50 10F82-10F85 11070 11073-11074 110C2 "
    "11145-11146 111C9 111CE-111CF 11241 1133B 113B8-113C0 113C2 113C5 113C7-113CA 113CC-113D0 "
    "113D2 113E1-113E2 1145E 1182C-1183A 11930-11935 11937-11938 1193B-1193E 11940 11942-11943 "
    "119D1-119D7 119DA-119E0 119E4 11A01-11A0A 11A33-11A39 11A3B-11A3E 11A47 11A51-11A5B "
    "11A8A-11A99 11B60-11B67 11D31-11D36 11D3A 11D3C-11D3D 11D3F-11D45 11D47 11D8A-11D8E "
    "11D90-11D91 11D93-11D97 11DF0 11EF3-11EF6 11F00-11F01 11F03 11F34-11F3A 11F3E-11F42 11F5A "
    "13440 13447-13455 1611E-1612F 16F4F 16F7F-16F87 16FE4 16FF0-16FF1 1CF00-1CF2D 1CF30-1CF46 "
    "1D127-1D128 1D250-1D252 1D25B-1D25C 1D25F 1D280-1D281 1E08F 1E130-1E136 1E2AE 1E2EC-1E2EF "
    "1E4EC-1E4EF 1E5EE-1E5EF 1E6E3 1E6E6 1E6EE-1E6EF 1E6F5")
# Vedic signs that were spacing marks (Mc) in that table and are letters (Lo) today: stripped.
FORMER_MARKS_STRIPPED = "1CF2-1CF3"

# Characters whose decomposition is newer than HF's normalization tables: NFD / NFKD (and so
# NFC / NFKC) leave them as they are.
UNDECOMPOSED_BY_NFD = "11938"
UNDECOMPOSED_BY_NFKD = ("32FF A7F2-A7F4 AB69 10781-10785 10787-107B0 107B2-107BA 11938 1F16C "
                        "1FBF0-1FBF9")

# Lowercase mappings Rust knows and Python 3.11 does not (upper case letters of Unicode 15-16).
_LOWERCASE_ADDED = {0x1C89: 0x1C8A, 0xA7CB: 0x0264, 0xA7CC: 0xA7CD, 0xA7CE: 0xA7CF, 0xA7D2: 0xA7D3,
                    0xA7D4: 0xA7D5, 0xA7DA: 0xA7DB, 0xA7DC: 0x019B}
_LOWERCASE_ADDED.update({c: c + 0x20 for c in range(0x10D50, 0x10D66)})   # Garay
_LOWERCASE_ADDED.update({c: c + 0x1B for c in range(0x16EA0, 0x16EB9)})   # Beria Erfe
LOWERCASE_ADDED: dict[int, str] = {c: chr(low) for c, low in _LOWERCASE_ADDED.items()
                                   if chr(c).lower() == chr(c)}


def code_points(spec: str) -> list[int]:
    """Every code point of a range list."""
    out: list[int] = []
    for item in spec.split():
        lo, _, hi = item.partition("-")
        out.extend(range(int(lo, 16), int(hi or lo, 16) + 1))
    return out


def class_body(spec: str) -> str:
    r"""A ``regex`` character class body (``\U........`` escapes) matching a range list."""
    parts = []
    for item in spec.split():
        lo, _, hi = item.partition("-")
        parts.append(f"\\U{int(lo, 16):08X}" + (f"-\\U{int(hi, 16):08X}" if hi else ""))
    return "".join(parts)


_UNICODE_17 = frozenset(map(chr, code_points(UNICODE_17_ADDITIONS)))


def has_unicode_17(text: str) -> bool:
    """Whether ``text`` holds a character Unicode 17.0 added (a set test: faster than a regex)."""
    return not text.isascii() and not _UNICODE_17.isdisjoint(text)


def code_point_class(spec: str) -> str:
    """A regex class body from ``"0890-0891 08E2"`` (hex code points and ranges)."""
    parts = []
    for item in spec.split():
        lo, _, hi = item.partition("-")
        parts.append(chr(int(lo, 16)) + (f"-{chr(int(hi, 16))}" if hi else ""))
    return "".join(parts)
