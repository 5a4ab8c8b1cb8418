"""The texts of one work unit, read where the task runs.

Byte ranges of text files are read like :func:`tokensmith.corpus.read_text_file` reads a whole
file (chunks cut by :func:`~tokensmith.corpus.find_cut`, UTF-8 checked); errors name the file and
the absolute byte offset. JSON Lines ranges give one text per record with the same checks as
:func:`tokensmith.corpus.read_jsonl`, naming the byte offset of the bad line.
"""

from __future__ import annotations

from typing import Iterator

from ..corpus import find_cut
from ..corpus.jsonl import RecordError, read_record, record_text
from ..corpus.sources import read_file
from ..corpus.text_files import DEFAULT_CHUNK, checked_bytes, decode_chunk
from ..errors import InputError
from .work_units import FileUnit, RangeUnit, TextsUnit


def unit_texts(unit, *, errors: str, text_field: str, chunk_size: int = DEFAULT_CHUNK
               ) -> Iterator[str | bytes]:
    """Texts (``str``, or checked UTF-8 ``bytes`` from text files) of ``unit``."""
    if isinstance(unit, TextsUnit):
        yield from unit.texts
    elif isinstance(unit, FileUnit):
        yield from read_file(unit.path, errors=errors, text_field=text_field,
                             chunk_size=chunk_size, as_bytes=True)
    elif isinstance(unit, RangeUnit) and unit.kind == "jsonl":
        yield from read_jsonl_range(unit.path, unit.start, unit.end, text_field, errors)
    elif isinstance(unit, RangeUnit):
        yield from read_text_range(unit.path, unit.start, unit.end, errors, chunk_size)
    else:
        raise TypeError(f"not a work unit: {unit!r}")


def _open(path: str):
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror or exc}", path) from None


def read_text_range(path: str, start: int, end: int, errors: str = "strict",
                    chunk_size: int = DEFAULT_CHUNK) -> Iterator[bytes]:
    with _open(path) as f:
        f.seek(start)
        offset = start  # file offset of `carry`
        carry = b""
        remaining = end - start
        while remaining > 0:
            block = f.read(min(chunk_size, remaining))
            if not block:
                break
            remaining -= len(block)
            carry = carry + block if carry else block
            if len(carry) < chunk_size:
                continue
            cut = find_cut(carry)
            yield checked_bytes(carry[:cut], errors, path, offset)
            offset += cut
            carry = carry[cut:]
        if carry:
            data = checked_bytes(carry, errors, path, offset)
            if data:
                yield data


def read_jsonl_range(path: str, start: int, end: int, field: str = "text",
                     errors: str = "strict") -> Iterator[str]:
    with _open(path) as f:
        f.seek(start)
        offset = start
        while offset < end:
            try:
                raw = read_record(f)
                if not raw:
                    break
                line = decode_chunk(raw, errors, path, offset)
                text = record_text(line, field)
            except RecordError as exc:
                raise InputError(str(exc), path, offset) from None
            offset += len(raw)
            if text is not None:
                yield text
