"""The one protocol every measure and report accepts: ``TokenizerLike``.

Anything with these members can be measured, compared and reported, whatever library made it:

``name``            display name used in reports
``vocab_size``      number of ids (ids are ``0 .. vocab_size-1``)
``encode(text)``    ids of ``text``; special-token strings in the text are plain text
``encode_batch(texts)``  ids of many texts (may use threads)
``decode(ids)``     text of ``ids``
``token_bytes(id)`` the token's surface bytes as it appears in text (a SentencePiece ``▁`` is a
                    space, a byte-fallback piece ``<0x0A>`` is the byte ``0x0A``, a WordPiece
                    ``##ing`` is ``ing``), or ``None`` for control tokens that never stand for text
                    (``<s>``, ``<|endoftext|>``, ``[CLS]``, ``<unk>``)

Optional: ``unk_id``, the id of the unknown token (``None`` when the vocabulary covers every
text, as byte-level ones do). Measures that count unknown tokens read it with
``getattr(tokenizer, "unk_id", None)``.
"""

from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable


@runtime_checkable
class TokenizerLike(Protocol):
    name: str

    @property
    def vocab_size(self) -> int: ...

    def encode(self, text: str) -> list[int]: ...

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]: ...

    def decode(self, ids: Sequence[int]) -> str: ...

    def token_bytes(self, token_id: int) -> bytes | None: ...


_ANCHOR = b"a"


def _control_ids(tokenizer) -> set[int]:
    """Ids that never stand for text: special tokens, the unknown piece, control pieces."""
    ids = set(tokenizer.special_tokens.values())
    model = tokenizer.model
    if getattr(model, "unk_id", None) is not None:
        ids.add(model.unk_id)
    ids.update(getattr(model, "special_ids", ()) or ())
    for i, piece in enumerate(getattr(model, "pieces", ()) or ()):
        if isinstance(piece, tuple) and len(piece) == 3 and piece[2] in ("control", "unknown"):
            ids.add(i)
    return ids


def _unknown_id(model) -> int | None:
    """The model's unknown id: ``unk_id`` (Unigram, SentencePiece BPE) or the id of
    ``unk_token`` (WordPiece); ``None`` for models without one (byte-level BPE)."""
    if getattr(model, "unk_id", None) is not None:
        return int(model.unk_id)
    token, ids = getattr(model, "unk_token", None), getattr(model, "token_id", None)
    if token is not None and isinstance(ids, dict):
        return ids.get(token)
    return None


class NativeTokenizer:
    """A ``tokensmith.Tokenizer`` seen through the protocol.

    Special-token strings in measured text are encoded as plain text (a corpus that quotes
    ``<|endoftext|>`` must not raise), and special tokens have no surface bytes.
    """

    backend = "tokensmith"

    def __init__(self, tokenizer, name: str | None = None):
        self.tokenizer = tokenizer
        self.name = name or tokenizer.name or "tokenizer"
        self._control = _control_ids(tokenizer)
        self.unk_id = _unknown_id(tokenizer.model)
        self._raw_is_surface = type(tokenizer.decoder).__name__ == "ByteDecoder"

    @property
    def vocab_size(self) -> int:
        return self.tokenizer.vocab_size

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text, disallowed_special=())

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        return self.tokenizer.encode_batch(list(texts), disallowed_special=())

    def decode(self, ids: Sequence[int]) -> str:
        return self.tokenizer.decode(ids)

    def token_bytes(self, token_id: int) -> bytes | None:
        if token_id in self._control:
            return None
        try:
            raw = self.tokenizer.token_bytes(token_id)
        except (IndexError, KeyError):
            return None  # a hole in the id space (no token has this id)
        if self._raw_is_surface:
            return raw
        # The decoder knows the surface (``▁`` -> space, ``##`` dropped); an anchor token in
        # front keeps it from treating this token as the start of the text.
        decoder = self.tokenizer.decoder
        base = decoder.decode([_ANCHOR])
        full = decoder.decode([_ANCHOR, raw])
        return full[len(base):] if full.startswith(base) else raw

    def __repr__(self) -> str:
        return f"NativeTokenizer({self.name!r}, vocab_size={self.vocab_size})"
