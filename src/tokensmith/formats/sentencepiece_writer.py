"""Writing SentencePiece ``.model`` files: a ``ModelProto`` in protobuf wire format, written directly
(as :mod:`tokensmith.formats.sentencepiece` reads it), that ``sentencepiece`` loads as the same
tokenizer.

Written: every piece with its score (float32) and type (``NORMAL``, ``UNKNOWN``, ``CONTROL``,
``USER_DEFINED``, ``UNUSED``, ``BYTE``); the trainer spec fields that decide encoding and decoding
(``model_type``, ``vocab_size``, ``byte_fallback``, ``treat_whitespace_as_suffix``, the
``unk``/``bos``/``eos``/``pad`` ids and pieces, ``unk_surface``); the normalizer spec (charsmap,
``add_dummy_prefix``, ``remove_extra_whitespaces``, ``escape_whitespaces``).

Models: :class:`UnigramModel` and :class:`SentencePieceBPEModel`. Normalizers: a
:class:`SentencePieceNormalizer`, or the Unicode-form / lowercase / replace steps of a
:class:`SequenceNormalizer` ending in one without a charsmap (tokensmith's trained Unigram: NFKC,
whitespace runs as one space): those steps become a precompiled charsmap, sampled on every
character and on the canonical sequences that compose (:mod:`tokensmith.normalizers.charsmap_builder`).
SentencePiece applies the charsmap by longest match, so such a map equals the steps on text
whose characters map one by one (NTREX in every script, in the tests); rarer sequences (several
combining marks in non-canonical order) may normalize differently.
"""

from __future__ import annotations

import functools
import json
import os
import struct

from ..errors import OptionError
from .atomic import atomic_write

# ModelProto.SentencePiece.Type and TrainerSpec.ModelType
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6
_TYPE_CODES = {"normal": NORMAL, "unknown": UNKNOWN, "control": CONTROL,
               "user_defined": USER_DEFINED, "unused": UNUSED, "byte": BYTE}
UNIGRAM, BPE = 1, 2


# -- protobuf wire format --------------------------------------------------------------------

def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int32 values are written as 64-bit two's complement
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _int_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(int(value))


