"""HF ``tokenizer.json`` files whose model is ``Unigram`` (T5, ALBERT, XLNet style): read and write.

Read: the normalizer (``Precompiled``, ``Replace``, NF*, ``Lowercase``, ``Sequence``), the
pre-tokenizer (``Metaspace``, optionally after ``WhitespaceSplit``), the model (pieces with
scores, ``unk_id``, ``byte_fallback``) and the added special tokens. The post-processor is not
applied (``encode`` equals HF's ``encode(text, add_special_tokens=False)``; T5's ``</s>`` is not
appended).

Write: a complete document for a tokenizer whose model is a :class:`UnigramModel`.
"""

from __future__ import annotations

import base64
import os

from ..errors import ModelFileError, OptionError


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
    raise ModelFileError(path, f"HF normalizer {kind!r} is not supported for Unigram files")


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
    raise ModelFileError(path, f"HF pre-tokenizer {kinds} is not supported for Unigram files "
                               "(Metaspace, optionally after WhitespaceSplit, is)")


def read(document: dict, path: str | os.PathLike, **options):
    from ..decoders import MetaspaceDecoder
    from ..tokenizer import Tokenizer
    from ..vocab.unigram import UnigramModel
    from .hf_json import read_added_tokens

    if options:
        raise OptionError(f"unknown options for an HF Unigram file: {sorted(options)}")
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
    special = read_added_tokens(document)
    unk_id = spec.get("unk_id")
    ids_of_special = [i for i in special.values() if 0 <= i < len(pieces) and i != unk_id]
    try:
        model = UnigramModel(pieces, unk_id, bool(spec.get("byte_fallback", False)),
                             special_ids=ids_of_special)
    except OptionError as exc:
        raise ModelFileError(path, str(exc)) from None
    splitter = _splitter(document.get("pre_tokenizer"), path)
    decoder_spec = document.get("decoder") or {}
    strip = (decoder_spec.get("prepend_scheme", "always") != "never"
             and decoder_spec.get("add_prefix_space", True))
    return Tokenizer(model, splitter, normalizer=_normalizer(document.get("normalizer"), path),
                     decoder=MetaspaceDecoder(decoder_spec.get("replacement", "\u2581"), strip),
                     special_tokens=special, name=os.path.basename(os.fspath(path)))


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
    from .hf_json import added_tokens

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
        "post_processor": None,
        "decoder": decoder_json,
        "model": {"type": "Unigram", "unk_id": model.unk_id, "byte_fallback": model.byte_fallback,
                  "vocab": [[p, s] for p, s in model.pieces]},
    }
