"""A Hugging Face checkpoint folder, read lazily: its config and its vocabulary matrices.

``open_checkpoint(folder)`` reads ``config.json`` and the safetensors headers (``model.safetensors``,
or the shards listed by ``model.safetensors.index.json``), finds the token-indexed tensors
(:mod:`.architecture`) and checks them against the config's ``vocab_size``. Matrices are read only
when asked for, as float32 whatever their stored dtype (F32, F16, BF16, F64).
"""

from __future__ import annotations

import json
import os
from functools import cached_property

import numpy as np

from ..errors import ModelFileError
from .architecture import VocabularyTensors, looked_for, vocabulary_tensors
from .dtypes import FLOATING, to_float32
from .safetensors_file import SafetensorsFile

SINGLE = "model.safetensors"
INDEX = "model.safetensors.index.json"


def read_json(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise ModelFileError(path, "not found") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelFileError(path, f"cannot read as JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ModelFileError(path, "is not a JSON object")
    return data


def text_config(config: dict) -> dict:
    """The part of ``config`` that describes the language model: ``text_config`` for multimodal
    configs that nest it, else the config itself."""
    nested = config.get("text_config")
    return nested if isinstance(nested, dict) and "vocab_size" in nested else config


class Checkpoint:
    """The checkpoint in ``folder`` (see :func:`open_checkpoint`)."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = os.fspath(folder)
        if not os.path.isdir(self.folder):
            raise ModelFileError(self.folder, "is not a checkpoint folder")
        self.config_path = os.path.join(self.folder, "config.json")
        self.config: dict = read_json(self.config_path)
        self.index: dict | None = None
        self.files: dict[str, SafetensorsFile] = {}   # file name -> header
        self.location: dict[str, str] = {}            # tensor name -> file name
        self._read_headers()
        shapes = {n: self.files[f].tensors[n].shape for n, f in self.location.items()}
        found = vocabulary_tensors(shapes)
        if found is None:
            kind = self.config.get("model_type") or self.config.get("architectures") or "unknown"
            sample = ", ".join(sorted(shapes)[:6])
            raise ModelFileError(self.folder, f"unknown architecture ({kind}): no input-embedding tensor "
                                 f"among {len(shapes)} tensors (looked for {looked_for()}; the files "
                                 f"hold e.g. {sample})")
        self.tensors: VocabularyTensors = found
        self._check_shapes(shapes)

    def _read_headers(self) -> None:
        index_path = os.path.join(self.folder, INDEX)
        single_path = os.path.join(self.folder, SINGLE)
        if os.path.exists(index_path):
            self.index = read_json(index_path)
            weight_map = self.index.get("weight_map")
            if not isinstance(weight_map, dict) or not weight_map:
                raise ModelFileError(index_path, "has no weight_map of tensor names to files")
            for name, file in weight_map.items():
                if not isinstance(file, str) or os.path.basename(file) != file:
                    raise ModelFileError(index_path, f"tensor {name!r} maps to {file!r}, not a file "
                                                     "name in the folder")
            for file in dict.fromkeys(weight_map.values()):
                self.files[file] = SafetensorsFile(os.path.join(self.folder, file))
            for name, file in weight_map.items():
                if name not in self.files[file].tensors:
                    raise ModelFileError(os.path.join(self.folder, file),
                                         f"lacks tensor {name!r} that {INDEX} places there")
                self.location[name] = file
        elif os.path.exists(single_path):
            self.files[SINGLE] = SafetensorsFile(single_path)
            self.location = {n: SINGLE for n in self.files[SINGLE].tensors}
        else:
            others = [f for f in os.listdir(self.folder) if f.endswith((".bin", ".pt", ".pth", ".h5"))]
            hint = f" (found {', '.join(sorted(others))}: convert them to safetensors first)" if others else ""
            raise ModelFileError(self.folder, f"has neither {SINGLE} nor {INDEX}{hint}")

    def _check_shapes(self, shapes) -> None:
        rows, width = shapes[self.tensors.input]
        declared = text_config(self.config).get("vocab_size")
        if declared is not None and declared != rows:
            raise ModelFileError(self.config_path, f"vocab_size is {declared} but the input embeddings "
                                 f"{self.tensors.input!r} have {rows} rows")
        for name in self.tensors.all:
            info = self.info(name)
            if name != self.tensors.input and info.dtype not in FLOATING:
                raise ModelFileError(self.file_path(name), f"tensor {name!r} is {info.dtype}, not a "
                                     "floating dtype (F32, F16, BF16, F64) this can resize")
        if self.info(self.tensors.input).dtype not in FLOATING:
            raise ModelFileError(self.file_path(self.tensors.input),
                                 f"input embeddings are {self.info(self.tensors.input).dtype}, not a "
                                 "floating dtype (F32, F16, BF16, F64)")

    # -- what callers use ---------------------------------------------------------------------
    @property
    def vocab_rows(self) -> int:
        """Rows of the input embeddings (the config's ``vocab_size``)."""
        return self.info(self.tensors.input).shape[0]

    @property
    def width(self) -> int:
        return self.info(self.tensors.input).shape[1]

    @property
    def tied(self) -> bool:
        """Whether the output head is the input embeddings (no separate head tensor)."""
        return self.tensors.output is None

    @property
    def sharded(self) -> bool:
        return self.index is not None

    def info(self, name: str):
        return self.files[self.location[name]].tensors[name]

    def file_path(self, name: str) -> str:
        return os.path.join(self.folder, self.location[name])

    def read(self, name: str) -> np.ndarray:
        """Any tensor by name, as stored (BF16 as ``uint16``)."""
        if name not in self.location:
            raise KeyError(name)
        return self.files[self.location[name]].read(name)

    def read_float32(self, name: str) -> np.ndarray:
        info = self.info(name)
        return to_float32(self.read(name), info.dtype)

    def input_embeddings(self) -> np.ndarray:
        """The input embedding matrix, ``[vocab_rows, width]`` float32."""
        return self.read_float32(self.tensors.input)

    def output_embeddings(self) -> np.ndarray | None:
        """The untied output head, ``[vocab_rows, width]`` float32; None when tied."""
        return None if self.tied else self.read_float32(self.tensors.output)

    @cached_property
    def tokenizer_config(self) -> dict:
        """``tokenizer_config.json`` of the folder ({} when absent)."""
        path = os.path.join(self.folder, "tokenizer_config.json")
        return read_json(path) if os.path.exists(path) else {}

    def __repr__(self) -> str:
        head = "tied" if self.tied else f"head {self.tensors.output}"
        return (f"Checkpoint({self.folder!r}: {self.tensors.input} [{self.vocab_rows} x {self.width}], "
                f"{head}, {len(self.files)} file(s))")


def open_checkpoint(folder: str | os.PathLike) -> Checkpoint:
    """The Hugging Face checkpoint in ``folder`` (``config.json`` plus ``model.safetensors`` or
    sharded safetensors). Errors name the file and the problem (:class:`ModelFileError`)."""
    return Checkpoint(folder)


__all__ = ["Checkpoint", "open_checkpoint"]
