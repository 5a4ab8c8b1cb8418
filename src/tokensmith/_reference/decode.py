"""Token ids to bytes for vocabularies whose text is their tokens' bytes joined, written to be
read (the compiled ``_core/_decode.cpp`` must agree, errors included).

>>> join_token_bytes([b"a", b"bc", None, b"<s>"], [3, 0, 1])
b'<s>abc'
"""

from __future__ import annotations

import operator
from typing import Iterable, Sequence

from ..errors import InputError


def join_token_bytes(table: Sequence[bytes | None], ids: Iterable[int]) -> bytes:
    """``table[i]`` for each id joined; an id outside the table or without bytes (None) is an
    InputError naming it."""
    out = []
    for i in ids:
        i = operator.index(i)
        token = table[i] if 0 <= i < len(table) else None
        if token is None:
            raise InputError(f"token id {i} is out of range (vocabulary size {len(table)})")
        out.append(token)
    return b"".join(out)
