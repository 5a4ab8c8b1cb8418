"""The Tokenizer: one pipeline from text to ids and back.

``text ─ added tokens ─ normalize ─ split ─ model ─ post-processor ─▶ ids`` and
``ids ─ token bytes ─ decoder ─▶ text``.

Added tokens (HF's ``added_tokens``; tiktoken's special tokens are the simplest kind) are cut out
of the text first, as :mod:`tokensmith.added_tokens` describes; the text between them goes
through the stages. When the model is byte-level BPE and the splitter a named pattern, the whole
encode path of a text runs in the compiled core with the GIL released; otherwise the stages run
one after another.

``encode`` adds nothing around the ids by default (``add_special_tokens=False``): tiktoken's
behaviour and what measures count. ``add_special_tokens=True`` applies the file's post-processor
(``[CLS] … [SEP]``, ``<s> …``) exactly as HF ``tokenizers``' ``encode(text, pair)`` does;
``encode_plus`` returns the whole :class:`Encoding` (ids, type ids, tokens, special-token mask).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import AbstractSet, Any, Collection, Iterable, Literal, Sequence

import numpy as np
import regex

from .added_tokens import (AddedToken, AddedVocabulary, Match, Segment, literal_search, plain_specials,
                           refuse_special)
from .components import ByteDecoder, Decoder, Model, Normalizer, Splitter
from .errors import InputError, SpecialTokenError
from .post_processors.hf import Encoding, PostProcessor, post_process
from .token_table import TokenTable

Specials = Literal["all"] | AbstractSet[str]
_UNSET = object()


class Tokenizer:
    def __init__(self, model: Model, splitter: Splitter | None = None, *,
                 normalizer: Normalizer | None = None, decoder: Decoder | None = None,
                 special_tokens: dict[str, int] | None = None, name: str | None = None,
                 added_tokens: Sequence[AddedToken] | None = None,
                 post_processor: PostProcessor | None = None):
        """``special_tokens`` (content -> id) are tiktoken-style special tokens; ``added_tokens``
        the full HF form (flags, non-special vocabulary tokens). Both may be given."""
        self.model = model
        self.splitter = splitter
        self.normalizer = normalizer
        self.decoder = decoder or ByteDecoder()
        self.post_processor = post_processor
        self.name = name
        tokens = list(added_tokens or [])
        listed = {t.content for t in tokens}
        tokens += plain_specials({s: i for s, i in (special_tokens or {}).items() if s not in listed})
        self.added = AddedVocabulary(tokens, None if normalizer is None else normalizer.normalize)
        self.special_tokens = dict(self.added.special_tokens)
        self._all_specials = frozenset(self.special_tokens)
        self._special_firsts = frozenset(s[0] for s in self.special_tokens)
        self._special_regex_cache: dict[frozenset, regex.Pattern] = {}
        # HF's splitters take ``split_at(text, at_start)``: where a segment stands can matter
        # (Metaspace's prepend_scheme="first" prepends only at the start of the input); one that
        # says its pieces never depend on it is called as any other.
        split_at = getattr(splitter, "split_at", None)
        self._split_at = split_at if getattr(splitter, "depends_on_start", True) else None
        self._added_bytes = self._bytes_of_added()
        self._strings: list[str] | None = None
        self._vocab: dict[str, int] | None = None
        self._holes = self._unassigned()
        self._table: TokenTable | None = None  # built on the first plain-join decode
        self._fast = self._fast_path()
        self._fast_normalized_cache: Any = _UNSET

    def _fast_path(self):
        """``(encoder, splitter_name)`` that encodes whole texts in the compiled core, if the
        model has one for this pipeline (:meth:`Model.compiled_encoder`)."""
        compiled_encoder = getattr(self.model, "compiled_encoder", None)  # models outside Model
        return None if compiled_encoder is None else compiled_encoder(self.normalizer, self.splitter)

    def _fast_normalized(self):
        """The compiled encoder of text already normalized (segments around added tokens): the
        model's encoder for this splitter and no normalizer; only where the whole pipeline has
        one (built on first use)."""
        if self.normalizer is None or self._fast is None:
            return self._fast
        if self._fast_normalized_cache is _UNSET:
            self._fast_normalized_cache = self.model.compiled_encoder(None, self.splitter)
        return self._fast_normalized_cache

    def _bytes_of_added(self) -> dict[int, bytes]:
        """What the decoder gets for an added token: its string (HF decodes the added
        vocabulary's string first), kept only where the model's own token bytes differ."""
        tokens = self.model.token_bytes()
        out = {}
        for i, string in self.added.strings.items():
            data = string.encode("utf-8")
            if not (0 <= i < len(tokens) and tokens[i] == data):
                out[i] = data
        return out

    def _unassigned(self) -> frozenset[int]:
        """Ids the model leaves unassigned (a tiktoken vocabulary with gaps) and no added token
        takes: decoding one is an error."""
        holes = getattr(self.model, "holes", None) or ()
        return frozenset(holes) - set(self.added.strings)

    # -- properties ---------------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        """Number of ids: the model's tokens plus added tokens beyond them."""
        top = max(self.added.by_id, default=-1) + 1
        return max(self.model.vocab_size, top)

    @property
    def added_tokens(self) -> list[AddedToken]:
        return list(self.added.tokens)

    @property
    def _special_by_id(self) -> dict[int, bytes]:
        """Every added token's bytes by id, as decoding gives them (what a
        :class:`~tokensmith.token_table.TokenTable` is built with)."""
        return {i: s.encode("utf-8") for i, s in self.added.strings.items()}

    def token_bytes(self, token_id: int) -> bytes:
        if token_id in self._added_bytes:
            return self._added_bytes[token_id]
        if token_id in self._holes:
            raise InputError(f"token id {token_id} is not assigned in this vocabulary")
        return self.model.token_bytes()[token_id]

    # -- HF's vocabulary API -----------------------------------------------------------------------
    def _model_strings(self) -> list[str]:
        if self._strings is None:
            from .token_strings import token_strings

            self._strings = token_strings(self.model, isinstance(self.decoder, ByteDecoder))
        return self._strings

    def get_vocab(self) -> dict[str, int]:
        """HF's ``get_vocab(with_added_tokens=True)``: token string -> id, added tokens included.

        Byte-level BPE strings are spelled with GPT-2's byte map (``Ġhello``), SentencePiece
        pieces with ``▁``, WordPiece continuations with ``##``, as in the tokenizer.json.
        """
        if self._vocab is None:
            from .token_strings import vocabulary

            vocab = vocabulary(self.model, self._model_strings())
            vocab.update(self.added.by_content)
            self._vocab = vocab
        return dict(self._vocab)

    def __len__(self) -> int:
        """HF's ``get_vocab_size(with_added_tokens=True)``: the number of distinct token strings."""
        if self._vocab is None:
            self.get_vocab()
        return len(self._vocab)

    def token_to_id(self, token: str) -> int | None:
        """The id of a token string (added tokens first, as HF), or ``None``."""
        if token in self.added.by_content:
            return self.added.by_content[token]
        if self._vocab is None:
            self.get_vocab()
        return self._vocab.get(token)

    def id_to_token(self, token_id: int) -> str | None:
        """The string of an id (an added token's, normalized if it is a normalized one, as HF
        shows it; else the model's token), or ``None``."""
        added = self.added.strings.get(token_id)
        if added is not None:
            return added
        strings = self._model_strings()
        return strings[token_id] if 0 <= token_id < len(strings) else None

    # -- encoding -----------------------------------------------------------------------------
    def encode_ordinary(self, text: str) -> list[int]:
        """Ids of ``text`` with no added-token handling (their strings are plain text)."""
        _check_str(text)
        if self._fast is not None:
            core, compiled = self._fast
            try:
                return core.encode(text, compiled)
            except UnicodeEncodeError as exc:
                raise _surrogate_error(text, exc) from None
        if self.normalizer is not None:
            text = self.normalizer.normalize(text)
        return self._encode_normalized(text, self.splitter.split if self.splitter is not None else None)

    def _encode_normalized(self, text: str, split) -> list[int]:
        pieces = split(text) if split is not None else [text]
        try:
            encoded = [p.encode("utf-8") for p in pieces if p]
        except UnicodeEncodeError as exc:
            raise _surrogate_error(text, exc) from None
        return self.model.encode_pieces(encoded)

    def encode(self, text: str, *, add_special_tokens: bool = False, pair: str | None = None,
               allowed_special: Specials = frozenset(),
               disallowed_special: Literal["all"] | Collection[str] = "all") -> list[int]:
        """Ids of ``text`` (and of ``pair`` after it).

        Special tokens written in the text are refused unless allowed (as tiktoken does):
        ``allowed_special="all"`` (or a set of them) encodes them as their ids, which is what HF
        ``tokenizers`` always does; ``disallowed_special=()`` treats them as plain text (HF's
        ``encode_special_tokens=True``). Non-special added tokens are always matched.
        ``add_special_tokens=True`` adds what the post-processor adds (HF's default, not ours).
        """
        if (not allowed_special and disallowed_special == "all" and not add_special_tokens
                and pair is None and not self.added.always_search):  # the default, kept cheap per call
            _check_str(text)
            if self._all_specials and self._may_hold_special(text):
                if found := self._special_regex(self._all_specials).search(text):
                    refuse_special(found.group())
            return self.encode_ordinary(text)
        ids = self._encode_text(text, allowed_special, disallowed_special)
        if not add_special_tokens and pair is None:
            return ids
        second = None if pair is None else self._encode_text(pair, allowed_special, disallowed_special)
        return self._post_process(ids, second, add_special_tokens).ids

    def encode_plus(self, text: str, pair: str | None = None, *, add_special_tokens: bool = True,
                    allowed_special: Specials = frozenset(),
                    disallowed_special: Literal["all"] | Collection[str] = "all") -> Encoding:
        """HF's ``Tokenizer.encode(text, pair)``: an :class:`Encoding` with ids, type ids, tokens
        and the special-token mask (no offsets). Adds the post-processor's tokens by default."""
        sequences = []
        for index, part in enumerate((text, pair)):
            if part is not None:
                surface: list[str | None] = []
                ids = self._encode_text(part, allowed_special, disallowed_special, surface)
                sequences.append(Encoding.of_sequence(ids, self.id_to_token, index, surface))
        return post_process(self.post_processor, sequences[0], sequences[1] if pair is not None else None,
                            add_special_tokens)

    def _post_process(self, ids: list[int], pair: list[int] | None, add_special_tokens: bool) -> Encoding:
        first = Encoding.of_sequence(ids, self.id_to_token, 0)
        second = None if pair is None else Encoding.of_sequence(pair, self.id_to_token, 1)
        return post_process(self.post_processor, first, second, add_special_tokens)

    def _encode_text(self, text: str, allowed_special, disallowed_special,
                     surface: list | None = None) -> list[int]:
        """Ids of one text; ``surface`` (if given) receives the matched text of each added token
        and None for the model's tokens."""
        _check_str(text)
        if not allowed_special and disallowed_special == "all":  # the default, kept cheap per call
            if self._all_specials and self._may_hold_special(text):
                if found := self._special_regex(self._all_specials).search(text):
                    refuse_special(found.group())
            if not self.added.always_search:
                return self.encode_ordinary(text)
            return self._encode_with_added(text, frozenset(), self._all_specials, surface)
        allowed = self._allowed(allowed_special)
        if disallowed_special == "all":
            disallowed = self._all_specials - allowed
        else:
            disallowed = frozenset(disallowed_special)
        if disallowed and (found := self._special_regex(disallowed).search(text)):
            refuse_special(found.group())
        if not allowed and not self.added.always_search:
            return self.encode_ordinary(text)
        return self._encode_with_added(text, allowed, disallowed, surface)

    def _encode_with_added(self, text: str, allowed: AbstractSet[str],
                           disallowed: AbstractSet[str], surface: list | None) -> list[int]:
        normalize = None if self.normalizer is None else self.normalizer.normalize
        out: list[int] = []
        for item in self.added.split(text, normalize, allowed, disallowed):
            if type(item) is Match:
                out.append(item.id)
                if surface is not None:
                    surface.extend([None] * (len(out) - 1 - len(surface)))
                    surface.append(item.text)
            else:
                out.extend(self._encode_segment(item))
        return out

    def _encode_segment(self, segment: Segment) -> list[int]:
        """Ids of text between added tokens: normalized unless it already is, then split
        (told that it does not begin the text, where it does not) and segmented by the model."""
        text, at_start = segment.text, segment.at_start or self._split_at is None
        needs_normalizing = not segment.normalized and self.normalizer is not None
        if at_start and (needs_normalizing or self.normalizer is None):
            return self.encode_ordinary(text)
        if needs_normalizing:
            text = self.normalizer.normalize(text)
        if at_start and (fast := self._fast_normalized()) is not None:
            core, compiled = fast
            try:
                return core.encode(text, compiled)
            except UnicodeEncodeError as exc:
                raise _surrogate_error(text, exc) from None
        if self.splitter is None:
            return self._encode_normalized(text, None)
        if at_start:
            return self._encode_normalized(text, self.splitter.split)
        return self._encode_normalized(text, lambda t: self._split_at(t, False))

    def encode_batch(self, texts: Sequence[str], *, num_threads: int | None = None,
                     add_special_tokens: bool = False, allowed_special: Specials = frozenset(),
                     disallowed_special: Literal["all"] | Collection[str] = "all") -> list[list[int]]:
        """Encode many texts on several threads (the compiled core releases the GIL)."""
        texts = list(texts)
        threads = num_threads or os.cpu_count() or 1
        plain = (not add_special_tokens and not self.added.always_search
                 and not self._allowed(allowed_special))
        if self._fast is not None and plain and hasattr(self._fast[0], "encode_batch"):
            # Refused special tokens are looked for first (cheaply: most texts hold none of their
            # first characters), then the whole batch is one compiled call.
            disallowed = (self._all_specials if disallowed_special == "all"
                          else frozenset(disallowed_special))
            search = self._special_regex(disallowed).search if disallowed else None
            for t in texts:
                _check_str(t)
            if search is not None:
                # One search over the texts joined by a character no special token holds (a loop in
                # Python over 100k short lines cost a fifth of the whole call).
                parts = texts if any("\0" in s for s in disallowed) else ["\0".join(texts)]
                for part in parts:
                    if self._may_hold_special(part) and (found := search(part)):
                        refuse_special(found.group())
            core, compiled = self._fast
            try:
                return core.encode_batch(texts, compiled, threads)
            except UnicodeEncodeError as exc:
                raise InputError(f"a text of the batch cannot be encoded: {exc.reason}") from None

        def block(part):
            return [self.encode(t, add_special_tokens=add_special_tokens,
                                allowed_special=allowed_special, disallowed_special=disallowed_special)
                    for t in part]

        if threads == 1 or len(texts) < 2 * threads:
            return block(texts)
        # One contiguous block per thread: no per-text futures or synchronisation.
        size = -(-len(texts) // threads)
        with ThreadPoolExecutor(threads) as pool:
            parts = pool.map(block, [texts[k:k + size] for k in range(0, len(texts), size)])
            return [ids for part in parts for ids in part]

    def encode_to_numpy(self, text: str, **kwargs) -> np.ndarray:
        """Ids as a ``uint32`` array (no Python list in between on the compiled path)."""
        if (self._fast is not None and not kwargs and not self.added.always_search
                and hasattr(self._fast[0], "encode_array")):
            _check_str(text)
            if self._all_specials and self._may_hold_special(text):
                if found := self._special_regex(self._all_specials).search(text):
                    refuse_special(found.group())
            core, compiled = self._fast
            try:
                return core.encode_array(text, compiled)
            except UnicodeEncodeError as exc:
                raise _surrogate_error(text, exc) from None
        return np.asarray(self.encode(text, **kwargs), dtype=np.uint32)

    # -- decoding -----------------------------------------------------------------------------
    def decode_bytes(self, ids: Iterable[int], *, skip_special_tokens: bool = False) -> bytes:
        if type(self.decoder) is ByteDecoder and not skip_special_tokens:
            # The plain join: one compiled call over the ids (a NumPy array is read in place).
            if not isinstance(ids, (list, tuple, np.ndarray)):
                ids = list(ids)
            try:
                return self._token_table().join(ids)
            except InputError:
                pass  # an id without bytes: the loop below says which and why
        tokens = self.model.token_bytes()
        n = len(tokens)
        added, holes = self._added_bytes, self._holes
        skip = self.added.skipped_ids if skip_special_tokens else ()
        pieces = []
        for i in ids:
            i = int(i)
            if skip and i in skip:
                continue
            if i in added:
                pieces.append(added[i])
            elif 0 <= i < n and not (holes and i in holes):
                pieces.append(tokens[i])
            elif 0 <= i < n:
                raise InputError(f"token id {i} is not assigned in this vocabulary")
            else:
                raise InputError(f"token id {i} is out of range (vocabulary size {self.vocab_size})")
        return self.decoder.decode(pieces)

    def _token_table(self) -> TokenTable:
        """Every id's decoding bytes (added tokens over the model's; None for unassigned ids)."""
        if self._table is None:
            table: list[bytes | None] = list(self.model.token_bytes())
            for i in self._holes:
                table[i] = None
            for i, data in self._added_bytes.items():
                if i >= len(table):
                    table += [None] * (i + 1 - len(table))
                table[i] = data
            self._table = TokenTable(table)
        return self._table

    def decode(self, ids: Iterable[int], errors: str = "replace", *,
               skip_special_tokens: bool = False) -> str:
        """Text of ``ids``; bytes that are not valid UTF-8 become U+FFFD unless ``errors='strict'``.

        ``skip_special_tokens=True`` leaves out the special tokens (HF's option; its Python
        binding defaults to True, tokensmith to False like tiktoken).
        """
        return self.decode_bytes(ids, skip_special_tokens=skip_special_tokens).decode("utf-8", errors=errors)

    # -- segmentation -------------------------------------------------------------------------
    def with_segmenter(self, name: str, **options) -> "Tokenizer":
        """This tokenizer with its vocabulary segmented by the method ``name``.

        ``name`` is one of :data:`tokensmith.segmenters.SEGMENTERS` (e.g. ``"least_tokens"``,
        ``"bpe_dropout"`` with ``dropout=`` and ``seed=``). The ids and decoding are unchanged.
        """
        from .segmenters import segmented_model

        return self._replace(model=segmented_model(self.model, name, **options))

    def _replace(self, **stages) -> "Tokenizer":
        parts = dict(model=self.model, splitter=self.splitter, normalizer=self.normalizer,
                     decoder=self.decoder, added_tokens=self.added.tokens,
                     post_processor=self.post_processor, name=self.name)
        parts.update(stages)
        return Tokenizer(parts.pop("model"), parts.pop("splitter"), **parts)

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
        """Every stage by its registered ``to_dict``. ``added_tokens`` and ``post_processor``
        appear only when there is more than plain special tokens (older files lack them)."""
        out = {
            "normalizer": None if self.normalizer is None else self.normalizer.to_dict(),
            "splitter": None if self.splitter is None else self.splitter.to_dict(),
            "model": self.model.to_dict(),
            "decoder": self.decoder.to_dict(),
            "special_tokens": self.special_tokens,
            "name": self.name,
        }
        if any(not t.is_plain_special for t in self.added.tokens):
            out["added_tokens"] = self.added.to_list()
        if self.post_processor is not None:
            out["post_processor"] = self.post_processor.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Tokenizer":
        """The tokenizer ``to_dict`` described (files of every earlier version included)."""
        from . import components

        added = [AddedToken.from_dict(t) for t in data.get("added_tokens") or []]
        special = {str(k): int(v) for k, v in (data.get("special_tokens") or {}).items()}
        return cls(components.from_dict("model", data["model"]),
                   components.from_dict("splitter", data.get("splitter")),
                   normalizer=components.from_dict("normalizer", data.get("normalizer")),
                   decoder=components.from_dict("decoder", data.get("decoder")),
                   special_tokens=special, added_tokens=added,
                   post_processor=components.from_dict("post_processor", data.get("post_processor")),
                   name=data.get("name"))

    # -- helpers --------------------------------------------------------------------------------
    def _may_hold_special(self, text: str) -> bool:
        """False when no special token can occur: their few first characters are all absent
        (a substring test in C, much cheaper per short text than a regex search)."""
        firsts = self._special_firsts
        return len(firsts) > 4 or any(c in text for c in firsts)

    def _allowed(self, allowed_special) -> frozenset[str]:
        if not allowed_special:  # the common case: no set of every special token per call
            return frozenset()
        if allowed_special == "all":
            return self._all_specials
        unknown = set(allowed_special) - self._all_specials
        if unknown:
            raise SpecialTokenError(f"not special tokens of this tokenizer: {sorted(unknown)}")
        return frozenset(allowed_special)

    def _special_regex(self, names: AbstractSet[str]) -> regex.Pattern:
        """One search for any of ``names``: a named list (``\\L``) is a set lookup per position,
        not one alternative per token (models such as Mistral have hundreds), and its match is
        the longest, so a special token that is a prefix of another never wins."""
        key = frozenset(names)
        if key not in self._special_regex_cache:
            self._special_regex_cache[key] = literal_search(key)
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
