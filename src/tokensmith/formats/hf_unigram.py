"""HF ``tokenizer.json`` files whose model is ``Unigram`` (T5, ALBERT, XLNet style): read and write.

Read: the normalizer (``Precompiled``, ``Replace``, NF*, ``Lowercase``, ``Sequence``), the
pre-tokenizer (``Metaspace``, optionally after ``WhitespaceSplit``), the model (pieces with
scores, ``unk_id``, ``byte_fallback``), the Metaspace decoder; other shapes raise
``NotFastShape`` (the general pipeline reads them). Added tokens and the post-processor (T5's
``$A </s>``) are read by ``hf_json`` for every family.

Write: a complete document for a tokenizer whose model is a :class:`UnigramModel`.
"""

from __future__ import annotations

import base64
import os

from ..errors import ModelFileError, OptionError
from .hf_json import NotFastShape, added_tokens, post_processor, read_extras


def _normalizer(spec, path):
    from ..normalizers import (Lowercase, Precompiled, Replace, SequenceNormalizer,
                               UnicodeNormalizer)

    if spec is None:
        return None
    kind = spec.get("type")
    if kind == "Sequence":
        parts = [_normalizer(s, path) for s in spec.get("normalizers") or []]
        parts = [p for p in parts if p is not None]
        return SequenceNormalizer(parts) if parts else None
    if kind == "Precompiled":
        blob = spec.get("precompiled_charsmap")
        if not blob:
            return None
        return Precompiled(base64.b64decode(blob))
    if kind == "Replace":
        pattern = spec["pattern"]
        if "String" in pattern:
            return Replace(pattern["String"], spec["content"])
        return Replace(pattern["Regex"], spec["content"], is_regex=True)
    if kind in ("NFC", "NFD", "NFKC", "NFKD"):
        return UnicodeNormalizer(kind)
    if kind == "Lowercase":
        return Lowercase()
    raise NotFastShape(path, f"HF normalizer {kind!r} in a Unigram file")


def _metaspace(spec: dict, whitespace_split: bool):
    from ..metaspace import MetaspaceSplitter

    scheme = spec.get("prepend_scheme")
    if scheme is None:  # files written before prepend_scheme existed
        scheme = "always" if spec.get("add_prefix_space", True) else "never"
    return MetaspaceSplitter(spec.get("replacement", "\u2581"), scheme,
                             spec.get("split", True), whitespace_split)


def _splitter(spec, path):
    if spec is None:
        return None
    steps = spec.get("pretokenizers") if spec.get("type") == "Sequence" else [spec]
    kinds = [s.get("type") for s in steps]
    if kinds == ["Metaspace"]:
        return _metaspace(steps[0], False)
    if kinds == ["WhitespaceSplit", "Metaspace"]:
        return _metaspace(steps[1], True)
    raise NotFastShape(path, f"HF pre-tokenizer {kinds} in a Unigram file")


def read(document: dict, path: str | os.PathLike, name: str | None = None):
    """Files of exactly this shape: the normalizers and pre-tokenizers above, a Metaspace decoder
    (or its Replace/ByteFallback/Fuse/Strip spelling); anything else: :class:`NotFastShape`."""
    from ..tokenizer import Tokenizer
    from ..vocab.unigram import UnigramModel

    spec = document["model"]
    vocab = spec.get("vocab")
    if not isinstance(vocab, list) or not vocab:
        raise ModelFileError(path, "Unigram model has no vocab list")
    pieces = []
    for k, entry in enumerate(vocab):
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                and isinstance(entry[1], (int, float))):
            raise ModelFileError(path, f"Unigram vocab entry {k} is not [piece, score]")
        pieces.append((entry[0], float(entry[1])))
    if spec.get("byte_fallback"):
        # HF's lattice matches the byte pieces' own strings (``<0x41>``); this one does not.
        raise NotFastShape(path, "Unigram with byte_fallback")
    piece_id = {p: i for i, (p, _s) in enumerate(pieces)}  # HF's map: a repeated piece keeps its last id
    added, post = read_extras(document, path, piece_id.get, len(pieces))
    unk_id = spec.get("unk_id")
    special_ids: list[int] = []  # HF keeps every piece in the lattice, special ones too
    try:
        model = UnigramModel(pieces, unk_id, bool(spec.get("byte_fallback", False)),
                             special_ids=special_ids)
    except OptionError as exc:
        raise ModelFileError(path, str(exc)) from None
    decoder = _decoder(document.get("decoder"), path)
    splitter = _splitter(document.get("pre_tokenizer"), path)
    normalizer = _normalizer(document.get("normalizer"), path)
    return Tokenizer(model, splitter, normalizer=normalizer, decoder=decoder,
                     added_tokens=added, post_processor=post,
                     name=name or os.path.basename(os.fspath(path)))


