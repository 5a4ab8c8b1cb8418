"""Token ids and the vocabulary size in a model's ``config.json`` / ``generation_config.json``.

Hugging Face configs name special tokens by id: ``bos_token_id``, ``eos_token_id`` (an int or a
list), ``pad_token_id``, ``decoder_start_token_id``, ``sep_token_id`` ... at the top level or in a
nested ``text_config``. When the vocabulary changes, each id is mapped to the new vocabulary; an id
with no counterpart becomes ``null`` (dropped from a list), as a config without that token has.
"""

from __future__ import annotations

import copy
from typing import Callable


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _sections(config: dict) -> list[dict]:
    nested = [v for k, v in config.items() if k.endswith("_config") and isinstance(v, dict)]
    return [config, *nested]


def token_id_fields(config: dict) -> dict[str, object]:
    """``{dotted key: value}`` of every ``*_token_id`` / ``*_token_ids`` field."""
    out = {}
    for section in _sections(config):
        prefix = "" if section is config else next(k for k, v in config.items() if v is section) + "."
        for key, value in section.items():
            if key.endswith(("_token_id", "_token_ids")) and value is not None:
                out[prefix + key] = value
    return out


def remap_config(config: dict, map_id: Callable[[int], int | None],
                 vocab_size: int | None = None) -> tuple[dict, dict[str, tuple[object, object]]]:
    """A copy of ``config`` with every token id passed through ``map_id`` and ``vocab_size`` set
    (where the config declares one); also ``{key: (old, new)}`` of what changed."""
    config = copy.deepcopy(config)
    changes = {}
    for section in _sections(config):
        prefix = "" if section is config else next(k for k, v in config.items() if v is section) + "."
        if vocab_size is not None and "vocab_size" in section and section["vocab_size"] != vocab_size:
            changes[prefix + "vocab_size"] = (section["vocab_size"], vocab_size)
            section["vocab_size"] = vocab_size
        for key, value in list(section.items()):
            if not key.endswith(("_token_id", "_token_ids")) or value is None:
                continue
            if _is_id(value):
                new = map_id(value)
            elif isinstance(value, list) and all(_is_id(v) for v in value):
                new = [m for m in (map_id(v) for v in value) if m is not None]
            else:
                continue
            if new != value:
                changes[prefix + key] = (value, new)
                section[key] = new
    return config, changes
