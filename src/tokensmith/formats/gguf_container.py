"""The metadata section of a GGUF file (the key-value pairs before the tensor data).

Layout (ggml's ``gguf.h``; the ``gguf`` package reads the same): ``GGUF``, version (uint32),
tensor count and key count (uint64; uint32 in version 1), then per key a string name, a
uint32 value type and the value. Strings are a length (uint64, uint32 in version 1) and UTF-8
bytes; arrays an element type, a count and the elements. Files are little-endian, or
big-endian when the version reads byte-swapped.

The file is memory-mapped and only the metadata is read, so a multi-gigabyte model costs no
more than its vocabulary. Every length and count is checked against what remains, so a
truncated or forged file is a :class:`ModelFileError` naming the offset, never a huge allocation.
(The ``gguf`` package's ``GGUFReader`` builds a numpy view per array element, several seconds
for a 50,000-token vocabulary; tests check that both read the same values.)
"""

from __future__ import annotations

import mmap
import os
import struct

import numpy as np

from ..errors import ModelFileError

MAGIC = b"GGUF"
STRING, ARRAY = 8, 9
# value type -> struct format (without byte order)
SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
MAX_DEPTH = 4  # arrays of arrays: llama.cpp writes none; a forged file could nest without end


class _Truncated(ValueError):
    pass


def read_metadata(path: str | os.PathLike) -> dict[str, object]:
    """Every metadata key with its value: int, float, bool, str, or a list (numbers as a list
    of Python numbers, strings as a list of str)."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size < 4:
                raise ModelFileError(path, f"{size} bytes is too short for a GGUF file")
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return _Reader(data, path).metadata()
    except OSError as exc:
        raise ModelFileError(path, f"cannot read: {exc.strerror or exc}") from None


class _Reader:
    def __init__(self, data, path: str):
        self.data, self.path, self.pos = data, path, 0
        self.order = "<"
        self.wide = True  # 64-bit lengths and counts (version 2 and later)

    def metadata(self) -> dict[str, object]:
        if self.data[:4] != MAGIC:
            raise ModelFileError(self.path, f"not a GGUF file (starts with {bytes(self.data[:4])!r})")
        self.pos = 4
        try:
            version = self._scalar("I")
            if version & 0xFFFF == 0:  # written on a big-endian machine
                self.order, version = ">", int.from_bytes(version.to_bytes(4, "little"), "big")
            if version not in (1, 2, 3):
                raise ModelFileError(self.path, f"GGUF version {version} is not supported (1 to 3 are)")
            self.wide = version >= 2
            self._length()  # tensor count
            count = self._length()
            out: dict[str, object] = {}
            for _ in range(count):
                at = self.pos
                key = self._string()
                if key in out:
                    raise ModelFileError(self.path, f"key {key!r} appears twice (second at byte {at})")
                out[key] = self._value(self._scalar("I"), 0)
            return out
        except _Truncated as exc:
            raise ModelFileError(self.path, f"truncated GGUF metadata: {exc}") from None

    def _take(self, size: int) -> bytes:
        end = self.pos + size
        if size < 0 or end > len(self.data):
            raise _Truncated(f"{size} bytes needed at byte {self.pos}, {len(self.data) - self.pos} left")
        chunk = self.data[self.pos:end]
        self.pos = end
        return chunk

    def _scalar(self, fmt: str):
        fmt = self.order + fmt
        return struct.unpack(fmt, self._take(struct.calcsize(fmt)))[0]

    def _length(self) -> int:
        return self._scalar("Q" if self.wide else "I")

    def _string(self) -> str:
        at = self.pos
        raw = self._take(self._length())
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ModelFileError(self.path, f"the string at byte {at} is not UTF-8") from None

    def _value(self, kind: int, depth: int):
        if kind in SCALARS:
            value = self._scalar(SCALARS[kind])
            return value
        if kind == STRING:
            return self._string()
        if kind == ARRAY and depth < MAX_DEPTH:
            element = self._scalar("I")
            count = self._length()
            if element in SCALARS:
                fmt = self.order + SCALARS[element]
                raw = self._take(count * struct.calcsize(fmt))
                return np.frombuffer(raw, dtype=np.dtype(fmt)).tolist()
            smallest = 8 if self.wide else 4  # a string is at least its length field
            if count * smallest > len(self.data) - self.pos:
                raise _Truncated(f"an array of {count} elements at byte {self.pos} cannot fit")
            return [self._value(element, depth + 1) for _ in range(count)]
        raise ModelFileError(self.path, f"unknown value type {kind} at byte {self.pos - 4}")
