"""Reading and writing tokenizer files.

``load(path)`` recognises the file by its content, not only its name:

* tokensmith native JSON (``{"format": "tokensmith", ...}``)
* HF ``tokenizer.json`` (``{"model": {...}, ...}``)
* GPT-2 ``vocab.json`` (with ``merges.txt`` beside it, or passed as ``merges=``)
* tiktoken ``.tiktoken`` (``base64 rank`` lines; pass ``pattern=``)
* SentencePiece ``.model`` and WordPiece ``vocab.txt`` where those families are available
* GGUF (llama.cpp's model files, by their ``GGUF`` magic): the tokenizer they hold

A folder is read through the file it holds: ``tokenizer.json`` (a ``save_pretrained`` folder),
``vocab.json`` + ``merges.txt``, ``vocab.txt`` or ``tokenizer.model``, in that order.

``save(tokenizer, path, format=...)`` with format ``native``, ``hf``, ``tiktoken``, ``gpt2``,
``vocab.txt`` or ``sentencepiece`` (a ``.model`` file, for Unigram and SentencePiece-BPE).
``hf`` to a folder (an existing directory or a path ending with ``/``) writes a
``save_pretrained`` folder (:mod:`.hf_folder`; options ``roles=``, ``model_max_length=``). A format
that cannot hold the tokenizer, or a path that cannot be written, raises
:class:`~tokensmith.errors.SaveError` naming the path; :func:`check_output` makes the path and
format checks alone, before any work.
"""

from __future__ import annotations

import inspect
import json
import os

from ..errors import ModelFileError, OptionError, SaveError, TokensmithError
from .json_numbers import loads_as_hf
from .native import is_native

# Loaders by format name; each takes (path, **options) and returns a Tokenizer.
LOADERS = {}
SAVERS = {}


def register_builtin():
    from . import native, tiktoken_file

    LOADERS["tiktoken"] = tiktoken_file.load_tiktoken
    SAVERS["native"] = native.save_native
    SAVERS["tiktoken"] = tiktoken_file.save_tiktoken
    for optional in ("hf_json", "gpt2_files", "sentencepiece", "wordpiece_vocab", "gguf"):
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
        return detect(file_in_folder(path))
    with open(path, "rb") as f:
        head = f.read(4096)
    name = os.path.basename(path).lower()
    if head[:4] == b"GGUF":
        return "gguf"
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
                               "tokenizer.json, vocab.json, .tiktoken, SentencePiece .model, vocab.txt or GGUF)")


def load(path: str | os.PathLike, format: str | None = None, **options):
    """Load a tokenizer file of any supported format.

    Whatever a damaged or forged file makes a parser raise becomes a :class:`ModelFileError`
    naming the file: the loaders' own checks give the precise message, and any other exception
    (an ``AttributeError`` from a value of the wrong type, a ``RecursionError`` from deep nesting,
    a ``RuntimeError`` from the compiled core, ...) is reported as ``malformed <format> file``.
    ``MemoryError``, ``ImportError`` (a compiled kernel the installation lacks) and
    ``KeyboardInterrupt`` pass through: they are not about the file.
    """
    if not LOADERS:
        register_builtin()
    path = os.fspath(path)
    if os.path.isdir(path):
        path = file_in_folder(path)
    kind = format
    try:
        kind = kind or detect(path)
        return _load_as(kind, path, options)
    except (TokensmithError, MemoryError, ImportError):
        raise
    except OSError as exc:
        raise ModelFileError(path, f"cannot read: {exc.strerror or exc}") from None
    except RecursionError:
        raise ModelFileError(path, f"malformed {kind} file: nested too deeply") from None
    except Exception as exc:
        raise ModelFileError(path, f"malformed {kind} file: {type(exc).__name__}: {exc}") from exc


