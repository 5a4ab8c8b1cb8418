"""HF ``tokenizer.json``: read and write.

Reading tries the fast reader of the model's family first: ``hf_bpe`` (byte-level BPE),
``hf_unigram`` (SentencePiece-style Unigram), ``hf_wordpiece`` (BERT); each builds tokensmith's
compiled pipeline, and accepts only files it reproduces exactly, raising :class:`NotFastShape`
for any other. Those files are assembled from HF's general components by
:mod:`tokensmith.formats.hf_pipeline`. Either way the added tokens and the post-processor are read here,
the same for every family.

Writing: a tokenizer read by the general pipeline writes its components' HF specs back; otherwise
the family module of its model writes a complete document. Files are written atomically.

``truncation`` and ``padding`` are not applied: tokensmith encodes whole texts. ``encode``
equals HF's ``encode(text, add_special_tokens=False).ids`` unless ``add_special_tokens=True``.
"""

from __future__ import annotations

import importlib
import json
import os

from ..errors import ModelFileError, OptionError
from .atomic import atomic_write

FAMILY_MODULES = {"BPE": "hf_bpe", "Unigram": "hf_unigram", "WordPiece": "hf_wordpiece"}


def _fast_reader(name: str):
    # imported when used: the fast readers import this module (NotFastShape, read_extras)
    return importlib.import_module(f"{__package__}.{name}")


class NotFastShape(ModelFileError):
    """A valid file that a fast reader does not reproduce exactly (the general pipeline reads it)."""


def model_type(document: dict, path) -> str:
    model = document.get("model")
    if not isinstance(model, dict):
        raise ModelFileError(path, "not an HF tokenizer.json: no 'model' object")
    kind = model.get("type")
    if kind is None:  # old files omit the type; infer from the fields
        kind = "BPE" if "merges" in model else "WordPiece" if "continuing_subword_prefix" in model else "Unigram"
    return kind


def load_hf_json(path: str | os.PathLike, document: dict | None = None, name: str | None = None,
                 **options):
    if options:
        raise OptionError(f"unknown options for an HF tokenizer.json: {sorted(options)}")
    if document is None:
        from . import read_json

        document = read_json(os.fspath(path))
    if not isinstance(document, dict):
        raise ModelFileError(path, "not an HF tokenizer.json: not a JSON object")
    name = name or os.path.basename(os.fspath(path))
    kind = model_type(document, path)
    fast_reader = FAMILY_MODULES.get(kind)
    try:
        if fast_reader is not None:
            try:
                return _fast_reader(fast_reader).read(document, path, name=name)
            except NotFastShape:
                pass  # a shape the fast reader does not reproduce: the general pipeline reads it
        from . import hf_pipeline

        return hf_pipeline.read(document, path, name=name)
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise ModelFileError(path, f"malformed tokenizer.json ({type(exc).__name__}: {exc})") from None


def read_extras(document: dict, path, vocab_id, vocab_size: int):
    """The added tokens (checked against HF's numbering) and the post-processor of a file."""
    from ..added_tokens import read_added_tokens
    from ..post_processors.hf import build_post_processor

    return (read_added_tokens(document.get("added_tokens", []), path, vocab_id, vocab_size),
            build_post_processor(document.get("post_processor"), path))


def tokenizer_document(tokenizer) -> dict:
    """The whole ``tokenizer.json`` document; :class:`OptionError` if HF cannot hold the tokenizer.

    A tokenizer read by the general pipeline writes its HF components back; otherwise a family
    module's ``write`` returns None for a model that is not its own and raises
    :class:`OptionError` for its own model in a pipeline HF cannot express."""
    from . import hf_pipeline as pipeline
    from .families import cannot_hold, plain

    tokenizer = plain(tokenizer)
    document = pipeline.write(tokenizer)
    if document is not None:
        return document
    for name in FAMILY_MODULES.values():
        document = _fast_reader(name).write(tokenizer)
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
    """HF ``added_tokens`` entries of the tokenizer, in id order."""
    return tokenizer.added.to_list()


def post_processor(tokenizer) -> dict | None:
    return None if tokenizer.post_processor is None else tokenizer.post_processor.to_dict()


def register(loaders: dict, savers: dict) -> None:
    loaders["hf"] = load_hf_json
    savers["hf"] = save_hf_json
