"""Reading and writing safetensors files with numpy alone (no torch, no whole-file loads).

The format (https://huggingface.co/docs/safetensors): 8 bytes, the little-endian length ``N`` of a
JSON header; ``N`` bytes of JSON, ``{name: {"dtype", "shape", "data_offsets": [begin, end]}}``
plus an optional ``"__metadata__"`` of strings; then the data, each tensor's bytes at its offsets
(relative to the end of the header), little-endian, C order. The header is checked as the
``safetensors`` library checks it (sizes agree with shapes, offsets inside the file), so a damaged
file is a :class:`~tokensmith.errors.ModelFileError` naming it, never a numpy crash.

Tensors are read one at a time from their offsets, and copied between files in bounded chunks,
so rewriting a checkpoint holds at most the tensors being replaced in memory.
"""

from __future__ import annotations

import json
import math
import os
import struct
from dataclasses import dataclass
from typing import BinaryIO, Iterable

import numpy as np

from ..errors import ModelFileError
from .dtypes import STORAGE

MAX_HEADER = 100_000_000  # the safetensors library's own limit on the JSON header
COPY_CHUNK = 64 << 20


@dataclass(frozen=True)
class TensorInfo:
    name: str
    dtype: str
    shape: tuple[int, ...]
    begin: int  # byte offsets in the data section
    end: int

    @property
    def nbytes(self) -> int:
        return self.end - self.begin


class SafetensorsFile:
    """The header of one safetensors file, and its tensors on demand."""

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        try:
            size = os.path.getsize(self.path)
            with open(self.path, "rb") as f:
                head = f.read(8)
                if len(head) < 8:
                    raise self._error(f"{size} bytes: too short for a safetensors header")
                (n,) = struct.unpack("<Q", head)
                if n > MAX_HEADER or 8 + n > size:
                    raise self._error(f"header length {n} does not fit the file ({size} bytes)")
                raw = f.read(n)
        except OSError as exc:
            raise ModelFileError(self.path, f"cannot read: {exc.strerror or exc}") from None
        self.data_start = 8 + n
        try:
            header = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise self._error(f"header is not JSON ({exc})") from None
        if not isinstance(header, dict):
            raise self._error("header is not a JSON object")
        metadata = header.pop("__metadata__", None) or {}
        if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
            raise self._error("__metadata__ is not a map of strings")
        self.metadata: dict[str, str] = metadata
        self.tensors: dict[str, TensorInfo] = {}
        data_size = size - self.data_start
        for name, entry in header.items():
            self.tensors[name] = self._tensor_info(name, entry, data_size)

    def _error(self, problem: str) -> ModelFileError:
        return ModelFileError(self.path, f"corrupt safetensors header: {problem}")

    def _tensor_info(self, name: str, entry, data_size: int) -> TensorInfo:
        if not isinstance(entry, dict):
            raise self._error(f"tensor {name!r} is not an object")
        dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
        if dtype not in STORAGE:
            raise self._error(f"tensor {name!r} has unknown dtype {dtype!r}")
        if not (isinstance(shape, list) and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                                for d in shape)):
            raise self._error(f"tensor {name!r} has shape {shape!r}, not a list of sizes")
        if not (isinstance(offsets, list) and len(offsets) == 2
                and all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
                and 0 <= offsets[0] <= offsets[1] <= data_size):
            raise self._error(f"tensor {name!r} has data_offsets {offsets!r} outside the "
                              f"{data_size}-byte data section")
        expected = math.prod(shape) * STORAGE[dtype].itemsize
        if offsets[1] - offsets[0] != expected:
            raise self._error(f"tensor {name!r}: {offsets[1] - offsets[0]} bytes for shape {shape} "
                              f"of {dtype} ({expected} expected)")
        return TensorInfo(name, dtype, tuple(shape), offsets[0], offsets[1])

    def read(self, name: str) -> np.ndarray:
        """Tensor ``name`` as stored (BF16 as ``uint16``), a fresh array."""
        info = self.tensors[name]
        with open(self.path, "rb") as f:
            f.seek(self.data_start + info.begin)
            data = f.read(info.nbytes)
        if len(data) != info.nbytes:
            raise ModelFileError(self.path, f"tensor {name!r} is truncated")
        return np.frombuffer(data, dtype=STORAGE[info.dtype]).reshape(info.shape).copy()

    def copy_raw(self, name: str, out: BinaryIO) -> None:
        """Write tensor ``name``'s bytes to ``out`` unchanged, in bounded chunks."""
        info = self.tensors[name]
        with open(self.path, "rb") as f:
            f.seek(self.data_start + info.begin)
            left = info.nbytes
            while left:
                chunk = f.read(min(left, COPY_CHUNK))
                if not chunk:
                    raise ModelFileError(self.path, f"tensor {name!r} is truncated")
                out.write(chunk)
                left -= len(chunk)

    def in_file_order(self) -> list[str]:
        return sorted(self.tensors, key=lambda n: (self.tensors[n].begin, n))


def header_bytes(entries: Iterable[tuple[str, str, tuple[int, ...], int]],
                 metadata: dict[str, str] | None) -> bytes:
    """The length prefix and JSON header for tensors ``(name, dtype, shape, nbytes)`` laid out in
    order; padded with spaces to a multiple of 8 bytes, as the safetensors library writes it."""
    header: dict = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    for name, dtype, shape, nbytes in entries:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw


def write_file(path: str, source: SafetensorsFile | None, replaced: dict[str, tuple[str, np.ndarray]],
               order: list[str] | None = None) -> None:
    """Write ``path``: the tensors of ``source`` in their order (bytes copied unchanged) except
    ``replaced`` (name -> (dtype, array already in that dtype's storage)), which may also add
    tensors. ``source`` None writes ``replaced`` alone."""
    names = list(order if order is not None else (source.in_file_order() if source else []))
    names += [n for n in replaced if n not in names]
    entries = []
    for name in names:
        if name in replaced:
            dtype, array = replaced[name]
            entries.append((name, dtype, array.shape, array.nbytes))
        else:
            info = source.tensors[name]
            entries.append((name, info.dtype, info.shape, info.nbytes))
    with open(path, "wb") as out:
        out.write(header_bytes(entries, source.metadata if source else None))
        for name in names:
            if name in replaced:
                out.write(np.ascontiguousarray(replaced[name][1]).data)  # no copy of the array
            else:
                source.copy_raw(name, out)
        out.flush()
        os.fsync(out.fileno())
