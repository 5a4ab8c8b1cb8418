"""The strings HF gives a model's tokens (``id_to_token``, ``get_vocab``, ``Encoding.tokens``).

HF vocabularies are strings: byte-level BPE spells bytes through GPT-2's byte map (``Ġhello``),
SentencePiece-style models keep their pieces (``▁hello``, ``<0x0A>``), WordPiece its tokens
(``##ing``). tokensmith's models store what their decoders join (raw bytes for byte-level BPE),
so the strings are recovered here, once per model: from the model's own ``id_to_token`` when it
has one (the models read from any HF file do), else from the vocabulary the family keeps.
"""

from __future__ import annotations

from .formats.bytes_text import bytes_to_text


def _vocabulary_model(model):
    while getattr(model, "base", None) is not None:  # segmentation wrappers keep their vocabulary
        model = model.base
    return model


def token_strings(model, byte_level: bool) -> list[str]:
    """HF's string of every id of ``model``; ``byte_level``: its token bytes are raw bytes."""
    inner = _vocabulary_model(model)
    if hasattr(inner, "id_to_token"):
        return [inner.id_to_token(i) for i in range(inner.vocab_size)]
    pieces = getattr(inner, "pieces", None)
    if pieces and isinstance(pieces[0], tuple) and isinstance(pieces[0][0], str):
        return [p[0] for p in pieces]
    tokens = getattr(inner, "tokens", None)
    if tokens and isinstance(tokens[0], str):
        return list(tokens)
    raw = inner.token_bytes()
    if byte_level:
        return [bytes_to_text(t) for t in raw]
    return [t.decode("utf-8", errors="replace") for t in raw]


def vocabulary(model, strings: list[str]) -> dict[str, int]:
    """HF's ``model.get_vocab()``: string -> id (a string listed twice keeps its last id, as
    HF's hash map built in id order does)."""
    inner = _vocabulary_model(model)
    if hasattr(inner, "get_vocab"):
        return dict(inner.get_vocab())
    return {s: i for i, s in enumerate(strings)}
