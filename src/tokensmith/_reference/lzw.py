"""LZW over token ids (zip2zip's hypertokens), written to be read: the compiled
``_core/_lzw.cpp`` must give the same codes, ids and errors.

Settings (checked by :mod:`tokensmith.adaptive.zip2zip` before they get here): ``vocab`` base ids
``0..vocab-1``, at most ``capacity`` hypertoken codes ``vocab..vocab+capacity-1``, at most
``max_subtokens`` base ids per code, and ``disabled`` base ids that never join a code.

A code is known by the code of its prefix and its last id, so the table maps
``(prefix code, id) -> code`` (a trie): looking the buffer up is one dictionary access per id.

>>> enc = Encoder(10, 5, 3, frozenset())
>>> enc.feed([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 3]) + enc.finish()
[1, 2, 10, 12, 11, 2, 3]
>>> dec = Decoder(10, 5, 3, frozenset())
>>> dec.feed([1, 2, 10, 12, 11, 2, 3])
[1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 3]
"""

from __future__ import annotations

import operator
from typing import Iterable, Sequence

from ..errors import InputError


class Encoder:
    """Streaming LZW encoder: ``feed`` returns the codes completed so far, ``finish`` the last.

    The rule (zip2zip-compression's ``encode``): extend the buffer by the next id while the
    extension is a known code; on a miss, emit the buffer's code, record buffer + id as a new code
    if the codebook has room, and restart the buffer at the id. A buffer of ``max_subtokens`` ids is
    emitted at once, with no new code. A disabled id ends the buffer and is emitted alone.
    """

    def __init__(self, vocab: int, capacity: int, max_subtokens: int, disabled: Iterable[int]):
        self.vocab, self.capacity, self.max_subtokens = vocab, capacity, max_subtokens
        self.disabled = frozenset(disabled)
        self.table: dict[tuple[int, int], int] = {}
        self.entries: list[tuple[int, ...]] = []  # code vocab + k spells entries[k]
        self.code: int | None = None  # the buffer's code (None: empty buffer)
        self.length = 0               # ... and how many base ids it spells
        self.fed = 0                  # ids seen, to name a bad one's position
        self.finished = False

    def feed(self, ids: Iterable[int]) -> list[int]:
        if self.finished:
            raise InputError("the LZW stream is finished: start a new encoder")
        ids = [operator.index(token) for token in ids]
        for k, token in enumerate(ids):  # checked first: a refused chunk leaves the state as it was
            if not 0 <= token < self.vocab:
                raise InputError(f"token id {token} at position {self.fed + k} is out of range "
                                 f"(initial_vocab_size {self.vocab})")
        self.fed += len(ids)
        out: list[int] = []
        for token in ids:
            if token in self.disabled:
                if self.code is not None:
                    out.append(self.code)
                out.append(token)
                self.code = None
                continue
            if self.code is None:
                self.code, self.length = token, 1
            else:
                known = self.table.get((self.code, token))
                if known is not None:
                    self.code, self.length = known, self.length + 1
                else:
                    if len(self.entries) < self.capacity:
                        self.table[(self.code, token)] = self.vocab + len(self.entries)
                        self.entries.append(self._spell(self.code) + (token,))
                    out.append(self.code)
                    self.code, self.length = token, 1
            if self.length == self.max_subtokens:
                out.append(self.code)
                self.code = None
        return out

    def finish(self) -> list[int]:
        """The buffer's code, if any. This ends the stream (a code fed after it would follow a
        code that made no entry, which the decoder cannot know)."""
        self.finished = True
        if self.code is None:
            return []
        code, self.code = self.code, None
        return [code]

    def _spell(self, code: int) -> tuple[int, ...]:
        return (code,) if code < self.vocab else self.entries[code - self.vocab]

    def codebook(self) -> dict[int, tuple[int, ...]]:
        """Every hypertoken code made so far -> the base ids it spells."""
        return {self.vocab + k: entry for k, entry in enumerate(self.entries)}


class Decoder:
    """Streaming LZW decoder: rebuilds the encoder's codebook from the codes alone.

    After a code of fewer than ``max_subtokens`` ids that a non-disabled code follows, the encoder
    recorded that code's ids plus the first id of the next one (while the codebook had room). The
    next code may be that very entry (the classic ``cScSc`` case): then it spells the previous
    code's ids plus their own first id.
    """

    def __init__(self, vocab: int, capacity: int, max_subtokens: int, disabled: Iterable[int]):
        self.vocab, self.capacity, self.max_subtokens = vocab, capacity, max_subtokens
        self.disabled = frozenset(disabled)
        self.entries: list[tuple[int, ...]] = []
        self.previous: tuple[int, ...] | None = None  # the last code's ids, if an entry may follow it
        self.fed = 0

    def feed(self, codes: Iterable[int]) -> list[int]:
        """The base ids of ``codes``; an undefined code is an InputError (the decoder is then
        unusable: the stream was not one an encoder with these settings made)."""
        out: list[int] = []
        for code in codes:
            code = operator.index(code)
            if code in self.disabled:
                out.append(code)
                self.previous = None
                self.fed += 1
                continue
            pending = (self.previous is not None and len(self.previous) < self.max_subtokens
                       and len(self.entries) < self.capacity)
            if 0 <= code < self.vocab:
                ids: tuple[int, ...] = (code,)
            elif self.vocab <= code < self.vocab + len(self.entries):
                ids = self.entries[code - self.vocab]
            elif pending and code == self.vocab + len(self.entries):
                ids = self.previous + (self.previous[0],)
            else:
                raise InputError(f"code {code} at position {self.fed} is not defined (base ids "
                                 f"0..{self.vocab - 1}, next hypertoken {self.vocab + len(self.entries)})")
            if pending:
                self.entries.append(self.previous + (ids[0],))
            self.previous = ids
            self.fed += 1
            out.extend(ids)
        return out

    def codebook(self) -> dict[int, tuple[int, ...]]:
        return {self.vocab + k: entry for k, entry in enumerate(self.entries)}


def encode_batch(sequences: Iterable[Sequence[int]], vocab: int, capacity: int, max_subtokens: int,
                 disabled: Iterable[int], threads: int = 1) -> list[list[int]]:
    """Each sequence encoded with its own codebook (``threads`` is the kernel's; unused here)."""
    disabled, out = frozenset(disabled), []
    for k, ids in enumerate(sequences):
        encoder = Encoder(vocab, capacity, max_subtokens, disabled)
        try:
            out.append(encoder.feed(ids) + encoder.finish())
        except InputError as exc:
            raise InputError(f"sequence {k}: {exc}") from None
    return out


def decode_batch(sequences: Iterable[Sequence[int]], vocab: int, capacity: int, max_subtokens: int,
                 disabled: Iterable[int], threads: int = 1) -> list[list[int]]:
    disabled, out = frozenset(disabled), []
    for k, codes in enumerate(sequences):
        try:
            out.append(Decoder(vocab, capacity, max_subtokens, disabled).feed(codes))
        except InputError as exc:
            raise InputError(f"sequence {k}: {exc}") from None
    return out