def _decoder(spec, path):
    """HF's Metaspace decoder, or the Replace/ByteFallback/Fuse/Strip sequence that spells it
    for byte-fallback models (byte pieces reach the decoder as raw bytes here)."""
    from ..decoders import MetaspaceDecoder

    spec = spec or {}
    if spec.get("type") == "Metaspace":
        scheme = spec.get("prepend_scheme")
        if scheme is None:  # files written before prepend_scheme existed
            scheme = "always" if spec.get("add_prefix_space", True) else "never"
        return MetaspaceDecoder(spec.get("replacement", "\u2581"), scheme != "never")
    steps = spec.get("decoders") if spec.get("type") == "Sequence" else None
    if steps and [s.get("type") for s in steps] == ["Replace", "ByteFallback", "Fuse", "Strip"]:
        replace, strip = steps[0], steps[3]
        marker = (replace.get("pattern") or {}).get("String")
        if (marker and len(marker) == 1 and replace.get("content") == " "
                and strip.get("content") == " " and strip.get("start") in (0, 1) and strip.get("stop") == 0):
            return MetaspaceDecoder(marker, strip["start"] == 1)
    raise NotFastShape(path, f"decoder {spec.get('type')!r} in a Unigram file")


def _normalizer_json(normalizer):
    from ..normalizers import (Lowercase, Precompiled, Replace, SentencePieceNormalizer,
                               SequenceNormalizer, UnicodeNormalizer)

    if normalizer is None:
        return None
    if isinstance(normalizer, SequenceNormalizer):
        return {"type": "Sequence", "normalizers": [_normalizer_json(n) for n in normalizer.normalizers]}
    if isinstance(normalizer, Precompiled):
        return {"type": "Precompiled",
                "precompiled_charsmap": base64.b64encode(normalizer.charsmap_blob).decode("ascii")}
    if isinstance(normalizer, Replace):
        key = "Regex" if normalizer.is_regex else "String"
        return {"type": "Replace", "pattern": {key: normalizer.pattern}, "content": normalizer.content}
    if isinstance(normalizer, UnicodeNormalizer):
        return {"type": normalizer.form}
    if isinstance(normalizer, Lowercase):
        return {"type": "Lowercase"}
    if isinstance(normalizer, SentencePieceNormalizer):
        # HF expresses SentencePiece's rules as charsmap + whitespace collapsing; the dummy
        # prefix and the escaping move to the Metaspace pre-tokenizer.
        parts = []
        if normalizer.charsmap_blob:
            parts.append({"type": "Precompiled", "precompiled_charsmap":
                          base64.b64encode(normalizer.charsmap_blob).decode("ascii")})
        if normalizer.remove_extra_whitespaces:
            parts += [{"type": "Strip", "strip_left": True, "strip_right": True},
                      {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]
        return {"type": "Sequence", "normalizers": parts} if parts else None
    raise OptionError(f"normalizer {type(normalizer).__name__} has no HF tokenizer.json form")


def _pre_tokenizer_json(tokenizer):
    from ..metaspace import MetaspaceSplitter
    from ..normalizers import SentencePieceNormalizer

    splitter = tokenizer.splitter
    if isinstance(splitter, MetaspaceSplitter):
        meta = {"type": "Metaspace", "replacement": splitter.replacement,
                "prepend_scheme": splitter.prepend_scheme, "split": splitter.split_on_replacement}
        if splitter.whitespace_split:
            return {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, meta]}
        return meta
    if splitter is None and isinstance(tokenizer.normalizer, SentencePieceNormalizer):
        scheme = "first" if tokenizer.normalizer.add_dummy_prefix else "never"
        return {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": scheme, "split": False}
    if splitter is None:
        return None
    raise OptionError(f"splitter {type(splitter).__name__} has no HF form for a Unigram tokenizer")


def write(tokenizer) -> dict | None:
    """A complete HF tokenizer.json document, or None if the model is not a UnigramModel."""
    from ..decoders import MetaspaceDecoder
    from ..vocab.unigram import UnigramModel

    model = tokenizer.model
    if not isinstance(model, UnigramModel):
        return None
    decoder = tokenizer.decoder
    decoder_json = None
    if isinstance(decoder, MetaspaceDecoder):
        decoder_json = {"type": "Metaspace", "replacement": decoder.replacement,
                        "prepend_scheme": "always" if decoder.strip_leading else "never", "split": True}
        if model.byte_fallback:
            decoder_json = {"type": "Sequence", "decoders": [
                {"type": "Replace", "pattern": {"String": decoder.replacement}, "content": " "},
                {"type": "ByteFallback"}, {"type": "Fuse"},
                {"type": "Strip", "content": " ", "start": int(decoder.strip_leading), "stop": 0}]}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": added_tokens(tokenizer),
        "normalizer": _normalizer_json(tokenizer.normalizer),
        "pre_tokenizer": _pre_tokenizer_json(tokenizer),
        "post_processor": post_processor(tokenizer),
        "decoder": decoder_json,
        "model": {"type": "Unigram", "unk_id": model.unk_id, "byte_fallback": model.byte_fallback,
                  "vocab": [[p, s] for p, s in model.pieces]},
    }
