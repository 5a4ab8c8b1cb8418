"""Stream one field of each record of a JSON Lines file (optionally ``.gz``)."""

from __future__ import annotations

import json
import os
from typing import Iterator

from ..errors import InputError, spell
from .opening import check_errors_policy, open_corpus_file
from .text_files import decode_chunk


def read_jsonl(path: str | os.PathLike, field: str = "text", errors: str = "strict") -> Iterator[str]:
    """The string ``record[field]`` of every record; blank lines are skipped.

    A record that is not a JSON object, lacks the field or holds a non-string there is an
    error naming the file and the line.
    """
    check_errors_policy(errors)
    path = os.fspath(path)
    with open_corpus_file(path) as f:
        offset = 0
        for lineno, raw in enumerate(f, 1):
            line = decode_chunk(raw, errors, path, offset)
            offset += len(raw)
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"line {lineno}: invalid JSON ({exc.msg})", path) from None
            if not isinstance(record, dict):
                raise InputError(f"line {lineno}: expected a JSON object, got {type(record).__name__}",
                                 path)
            if field not in record:
                keys = ", ".join(map(repr, list(record)[:8]))
                raise InputError(f"line {lineno}: no field {field!r} (fields: {keys}); choose one "
                                 f"with {spell('text_field', placeholder='FIELD')}", path)
            value = record[field]
            if value is None:
                continue
            if not isinstance(value, str):
                raise InputError(f"line {lineno}: field {field!r} is {type(value).__name__}, "
                                 "not a string", path)
            yield value
