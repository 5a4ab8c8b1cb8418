r"""Where a run of UTF-8 bytes may be cut without changing how it splits: the one rule.

The named split patterns (gpt2, cl100k, o200k, llama3) always start a new piece before a space
followed by an ASCII letter (``x the``) and at an ASCII letter that starts a line (``.\nThe``),
when a visible ASCII character comes just before (after other whitespace, ``\s++$`` would
join a run at the end of a chunk that the middle of a text splits), so cutting there gives the
same pieces as splitting the whole text. :data:`SAFE_CUT` is that rule as one pattern (a match
ends at a cut); every reader that cuts text (chunks of a file, byte ranges of a file for remote
tasks, work units of one large text for the counting threads) cuts with the functions below.

Line starts are preferred; a run with neither (a 100 MB line of one character, text without
spaces) is cut at a UTF-8 character boundary, which may split one piece in two but is still the
same cut whatever the number of workers.
"""

from __future__ import annotations

import re
from typing import Iterator

_LETTER = rb"A-Za-z"
_VISIBLE = rb"\x21-\x7e"
_LETTERS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_VISIBLE_BYTES = frozenset(range(0x21, 0x7F))

# A match ends at a cut: after "\n" or before " ", with a visible ASCII character before the
# newline or space and an ASCII letter after it.
SAFE_CUT = re.compile(rb"[%s](?:\n(?=[%s])|(?= [%s]))" % (_VISIBLE, _LETTER, _LETTER))

_MAX_TRIES = 4096  # candidates looked at per search before falling back (bounds the time)


def _last_before_letter(buf: bytes, needle: bytes, lo: int, end: int) -> int:
    """Largest i in [lo, end - 1) with buf[i] == needle, buf[i+1] an ASCII letter and buf[i-1]
    a visible ASCII character, or -1."""
    end -= 1
    for _ in range(_MAX_TRIES):
        i = buf.rfind(needle, lo, end)
        if i < 0:
            return -1
        if buf[i + 1] in _LETTERS and i > 0 and buf[i - 1] in _VISIBLE_BYTES:
            return i
        end = i
    return -1


def find_cut(buf: bytes, start: int = 0, end: int | None = None) -> int:
    """A cut position in ``buf[start:end]`` (start < cut <= end): the last line start in its
    second half, else the last safe space there, else the last UTF-8 character boundary."""
    end = len(buf) if end is None else end
    lo = start + (end - start) // 2
    i = _last_before_letter(buf, b"\n", lo, end)
    if i >= 0:
        return i + 1
    i = _last_before_letter(buf, b" ", lo, end)
    if i >= 0:
        return i
    cut = end
    while cut > start and (buf[cut - 1] & 0xC0) == 0x80:  # step back over continuation bytes
        cut -= 1
    if cut > start and buf[cut - 1] >= 0xC0:  # and over the lead byte of an unfinished character
        cut -= 1
    return cut if cut > start else end


def next_cut(buf: bytes, pos: int, end: int | None = None) -> int | None:
    """The first cut position at or after ``pos`` (and at most ``end``) by the rule, or None.

    The two bytes before ``pos`` are looked at too (what comes before a cut at ``pos``)."""
    end = len(buf) if end is None else end
    start = max(pos - 2, 0)
    while True:
        m = SAFE_CUT.search(buf, start, end)
        if m is None:
            return None
        if m.end() >= pos:
            return m.end()
        start = m.start() + 1


def cut_units(data: bytes, unit: int) -> Iterator[bytes]:
    """``data`` in consecutive pieces of about ``unit`` bytes (from ``unit / 2`` to ``2 * unit``)
    cut by :func:`find_cut`: work for several threads that counts as the whole text does."""
    begin = 0
    while len(data) - begin > 2 * unit:
        cut = find_cut(data, begin, begin + unit)
        yield data[begin:cut]
        begin = cut
    yield data[begin:] if begin else data
