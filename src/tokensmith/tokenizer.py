"""The Tokenizer: one pipeline from text to ids and back.

``text ─ normalize ─ split ─ model ─▶ ids`` with special tokens cut out first, and
``ids ─ token bytes ─ decoder ─▶ text``.

When the model is byte-level BPE and the splitter a named pattern, the whole encode path runs
in the compiled core with the GIL released; otherwise the stages run one after another.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import AbstractSet, Any, Collection, Iterable, Literal, Sequence

import numpy as np
import regex

from .components import ByteDecoder, Decoder, Model, Normalizer, Splitter
from .errors import InputError, SpecialTokenError


class Tokenizer:
    def __init__(self, model: Model, splitter: Splitter | None = None, *,
                 normalizer: Normalizer | None = None, decoder: Decoder | None = None,
                 special_tokens: dict[str, int] | None = None, name: str | None = None):
        self.model = model
        self.splitter = splitter
        self.normalizer = normalizer
        self.decoder = decoder or ByteDecoder()
        self.special_tokens = dict(special_tokens or {})
        self.name = name
        self._special_by_id = {i: s.encode("utf-8") for s, i in self.special_tokens.items()}
        self._all_specials = frozenset(self.special_tokens)
        self._special_firsts = frozenset(s[0] for s in self.special_tokens if s)
        self._special_regex_cache: dict[frozenset, regex.Pattern] = {}
        self._fast = self._fast_path()
        self._decode_table = self._table_with_holes()

    def _fast_path(self):
        """The core object that encodes whole texts, if this pipeline allows it."""
        core = getattr(self.model, "core", None)
        compiled = getattr(self.splitter, "compiled_name", None)
        if core is not None and compiled is not None and self.normalizer is None:
            return (core, compiled)
        # A model may compile its own text stages (SentencePiece style): its encoder has the
        # same methods and ignores the splitter name.
        text_encoder = getattr(self.model, "text_encoder", None)
        encoder = None if text_encoder is None else text_encoder(self.normalizer, self.splitter)
        return None if encoder is None else (encoder, None)

    def _table_with_holes(self) -> list[bytes | None] | None:
        """Token bytes for decoding when the model leaves ids unassigned (a tiktoken vocabulary
        with gaps): the special token placed at such an id, else None (decoding it is an error)."""
        holes = getattr(self.model, "holes", None)
        if not holes:
            return None
        table: list[bytes | None] = list(self.model.token_bytes())
        for i in holes:
            table[i] = self._special_by_id.get(i)
        return table

    # -- properties ---------------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        """Number of ids: the model's tokens plus special tokens beyond them."""
        top = max(self.special_tokens.values(), default=-1) + 1
        return max(self.model.vocab_size, top)

    def token_bytes(self, token_id: int) -> bytes:
        if token_id in self._special_by_id:
            return self._special_by_id[token_id]
        if self._decode_table is not None and self._decode_table[token_id] is None:
            raise InputError(f"token id {token_id} is not assigned in this vocabulary")
        return self.model.token_bytes()[token_id]

    # -- encoding -----------------------------------------------------------------------------
    def encode_ordinary(self, text: str) -> list[int]:
        """Ids of ``text`` with no special-token handling (special strings are plain text)."""
        _check_str(text)
        if self._fast is not None:
            core, compiled = self._fast
            try:
                return core.encode(text, compiled)
            except UnicodeEncodeError as exc:
                raise _surrogate_error(text, exc) from None
        if self.normalizer is not None:
            text = self.normalizer.normalize(text)
        pieces = self.splitter.split(text) if self.splitter is not None else [text]
        try:
            encoded = [p.encode("utf-8") for p in pieces if p]
        except UnicodeEncodeError as exc:
            raise _surrogate_error(text, exc) from None
        return self.model.encode_pieces(encoded)

    def encode(self, text: str, *, allowed_special: Literal["all"] | AbstractSet[str] = frozenset(),
               disallowed_special: Literal["all"] | Collection[str] = "all") -> list[int]:
        """Ids of ``text``. Special tokens in the text are refused unless allowed (as tiktoken does).

        ``allowed_special="all"`` (or a set of names) encodes those strings as their special ids;
        ``disallowed_special=()`` treats every other special string as plain text.
        """
        _check_str(text)
        if not allowed_special and disallowed_special == "all":  # the default, kept cheap per call
            if self._all_specials and self._may_hold_special(text):
                if found := self._special_regex(self._all_specials).search(text):
                    self._refuse(found.group())
            return self.encode_ordinary(text)
        allowed = self._allowed(allowed_special)
        if disallowed_special == "all":
            disallowed = self._all_specials - allowed  # allowed is not empty here
        else:
            disallowed = frozenset(disallowed_special)
        if disallowed and (found := self._special_regex(disallowed).search(text)):
            self._refuse(found.group())
        if not allowed:
            return self.encode_ordinary(text)
        out: list[int] = []
        start = 0
        for match in self._special_regex(allowed).finditer(text):
            out.extend(self.encode_ordinary(text[start:match.start()]))
            out.append(self.special_tokens[match.group()])
            start = match.end()
        out.extend(self.encode_ordinary(text[start:]))
        return out

    def encode_batch(self, texts: Sequence[str], *, num_threads: int | None = None,
                     allowed_special: Literal["all"] | AbstractSet[str] = frozenset(),
                     disallowed_special: Literal["all"] | Collection[str] = "all") -> list[list[int]]:
        """Encode many texts on several threads (the compiled core releases the GIL)."""
        texts = list(texts)
        threads = num_threads or os.cpu_count() or 1
        plain = not self._allowed(allowed_special) and (disallowed_special != "all" or not self.special_tokens)
        if self._fast is not None and plain and hasattr(self._fast[0], "encode_batch"):
            for t in texts:
                _check_str(t)
            core, compiled = self._fast
            try:
                return core.encode_batch(texts, compiled, threads)
            except UnicodeEncodeError as exc:
                raise InputError(f"a text of the batch cannot be encoded: {exc.reason}") from None

        def one(t):
            return self.encode(t, allowed_special=allowed_special, disallowed_special=disallowed_special)

        if threads == 1 or len(texts) < 2:
            return [one(t) for t in texts]
        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(one, texts, chunksize=max(1, len(texts) // (threads * 4))))

    def encode_to_numpy(self, text: str, **kwargs) -> np.ndarray:
        """Ids as a ``uint32`` array (no Python list in between on the compiled path)."""
        if self._fast is not None and not kwargs and hasattr(self._fast[0], "encode_array"):
            _check_str(text)
            core, compiled = self._fast
            try:
                return core.encode_array(text, compiled)
            except UnicodeEncodeError as exc:
                raise _surrogate_error(text, exc) from None
        return np.asarray(self.encode(text, **kwargs), dtype=np.uint32)

    # -- decoding -----------------------------------------------------------------------------
    def decode_bytes(self, ids: Iterable[int]) -> bytes:
        tokens = self._decode_table or self.model.token_bytes()
        if self._decode_table is not None:
            ids = list(ids)  # read twice when an unassigned id is to be named
        n = len(tokens)
        pieces = []
        for i in ids:
            i = int(i)
            if 0 <= i < n:
                pieces.append(tokens[i])
            elif i in self._special_by_id:
                pieces.append(self._special_by_id[i])
            else:
                raise InputError(f"token id {i} is out of range (vocabulary size {self.vocab_size})")
        if self._decode_table is not None and None in pieces:
            unassigned = int(ids[pieces.index(None)])
            raise InputError(f"token id {unassigned} is not assigned in this vocabulary")
        return self.decoder.decode(pieces)

    def decode(self, ids: Iterable[int], errors: str = "replace") -> str:
        """Text of ``ids``; bytes that are not valid UTF-8 become U+FFFD unless ``errors='strict'``."""
        return self.decode_bytes(ids).decode("utf-8", errors=errors)

    # -- segmentation -------------------------------------------------------------------------
    def with_segmenter(self, name: str, **options) -> "Tokenizer":
        """This tokenizer with its vocabulary segmented by the method ``name``.

        ``name`` is one of :data:`tokensmith.segment.SEGMENTERS` (e.g. ``"least_tokens"``,
        ``"bpe_dropout"`` with ``dropout=`` and ``seed=``). The ids and decoding are unchanged.
        """
        from .segment import segmented_model

        return Tokenizer(segmented_model(self.model, name, **options), self.splitter,
                         normalizer=self.normalizer, decoder=self.decoder,
                         special_tokens=self.special_tokens, name=self.name)

    # -- files ----------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike, format: str = "native", **options) -> None:
        """Write this tokenizer; ``format="hf"`` to a directory writes a ``save_pretrained`` folder
        (see :mod:`tokensmith.formats`)."""
        from .formats import save

        save(self, path, format=format, **options)

    def save_pretrained(self, folder: str | os.PathLike, *, roles: dict[str, str | None] | None = None,
                        model_max_length: int | None = None) -> None:
        """A folder ``transformers.AutoTokenizer.from_pretrained`` loads; ``roles`` sets or
        removes (``None``) the inferred special-token roles, e.g. ``{"eos": "</s>"}`` (see
        :mod:`tokensmith.formats.hf_folder`)."""
        self.save(os.path.join(os.fspath(folder), ""), format="hf", roles=roles,
                  model_max_length=model_max_length)

    @classmethod
    def load(cls, path: str | os.PathLike, **kwargs) -> "Tokenizer":
        from .formats import load

        return load(path, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "normalizer": None if self.normalizer is None else self.normalizer.to_dict(),
            "splitter": None if self.splitter is None else self.splitter.to_dict(),
            "model": self.model.to_dict(),
            "decoder": self.decoder.to_dict(),
            "special_tokens": self.special_tokens,
            "name": self.name,
        }

    # -- helpers --------------------------------------------------------------------------------
    def _may_hold_special(self, text: str) -> bool:
        """False when no special token can occur: their few first characters are all absent
        (a substring test in C, much cheaper per short text than a regex search)."""
        firsts = self._special_firsts
        return len(firsts) > 4 or any(c in text for c in firsts)

    @staticmethod
    def _refuse(special: str) -> None:
        raise SpecialTokenError(
            f"text contains the special token {special!r}; pass allowed_special={{{special!r}}} "
            "(or 'all') to encode it as a special token, or disallowed_special=() to encode "
            "it as plain text")

    def _allowed(self, allowed_special) -> set[str]:
        if not allowed_special:  # the common case: no set of every special token per call
            return set()
        if allowed_special == "all":
            return set(self.special_tokens)
        unknown = set(allowed_special) - set(self.special_tokens)
        if unknown:
            raise SpecialTokenError(f"not special tokens of this tokenizer: {sorted(unknown)}")
        return set(allowed_special)

    def _special_regex(self, names: AbstractSet[str]) -> regex.Pattern:
        """One search for any of ``names``: a named list (``\\L``) is a set lookup per position,
        not one alternative per token (models such as Mistral have hundreds), and its match is
        the longest, so a special token that is a prefix of another never wins."""
        key = frozenset(names)
        if key not in self._special_regex_cache:
            self._special_regex_cache[key] = regex.compile(r"\L<specials>", specials=sorted(key))
        return self._special_regex_cache[key]

    def __repr__(self) -> str:
        return (f"Tokenizer(name={self.name!r}, model={type(self.model).__name__}, "
                f"vocab_size={self.vocab_size}, splitter={self.splitter!r})")


def _check_str(text) -> None:
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")


def _surrogate_error(text: str, exc: UnicodeEncodeError) -> InputError:
    return InputError(f"text has a lone surrogate at character {exc.start} "
                      f"({text[exc.start:exc.start + 1]!r}); it cannot be encoded as UTF-8")
