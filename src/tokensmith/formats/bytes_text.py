"""GPT-2's reversible map between bytes and printable characters.

HF ``tokenizer.json`` / ``vocab.json`` files and tokensmith's native format store byte-level
tokens as text through this map: printable ASCII and Latin-1 map to themselves, the 68 other
bytes to U+0100.. so that every byte string becomes a printable string without escapes.

>>> bytes_to_text(b" hello\\n")
'ĠhelloĊ'
>>> text_to_bytes('Ġhello')
b' hello'
"""

from __future__ import annotations

from functools import lru_cache
from itertools import accumulate


@lru_cache(maxsize=1)
def byte_to_char() -> dict[int, str]:
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    mapping = {b: chr(b) for b in keep}
    extra = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


@lru_cache(maxsize=1)
def char_to_byte() -> dict[str, int]:
    return {c: b for b, c in byte_to_char().items()}


@lru_cache(maxsize=1)
def _latin1_to_char() -> dict[int, str]:
    return {b: c for b, c in byte_to_char().items() if chr(b) != c}


def bytes_to_text(data: bytes) -> str:
    # Each byte read as the Latin-1 character of its value, then mapped in one translate.
    return data.decode("latin-1").translate(_latin1_to_char())


def text_to_bytes(text: str) -> bytes:
    table = char_to_byte()
    try:
        return bytes(table[c] for c in text)
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} is not in the byte-level alphabet") from None


@lru_cache(maxsize=1)
def _byte_of_code():
    """Byte of each code point up to the alphabet's last (U+0143); -1 outside the alphabet."""
    import numpy as np

    table = np.full(0x144, -1, dtype=np.int16)
    for c, b in char_to_byte().items():
        table[ord(c)] = b
    return table


def texts_to_bytes(texts: list[str]) -> list[bytes]:
    """:func:`text_to_bytes` of many strings at array speed (a vocabulary loads in
    milliseconds): every character of the alphabet is one UTF-16 unit, looked up in one table."""
    import numpy as np

    joined = "".join(texts)
    codes = np.frombuffer(joined.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    table = _byte_of_code()
    outside = codes >= len(table)
    codes = np.where(outside, 0, codes)
    values = table[codes]
    bad = np.flatnonzero(outside | (values < 0))
    if bad.size:
        raise ValueError(f"character {joined[bad[0]]!r} is not in the byte-level alphabet")
    data = values.astype(np.uint8).tobytes()  # one byte per character
    ends = list(accumulate(map(len, texts)))
    return [data[end - len(t):end] for t, end in zip(texts, ends)]


@lru_cache(maxsize=1)
def latin1_translation() -> dict[int, int]:
    """A ``str.translate`` table taking byte-level text to its bytes as Latin-1 characters.

    ``text.translate(table)`` has only characters up to U+00FF exactly when every character of
    ``text`` is in the byte alphabet (the others become U+0100 or stay above); it then encodes as
    Latin-1 to the bytes: ``text_to_bytes`` at C speed, for whole vocabularies and pieces.
    """
    table = {ord(c): b for b, c in byte_to_char().items()}
    for code in range(256):
        table.setdefault(code, 0x100)
    return table
