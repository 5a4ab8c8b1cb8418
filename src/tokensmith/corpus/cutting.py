r"""Where to cut a long run of UTF-8 bytes into chunks without changing how it splits.

The named split patterns (gpt2, cl100k, o200k, llama3) always start a new piece before a space
followed by an ASCII letter (``x the``) and at an ASCII letter that starts a line (``.\nThe``),
when a visible ASCII character comes just before (after other whitespace, ``\s++$`` would
join a run at the end of a chunk that the middle of a text splits), so cutting there gives the
same pieces as splitting the whole text. Line starts are preferred; a run with neither
(a 100 MB line of one character, text without spaces) is cut at a UTF-8 character boundary, which
may split one piece in two but is still the same cut whatever the number of workers.
"""

from __future__ import annotations

_LETTERS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_VISIBLE = frozenset(range(0x21, 0x7F))
_MAX_TRIES = 4096


def _last_before_letter(buf: bytes, needle: bytes, lo: int) -> int:
    """Largest i >= lo with buf[i] == needle, buf[i+1] an ASCII letter and buf[i-1] a visible
    ASCII character, or -1."""
    end = len(buf) - 1
    for _ in range(_MAX_TRIES):
        i = buf.rfind(needle, lo, end)
        if i < 0:
            return -1
        if buf[i + 1] in _LETTERS and i > 0 and buf[i - 1] in _VISIBLE:
            return i
        end = i
    return -1


def find_cut(buf: bytes) -> int:
    """A cut position in the second half of ``buf`` (0 < cut <= len(buf)); see the module doc."""
    lo = len(buf) // 2
    i = _last_before_letter(buf, b"\n", lo)
    if i >= 0:
        return i + 1
    i = _last_before_letter(buf, b" ", lo)
    if i >= 0:
        return i
    cut = len(buf)
    while cut > lo and (buf[cut - 1] & 0xC0) == 0x80:  # step back over continuation bytes
        cut -= 1
    if cut > lo and buf[cut - 1] >= 0xC0:  # and over the lead byte of an unfinished character
        cut -= 1
    return cut if cut > 0 else len(buf)
