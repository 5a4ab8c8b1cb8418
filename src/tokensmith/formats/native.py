"""tokensmith's own file: one self-contained, versioned JSON document.

``{"format": "tokensmith", "version": 1, "normalizer", "splitter", "model", "decoder",
"special_tokens", "name"}`` — every stage saved by its registered ``to_dict``, so a file
reloads into exactly the pipeline that wrote it. Version 2 adds ``added_tokens`` (HF's list, with
flags) and ``post_processor``; a file needing neither is still written as version 1, so older
readers keep reading it and refuse only what they would get wrong. Keys are written sorted and
compactly so the same tokenizer always gives the same bytes.
"""

from __future__ import annotations

import json
import os

from ..errors import ModelFileError, TokensmithError
from .atomic import atomic_write

FORMAT = "tokensmith"
VERSION = 2
VERSION_2_KEYS = ("added_tokens", "post_processor")


def save_native(tokenizer, path: str | os.PathLike) -> None:
    stages = tokenizer.to_dict()
    version = VERSION if any(k in stages for k in VERSION_2_KEYS) else 1
    document = {"format": FORMAT, "version": version, **stages}
    with atomic_write(path) as f:
        json.dump(document, f, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        f.write("\n")


def is_native(document: dict) -> bool:
    return isinstance(document, dict) and document.get("format") == FORMAT


def from_document(document: dict, path: str | os.PathLike):
    from ..tokenizer import Tokenizer

    version = document.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise ModelFileError(path, f"native format version {version!r} is not supported "
                                   f"(this tokensmith reads versions up to {VERSION})")
    stages = {stage: document.get(stage) for stage in ("model", "splitter", "normalizer", "decoder")}
    for stage, data in stages.items():
        if not (isinstance(data, dict) or (data is None and stage != "model")):
            raise ModelFileError(path, f"malformed tokensmith file: {stage} is "
                                       f"{type(data).__name__}, not an object")
    name = document.get("name")
    if name is not None and not isinstance(name, str):
        raise ModelFileError(path, f"malformed tokensmith file: name is {type(name).__name__}, not a string")
    _special_tokens(document.get("special_tokens"), path)  # checked here to name the file
    try:
        return Tokenizer.from_dict(document)
    except TokensmithError as exc:
        raise ModelFileError(path, str(exc)) from None
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError) as exc:
        raise ModelFileError(path, f"malformed tokensmith file ({type(exc).__name__}: {exc})") from None


def _special_tokens(data, path) -> dict[str, int]:
    """``{text: id}`` with non-empty texts and non-negative integer ids."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ModelFileError(path, f"malformed tokensmith file: special_tokens is {type(data).__name__}, "
                                   "not an object")
    for text, i in data.items():
        if not text or type(i) is not int or i < 0:
            raise ModelFileError(path, f"special token {text!r} has id {i!r} (expected a "
                                       "non-empty text and an integer id >= 0)")
    return dict(data)
