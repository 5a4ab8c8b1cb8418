"""HF ``tokenizer.json`` files whose model is ``Unigram`` (T5, ALBERT, XLNet style): read and write.

Read (the fast path): the normalizer (any HF normalizer, :mod:`tokensmith.normalizers.hf`),
the pre-tokenizer (``Metaspace``, optionally after ``WhitespaceSplit``), the model (pieces with
scores, ``unk_id``, ``byte_fallback``), the decoder (any, :mod:`tokensmith.decoders.hf`; with
byte pieces, the Metaspace one or its Replace/ByteFallback/Fuse/Strip spelling); other shapes
raise ``NotFastShape`` (the general pipeline reads them). Added tokens and the post-processor
(T5's ``$A </s>``) are read by ``hf_json`` for every family.

Write: a complete document for a tokenizer whose model is a :class:`UnigramModel`. A
SentencePiece-style normalizer (tokensmith's trained Unigram) becomes HF's exact steps (spaces
collapsed and stripped, ``Prepend("▁")``, spaces escaped) with no pre-tokenizer, as HF's Llama
files are, so that HF reads spaces as ``▁`` rather than as unknown characters or byte pieces.
"""

from __future__ import annotations

import os

from ..errors import ModelFileError, OptionError
from .hf_json import NotFastShape, added_tokens, post_processor, read_extras


def _metaspace(spec: dict, whitespace_split: bool):
    from ..pre_tokenizers.metaspace import MetaspaceSplitter

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
    """Files of exactly this shape (see the module doc); anything else: :class:`NotFastShape`."""
    from ..normalizers.hf import build_normalizer
    from ..tokenizer import Tokenizer
    from ..models.unigram.model import UnigramModel

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
    piece_id = {p: i for i, (p, _s) in enumerate(pieces)}  # HF's map: a repeated piece keeps its last id
    added, post = read_extras(document, path, piece_id.get, len(pieces))
    unk_id = spec.get("unk_id")
    # HF's lattice holds every piece, special ones too. It also matches the unknown piece's and
    # the byte pieces' own strings (``<unk>``, ``<0x41>``) written in the text, which
    # SentencePiece's lattice here leaves out: the one known deviation of this reader.
    special_ids: list[int] = []
    try:
        model = UnigramModel(pieces, unk_id, bool(spec.get("byte_fallback", False)),
                             special_ids=special_ids, whole_pieces=True)  # one lattice per pre-token, as HF
    except OptionError as exc:
        raise ModelFileError(path, str(exc)) from None
    decoder = _decoder(document.get("decoder"), path, model.byte_fallback)
    splitter = _splitter(document.get("pre_tokenizer"), path)
    normalizer = build_normalizer(document.get("normalizer"), path)
    return Tokenizer(model, splitter, normalizer=normalizer, decoder=decoder,
                     added_tokens=added, post_processor=post,
                     name=name or os.path.basename(os.fspath(path)))


def _decoder(spec, path, byte_fallback: bool):
    """HF's decoder itself when the model's token bytes are its pieces' UTF-8 (what HF's
    decoders read). Byte pieces reach the decoder as raw bytes here, so with byte fallback only
    the Metaspace decoder or the Replace/ByteFallback/Fuse/Strip sequence that spells it is read."""
    from ..decoders.common import MetaspaceDecoder
    from ..decoders.hf import build_decoder

    if not byte_fallback:
        return build_decoder(spec, path)
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


def _pre_tokenizer_json(splitter) -> dict | None:
    from ..pre_tokenizers.metaspace import MetaspaceSplitter

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
    from ..decoders.common import MetaspaceDecoder
    from ..decoders.hf import decoder_to_hf

    if not isinstance(decoder, MetaspaceDecoder):  # an HF decoder (a file read by this module)
        spec = decoder_to_hf(decoder)
        if spec is None:
            raise OptionError(f"decoder {type(decoder).__name__} has no HF form for a Unigram tokenizer")
        return spec
    if not byte_fallback:
        return {"type": "Metaspace", "replacement": decoder.replacement,
                "prepend_scheme": "always" if decoder.strip_leading else "never", "split": True}
    return {"type": "Sequence", "decoders": [
        {"type": "Replace", "pattern": {"String": decoder.replacement}, "content": " "},
        {"type": "ByteFallback"}, {"type": "Fuse"},
        {"type": "Strip", "content": " ", "start": int(decoder.strip_leading), "stop": 0}]}


def write(tokenizer) -> dict | None:
    """A complete HF tokenizer.json document, or None if the model is not a UnigramModel."""
    from ..normalizers.hf import normalizer_to_hf
    from ..models.unigram.model import UnigramModel

    model = tokenizer.model
    if not isinstance(model, UnigramModel):
        return None
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": added_tokens(tokenizer),
        "normalizer": normalizer_to_hf(tokenizer.normalizer),
        "pre_tokenizer": _pre_tokenizer_json(tokenizer.splitter),
        "post_processor": post_processor(tokenizer),
        "decoder": _decoder_json(tokenizer.decoder, model.byte_fallback),
        "model": {"type": "Unigram", "unk_id": model.unk_id, "byte_fallback": model.byte_fallback,
                  "vocab": [[p, s] for p, s in model.pieces]},
    }
