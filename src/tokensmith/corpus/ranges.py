"""Byte ranges of one large corpus file that separate readers can read on their own.

Ranges of a text file start and end only at cuts of :mod:`.cutting`, so splitting the ranges
separately gives the pieces of the whole file; where no cut lies between two nominal boundaries
the range simply grows. JSON Lines ranges end just after a newline. Compressed files and Parquet
files are not cut (one range, None). Read a range with
``read_file(path, start=start, end=end)``.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from .cutting import next_cut
from .sources import file_kind

SCAN_WINDOW = 1 << 20  # bytes read at a time while looking for a cut


def byte_ranges(path: str, range_bytes: int) -> list[tuple[int, int]] | None:
    """``[(start, end), ...]`` covering ``path`` in ranges of about ``range_bytes``, or None
    for a file read whole (compressed, Parquet, missing or small)."""
    if path.lower().endswith((".gz", ".parquet")) or not os.path.isfile(path):
        return None
    size = os.path.getsize(path)
    if size <= range_bytes + range_bytes // 2:
        return None
    kind = file_kind(path)
    ranges = []
    start = 0
    with open(path, "rb") as f:
        nominal = range_bytes
        while nominal < size - range_bytes // 2:
            cut = _first_cut(f, nominal, min(size, nominal + range_bytes), kind)
            if cut is not None and start < cut < size:
                ranges.append((start, cut))
                start = cut
                nominal = cut + range_bytes
            else:
                nominal += range_bytes
    ranges.append((start, size))
    return ranges


def _first_cut(f: BinaryIO, lo: int, hi: int, kind: str) -> int | None:
    """The first cut position in ``[lo, hi)`` of the open file ``f``."""
    pos = lo
    while pos < hi:
        begin = max(pos - 2, 0)  # what comes before a cut at `pos`
        f.seek(begin)
        window = f.read(min(SCAN_WINDOW, hi - pos) + 3)
        if not window:
            return None
        if kind == "jsonl":
            i = window.find(b"\n", pos - begin)
            if i >= 0:
                return begin + i + 1
        else:
            cut = next_cut(window, pos - begin)
            if cut is not None:
                return begin + cut
        pos += SCAN_WINDOW
    return None
