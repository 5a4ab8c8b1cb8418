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
    try:
        return Tokenizer.from_dict(document)
    except TokensmithError as exc:
        raise ModelFileError(path, str(exc)) from None
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ModelFileError(path, f"malformed tokensmith file ({type(exc).__name__}: {exc})") from None
