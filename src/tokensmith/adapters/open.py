"""``open_tokenizer(spec)``: any tokenizer file, behind the ``TokenizerLike`` protocol.

A spec is ``PATH`` or ``NAME=PATH`` (``cl100k=/data/cl100k_base.tiktoken``); the name is what
reports show. tokensmith's own loader is tried first; when this installation has no native
loader for the file's format, a thin adapter around the reference library is used instead
(``backend="reference"`` forces it, ``backend="tokensmith"`` forbids it).
"""

from __future__ import annotations

import os

from ..errors import ModelFileError, OptionError
from .protocol import NativeTokenizer, TokenizerLike

BACKENDS = ("auto", "tokensmith", "reference")


def parse_spec(spec: str) -> tuple[str, str]:
    """``NAME=PATH`` -> (name, path); a bare path is named after its file."""
    name, sep, path = spec.partition("=")
    if not sep or os.path.exists(spec) or os.sep in name:
        path = spec
        name = os.path.basename(spec.rstrip(os.sep))
        for suffix in (".tiktoken", ".model", ".json", ".txt"):
            if name.endswith(suffix):
                name = name[: -len(suffix)]
        name = name.removesuffix("_tokenizer").removesuffix("_vocab").removesuffix("_base")
    if not name or not path:
        raise OptionError(f"bad tokenizer spec {spec!r}: expected PATH or NAME=PATH")
    return name, path


def open_tokenizer(spec, backend: str = "auto", pattern: str | None = None) -> TokenizerLike:
    """A ``TokenizerLike`` for ``spec`` (a spec string, or an object already following the protocol)."""
    if not isinstance(spec, (str, os.PathLike)):
        if hasattr(spec, "special_tokens") and hasattr(spec, "encode_ordinary"):
            return NativeTokenizer(spec)  # a tokensmith.Tokenizer object
        if isinstance(spec, TokenizerLike):
            return spec
        raise OptionError(f"not a tokenizer: {type(spec).__name__}")
    if backend not in BACKENDS:
        raise OptionError(f"unknown backend {backend!r}; choose from {BACKENDS}")
    name, path = parse_spec(os.fspath(spec))
    from ..formats import LOADERS, register_builtin, detect

    kind = detect(path)  # raises ModelFileError for missing files and unknown formats
    if not os.access(path, os.R_OK):
        raise ModelFileError(path, "cannot read: permission denied")
    if not LOADERS:
        register_builtin()
    native_error = None
    if backend != "reference" and _native_supports(kind, path, LOADERS):
        from .. import load

        options = {"pattern": pattern} if pattern else {}
        try:
            return NativeTokenizer(load(path, **options), name=name)
        except ModelFileError as exc:
            if backend == "tokensmith":
                raise
            native_error = exc  # e.g. a model type the native loader does not cover yet
    if backend == "tokensmith":
        raise ModelFileError(path, f"tokensmith cannot load {kind} files natively in this installation")
    from .reference import open_reference

    try:
        return open_reference(path, kind, name, pattern)
    except ModelFileError:
        if native_error is not None:
            raise native_error from None  # the native loader's message is the more precise one
        raise


def _native_supports(kind: str, path: str, loaders: dict) -> bool:
    if kind != "json":
        return kind in loaders
    import json

    try:
        with open(path, "rb") as f:
            document = json.loads(f.read())
    except (OSError, ValueError):
        return True  # let the native loader produce its precise error
    if isinstance(document, dict) and document.get("format") == "tokensmith":
        return True
    return "hf" in loaders if isinstance(document, dict) and "model" in document else "gpt2" in loaders