def _bytes_field(number: int, data: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def _float_field(number: int, value: float) -> bytes:
    return _varint(number << 3 | 5) + struct.pack("<f", value)


# -- the model --------------------------------------------------------------------------------

def model_proto(tokenizer) -> bytes:
    """The serialized ``ModelProto`` of ``tokenizer``; OptionError if it has no .model form."""
    from ..models.bpe.sentencepiece import SentencePieceBPEModel
    from ..models.unigram.model import UnigramModel

    model = tokenizer.model
    if not isinstance(model, (UnigramModel, SentencePieceBPEModel)):
        raise OptionError(f"a SentencePiece .model holds Unigram or SentencePiece-BPE vocabularies, "
                          f"not {type(model).__name__}")
    if tokenizer.splitter is not None:
        raise OptionError(f"a SentencePiece .model has no pre-tokenizer; this tokenizer splits "
                          f"with {type(tokenizer.splitter).__name__}")
    normalizer, charsmap = _normalizer(tokenizer.normalizer)
    if isinstance(model, UnigramModel):
        pieces, model_type = _unigram_pieces(model, tokenizer, normalizer), UNIGRAM
    else:
        pieces, model_type = model.pieces, BPE
    outside = {s: i for s, i in tokenizer.special_tokens.items()
               if not (0 <= i < len(pieces) and pieces[i][0] == s)}
    if outside:
        raise OptionError(f"special tokens {sorted(outside)} are not pieces of the vocabulary")
    out = bytearray()
    for piece, score, kind in pieces:
        out += _bytes_field(1, _bytes_field(1, piece.encode("utf-8")) + _float_field(2, score)
                            + _int_field(3, _TYPE_CODES[kind]))
    out += _bytes_field(2, _trainer_spec(pieces, model_type, model.byte_fallback, normalizer, tokenizer))
    out += _bytes_field(3, _normalizer_spec(normalizer, charsmap))
    return bytes(out)


def _unigram_pieces(model, tokenizer, normalizer) -> list[tuple[str, float, str]]:
    specials = set(tokenizer.special_tokens.values())
    control = set(model.special_ids)
    user = set(normalizer.user_defined)
    byte_ids = set(model.byte_ids or ())
    pieces = []
    for i, (piece, score) in enumerate(model.pieces):
        if i == model.unk_id:
            kind = "unknown"
        elif i in control:
            kind = "control" if i in specials else "unused"
        elif i in byte_ids:
            kind = "byte"
        elif piece in user:
            kind = "user_defined"
        else:
            kind = "normal"
        pieces.append((piece, score, kind))
    if model.unk_id is None:
        raise OptionError("a SentencePiece .model needs an unknown piece; this Unigram model has no unk_id")
    return pieces


def _trainer_spec(pieces, model_type: int, byte_fallback: bool, normalizer, tokenizer) -> bytes:
    from ..decoders.common import UNK_SURFACE

    kinds = [kind for _p, _s, kind in pieces]
    if kinds.count("unknown") != 1:
        raise OptionError(f"a SentencePiece .model needs exactly one unknown piece, not {kinds.count('unknown')}")
    unk = kinds.index("unknown")

    def control_id(name: str) -> int:
        i = tokenizer.special_tokens.get(name, -1)
        return i if i >= 0 and kinds[i] == "control" else -1

    surface = getattr(tokenizer.decoder, "unk_surface", UNK_SURFACE)
    out = _int_field(3, model_type) + _int_field(4, len(pieces))
    out += _int_field(24, normalizer.treat_whitespace_as_suffix) + _int_field(35, bool(byte_fallback))
    out += _int_field(40, unk) + _int_field(41, control_id("<s>")) + _int_field(42, control_id("</s>"))
    out += _int_field(43, control_id("<pad>")) + _bytes_field(44, surface.encode("utf-8"))
    out += _bytes_field(45, pieces[unk][0].encode("utf-8"))
    return out


def _normalizer_spec(normalizer, charsmap: bytes | None) -> bytes:
    name = b"identity" if charsmap is None else b"user_defined"
    out = _bytes_field(1, name)
    if charsmap is not None:
        out += _bytes_field(2, charsmap)
    return out + (_int_field(3, normalizer.add_dummy_prefix)
                  + _int_field(4, normalizer.remove_extra_whitespaces)
                  + _int_field(5, normalizer.escape_whitespaces))


def _normalizer(normalizer):
    """The final SentencePieceNormalizer and the charsmap that stands for everything."""
    from ..normalizers.common import (Lowercase, Replace, SentencePieceNormalizer, SequenceNormalizer,
                               UnicodeNormalizer)

    if isinstance(normalizer, SentencePieceNormalizer):
        return normalizer, normalizer.charsmap_blob
    steps = normalizer.normalizers if isinstance(normalizer, SequenceNormalizer) else []
    if (steps and isinstance(steps[-1], SentencePieceNormalizer) and steps[-1].charsmap is None
            and all(isinstance(s, (UnicodeNormalizer, Lowercase, Replace)) for s in steps[:-1])):
        before = SequenceNormalizer(steps[:-1])
        return steps[-1], _charsmap(json.dumps(before.to_dict(), sort_keys=True))
    raise OptionError(f"a SentencePiece .model cannot express the normalizer {normalizer!r} "
                      "(a SentencePiece normalizer, optionally after Unicode-form, lowercase and "
                      "replace steps, can be)")


@functools.lru_cache(maxsize=8)
def _charsmap(steps_json: str) -> bytes:
    from ..normalizers.charsmap_builder import build_charsmap, charsmap_of
    from ..components import from_dict

    return build_charsmap(charsmap_of(from_dict("normalizer", json.loads(steps_json)).normalize))


def save_sentencepiece(tokenizer, path: str | os.PathLike) -> None:
    data = model_proto(tokenizer)
    with atomic_write(path, "wb") as f:
        f.write(data)
