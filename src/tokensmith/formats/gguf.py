"""The tokenizer stored in a GGUF file (llama.cpp's model format).

The metadata is read by :mod:`tokensmith.formats.gguf_container` (no dependency; only the
metadata section of the file is touched).

The ``tokenizer.ggml.*`` keys, as llama.cpp's ``llama-vocab.cpp`` reads them:

* ``model``: ``gpt2`` (byte-level BPE: ``tokens`` in GPT-2's byte alphabet, ``merges`` as
  ``"left right"`` in rank order), ``llama`` (SentencePiece BPE: ``tokens``, ``scores``), or
  ``bert`` (WordPiece, tokens in llama.cpp's "phantom space" form: ``▁word`` starts a word, a bare
  ``piece`` continues one, ``[CLS]``-style tokens stay as they are).
* ``pre``: the byte-level BPE pre-tokenizer (see :mod:`tokensmith.formats.gguf_pre`).
* ``token_type``: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte (the
  SentencePiece piece types). Control and user-defined tokens become special tokens, matched
  in text when allowed (``encode(text, allowed_special="all")`` matches them as llama.cpp's
  ``parse_special`` and HF's added tokens do).
* ``bos/eos/unknown_token_id``, ``add_bos_token``, ``add_eos_token``, ``add_space_prefix``,
  ``remove_extra_whitespaces``: kept in :class:`GGUFVocab`; ``encode`` adds no BOS/EOS.

Every container error (bad magic, truncation, a key of the wrong type) is a
:class:`ModelFileError` naming the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import ModelFileError, OptionError

NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6
PHANTOM_SPACE = "\u2581"


@dataclass
class GGUFVocab:
    """The tokenizer keys of a GGUF file."""

    path: str
    model: str
    pre: str | None
    tokens: list[str]
    token_types: list[int]
    scores: list[float] | None
    merges: list[str] | None
    name: str | None = None
    bos_id: int | None = None
    eos_id: int | None = None
    unk_id: int | None = None
    add_bos: bool | None = None
    add_eos: bool | None = None
    add_space_prefix: bool | None = None
    remove_extra_whitespaces: bool | None = None


def read_gguf_vocab(path: str | os.PathLike) -> GGUFVocab:
    from .gguf_container import read_metadata

    path = os.fspath(path)
    metadata = read_metadata(path)

    def get(key, kind, required=False):
        name = f"tokenizer.ggml.{key}" if "." not in key else key
        if name not in metadata:
            if required:
                raise ModelFileError(path, f"no {name!r} key: this GGUF file holds no tokenizer")
            return None
        value = metadata[name]
        if not _is_a(value, kind):
            raise ModelFileError(path, f"key {name!r} is not {kind}")
        return value

    tokens = get("tokens", "a list of strings", required=True)
    n = len(tokens)
    types = get("token_type", "a list of integers") or [NORMAL] * n
    scores = get("scores", "a list of numbers")
    for key, values in (("token_type", types), ("scores", scores)):
        if values is not None and len(values) != n:
            raise ModelFileError(path, f"{key!r} has {len(values)} entries for {n} tokens")
    vocab = GGUFVocab(path, get("model", "a string", required=True), get("pre", "a string"),
                      list(tokens), [int(t) for t in types], scores and [float(s) for s in scores],
                      get("merges", "a list of strings"), name=get("general.name", "a string"))
    for attribute, key in (("bos_id", "bos_token_id"), ("eos_id", "eos_token_id"),
                           ("unk_id", "unknown_token_id")):
        value = get(key, "an integer")
        if value is not None and not 0 <= value < n:
            raise ModelFileError(path, f"{key} {value} is not a token id (the vocabulary has {n})")
        setattr(vocab, attribute, value)
    for attribute, key in (("add_bos", "add_bos_token"), ("add_eos", "add_eos_token"),
                           ("add_space_prefix", "add_space_prefix"),
                           ("remove_extra_whitespaces", "remove_extra_whitespaces")):
        setattr(vocab, attribute, get(key, "a boolean"))
    return vocab


def load_gguf(path: str | os.PathLike, **options):
    """A Tokenizer equivalent to the one llama.cpp builds from this GGUF file."""
    if options:
        raise OptionError(f"unknown options for a GGUF file: {sorted(options)}")
    vocab = read_gguf_vocab(path)
    builder = BUILDERS.get(vocab.model)
    if builder is None:
        raise ModelFileError(vocab.path, f"tokenizer model {vocab.model!r} is not supported "
                                         f"(supported: {', '.join(sorted(BUILDERS))})")
    try:
        return builder(vocab)
    except (OptionError, ValueError) as exc:
        if isinstance(exc, ModelFileError):
            raise
        raise ModelFileError(vocab.path, f"invalid {vocab.model} tokenizer: {exc}") from None


def _byte_level_bpe(vocab: GGUFVocab):
    from ..tokenizer import Tokenizer
    from ..models.bpe.model import BPEModel, PartialByteBPEModel
    from .bytes_text import text_to_bytes
    from .gguf_pre import normalizer, pre_tokenizer

    if vocab.merges is None:
        raise ModelFileError(vocab.path, "a gpt2 tokenizer needs the 'tokenizer.ggml.merges' key")
    token_bytes: list[bytes | None] = []
    specials: dict[str, int] = {}
    for i, (text, kind) in enumerate(zip(vocab.tokens, vocab.token_types)):
        if kind in (CONTROL, USER_DEFINED, UNKNOWN):  # raw text, matched as a whole
            token_bytes.append(None)
            specials.setdefault(text, i)
            continue
        try:
            token_bytes.append(text_to_bytes(text))
        except ValueError:
            raise ModelFileError(vocab.path, f"token {i} ({text!r}) is not in GPT-2's byte alphabet") from None
    index = {text: i for i, text in reversed(list(enumerate(vocab.tokens)))}
    merges = []
    for rank, line in enumerate(vocab.merges):
        cut = line.find(" ", 1)  # as llama.cpp: the first token may itself be a space
        left, right = (line[:cut], line[cut + 1:]) if cut > 0 else (line, "")
        if left not in index or right not in index:
            raise ModelFileError(vocab.path, f"merge {rank} ({line!r}) is not two tokens of the vocabulary")
        merges.append((index[left], index[right]))
    singles = {t for t in token_bytes if t is not None and len(t) == 1}
    model = (BPEModel(token_bytes, merges, semantics="merges") if len(singles) == 256
             else PartialByteBPEModel(token_bytes, merges))
    return Tokenizer(model, pre_tokenizer(vocab.pre, vocab.path), normalizer=normalizer(vocab.pre),
                     special_tokens=specials, name=vocab.name or _file_name(vocab.path))


def _sentencepiece_bpe(vocab: GGUFVocab):
    from .sentencepiece import PIECE_TYPES, tokenizer_from_proto

    unk = 0 if vocab.unk_id is None else vocab.unk_id  # llama.cpp's default for this model
    scores = vocab.scores or [0.0] * len(vocab.tokens)
    pieces = []
    for i, (text, score, kind) in enumerate(zip(vocab.tokens, scores, vocab.token_types)):
        if kind not in PIECE_TYPES:
            raise ModelFileError(vocab.path, f"token {i} ({text!r}) has unknown type {kind}")
        if i == unk:
            kind = UNKNOWN  # (Phi-3's files mark <unk> as a control token)
        elif kind == UNKNOWN:
            kind = CONTROL  # the converter's padding ids ([PAD32011]): never produced by text
        pieces.append((text, score, PIECE_TYPES[kind]))
    proto = {
        "pieces": pieces,
        "trainer": {"model_type": 2, "byte_fallback": BYTE in vocab.token_types},
        "normalizer": {"add_dummy_prefix": True if vocab.add_space_prefix is None else vocab.add_space_prefix,
                       "remove_extra_whitespaces": bool(vocab.remove_extra_whitespaces),
                       "escape_whitespaces": True},
    }
    return tokenizer_from_proto(proto, name=vocab.name or _file_name(vocab.path))


def _wordpiece(vocab: GGUFVocab):
    from ..models.wordpiece.model import wordpiece_tokenizer

    tokens = [_from_phantom_space(t) for t in vocab.tokens]
    unk = tokens[vocab.unk_id] if vocab.unk_id is not None else "[UNK]"
    tokenizer = wordpiece_tokenizer(tokens, unk_token=unk, name=vocab.name or _file_name(vocab.path))
    for i, kind in enumerate(vocab.token_types):
        if kind in (CONTROL, USER_DEFINED):
            tokenizer.special_tokens.setdefault(tokens[i], i)
    return type(tokenizer)(tokenizer.model, tokenizer.splitter, normalizer=tokenizer.normalizer,
                           decoder=tokenizer.decoder, special_tokens=tokenizer.special_tokens,
                           name=tokenizer.name)


def _from_phantom_space(token: str) -> str:
    """BERT's spelling of a token that llama.cpp stores as ``▁word`` / ``piece``."""
    if token.startswith("[") and token.endswith("]"):
        return token
    if token.startswith(PHANTOM_SPACE) and len(token) > 1:
        return token[1:]
    return "##" + token


BUILDERS = {"gpt2": _byte_level_bpe, "llama": _sentencepiece_bpe, "bert": _wordpiece}


def _is_a(value, kind: str) -> bool:
    element = {"a list of strings": str, "a list of integers": int, "a list of numbers": (int, float)}
    if kind in element:
        return isinstance(value, list) and all(isinstance(v, element[kind]) and not isinstance(v, bool)
                                               for v in value)
    scalar = {"a string": str, "an integer": int, "a boolean": bool}[kind]
    return isinstance(value, scalar) and (kind == "a boolean" or not isinstance(value, bool))


def _file_name(path: str) -> str:
    return os.path.basename(path)


def register(loaders: dict, savers: dict) -> None:
    loaders["gguf"] = load_gguf
