"""zip2zip's adaptive vocabulary: LZW over token ids into hypertokens.

Paper: "zip2zip: Inference-Time Adaptive Vocabularies for Language Models via Token Compression"
(Geng et al. 2025). As published, in the form of its reference package ``zip2zip-compression``
(the codes are tested identical on real text): a sequence of base ids ``0..V-1`` (V =
``initial_vocab_size``, the tokenizer's ids, added tokens included) is compressed by LZW into
codes; a code ``>= V`` is a *hypertoken* standing for 2..``max_subtokens`` base ids, recorded in
a per-sequence codebook of at most ``max_codebook_size`` entries (codes ``V .. V+size-1``, in
order of creation). Decoding needs no codebook: it is rebuilt from the codes, exactly.

The reference's details kept: a buffer that reaches ``max_subtokens`` ids is emitted at once
without recording a longer entry; ``disabled_ids`` (the reference always adds its
``pad_token_id``) never join a hypertoken and end the buffer; the codebook stops growing when
full (no reset). Left out: the reference's padding and truncation of batches to a length (a
model-input concern, not the compression).

The paper's settings: ``initial_vocab_size`` = the model's vocabulary, ``max_codebook_size``
1024 hypertokens and ``max_subtokens`` 4 (:data:`PAPER_SETTINGS`, the official training
configuration).

Streaming: :class:`LZWEncoder` takes ids in chunks and gives the codes completed so far (their
concatenation equals :func:`lzw_encode`); :class:`LZWDecoder` turns codes into ids as they come
(generation emits codes one by one). Both run in the compiled core (``_core/_lzw.cpp``) when it
is built, else in the readable twin :mod:`tokensmith._reference.lzw`.
"""

from __future__ import annotations

import operator
import os
from dataclasses import dataclass
from typing import Iterable, Sequence

from .._core import kernel
from .._reference import lzw as twin
from ..errors import OptionError, spell

#: The paper's compression settings besides the model's vocabulary size.
PAPER_SETTINGS = {"max_codebook_size": 1024, "max_subtokens": 4}

# Codes are kept in 32 bits inside the compiled table's keys.
_MAX_CODES = 2 ** 31


