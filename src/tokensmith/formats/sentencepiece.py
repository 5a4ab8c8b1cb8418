"""SentencePiece ``.model`` files (a ``ModelProto`` protobuf), read with a small wire-format reader.

Only the fields that define encoding and decoding are read: the pieces (text, score, type), the
trainer's ``model_type``, ``byte_fallback``, ``treat_whitespace_as_suffix`` and ``unk_surface``,
and the normalizer spec (precompiled charsmap, dummy prefix, extra-whitespace removal, space
escaping). Every length and
tag is checked, so a truncated or forged file raises :class:`ModelFileError` naming the problem.

Unigram models become :class:`UnigramModel`, BPE models :class:`SentencePieceBPEModel`; the
control pieces (``<s>``, ``</s>``, ...) become the tokenizer's special tokens, and
``encode(..., add_special_tokens=True)`` puts ``<s>`` first, as transformers' Llama and Mistral
tokenizers do (``<s> $A`` and ``<s> $A <s> $B``, the pair with type id 1).
"""

from __future__ import annotations

import os
import struct

from ..errors import ModelFileError, OptionError

# ModelProto.SentencePiece.Type
PIECE_TYPES = {1: "normal", 2: "unknown", 3: "control", 4: "user_defined", 5: "unused", 6: "byte"}
MODEL_TYPES = {1: "unigram", 2: "bpe", 3: "word", 4: "char"}
MAX_FILE_BYTES = 1 << 30


class WireError(ValueError):
    """A protobuf message that cannot be parsed."""


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise WireError(f"truncated varint at byte {pos}")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise WireError(f"varint longer than 10 bytes at byte {pos}")


