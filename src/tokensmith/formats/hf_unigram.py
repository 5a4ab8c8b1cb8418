"""HF ``tokenizer.json`` files whose model is ``Unigram`` (T5, ALBERT, XLNet style): read and write.

Read: the normalizer (any HF normalizer, :mod:`tokensmith.hf.normalizers`), the pre-tokenizer (``Metaspace``, optionally after ``WhitespaceSplit``), the model (pieces with
scores, ``unk_id``, ``byte_fallback``) and the added special tokens. The post-processor is not
applied (``encode`` equals HF's ``encode(text, add_special_tokens=False)``; T5's ``</s>`` is not
appended).

Write: a complete document for a tokenizer whose model is a :class:`UnigramModel`. A
SentencePiece-style normalizer (tokensmith's trained Unigram) becomes HF's exact steps (spaces
collapsed and stripped, ``Prepend("▁")``, spaces escaped) with no pre-tokenizer, as HF's Llama
files are, so that HF reads spaces as ``▁`` rather than as unknown characters or byte pieces.
"""

from __future__ import annotations

import os

from ..errors import ModelFileError, OptionError


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
    from ..hf.normalizers import build_normalizer
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
    return Tokenizer(model, splitter, normalizer=build_normalizer(document.get("normalizer"), path),
                     decoder=_decoder(document.get("decoder") or {}),
                     special_tokens=special, name=os.path.basename(os.fspath(path)))


def _decoder(spec: dict):
    """A Metaspace decoder from HF's ``Metaspace`` or Llama's ``Replace, ByteFallback, Fuse,
    Strip`` sequence (which strips the leading space when ``Strip.start`` is 1)."""
    from ..decoders import MetaspaceDecoder

    if spec.get("type") == "Sequence":
        steps = spec.get("decoders") or []
        replacement = next((d["pattern"].get("String") for d in steps if d.get("type") == "Replace"
                            and d.get("content") == " "), "\u2581")
        strip = any(d.get("type") == "Strip" and d.get("start", 0) > 0 for d in steps)
        return MetaspaceDecoder(replacement or "\u2581", strip)
    strip = spec.get("prepend_scheme", "always") != "never" and spec.get("add_prefix_space", True)
    return MetaspaceDecoder(spec.get("replacement", "\u2581"), strip)


def _pre_tokenizer_json(splitter) -> dict | None:
    from ..metaspace import MetaspaceSplitter

    if splitter is None:
        return None
    if isinstance(splitter, MetaspaceSplitter):
        meta = {"type": "Metaspace", "replacement": splitter.replacement,
                "prepend_scheme": splitter.prepend_scheme, "split": splitter.split_on_replacement}
        if splitter.whitespace_split:
            return {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, meta]}
        return meta
    raise OptionError(f"splitter {type(splitter).__name__} has no HF form for a Unigram tokenizer")


def _decoder_json(decoder, byte_fallback: bool) -> dict:
    """HF's decoder for a Metaspace decoder: ``Metaspace`` itself, or Llama's sequence when byte
    pieces must be fused back into characters first."""
    from ..decoders import MetaspaceDecoder

    if not isinstance(decoder, MetaspaceDecoder):
        raise OptionError(f"decoder {type(decoder).__name__} has no HF form for a Unigram tokenizer")
    if not byte_fallback:
        return {"type": "Metaspace", "replacement": decoder.replacement,
                "prepend_scheme": "always" if decoder.strip_leading else "never", "split": True}
    return {"type": "Sequence", "decoders": [
        {"type": "Replace", "pattern": {"String": decoder.replacement}, "content": " "},
        {"type": "ByteFallback"}, {"type": "Fuse"},
        {"type": "Strip", "content": " ", "start": int(decoder.strip_leading), "stop": 0}]}


def write(tokenizer) -> dict | None:
    """A complete HF tokenizer.json document, or None if the model is not a UnigramModel."""
    from ..hf.normalizers import normalizer_to_hf
    from ..vocab.unigram import UnigramModel
    from .hf_json import added_tokens

    model = tokenizer.model
    if not isinstance(model, UnigramModel):
        return None
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": added_tokens(tokenizer),
        "normalizer": normalizer_to_hf(tokenizer.normalizer),
        "pre_tokenizer": _pre_tokenizer_json(tokenizer.splitter),
        "post_processor": None,
        "decoder": _decoder_json(tokenizer.decoder, model.byte_fallback),
        "model": {"type": "Unigram", "unk_id": model.unk_id, "byte_fallback": model.byte_fallback,
                  "vocab": [[p, s] for p, s in model.pieces]},
    }
