"""GPT-2's two files: ``vocab.json`` (token text -> id) and ``merges.txt`` (one merge a line).

Token text goes through GPT-2's byte-to-character map; ``merges.txt`` may start with a
``#version`` line. Loading ``vocab.json`` finds ``merges.txt`` beside it unless ``merges=`` names it.
Saving writes both into a directory (or beside a given ``vocab.json`` path).
"""

from __future__ import annotations

import json
import os

from ..errors import ModelFileError
from .atomic import atomic_write
from .bytes_text import bytes_to_text, text_to_bytes


def load_gpt2(path: str | os.PathLike, merges: str | os.PathLike | None = None,
              pattern: str = "gpt2", special_tokens: dict[str, int] | None = None, name: str | None = None):
    from ..splitters import RegexSplitter
    from ..tokenizer import Tokenizer
    from ..vocab.bpe import BPEModel
    from . import _read_json

    path = os.fspath(path)
    vocab = _read_json(path)
    merges_path = os.fspath(merges) if merges else os.path.join(os.path.dirname(path), "merges.txt")
    if not os.path.exists(merges_path):
        sibling = path.replace("vocab.json", "merges.txt")
        merges_path = sibling if os.path.exists(sibling) else merges_path
    if not os.path.exists(merges_path):
        raise ModelFileError(path, f"no merges file beside it ({merges_path}); pass merges=")
    size = len(vocab)
    tokens: list[bytes | None] = [None] * size
    for text, i in vocab.items():
        if not isinstance(i, int) or not 0 <= i < size or tokens[i] is not None:
            raise ModelFileError(path, f"ids are not 0..{size - 1} (entry {text!r}: {i!r})")
        try:
            tokens[i] = text_to_bytes(text)
        except ValueError as exc:
            raise ModelFileError(path, f"token {text!r}: {exc}") from None
    pairs = []
    try:
        with open(merges_path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except UnicodeDecodeError as exc:
        raise ModelFileError(merges_path, f"not UTF-8 at byte {exc.start}") from None
    for lineno, line in enumerate(lines, 1):
        if not line or (lineno == 1 and line.startswith("#version")):
            continue
        parts = line.split(" ")
        if len(parts) != 2 or parts[0] not in vocab or parts[1] not in vocab:
            raise ModelFileError(merges_path, f"line {lineno}: not a merge of two vocabulary tokens: {line[:60]!r}")
        pairs.append((vocab[parts[0]], vocab[parts[1]]))
    if special_tokens is None:
        special_tokens = {"<|endoftext|>": vocab["<|endoftext|>"]} if "<|endoftext|>" in vocab else {}
    try:
        model = BPEModel(tokens, pairs, semantics="merges")
    except ValueError as exc:
        raise ModelFileError(path, str(exc)) from None
    return Tokenizer(model, RegexSplitter(pattern), special_tokens=special_tokens, name=name)


def save_gpt2(tokenizer, path: str | os.PathLike) -> None:
    """Write ``vocab.json`` and ``merges.txt`` into directory ``path`` (or beside ``path`` if it is a .json)."""
    from .hf_bpe import write

    document = write(tokenizer)
    if document is None:
        raise ModelFileError(path, "only byte-level BPE tokenizers can be written as vocab.json + merges.txt")
    path = os.fspath(path)
    directory = os.path.dirname(path) if path.endswith(".json") else path
    vocab_path = path if path.endswith(".json") else os.path.join(directory, "vocab.json")
    vocab = dict(document["model"]["vocab"])
    for special, i in tokenizer.special_tokens.items():
        vocab.setdefault(special, i)
    with atomic_write(os.path.join(directory or ".", "merges.txt")) as f:
        f.write("#version: 0.2\n")
        for left, right in document["model"]["merges"]:
            f.write(f"{left} {right}\n")
    with atomic_write(vocab_path) as f:
        json.dump(vocab, f, ensure_ascii=False)


def register(loaders: dict, savers: dict) -> None:
    loaders["gpt2"] = load_gpt2
    savers["gpt2"] = save_gpt2
