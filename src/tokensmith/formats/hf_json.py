"""HF ``tokenizer.json``: read and write, dispatching on the model type.

Each vocabulary family has its own module with ``read(document, path) -> Tokenizer`` and
``write(tokenizer) -> dict | None`` (None: "not mine"): ``hf_bpe`` (byte-level BPE),
``hf_unigram``, ``hf_wordpiece``. Files are read fully, checked, and written atomically.

What HF's post-processor adds (``<s> ... </s>``, ``[CLS] ... [SEP]``) is not applied by
``encode``: tokensmith's ids equal ``Tokenizer.encode(text, add_special_tokens=False).ids``.
"""

from __future__ import annotations

import importlib
import json
import os

from ..errors import ModelFileError, OptionError
from .atomic import atomic_write

FAMILY_MODULES = {"BPE": "hf_bpe", "Unigram": "hf_unigram", "WordPiece": "hf_wordpiece"}


def _family(name: str):
    try:
        return importlib.import_module(f"{__package__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__package__}.{name}":
            return None
        raise


def load_hf_json(path: str | os.PathLike, document: dict | None = None, **options):
    if document is None:
        from . import _read_json

        document = _read_json(os.fspath(path))
    model = document.get("model")
    if not isinstance(model, dict):
        raise ModelFileError(path, "not an HF tokenizer.json: no 'model' object")
    kind = model.get("type")
    if kind is None:  # old files omit the type; infer from the fields
        kind = "BPE" if "merges" in model else "WordPiece" if "continuing_subword_prefix" in model else "Unigram"
    module = _family(FAMILY_MODULES.get(kind, ""))
    if module is None:
        raise ModelFileError(path, f"HF model type {kind!r} is not supported")
    try:
        return module.read(document, path, **options)
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ModelFileError(path, f"malformed tokenizer.json ({type(exc).__name__}: {exc})") from None


def tokenizer_document(tokenizer) -> dict:
    """The whole ``tokenizer.json`` document; :class:`OptionError` if HF cannot hold the tokenizer.

    A family module's ``write`` returns None for a model that is not its own and raises
    :class:`OptionError` for its own model in a pipeline HF cannot express."""
    from .families import cannot_hold, plain

    tokenizer = plain(tokenizer)
    for name in FAMILY_MODULES.values():
        module = _family(name)
        document = None if module is None else module.write(tokenizer)
        if document is not None:
            return document
    raise cannot_hold("HF tokenizer.json", tokenizer)


def is_folder(path: str | os.PathLike) -> bool:
    """An HF save to an existing directory, or to a path ending with a separator, is a folder."""
    text = os.fspath(path)
    return os.path.isdir(text) or text.endswith(("/", os.sep))


def save_hf_json(tokenizer, path: str | os.PathLike, roles: dict | None = None,
                 model_max_length: int | None = None) -> None:
    """``tokenizer.json`` at ``path``, or a ``save_pretrained`` folder when ``path`` is a folder
    (see :func:`is_folder` and :mod:`.hf_folder`, which ``roles`` and ``model_max_length`` are for)."""
    if is_folder(path):
        from .hf_folder import save_pretrained

        save_pretrained(tokenizer, path, roles=roles, model_max_length=model_max_length)
        return
    if roles is not None or model_max_length is not None:
        raise OptionError("roles= and model_max_length= go to tokenizer_config.json: save to a "
                          "folder (an existing directory, or a path ending with '/')")
    document = tokenizer_document(tokenizer)
    with atomic_write(path) as f:
        json.dump(document, f, ensure_ascii=False, indent=2)
        f.write("\n")


def added_tokens(tokenizer) -> list[dict]:
    """HF ``added_tokens`` entries for the tokenizer's special tokens."""
    return [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for s, i in sorted(tokenizer.special_tokens.items(), key=lambda kv: kv[1])]


def read_added_tokens(document: dict) -> dict[str, int]:
    return {t["content"]: int(t["id"]) for t in document.get("added_tokens") or [] if t.get("special", True)}


def register(loaders: dict, savers: dict) -> None:
    loaders["hf"] = load_hf_json
    savers["hf"] = save_hf_json
