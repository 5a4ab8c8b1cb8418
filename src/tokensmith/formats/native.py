"""tokensmith's own file: one self-contained, versioned JSON document.

``{"format": "tokensmith", "version": 1, "normalizer", "splitter", "model", "decoder",
"special_tokens", "name"}`` — every stage saved by its registered ``to_dict``, so a file
reloads into exactly the pipeline that wrote it. Keys are written sorted and compactly so the
same tokenizer always gives the same bytes.
"""

from __future__ import annotations

import json
import os

from ..errors import ModelFileError, TokensmithError
from .atomic import atomic_write

FORMAT = "tokensmith"
VERSION = 1


def save_native(tokenizer, path: str | os.PathLike) -> None:
    document = {"format": FORMAT, "version": VERSION, **tokenizer.to_dict()}
    with atomic_write(path) as f:
        json.dump(document, f, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        f.write("\n")


def is_native(document: dict) -> bool:
    return isinstance(document, dict) and document.get("format") == FORMAT


def from_document(document: dict, path: str | os.PathLike):
    from .. import components
    from ..tokenizer import Tokenizer

    version = document.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise ModelFileError(path, f"native format version {version!r} is not supported "
                                   f"(this tokensmith reads versions up to {VERSION})")
    try:
        model = components.from_dict("model", document["model"])
        special = {str(k): int(v) for k, v in (document.get("special_tokens") or {}).items()}
        return Tokenizer(model,
                         components.from_dict("splitter", document.get("splitter")),
                         normalizer=components.from_dict("normalizer", document.get("normalizer")),
                         decoder=components.from_dict("decoder", document.get("decoder")),
                         special_tokens=special, name=document.get("name"))
    except TokensmithError as exc:
        raise ModelFileError(path, str(exc)) from None
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ModelFileError(path, f"malformed tokensmith file ({type(exc).__name__}: {exc})") from None
