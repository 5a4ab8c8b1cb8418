"""Stream one string column of a Parquet file (needs the optional ``pyarrow``)."""

from __future__ import annotations

import os
from typing import Iterator

from ..errors import InputError, spell

BATCH_ROWS = 8192


def read_parquet(path: str | os.PathLike, column: str = "text") -> Iterator[str]:
    """The non-null strings of ``column``, row by row, read a batch at a time."""
    path = os.fspath(path)
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("reading Parquet needs pyarrow: pip install 'tokensmith[parquet]'",
                         path) from None
    if not os.path.exists(path):
        raise InputError("no such corpus file", path)
    try:
        pf = pq.ParquetFile(path)
        names = pf.schema_arrow.names
        if column not in names:
            raise InputError(f"no column {column!r} (columns: {', '.join(map(repr, names[:8]))}); "
                             f"choose one with {spell('text_field', placeholder='COLUMN')}", path)
        kind = pf.schema_arrow.field(column).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            raise InputError(f"column {column!r} holds {kind}, not strings", path)
        for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=[column]):
            for value in batch.column(0).to_pylist():
                if value is not None:
                    yield value
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"not a readable Parquet file ({exc})", path) from None
