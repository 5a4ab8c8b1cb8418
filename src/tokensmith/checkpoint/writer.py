"""Writing a checkpoint folder with resized vocabulary matrices, all at once or not at all.

:class:`CheckpointWriter` builds the new folder in a temporary folder beside the target and
renames it into place when the ``with`` block ends without error (a failure leaves the target as
it was). Weights: every tensor that is not replaced keeps its bytes (a shard without replacements
is copied whole); replaced tensors are stored in their original dtype; shards keep their names and
``model.safetensors.index.json`` its metadata with ``total_size`` updated. Only the replaced
matrices are held in memory, the rest streams from file to file.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil

import numpy as np

from ..errors import SaveError
from ..formats.atomic import TEMP_MARKER
from .dtypes import STORAGE, from_float32
from .reader import INDEX, Checkpoint
from .safetensors_file import write_file

# Files of the old tokenizer, and weights: never copied into the new folder.
TOKENIZER_FILES = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt",
                   "vocab.json", "merges.txt", "tokenizer.model", "spiece.model", "added_tokens.json",
                   "sentencepiece.bpe.model", "chat_template.jinja"}
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".h5", ".msgpack", ".ckpt")


class CheckpointWriter:
    """``with CheckpointWriter(checkpoint, out) as w: w.write_weights(...); w.write_json(...)``."""

    def __init__(self, checkpoint: Checkpoint, output_dir: str | os.PathLike, *, overwrite: bool = False):
        self.checkpoint = checkpoint
        self.target = os.path.abspath(os.fspath(output_dir))
        if os.path.abspath(checkpoint.folder) == self.target:
            raise SaveError(self.target, "is the checkpoint being read; choose another output folder")
        if os.path.exists(self.target) and not os.path.isdir(self.target):
            raise SaveError(self.target, "exists and is not a folder")
        if os.path.isdir(self.target) and os.listdir(self.target) and not overwrite:
            raise SaveError(self.target, "exists and is not empty (pass overwrite=True to replace it)")
        self.folder: str | None = None  # the temporary folder being written

    def __enter__(self) -> "CheckpointWriter":
        parent = os.path.dirname(self.target)
        try:
            os.makedirs(parent, exist_ok=True)
            self.folder = os.path.join(parent, f".{os.path.basename(self.target)}{TEMP_MARKER}"
                                               f"{secrets.token_hex(4)}")
            os.mkdir(self.folder)
        except OSError as exc:
            raise SaveError(self.target, f"cannot create: {exc.strerror or exc}") from None
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        try:
            self._commit()
        except OSError as exc:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise SaveError(self.target, f"cannot write: {exc.strerror or exc}") from None

    def _commit(self) -> None:
        if os.path.isdir(self.target):
            old = f"{self.folder}-old"
            os.rename(self.target, old)
            os.rename(self.folder, self.target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(self.folder, self.target)

    # -- contents -------------------------------------------------------------------------------
    def path(self, name: str) -> str:
        return os.path.join(self.folder, name)

    def write_json(self, name: str, data: dict) -> None:
        with open(self.path(name), "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, ensure_ascii=False)
            f.write("\n")

    def write_weights(self, replaced: dict[str, np.ndarray]) -> None:
        """The weights with ``replaced`` (tensor name -> float32 array, any leading size) stored in
        each tensor's original dtype; every other tensor byte for byte."""
        ckpt = self.checkpoint
        by_file: dict[str, dict] = {}
        for name, values in replaced.items():
            info = ckpt.info(name)
            if values.ndim != len(info.shape):
                raise ValueError(f"{name}: {values.ndim} dimensions for a tensor of shape {info.shape}")
            by_file.setdefault(ckpt.location[name], {})[name] = (info.dtype, from_float32(values, info.dtype))
        for file, header in ckpt.files.items():
            if file in by_file:
                write_file(self.path(file), header, by_file.pop(file))
            else:
                shutil.copyfile(header.path, self.path(file))
        if ckpt.index is not None:
            index = json.loads(json.dumps(ckpt.index))
            total = sum(info.nbytes for f in ckpt.files.values() for info in f.tensors.values())
            for name, values in replaced.items():
                total += np.dtype(STORAGE[ckpt.info(name).dtype]).itemsize * values.size - ckpt.info(name).nbytes
            index.setdefault("metadata", {})["total_size"] = total
            self.write_json(INDEX, index)

    def copy_other_files(self, skip: set[str] = frozenset()) -> list[str]:
        """Copy what else the folder holds (``generation_config.json``, sentence-transformers'
        pooling config ...), leaving out weights, the old tokenizer's files and ``skip``."""
        copied = []
        for entry in sorted(os.listdir(self.checkpoint.folder)):
            source = os.path.join(self.checkpoint.folder, entry)
            if (entry in skip or entry in TOKENIZER_FILES or entry == "config.json" or entry == INDEX
                    or entry.endswith(WEIGHT_SUFFIXES) or entry.startswith(".")):
                continue
            if os.path.isdir(source):
                shutil.copytree(source, self.path(entry))
            else:
                shutil.copyfile(source, self.path(entry))
            copied.append(entry)
        return copied
