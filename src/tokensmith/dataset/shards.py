"""Writing a directory of token shards completely or not at all.

Layout: ``shard_00000.npy``, ``shard_00001.npy``, ... (1-D arrays of ``dtype``, every shard but
the last holding exactly ``shard_tokens`` ids; documents run on across shard ends),
``document_ends.npy`` (uint64: the token offset just after each document, its EOT included) and
``index.json``, written last. Each file is written to a temporary name and renamed when
complete; if the run fails, :meth:`ShardWriter.abort` removes every file it made, so a directory
never holds a half-written shard under a final name nor an index describing missing shards.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from typing import Any

import numpy as np

from ..errors import InputError
from ..formats.atomic import atomic_write, open_temp

INDEX_NAME = "index.json"
DOCUMENT_ENDS_NAME = "document_ends.npy"
INDEX_FORMAT = "tokensmith-token-shards"
INDEX_VERSION = 1
_OUR_FILE = re.compile(r"(shard_\d{5,}\.npy|document_ends\.npy|index\.json)")
_ENDS_FLUSH = 1 << 16  # document ends buffered before they go to the temporary file


def shard_name(number: int) -> str:
    return f"shard_{number:05d}.npy"


def prepare_directory(out_dir: str, overwrite: bool) -> list[str]:
    """Create ``out_dir`` (or check it is writable); refuse to mix with an earlier dataset.
    Returns the directories it created, deepest last (:func:`remove_created` undoes them)."""
    created = []
    parent = os.path.abspath(out_dir)
    while not os.path.exists(parent):
        created.insert(0, parent)
        parent = os.path.dirname(parent)
    try:
        os.makedirs(out_dir, exist_ok=True)
        fd, probe = open_temp(out_dir, "probe")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        remove_created(created)
        raise InputError(f"cannot write to the output directory: {exc.strerror or exc}",
                         out_dir) from None
    ours = sorted(n for n in os.listdir(out_dir) if _OUR_FILE.fullmatch(n))
    if not ours:
        return created
    if not overwrite:
        raise InputError(f"already holds an encoded dataset ({', '.join(ours[:3])}...); choose "
                         "another directory or pass overwrite=True (--overwrite)", out_dir)
    for name in [INDEX_NAME] + ours:  # the index first: the directory stops claiming to be whole
        try:
            os.unlink(os.path.join(out_dir, name))
        except FileNotFoundError:
            pass
    return created


def remove_created(directories: list[str]) -> None:
    """Remove the directories a failed run created, if they are still empty."""
    for directory in reversed(directories):
        try:
            os.rmdir(directory)
        except OSError:
            return


class ShardWriter:
    def __init__(self, out_dir: str, shard_tokens: int, dtype: np.dtype):
        self.out_dir = out_dir
        self.shard_tokens = shard_tokens
        self.dtype = np.dtype(dtype)
        self._buffer = np.empty(shard_tokens, dtype=self.dtype)
        self._fill = 0
        self.shard_sizes: list[int] = []
        self.tokens = 0
        self.documents = 0
        self._made: list[str] = []      # final files written so far (removed on abort)
        self._temps: list[str] = []     # temporary files alive
        self._pending_ends: list[np.ndarray] = []
        self._pending_count = 0
        self._ends_file, self._ends_path = self._temp(".ends")

    # -- input ----------------------------------------------------------------------------------
    def add(self, ids: np.ndarray, document_ends: np.ndarray) -> None:
        """Append ``ids``; ``document_ends`` are offsets in ``ids`` just after each document."""
        if len(document_ends):
            self._pending_ends.append(np.asarray(document_ends, dtype=np.uint64) + np.uint64(self.tokens))
            self._pending_count += len(document_ends)
            self.documents += len(document_ends)
            if self._pending_count >= _ENDS_FLUSH:
                self._flush_ends()
        self.tokens += len(ids)
        start = 0
        while start < len(ids):
            take = min(len(ids) - start, self.shard_tokens - self._fill)
            self._buffer[self._fill:self._fill + take] = ids[start:start + take]
            self._fill += take
            start += take
            if self._fill == self.shard_tokens:
                self._flush_shard()

    # -- output ---------------------------------------------------------------------------------
    def finish(self, header: dict[str, Any]) -> dict[str, Any]:
        """Write the last shard, the document ends and the index; the index as a dict."""
        if self._fill:
            self._flush_shard()
        self._flush_ends()
        self._ends_file.close()
        self._write_document_ends()
        index = dict(header)
        index.update({
            "format": INDEX_FORMAT, "version": INDEX_VERSION, "dtype": self.dtype.name,
            "shard_tokens": self.shard_tokens, "documents": self.documents, "tokens": self.tokens,
            "document_ends": DOCUMENT_ENDS_NAME,
            "shards": [{"file": shard_name(i), "tokens": n} for i, n in enumerate(self.shard_sizes)],
        })
        with atomic_write(os.path.join(self.out_dir, INDEX_NAME)) as f:
            json.dump(index, f, ensure_ascii=False, sort_keys=True, indent=1)
            f.write("\n")
        self._made.append(os.path.join(self.out_dir, INDEX_NAME))
        return index

    def abort(self) -> None:
        """Remove every file this writer made (called when the run fails)."""
        try:
            self._ends_file.close()
        except OSError:
            pass
        for path in self._temps + self._made:
            try:
                os.unlink(path)
            except OSError:
                pass
        self._temps, self._made = [], []

    # -- helpers --------------------------------------------------------------------------------
    def _temp(self, suffix: str):
        fd, path = open_temp(self.out_dir, suffix.lstrip("."))
        self._temps.append(path)
        return os.fdopen(fd, "wb"), path

    def _commit(self, temp_path: str, name: str) -> None:
        final = os.path.join(self.out_dir, name)
        os.replace(temp_path, final)
        self._temps.remove(temp_path)
        self._made.append(final)

    def _flush_shard(self) -> None:
        f, path = self._temp(".npy")
        with f:
            np.save(f, self._buffer[:self._fill], allow_pickle=False)
        self._commit(path, shard_name(len(self.shard_sizes)))
        self.shard_sizes.append(self._fill)
        self._fill = 0

    def _flush_ends(self) -> None:
        for chunk in self._pending_ends:
            self._ends_file.write(chunk.astype("<u8", copy=False).tobytes())
        self._pending_ends, self._pending_count = [], 0

    def _write_document_ends(self) -> None:
        """The raw uint64 ends, streamed into an .npy file (the count is known only now)."""
        f, path = self._temp(".npy")
        with f, open(self._ends_path, "rb") as raw:
            np.lib.format.write_array_header_1_0(
                f, {"descr": "<u8", "fortran_order": False, "shape": (self.documents,)})
            shutil.copyfileobj(raw, f, 1 << 20)
        os.unlink(self._ends_path)
        self._temps.remove(self._ends_path)
        self._commit(path, DOCUMENT_ENDS_NAME)
