"""A ``save_pretrained`` folder, as ``transformers`` writes and ``AutoTokenizer.from_pretrained`` reads.

``save_pretrained(tokenizer, folder)`` writes three files:

* ``tokenizer.json`` — the whole tokenizer (:mod:`.hf_json`);
* ``tokenizer_config.json`` — ``tokenizer_class: PreTrainedTokenizerFast``, the special-token
  roles (``bos_token`` ... ``mask_token``), ``added_tokens_decoder``, ``model_max_length`` when
  known, and ``clean_up_tokenization_spaces: false`` (so ``decode`` gives the text back unchanged);
* ``special_tokens_map.json`` — the roles alone, which older ``transformers`` read.

Roles (``transformers``' ``bos_token``, ``eos_token``, ``unk_token``, ``pad_token``, ``cls_token``,
``sep_token``, ``mask_token``) are inferred from the usual names of the tokenizer's special tokens
(and the model's unknown token), see :data:`COMMON_NAMES`; ``roles={"eos": "</s>", "pad": None}``
sets or removes them (keys with or without ``_token``). A role must name a token of the tokenizer.
"""

from __future__ import annotations

import json
import os

from ..errors import OptionError
from .atomic import atomic_write

ROLES = ("bos", "eos", "unk", "pad", "cls", "sep", "mask")

# The names the well-known tokenizers give each role, most common first.
COMMON_NAMES = {
    "bos": ("<s>", "<bos>", "<|begin_of_text|>", "<|startoftext|>", "[BOS]"),
    "eos": ("</s>", "<eos>", "<|end_of_text|>", "<|endoftext|>", "[EOS]"),
    "unk": ("<unk>", "[UNK]", "<|unk|>"),
    "pad": ("<pad>", "[PAD]", "<|pad|>", "<|padding|>"),
    "cls": ("[CLS]", "<cls>"),
    "sep": ("[SEP]", "<sep>"),
    "mask": ("[MASK]", "<mask>"),
}

FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")


def model_unknown_token(tokenizer) -> str | None:
    """The model's own unknown token (Unigram's ``unk_id`` piece, WordPiece's ``unk_token``)."""
    model = tokenizer.model
    unk_id = getattr(model, "unk_id", None)
    pieces = getattr(model, "pieces", None)
    if unk_id is not None and pieces is not None:
        return pieces[unk_id][0]
    return getattr(model, "unk_token", None)


def infer_roles(tokenizer) -> dict[str, str]:
    """Roles from the common names of the special tokens (and the model's unknown token)."""
    names = set(tokenizer.special_tokens)
    unknown = model_unknown_token(tokenizer)
    roles = {}
    for role, candidates in COMMON_NAMES.items():
        found = next((c for c in candidates if c in names), None)
        if role == "unk" and found is None:
            found = unknown
        if found is not None:
            roles[role] = found
    return roles


def resolve_roles(tokenizer, roles: dict[str, str | None] | None = None) -> dict[str, str]:
    """The inferred roles updated by ``roles`` (``None`` removes one); checked against the vocabulary."""
    resolved = infer_roles(tokenizer)
    known = set(tokenizer.special_tokens)
    unknown = model_unknown_token(tokenizer)
    if unknown is not None:
        known.add(unknown)
    for key, token in (roles or {}).items():
        role = key[:-len("_token")] if key.endswith("_token") else key
        if role not in ROLES:
            raise OptionError(f"unknown special-token role {key!r}; roles are {', '.join(ROLES)}")
        if token is None:
            resolved.pop(role, None)
            continue
        if token not in known:
            raise OptionError(f"role {role}: {token!r} is not a special token of this tokenizer "
                              f"(special tokens: {sorted(tokenizer.special_tokens)[:10]})")
        resolved[role] = token
    return resolved


def pretrained_documents(tokenizer, roles=None, model_max_length: int | None = None) -> dict[str, dict]:
    """The three files' contents, by file name (nothing is written)."""
    from .hf_json import tokenizer_document

    document = tokenizer_document(tokenizer)
    resolved = resolve_roles(tokenizer, roles)
    role_map = {f"{role}_token": token for role, token in resolved.items()}
    added = {str(entry["id"]): {k: entry[k] for k in ("content", "lstrip", "normalized", "rstrip",
                                                       "single_word", "special")}
             for entry in document["added_tokens"]}
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "clean_up_tokenization_spaces": False,
              "added_tokens_decoder": added, **role_map}
    if model_max_length is not None:
        if not isinstance(model_max_length, int) or model_max_length < 1:
            raise OptionError(f"model_max_length must be a positive integer, got {model_max_length!r}")
        config["model_max_length"] = model_max_length
    return {"tokenizer.json": document, "tokenizer_config.json": config,
            "special_tokens_map.json": role_map}


def save_pretrained(tokenizer, folder: str | os.PathLike, roles: dict[str, str | None] | None = None,
                    model_max_length: int | None = None) -> list[str]:
    """Write ``folder`` for ``AutoTokenizer.from_pretrained(folder)``; returns the paths written.

    Every document is built before the first file is written, so a tokenizer HF cannot represent
    leaves the folder untouched."""
    folder = os.fspath(folder)
    documents = pretrained_documents(tokenizer, roles, model_max_length)
    paths = []
    for name in FILES:
        path = os.path.join(folder, name)
        with atomic_write(path) as f:
            json.dump(documents[name], f, ensure_ascii=False, indent=2)
            f.write("\n")
        paths.append(path)
    return paths
