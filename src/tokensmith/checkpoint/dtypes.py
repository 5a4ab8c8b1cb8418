"""The safetensors dtypes, and the conversions of floating matrices to and from float32.

numpy has no bfloat16: a BF16 tensor is read as ``uint16`` (the top half of a float32's bits) and
widened by a shift; float32 is narrowed back with round-to-nearest-even on the dropped half, as
PyTorch's ``tensor.to(torch.bfloat16)`` does (NaN stays a quiet NaN).
"""

from __future__ import annotations

import numpy as np

# safetensors dtype name -> numpy dtype holding its bytes (little-endian, as the format requires)
STORAGE = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "BF16": np.dtype("<u2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"), "I8": np.dtype("i1"),
    "U64": np.dtype("<u8"), "U32": np.dtype("<u4"), "U16": np.dtype("<u2"), "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"), "F8_E4M3": np.dtype("u1"), "F8_E5M2": np.dtype("u1"),
}

# Floating dtypes a vocabulary matrix may have (read as float32, written back in its own dtype).
FLOATING = ("F64", "F32", "F16", "BF16")


def to_float32(stored: np.ndarray, dtype: str) -> np.ndarray:
    """A float32 copy of a tensor read with :data:`STORAGE`'s dtype for ``dtype``."""
    if dtype == "BF16":
        return (stored.astype(np.uint32) << 16).view(np.float32)
    return stored.astype(np.float32)


def from_float32(values: np.ndarray, dtype: str) -> np.ndarray:
    """``values`` (float32) stored as ``dtype`` (round to nearest even for BF16)."""
    values = np.ascontiguousarray(values, dtype=np.float32)
    if dtype == "BF16":
        bits = values.view(np.uint32)
        rounded = (bits + (((bits >> 16) & 1) + 0x7FFF)) >> 16
        out = rounded.astype(np.uint16)
        out[np.isnan(values)] = 0x7FC0
        return out
    return values.astype(STORAGE[dtype])
