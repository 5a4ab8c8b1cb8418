"""Reading and writing tokenizer files.

``load(path)`` recognises the file by its content, not only its name:

* tokensmith native JSON (``{"format": "tokensmith", ...}``)
* HF ``tokenizer.json`` (``{"model": {...}, ...}``)
* GPT-2 ``vocab.json`` (with ``merges.txt`` beside it, or passed as ``merges=``)
* tiktoken ``.tiktoken`` (``base64 rank`` lines; pass ``pattern=``)
* SentencePiece ``.model`` and WordPiece ``vocab.txt`` where those families are available

``save(tokenizer, path, format=...)`` with format ``native``, ``hf``, ``tiktoken``, ``gpt2``,
``vocab.txt`` or ``sentencepiece`` (a ``.model`` file, for Unigram and SentencePiece-BPE).
"""

from __future__ import annotations

import json
import os

from ..errors import ModelFileError, OptionError
from .json_numbers import loads_as_hf
from .native import is_native

# Loaders by format name; each takes (path, **options) and returns a Tokenizer.
LOADERS = {}
SAVERS = {}


def _register_builtin():
    from . import native, tiktoken_file

    LOADERS["tiktoken"] = tiktoken_file.load_tiktoken
    SAVERS["native"] = native.save_native
    SAVERS["tiktoken"] = tiktoken_file.save_tiktoken
    for optional in ("hf_json", "gpt2_files", "sentencepiece", "wordpiece_vocab"):
        try:
            module = __import__(f"{__name__}.{optional}", fromlist=["register"])
        except ImportError:
            continue
        module.register(LOADERS, SAVERS)


def detect(path: str | os.PathLike) -> str:
    """The format of a tokenizer file, from its name and first bytes."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ModelFileError(path, "no such file")
    if os.path.isdir(path):
        raise ModelFileError(path, "is a directory; pass the tokenizer file itself")
    with open(path, "rb") as f:
        head = f.read(4096)
    name = os.path.basename(path).lower()
    stripped = head.lstrip()
    if stripped.startswith(b"{"):
        return "json"
    if name.endswith(".tiktoken"):
        return "tiktoken"
    if name.endswith(".model") or (head[:1] == b"\n" and b"\x0a" in head[:2]):
        return "sentencepiece"
    if name.endswith(".txt") and b"[CLS]" in head + b"[PAD]":
        return "wordpiece"
    first = stripped.split(b"\n", 1)[0].split()
    if len(first) == 2 and first[1].isdigit():
        return "tiktoken"
    if name.endswith(".txt"):
        return "wordpiece"
    raise ModelFileError(path, "unknown tokenizer file format (expected tokensmith JSON, HF "
                               "tokenizer.json, vocab.json, .tiktoken, SentencePiece .model or vocab.txt)")


def load(path: str | os.PathLike, format: str | None = None, **options):
    """Load a tokenizer file of any supported format."""
    if not LOADERS:
        _register_builtin()
    path = os.fspath(path)
    kind = format or detect(path)
    if kind == "json":
        document = _read_json(path)
        from .native import from_document, is_native

        if is_native(document):
            return from_document(document, path)
        if isinstance(document.get("model"), dict) and "hf" in LOADERS:
            return LOADERS["hf"](path, document=document, **options)
        if all(isinstance(v, int) for v in list(document.values())[:100]) and "gpt2" in LOADERS:
            return LOADERS["gpt2"](path, **options)
        raise ModelFileError(path, "JSON file is neither a tokensmith file, an HF tokenizer.json "
                                   "nor a GPT-2 vocab.json")
    if kind not in LOADERS:
        raise ModelFileError(path, f"{kind} files are not supported by this installation")
    return LOADERS[kind](path, **options)


def save(tokenizer, path: str | os.PathLike, format: str = "native") -> None:
    if not SAVERS:
        _register_builtin()
    if format not in SAVERS:
        raise OptionError(f"unknown output format {format!r}; choose from {sorted(SAVERS)}")
    SAVERS[format](tokenizer, path)


def _read_json(path: str):
    try:
        with open(path, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8")
        # HF reads tokenizer.json's numbers with serde_json: take the doubles it takes. A
        # tokensmith file keeps Python's (it is read again: rare, and its floats are few).
        document = loads_as_hf(text)
        if is_native(document):
            document = json.loads(text)
        return document
    except UnicodeDecodeError as exc:
        raise ModelFileError(path, f"not UTF-8 at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise ModelFileError(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
