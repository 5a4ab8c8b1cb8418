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
from .bytes_text import text_to_bytes


def load_gpt2(path: str | os.PathLike, merges: str | os.PathLike | None = None,
              pattern: str = "gpt2", special_tokens: dict[str, int] | None = None, name: str | None = None):
    """Load ``vocab.json`` (and ``merges.txt``). Without ``special_tokens``, the special tokens are
    the entries no merge makes and that are not single bytes (GPT-2's ``<|endoftext|>``)."""
    from ..pre_tokenizers.splitters import RegexSplitter
    from ..tokenizer import Tokenizer
    from ..models.bpe.model import BPEModel
    from . import read_json

    path = os.fspath(path)
    vocab = read_json(path)
    if not isinstance(vocab, dict) or not vocab:
        raise ModelFileError(path, "a GPT-2 vocab.json is a non-empty object {token: id}")
    merges_path = _merges_path(path, merges)
    size = len(vocab)
    texts: list[str | None] = [None] * size
    for text, i in vocab.items():
        if type(i) is not int or not 0 <= i < size or texts[i] is not None:
            raise ModelFileError(path, f"ids are not 0..{size - 1} (entry {text!r}: {i!r})")
        texts[i] = text
    pairs = _read_merges(merges_path, vocab)
    made = {vocab[texts[a] + texts[b]] for a, b in pairs if texts[a] + texts[b] in vocab}
    if special_tokens is None:
        special_tokens = {t: i for i, t in enumerate(texts) if i not in made and len(t) > 1}
    tokens = []
    for i, text in enumerate(texts):
        try:
            tokens.append(text_to_bytes(text))
        except ValueError as exc:
            if text not in special_tokens:
                raise ModelFileError(path, f"token {text!r}: {exc}") from None
            tokens.append(text.encode("utf-8"))
    try:
        model = BPEModel(tokens, pairs, semantics="merges")
    except ValueError as exc:
        raise ModelFileError(path, str(exc)) from None
    return Tokenizer(model, RegexSplitter(pattern), special_tokens=special_tokens, name=name)


def _merges_path(path: str, merges) -> str:
    merges_path = os.fspath(merges) if merges else os.path.join(os.path.dirname(path), "merges.txt")
    if not os.path.exists(merges_path):
        sibling = path.replace("vocab.json", "merges.txt")
        merges_path = sibling if sibling != path and os.path.exists(sibling) else merges_path
    if not os.path.exists(merges_path):
        raise ModelFileError(path, f"no merges file beside it ({merges_path}); pass merges=")
    return merges_path


def _read_merges(merges_path: str, vocab: dict[str, int]) -> list[tuple[int, int]]:
    try:
        with open(merges_path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError as exc:
        raise ModelFileError(merges_path, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ModelFileError(merges_path, f"not UTF-8 at byte {exc.start}") from None
    pairs = []
    for lineno, line in enumerate(lines, 1):
        if not line or (lineno == 1 and line.startswith("#version")):
            continue
        parts = line.split(" ")
        if len(parts) != 2 or parts[0] not in vocab or parts[1] not in vocab:
            raise ModelFileError(merges_path, f"line {lineno}: not a merge of two vocabulary tokens: {line[:60]!r}")
        pairs.append((vocab[parts[0]], vocab[parts[1]]))
    return pairs


def gpt2_documents(tokenizer) -> tuple[dict[str, int], list[str]]:
    """``vocab.json``'s mapping and ``merges.txt``'s lines; :class:`OptionError` for a tokenizer
    these files cannot hold: they imply GPT-2's split pattern (``ByteLevelBPETokenizer`` has no
    other) and hold ids 0..n-1 with no gap."""
    from ..models.bpe.model import BPEModel
    from .families import cannot_hold, plain
    from .hf_bpe import write

    what = "GPT-2 vocab.json + merges.txt"
    tokenizer = plain(tokenizer)
    if not isinstance(tokenizer.model, BPEModel):
        raise cannot_hold(what, tokenizer)
    splitter = tokenizer.splitter
    if getattr(splitter, "compiled_name", None) != "gpt2":
        shown = getattr(splitter, "name", None) or getattr(splitter, "pattern", None)
        raise cannot_hold(what, tokenizer, f"those files imply GPT-2's split pattern, and this "
                                           f"tokenizer splits with {shown!r}; HF tokenizer.json "
                                           "keeps any pattern")
    document = write(tokenizer)
    vocab = dict(document["model"]["vocab"])
    for special, i in sorted(tokenizer.special_tokens.items(), key=lambda kv: kv[1]):
        if vocab.get(special, i) != i:
            raise cannot_hold(what, tokenizer, f"special token {special!r} is also token "
                                               f"{vocab[special]} of the vocabulary")
        vocab[special] = i
    if sorted(vocab.values()) != list(range(len(vocab))):
        raise cannot_hold(what, tokenizer, "its ids have gaps, and vocab.json must number 0..n-1")
    return vocab, [f"{left} {right}" for left, right in document["model"]["merges"]]


def save_gpt2(tokenizer, path: str | os.PathLike) -> None:
    """Write ``vocab.json`` and ``merges.txt`` into directory ``path`` (or beside ``path`` if it is a .json)."""
    vocab, merges = gpt2_documents(tokenizer)
    path = os.fspath(path)
    directory = os.path.dirname(path) if path.endswith(".json") else path
    vocab_path = path if path.endswith(".json") else os.path.join(directory, "vocab.json")
    with atomic_write(os.path.join(directory or ".", "merges.txt")) as f:
        f.write("#version: 0.2\n")
        f.write("".join(line + "\n" for line in merges))
    with atomic_write(vocab_path) as f:
        json.dump(vocab, f, ensure_ascii=False)


def register(loaders: dict, savers: dict) -> None:
    loaders["gpt2"] = load_gpt2
    savers["gpt2"] = save_gpt2
