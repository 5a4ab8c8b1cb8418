"""SentencePiece's precompiled character map (``precompiled_charsmap`` in ``.model`` files and in HF's
``Precompiled`` normalizer), read natively.

The blob is ``uint32 trie_size`` (little-endian), a Darts-clone double-array trie of ``trie_size``
bytes whose keys are UTF-8 source strings and whose values are offsets into the rest of the blob,
a list of NUL-terminated replacement strings. Lookups walk the double array from the root:
``pos ^= offset(unit)``, then for each byte ``pos ^= byte`` and the unit there must carry that byte
as its label; a unit with a leaf bit ends a key whose value sits at ``pos ^ offset``.
"""

from __future__ import annotations

import struct
from array import array


class CharsmapError(ValueError):
    """The blob is not a well-formed precompiled charsmap."""


def _offset(unit: int) -> int:
    return (unit >> 10) << ((unit & (1 << 9)) >> 6)


class PrecompiledCharsmap:
    def __init__(self, blob: bytes):
        blob = bytes(blob)
        if len(blob) < 4:
            raise CharsmapError("precompiled charsmap shorter than its 4-byte header")
        (trie_size,) = struct.unpack_from("<I", blob, 0)
        if trie_size % 4 or 4 + trie_size > len(blob):
            raise CharsmapError(f"precompiled charsmap declares a trie of {trie_size} bytes "
                                f"but holds {len(blob) - 4}")
        units = array("I")
        units.frombytes(blob[4:4 + trie_size])
        if struct.pack("=I", 1) != struct.pack("<I", 1):
            units.byteswap()
        if not units:
            raise CharsmapError("precompiled charsmap has an empty trie")
        self.blob = blob
        self.units = units
        self.normalized = blob[4 + trie_size:]
        self._check_leaves()

    def _check_leaves(self) -> None:
        """Fail now, not at the first text that reaches it, if a key's value is out of bounds.

        Every unit a lookup can walk through has bit 31 clear (value units have it set, so their
        label never matches); each such unit with the leaf bit must point at a value unit inside
        the trie whose value is an offset into the replacement strings. Checked on all units at
        once, since walking every key from Python would take seconds."""
        import numpy as np

        units = np.frombuffer(self.units.tobytes(), dtype=np.uint32).astype(np.int64)
        leaf = np.flatnonzero(((units >> 31) == 0) & (((units >> 8) & 1) == 1))
        if leaf.size == 0:
            return
        where = leaf ^ ((units[leaf] >> 10) << ((units[leaf] & (1 << 9)) >> 6))
        if int(where.max()) >= len(units):
            raise CharsmapError("precompiled charsmap trie points outside itself")
        if int((units[where] & 0x7FFFFFFF).max()) >= len(self.normalized):
            raise CharsmapError("precompiled charsmap value is outside its strings")

    def prefix_matches(self, data: bytes, start: int = 0) -> list[tuple[int, int]]:
        """``(length, value)`` of every key that is a prefix of ``data[start:]``, shortest first."""
        units = self.units
        size = len(units)
        results = []
        pos = _offset(units[0])
        for i in range(start, len(data)):
            byte = data[i]
            if byte == 0:
                break
            pos ^= byte
            if pos >= size:
                break
            unit = units[pos]
            if unit & 0x800000FF != byte:
                break
            pos ^= _offset(unit)
            if (unit >> 8) & 1:
                if pos >= size:
                    raise CharsmapError("precompiled charsmap trie points outside itself")
                results.append((i + 1 - start, units[pos] & 0x7FFFFFFF))
        return results

    def continues(self, data: bytes, next_bytes=range(1, 256)) -> bool:
        """Whether some key starts with ``data`` followed by one of ``next_bytes``."""
        units, size = self.units, len(self.units)
        pos = _offset(units[0])
        for byte in data:
            pos ^= byte
            if pos >= size or units[pos] & 0x800000FF != byte:
                return False
            pos ^= _offset(units[pos])
        return any((pos ^ b) < size and units[pos ^ b] & 0x800000FF == b for b in next_bytes)

    def replacement(self, value: int) -> bytes:
        if value >= len(self.normalized):
            raise CharsmapError(f"precompiled charsmap value {value} is outside its strings")
        end = self.normalized.find(b"\0", value)
        return self.normalized[value:end if end >= 0 else len(self.normalized)]

    def longest(self, data: bytes, start: int) -> tuple[int, bytes] | None:
        """SentencePiece's rule: the longest key at ``start`` and its replacement."""
        matches = self.prefix_matches(data, start)
        if not matches:
            return None
        length, value = max(matches, key=lambda m: m[0])
        return length, self.replacement(value)

    def first(self, chunk: bytes) -> bytes | None:
        """HF's rule (``spm_precompiled``): the shortest key that prefixes ``chunk`` replaces it all."""
        matches = self.prefix_matches(chunk)
        return self.replacement(matches[0][1]) if matches else None