def fields(data: bytes, base: int = 0):
    """Yield ``(field_number, wire_type, value)``; value is an int or, for wire type 2, bytes."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise WireError(f"field number 0 at byte {base + pos}")
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            if pos + 8 > len(data):
                raise WireError(f"truncated 64-bit field {number} at byte {base + pos}")
            value, pos = int.from_bytes(data[pos:pos + 8], "little"), pos + 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise WireError(f"field {number} declares {length} bytes but only "
                                f"{len(data) - pos} remain (truncated file?) at byte {base + pos}")
            value, pos = data[pos:pos + length], pos + length
        elif wire == 5:
            if pos + 4 > len(data):
                raise WireError(f"truncated 32-bit field {number} at byte {base + pos}")
            value, pos = int.from_bytes(data[pos:pos + 4], "little"), pos + 4
        else:
            raise WireError(f"unsupported wire type {wire} for field {number} at byte {base + pos}")
        yield number, wire, value


def _text(value, what: str) -> str:
    if not isinstance(value, bytes):
        raise WireError(f"{what} is not a string")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise WireError(f"{what} is not valid UTF-8") from None


def _float(value, wire: int, index: int) -> float:
    if wire != 5:
        raise WireError(f"piece {index} score is not a 32-bit float")
    score = struct.unpack("<f", value.to_bytes(4, "little"))[0]
    if score != score:  # NaN orders nothing: the segmentation would depend on the algorithm
        raise WireError(f"piece {index} score is NaN")
    return score


def _piece(data: bytes, index: int) -> tuple[str, float, str]:
    piece, score, kind = None, 0.0, 1
    for number, wire, value in fields(data):
        if number == 1:
            piece = _text(value, f"piece {index}")
        elif number == 2:
            score = _float(value, wire, index)
        elif number == 3:
            if wire != 0:
                raise WireError(f"piece {index} type is not a varint")
            kind = value
    if piece is None:
        raise WireError(f"piece {index} has no text")
    if kind not in PIECE_TYPES:
        raise WireError(f"piece {index} ({piece!r}) has unknown type {kind}")
    return piece, score, PIECE_TYPES[kind]


def _flags(data: bytes, wanted: dict[int, tuple[str, int]], message: str) -> dict[str, object]:
    """The ``wanted`` fields (number -> name, wire type) of a spec message, their types checked."""
    out: dict[str, object] = {}
    for number, wire, value in fields(data):
        if number in wanted:
            name, expected = wanted[number]
            if wire != expected:
                raise WireError(f"{message}.{name} is not a {'string' if expected == 2 else 'number'}")
            out[name] = value
    return out


TRAINER_FIELDS = {3: ("model_type", 0), 24: ("treat_whitespace_as_suffix", 0), 35: ("byte_fallback", 0),
                  44: ("unk_surface", 2)}
NORMALIZER_FIELDS = {1: ("name", 2), 2: ("precompiled_charsmap", 2), 3: ("add_dummy_prefix", 0),
                     4: ("remove_extra_whitespaces", 0), 5: ("escape_whitespaces", 0)}


_SCORE = struct.Struct("<f")


def _common_piece(data: bytes, pos: int, end: int) -> tuple[str, float, str] | None:
    """The piece message ``data[pos:end]`` when it has the layout sentencepiece writes (text of
    under 128 bytes, a score, a type under 128, in field order), else None for :func:`_piece`.
    A large model is millions of pieces: this keeps its load from paying the general reader."""
    if data[pos] != 0x0A or data[pos + 1] >= 0x80:
        return None
    text_end = pos + 2 + data[pos + 1]
    if text_end + 5 > end or data[text_end] != 0x15:
        return None
    if text_end + 5 == end:
        kind = 1
    elif text_end + 7 == end and data[text_end + 5] == 0x18 and data[text_end + 6] in PIECE_TYPES:
        kind = data[text_end + 6]
    else:
        return None
    score = _SCORE.unpack_from(data, text_end + 1)[0]
    if score != score:
        return None  # _piece names the problem
    try:
        text = data[pos + 2:text_end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text, score, PIECE_TYPES[kind]


def parse_model_proto(data: bytes) -> dict:
    """The encoding-relevant content of a serialized ``ModelProto``."""
    pieces = []
    trainer: dict[str, object] = {}
    normalizer: dict[str, object] = {}
    pos, n = 0, len(data)
    # The pieces come first and are most of the file: read them with a tight loop while their
    # field key (1, a message) and length (one or two varint bytes) have the common form.
    while pos + 2 < n and data[pos] == 0x0A:
        length = data[pos + 1]
        start = pos + 2
        if length >= 0x80:
            if data[pos + 2] >= 0x80:
                break
            length = (length & 0x7F) | (data[pos + 2] << 7)
            start += 1
        end = start + length
        if end > n or length < 2:
            break
        piece = _common_piece(data, start, end)
        if piece is None:
            break
        pieces.append(piece)
        pos = end
    for number, wire, value in fields(data[pos:], pos):
        if number == 1:
            if wire != 2:
                raise WireError("pieces field is not a message")
            pieces.append(_piece(value, len(pieces)))
        elif number == 2 and wire == 2:
            trainer = _flags(value, TRAINER_FIELDS, "trainer_spec")
        elif number == 3 and wire == 2:
            normalizer = _flags(value, NORMALIZER_FIELDS, "normalizer_spec")
    return {"pieces": pieces, "trainer": trainer, "normalizer": normalizer}


def load_sentencepiece(path: str | os.PathLike, **options):
    path = os.fspath(path)
    if options:
        raise OptionError(f"unknown options for a SentencePiece model: {sorted(options)}")
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise ModelFileError(path, f"{size} bytes is too large for a SentencePiece model")
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise ModelFileError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        proto = parse_model_proto(data)
    except WireError as exc:
        raise ModelFileError(path, f"not a valid SentencePiece model: {exc}") from None
    try:
        return tokenizer_from_proto(proto, name=os.path.basename(path))
    except (OptionError, ValueError) as exc:
        raise ModelFileError(path, f"invalid SentencePiece model: {exc}") from None


def tokenizer_from_proto(proto: dict, name: str | None = None):
    from ..decoders.common import UNK_SURFACE, MetaspaceDecoder
    from ..post_processors.hf import bos_template
    from ..normalizers.common import SentencePieceNormalizer
    from ..tokenizer import Tokenizer
    from ..models.bpe.sentencepiece import SentencePieceBPEModel
    from ..models.unigram.model import UnigramModel

    pieces = proto["pieces"]
    if not pieces:
        raise ValueError("the model has no pieces")
    trainer, spec = proto["trainer"], proto["normalizer"]
    model_type = MODEL_TYPES.get(int(trainer.get("model_type", 1)))
    if model_type not in ("unigram", "bpe"):
        raise ValueError(f"model type {model_type or trainer.get('model_type')!r} is not supported "
                         "(unigram and bpe are)")
    byte_fallback = bool(trainer.get("byte_fallback", 0))
    charsmap = spec.get("precompiled_charsmap") or None
    add_dummy_prefix = bool(spec.get("add_dummy_prefix", 1))
    remove_extra = bool(spec.get("remove_extra_whitespaces", 1))
    user_defined = [p for p, _s, t in pieces if t == "user_defined"]
    suffix = bool(trainer.get("treat_whitespace_as_suffix", 0))
    normalizer = SentencePieceNormalizer(charsmap, add_dummy_prefix=add_dummy_prefix,
                                         remove_extra_whitespaces=remove_extra,
                                         escape_whitespaces=bool(spec.get("escape_whitespaces", 1)),
                                         user_defined=user_defined, treat_whitespace_as_suffix=suffix)
    kinds = [t for _p, _s, t in pieces]
    if kinds.count("unknown") != 1:
        raise ValueError(f"the model has {kinds.count('unknown')} unknown pieces (expected 1)")
    if model_type == "bpe":
        model = SentencePieceBPEModel(pieces, byte_fallback=byte_fallback)
    else:
        model = UnigramModel([(p, s) for p, s, _t in pieces], unk_id=kinds.index("unknown"),
                             byte_fallback=byte_fallback,
                             special_ids=[i for i, t in enumerate(kinds) if t in ("control", "unused")],
                             float32_sums=True)
    special = {p: i for i, (p, _s, t) in enumerate(pieces) if t == "control"}
    surface = trainer.get("unk_surface", UNK_SURFACE.encode())
    decoder = MetaspaceDecoder(strip_leading=add_dummy_prefix or remove_extra,
                               unk_piece=pieces[kinds.index("unknown")][0],
                               unk_surface=_text(surface, "unk_surface"))
    # add_special_tokens=True adds BOS as transformers' Llama/Mistral tokenizers (with their
    # add_bos_token=True) do; sentencepiece's own encode adds nothing.
    post = bos_template("<s>", special["<s>"]) if "<s>" in special else None
    return Tokenizer(model, None, normalizer=normalizer, decoder=decoder,
                     special_tokens=special, post_processor=post, name=name)


def register(loaders: dict, savers: dict) -> None:
    from .sentencepiece_writer import save_sentencepiece

    loaders["sentencepiece"] = load_sentencepiece
    savers["sentencepiece"] = save_sentencepiece