def _load_as(kind: str, path: str, options: dict):
    if kind == "json":
        document = read_json(path)
        from .native import from_document, is_native

        if is_native(document):
            return from_document(document, path)
        if not isinstance(document, dict):
            kind = "neither"
        elif isinstance(document.get("model"), dict) and "hf" in LOADERS:
            kind = "hf"
        elif document and all(isinstance(v, int) for v in list(document.values())[:100]) and "gpt2" in LOADERS:
            kind = "gpt2"
        else:
            kind = "neither"
        if kind == "neither":
            raise ModelFileError(path, "JSON file is neither a tokensmith file, an HF tokenizer.json "
                                       "nor a GPT-2 vocab.json")
        if kind == "hf":
            options = {**options, "document": document}
    if kind not in LOADERS:
        raise ModelFileError(path, f"{kind} files are not supported by this installation")
    loader = LOADERS[kind]
    _check_options(kind, loader, options)
    return loader(path, **options)


def _check_options(kind: str, loader, options: dict) -> None:
    """Refuse options the loader does not take, before a TypeError could be blamed on the file."""
    parameters = list(inspect.signature(loader).parameters.values())
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return
    unknown = sorted(set(options) - {p.name for p in parameters[1:]})
    if unknown:
        raise OptionError(f"loading a {kind} file takes no option {', '.join(unknown)}")


# The file a folder is read through, by preference.
FOLDER_FILES = ("tokenizer.json", "vocab.json", "vocab.txt", "tokenizer.model")


def file_in_folder(folder: str) -> str:
    for name in FOLDER_FILES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    raise ModelFileError(folder, f"is a directory with no tokenizer file ({', '.join(FOLDER_FILES)})")


def save(tokenizer, path: str | os.PathLike, format: str = "native", **options) -> None:
    """Write ``tokenizer`` to ``path`` in ``format``; see the module's documentation."""
    saver = _saver(format)
    accepted = inspect.signature(saver).parameters
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise OptionError(f"format {format!r} takes no option {', '.join(unknown)}")
    try:
        saver(tokenizer, path, **options)
    except SaveError:
        raise
    except OptionError as exc:
        raise SaveError(path, str(exc)) from None


def _saver(format: str):
    if not SAVERS:
        register_builtin()
    if format not in SAVERS:
        raise OptionError(f"unknown output format {format!r}; choose from {', '.join(sorted(SAVERS))}")
    return SAVERS[format]


def output_files(path: str | os.PathLike, format: str) -> list[str]:
    """The files a save of ``format`` to ``path`` writes."""
    _saver(format)
    path = os.fspath(path)
    if format == "hf":
        from .hf_folder import FILES
        from .hf_json import is_folder

        return [os.path.join(path, name) for name in FILES] if is_folder(path) else [path]
    if format == "gpt2":
        directory = os.path.dirname(path) if path.endswith(".json") else path
        return [os.path.join(directory, "merges.txt"), path if path.endswith(".json")
                else os.path.join(directory, "vocab.json")]
    return [path]


def check_output(path: str | os.PathLike, format: str) -> list[str]:
    """Raise :class:`SaveError` (or :class:`OptionError` for an unknown format) now if a save of
    ``format`` to ``path`` is bound to fail for the path alone; returns the files it would write."""
    from .atomic import resolve_target

    files = output_files(path, format)
    for name in files:
        target = resolve_target(name)
        if os.path.isdir(target):
            raise SaveError(name, "is a directory" + (" (format 'hf' writes a folder to a path "
                                                      "ending with '/')" if format == "native" else ""))
        parent = os.path.dirname(os.path.abspath(target))
        while not os.path.exists(parent):  # created at save time: the nearest existing one decides
            parent = os.path.dirname(parent)
        if not os.path.isdir(parent):
            raise SaveError(name, f"{parent} is not a directory")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise SaveError(name, f"directory {parent} is not writable")
    return files


def read_json(path: str):
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
    except ValueError as exc:  # an integer of more digits than Python converts
        raise ModelFileError(path, f"invalid JSON: {exc}") from None
    except RecursionError:
        raise ModelFileError(path, "invalid JSON: nested too deeply") from None
