"""Stream one field of each record of a JSON Lines file (optionally ``.gz``)."""

from __future__ import annotations

import json
import os
from typing import BinaryIO, Iterator

from ..errors import InputError, spell
from .opening import check_errors_policy, open_corpus_file
from .text_files import decode_chunk

# The longest record (one line) read: a line is parsed whole, so a file with no line breaks
# would otherwise be read into memory entirely before anything could be said about it.
MAX_RECORD_BYTES = 1 << 30  # 1 GiB


class RecordError(ValueError):
    """One bad record; the reader adds where it is (file and line, or byte offset)."""


def read_jsonl(path: str | os.PathLike, field: str = "text", errors: str = "strict",
               max_record_bytes: int | None = None, start: int = 0,
               end: int | None = None) -> Iterator[str]:
    """The string ``record[field]`` of every record; blank lines are skipped.

    A record that is not a JSON object, lacks the field or holds a non-string there is an
    error naming the file and the line, and so is a record longer than ``max_record_bytes``
    (default :data:`MAX_RECORD_BYTES`, 1 GiB; raise it for larger records). ``start`` and
    ``end`` read only the records that start in that byte range of an uncompressed file
    (``start`` at a line start); errors there name the byte offset of the line.
    """
    check_errors_policy(errors)
    path = os.fspath(path)
    with open_corpus_file(path) as f:
        if start:
            f.seek(start)
        offset = start
        lineno = 0
        while end is None or offset < end:
            lineno += 1
            try:
                raw = read_record(f, max_record_bytes)
                if not raw:
                    return
                line = decode_chunk(raw, errors, path, offset)
                text = record_text(line, field)
            except RecordError as exc:
                if start:
                    raise InputError(str(exc), path, offset) from None
                raise InputError(f"line {lineno}: {exc}", path) from None
            offset += len(raw)
            if text is not None:
                yield text


def read_record(f: BinaryIO, max_record_bytes: int | None = None) -> bytes:
    """The next line of ``f`` (b"" at the end); :class:`RecordError` past the size limit, having
    read no more than the limit."""
    limit = MAX_RECORD_BYTES if max_record_bytes is None else max_record_bytes
    raw = f.readline(limit + 1)
    if len(raw) > limit and not (len(raw) == limit + 1 and raw.endswith(b"\n")):
        raise RecordError(f"record longer than {limit:,} bytes (the limit max_record_bytes; "
                          "is this JSON Lines?)")
    return raw


def record_text(line: str, field: str) -> str | None:
    """``record[field]`` of one line; None for a blank line or a null field."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError(f"invalid JSON ({exc.msg})") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise RecordError(f"invalid JSON ({exc})") from None
    except RecursionError:
        raise RecordError("invalid JSON (nested too deeply)") from None
    if not isinstance(record, dict):
        raise RecordError(f"expected a JSON object, got {type(record).__name__}")
    if field not in record:
        keys = ", ".join(map(repr, list(record)[:8]))
        raise RecordError(f"no field {field!r} (fields: {keys}); choose one with "
                          f"{spell('text_field', placeholder='FIELD')}")
    value = record[field]
    if value is not None and not isinstance(value, str):
        raise RecordError(f"field {field!r} is {type(value).__name__}, not a string")
    return value
