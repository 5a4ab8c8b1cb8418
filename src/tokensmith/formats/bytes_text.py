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
