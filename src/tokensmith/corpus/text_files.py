"""Stream a UTF-8 text file (optionally ``.gz``) as large chunks of text.

Chunks are read ``chunk_size`` bytes at a time and cut where splitting is unaffected
(:mod:`.cutting`), so memory stays a small multiple of ``chunk_size`` even for a file that is
one 100 MB line. Invalid UTF-8 is an :class:`~tokensmith.errors.InputError` naming the file and
the byte offset, unless ``errors="replace"`` (U+FFFD) or ``errors="ignore"`` (dropped).
"""

from __future__ import annotations

import os
from typing import Iterator

from ..errors import InputError, spell
from .cutting import find_cut
from .opening import check_errors_policy, open_corpus_file

DEFAULT_CHUNK = 4 << 20


def decode_chunk(data: bytes, errors: str, path: str, offset: int) -> str:
    try:
        return data.decode("utf-8", errors=errors)
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 4]
        raise InputError(f"invalid UTF-8 ({exc.reason}, bytes {bad!r}); pass {spell('errors', 'replace')} "
                         f"or {spell('errors', 'ignore')} to accept it", path, offset + exc.start) from None


def checked_bytes(data: bytes, errors: str, path: str, offset: int) -> bytes:
    """``data`` as valid UTF-8 bytes (checked, or repaired under the errors policy)."""
    text = decode_chunk(data, errors, path, offset)
    return data if errors == "strict" else text.encode("utf-8")


def read_text_file(path: str | os.PathLike, errors: str = "strict",
                   chunk_size: int = DEFAULT_CHUNK, as_bytes: bool = False,
                   start: int = 0, end: int | None = None) -> Iterator[str | bytes]:
    """Texts of ``path``, in order; their concatenation is the file's text.

    ``as_bytes=True`` yields valid UTF-8 ``bytes`` instead of ``str`` (what the compiled counter
    reads directly, without a ``str`` copy of each chunk). ``start`` and ``end`` read only that
    byte range of an uncompressed file (a range cut by :mod:`.cutting`); error offsets stay
    offsets in the file.
    """
    check_errors_policy(errors)
    path = os.fspath(path)
    with open_corpus_file(path) as f:
        convert = checked_bytes if as_bytes else decode_chunk
        if start:
            f.seek(start)
        offset = start  # byte offset of `carry` in the (decompressed) file
        remaining = -1 if end is None else end - start
        carry = b""
        while remaining:
            block = f.read(chunk_size if remaining < 0 else min(chunk_size, remaining))
            if not block:
                break
            if remaining > 0:
                remaining -= len(block)
            carry = carry + block if carry else block
            if len(carry) < chunk_size:  # a short read: keep filling before cutting
                continue
            cut = find_cut(carry)
            yield convert(carry[:cut], errors, path, offset)
            offset += cut
            carry = carry[cut:]
        if carry:
            text = convert(carry, errors, path, offset)
            if text:
                yield text
