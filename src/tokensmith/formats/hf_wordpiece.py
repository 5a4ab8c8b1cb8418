"""HF ``tokenizer.json`` documents whose model is WordPiece (BERT and its relatives).

Read (the fast path): the WordPiece model with a ``BertNormalizer`` (or none), a
``BertPreTokenizer`` (or none) and a WordPiece decoder; other shapes raise ``NotFastShape`` (the
general pipeline reads them). Write: a complete document HF ``tokenizers`` loads as the same
tokenizer, with its post-processor, or BERT's ``[CLS] … [SEP]`` when it has none and both
tokens exist.
"""

from __future__ import annotations

import os
from typing import Any

from ..errors import ModelFileError, OptionError
from .hf_json import NotFastShape, added_tokens, post_processor, read_extras


def read(document: dict, path: str | os.PathLike, name: str | None = None):
    from ..normalizers.bert import BertNormalizer
    from ..pre_tokenizers.bert import BertPreTokenizer
    from ..tokenizer import Tokenizer
    from ..models.wordpiece.model import WordPieceDecoder, WordPieceModel

    model = document.get("model") or {}
    vocab = model.get("vocab")
    if not isinstance(vocab, dict) or not vocab:
        raise ModelFileError(path, "WordPiece model has no vocab object")
    tokens: list[str | None] = [None] * len(vocab)
    for token, i in vocab.items():
        if not isinstance(i, int) or not 0 <= i < len(vocab) or tokens[i] is not None:
            raise NotFastShape(path, f"WordPiece vocab ids are not 0..{len(vocab) - 1} ({token!r}: {i!r})")
        tokens[i] = token
    normalizer = _normalizer(document.get("normalizer"), path, BertNormalizer)
    splitter = _pre_tokenizer(document.get("pre_tokenizer"), path, BertPreTokenizer)
    decoder = document.get("decoder") or {}
    if decoder.get("type") != "WordPiece":
        raise NotFastShape(path, f"WordPiece with decoder {decoder.get('type')!r}")
    try:
        wp = WordPieceModel(tokens, model.get("unk_token", "[UNK]"),
                            model.get("continuing_subword_prefix", "##"),
                            model.get("max_input_chars_per_word", 100))
    except OptionError as exc:
        raise NotFastShape(path, str(exc)) from None
    added, post = read_extras(document, path, wp.token_id.get, len(tokens))
    return Tokenizer(wp, splitter, normalizer=normalizer,
                     decoder=WordPieceDecoder(decoder.get("prefix", "##"), decoder.get("cleanup", True)),
                     added_tokens=added, post_processor=post,
                     name=name or os.path.basename(os.fspath(path)))


def _normalizer(data, path, cls):
    if data is None:
        return None
    if data.get("type") != "BertNormalizer":
        raise NotFastShape(path, f"WordPiece with normalizer {data.get('type')!r}")
    return cls(data.get("clean_text", True), data.get("handle_chinese_chars", True),
               data.get("strip_accents"), data.get("lowercase", True))


def _pre_tokenizer(data, path, cls):
    if data is None:
        return None
    if data.get("type") != "BertPreTokenizer":
        raise NotFastShape(path, f"WordPiece with pre-tokenizer {data.get('type')!r}")
    return cls()


def write(tokenizer) -> dict[str, Any] | None:
    """The tokenizer.json document of a WordPiece tokenizer; None if the model is not WordPiece."""
    from ..normalizers.bert import BertNormalizer
    from ..pre_tokenizers.bert import BertPreTokenizer
    from ..models.wordpiece.model import WordPieceDecoder, WordPieceModel
    from .families import cannot_hold

    model = tokenizer.model
    if not isinstance(model, WordPieceModel):
        return None
    norm = tokenizer.normalizer
    if norm is not None and not isinstance(norm, BertNormalizer):
        raise cannot_hold("HF tokenizer.json", tokenizer, f"WordPiece there takes BERT's normalizer "
                                                          f"or none, not {norm!r}")
    if tokenizer.splitter is not None and not isinstance(tokenizer.splitter, BertPreTokenizer):
        raise cannot_hold("HF tokenizer.json", tokenizer, f"WordPiece there takes BERT's pre-tokenizer "
                                                          f"or none, not {tokenizer.splitter!r}")
    decoder = tokenizer.decoder
    cleanup = decoder.cleanup if isinstance(decoder, WordPieceDecoder) else True
    post = post_processor(tokenizer)
    if post is None and "[CLS]" in tokenizer.special_tokens and "[SEP]" in tokenizer.special_tokens:
        post = {"type": "BertProcessing", "sep": ["[SEP]", tokenizer.special_tokens["[SEP]"]],
                "cls": ["[CLS]", tokenizer.special_tokens["[CLS]"]]}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added_tokens(tokenizer),
        "normalizer": None if norm is None else {
            "type": "BertNormalizer", "clean_text": norm.clean_text,
            "handle_chinese_chars": norm.handle_chinese_chars,
            "strip_accents": norm.strip_accents, "lowercase": norm.lowercase},
        "pre_tokenizer": None if tokenizer.splitter is None else {"type": "BertPreTokenizer"},
        "post_processor": post,
        "decoder": {"type": "WordPiece", "prefix": model.prefix, "cleanup": cleanup},
        "model": {"type": "WordPiece", "unk_token": model.unk_token,
                  "continuing_subword_prefix": model.prefix,
                  "max_input_chars_per_word": model.max_input_chars_per_word,
                  "vocab": {t: i for i, t in enumerate(model.tokens)}},
    }