@dataclass(frozen=True)
class LZWSettings:
    """Checked LZW settings (see the module's documentation)."""

    initial_vocab_size: int
    max_codebook_size: int
    max_subtokens: int
    disabled_ids: frozenset[int] = frozenset()

    def __post_init__(self):
        for name in ("initial_vocab_size", "max_codebook_size", "max_subtokens"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise OptionError(f"{spell(name)} must be an int, not {type(value).__name__}")
        if self.initial_vocab_size < 1:
            raise OptionError(f"initial_vocab_size must be at least 1, not {self.initial_vocab_size}")
        if self.max_codebook_size < 1:
            raise OptionError(f"{spell('max_codebook_size', self.max_codebook_size)} is too small: the "
                              "codebook must hold at least 1 hypertoken")
        if self.max_subtokens < 2:
            raise OptionError(f"{spell('max_subtokens')} must be at least 2 (a hypertoken joins 2 or more "
                              f"ids), not {self.max_subtokens}")
        if self.initial_vocab_size + self.max_codebook_size > _MAX_CODES:
            raise OptionError(f"initial_vocab_size + max_codebook_size must stay below 2^31 "
                              f"(got {self.initial_vocab_size + self.max_codebook_size})")
        disabled = frozenset(operator.index(i) for i in self.disabled_ids)
        outside = sorted(i for i in disabled if not 0 <= i < self.initial_vocab_size)
        if outside:
            raise OptionError(f"disabled id {outside[0]} is not a base id (0..{self.initial_vocab_size - 1})")
        object.__setattr__(self, "disabled_ids", disabled)

    def _args(self):
        return (self.initial_vocab_size, self.max_codebook_size, self.max_subtokens, sorted(self.disabled_ids))


def _settings(initial_vocab_size, max_codebook_size, max_subtokens, disabled_ids) -> LZWSettings:
    return LZWSettings(initial_vocab_size, max_codebook_size, max_subtokens, frozenset(disabled_ids or ()))


def _module():
    core = kernel("_lzw")
    return twin if core is None else core


class LZWEncoder:
    """Streaming encoder: ``feed(ids)`` returns the codes completed so far, ``finish()`` the last
    one and ends the stream; ``codebook()`` maps each hypertoken made so far to its base ids.
    An id outside ``0..initial_vocab_size-1`` is an InputError naming its position (the chunk is
    refused whole; the stream goes on as before it)."""

    def __init__(self, *, initial_vocab_size: int, max_codebook_size: int, max_subtokens: int,
                 disabled_ids: Iterable[int] = ()):
        self.settings = _settings(initial_vocab_size, max_codebook_size, max_subtokens, disabled_ids)
        self._state = _module().Encoder(*self.settings._args())

    def feed(self, ids: Iterable[int]) -> list[int]:
        return self._state.feed(ids if isinstance(ids, Sequence) else list(ids))

    def finish(self) -> list[int]:
        return self._state.finish()

    def codebook(self) -> dict[int, tuple[int, ...]]:
        return self._state.codebook()


class LZWDecoder:
    """Streaming decoder: ``feed(codes)`` returns their base ids at once (no look-ahead needed);
    ``codebook()`` is the encoder's codebook as far as the codes show it. A code that is not
    defined at its place is an InputError (the decoder is then unusable)."""

    def __init__(self, *, initial_vocab_size: int, max_codebook_size: int, max_subtokens: int,
                 disabled_ids: Iterable[int] = ()):
        self.settings = _settings(initial_vocab_size, max_codebook_size, max_subtokens, disabled_ids)
        self._state = _module().Decoder(*self.settings._args())

    def feed(self, codes: Iterable[int]) -> list[int]:
        return self._state.feed(codes if isinstance(codes, Sequence) else list(codes))

    def codebook(self) -> dict[int, tuple[int, ...]]:
        return self._state.codebook()


def lzw_encode(ids: Iterable[int], *, initial_vocab_size: int, max_codebook_size: int,
               max_subtokens: int, disabled_ids: Iterable[int] = ()) -> list[int]:
    """The LZW codes of one sequence of base ids (zip2zip-compression's ``encode(ids)[0]`` with
    ``pad_token_id`` among ``disabled_ids``)."""
    encoder = LZWEncoder(initial_vocab_size=initial_vocab_size, max_codebook_size=max_codebook_size,
                         max_subtokens=max_subtokens, disabled_ids=disabled_ids)
    return encoder.feed(ids) + encoder.finish()


def lzw_decode(codes: Iterable[int], *, initial_vocab_size: int, max_codebook_size: int,
               max_subtokens: int, disabled_ids: Iterable[int] = ()) -> list[int]:
    """The base ids of codes :func:`lzw_encode` made with the same settings (exactly)."""
    return LZWDecoder(initial_vocab_size=initial_vocab_size, max_codebook_size=max_codebook_size,
                      max_subtokens=max_subtokens, disabled_ids=disabled_ids).feed(codes)


def lzw_encode_batch(sequences: Iterable[Sequence[int]], *, initial_vocab_size: int, max_codebook_size: int,
                     max_subtokens: int, disabled_ids: Iterable[int] = (),
                     num_threads: int | None = None) -> list[list[int]]:
    """:func:`lzw_encode` of each sequence, each with its own codebook, on ``num_threads``
    threads (None: every core). A bad id is an InputError naming its sequence and position."""
    settings = _settings(initial_vocab_size, max_codebook_size, max_subtokens, disabled_ids)
    return _module().encode_batch(list(sequences), *settings._args(), _threads(num_threads))


def lzw_decode_batch(sequences: Iterable[Sequence[int]], *, initial_vocab_size: int, max_codebook_size: int,
                     max_subtokens: int, disabled_ids: Iterable[int] = (),
                     num_threads: int | None = None) -> list[list[int]]:
    """:func:`lzw_decode` of each sequence of codes."""
    settings = _settings(initial_vocab_size, max_codebook_size, max_subtokens, disabled_ids)
    return _module().decode_batch(list(sequences), *settings._args(), _threads(num_threads))


def _threads(num_threads: int | None) -> int:
    if num_threads is None:
        return os.cpu_count() or 1
    if isinstance(num_threads, bool) or not isinstance(num_threads, int) or num_threads < 1:
        raise OptionError(f"num_threads must be a positive int or None, not {num_threads!r}")
    return num_threads
