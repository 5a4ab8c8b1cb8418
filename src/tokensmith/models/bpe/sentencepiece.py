"""SentencePiece's BPE: merges chosen by piece score over characters, with byte fallback
(Llama 2, Mistral). The algorithm of SentencePiece's ``bpe_model.cc``, re-implemented:

1. Split the normalized text into characters (a user-defined symbol is one frozen symbol).
2. Repeatedly merge the adjacent pair whose concatenation is a piece of highest score (leftmost on
   ties); only normal, user-defined and unused pieces can be formed.
3. A symbol that is an *unused* piece is split back into the two symbols it was merged from.
4. Symbols in the vocabulary give their id; the others are unknown: with byte fallback they are
   written as their UTF-8 bytes ``<0xAB>``, else as ``unk_id`` (consecutive unknowns fused).

No merge list is stored: the scores are the ranks. When no piece has ``▁`` after another
character, no merge can cross the start of a ``▁`` run, so words are merged independently and
cached; otherwise the whole text is one merge problem, exactly as SentencePiece does it.
:meth:`SentencePieceBPEModel.text_encoder` runs normalizer, words and merges in one compiled call
per text (``_core/_spm_bpe.cpp``); the Python stages here are the path tests compare it with.
"""

from __future__ import annotations

import heapq
import re
from typing import Any, Sequence

from ..._core import kernel
from ...components import Model, register
from ...errors import OptionError
from ...text_spec import compiled_text_spec
from ..unigram.model import BYTE_PIECE, SPACE, _CACHE_LIMIT, _WORDS

PIECE_TYPES = ("normal", "unknown", "control", "user_defined", "unused", "byte")
_MERGEABLE = ("normal", "user_defined", "unused")
_CHAR = re.compile(rb"[\x00-\x7f]|[\xc0-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf7][\x80-\xbf]{3}|[\s\S]")


@register
class SentencePieceBPEModel(Model):
    kind = "sentencepiece_bpe"

    def __init__(self, pieces: Sequence[tuple[str, float, str]], byte_fallback: bool = False):
        """``pieces[i] = (piece, score, type)``; type is one of :data:`PIECE_TYPES`."""
        self.pieces = [(str(p), float(s), str(t)) for p, s, t in pieces]
        self.byte_fallback = bool(byte_fallback)
        self.unk_id: int | None = None
        self.mergeable: dict[bytes, int] = {}
        self.reserved: dict[bytes, int] = {}
        self.unused: set[int] = set()
        self._tokens: list[bytes] = []
        user_defined = []
        for i, (piece, _score, kind) in enumerate(self.pieces):
            if kind not in PIECE_TYPES:
                raise OptionError(f"piece {i} ({piece!r}) has unknown type {kind!r}")
            data = piece.encode("utf-8")
            table = self.mergeable if kind in _MERGEABLE else self.reserved
            if table.setdefault(data, i) != i:
                raise OptionError(f"piece {piece!r} appears twice in the vocabulary")
            if kind == "unknown":
                self.unk_id = i
            elif kind == "unused":
                self.unused.add(i)
            elif kind == "user_defined":
                user_defined.append(data)
            elif kind == "byte":
                m = BYTE_PIECE.fullmatch(piece)
                if not m:
                    raise OptionError(f"byte piece {i} is {piece!r}, expected <0xAB>")
                data = bytes([int(m.group(1), 16)])
            self._tokens.append(data)
        if self.unk_id is None:
            raise OptionError("SentencePiece vocabulary has no unknown piece")
        self.scores = [s for _, s, _ in self.pieces]
        self.byte_ids: list[int] | None = None
        if self.byte_fallback:
            self.byte_ids = [self.reserved.get(f"<0x{b:02X}>".encode(), -1) for b in range(256)]
            if -1 in self.byte_ids:
                raise OptionError("byte_fallback needs the 256 byte pieces <0x00>..<0xFF>")
        self.user_defined = user_defined
        self._symbols = (re.compile(b"|".join(re.escape(u) for u in sorted(user_defined, key=len, reverse=True))
                                    + b"|" + _CHAR.pattern) if user_defined else _CHAR)
        self._split_words = not any(SPACE in t.lstrip(SPACE) for t in self.mergeable)
        self._cache: dict[bytes, tuple[int, ...]] = {}
        self.core = self._build_core()

    def _build_core(self):
        _spm_bpe = kernel("_spm_bpe")
        if _spm_bpe is None:  # the Python stages of this module
            return None
        core = _spm_bpe.SpmBpeCore(
            list(self.mergeable), list(self.mergeable.values()), self.scores,
            [i in self.unused for i in range(len(self.pieces))], self.user_defined,
            list(self.reserved), list(self.reserved.values()), self.unk_id, self.byte_ids or [])
        core.set_split_words(self._split_words)
        return core

    def compiled_encoder(self, normalizer, splitter):
        encoder = self.text_encoder(normalizer, splitter)
        return None if encoder is None else (encoder, None)

    def text_encoder(self, normalizer, splitter):
        """A compiled encoder of whole texts through ``normalizer`` and ``splitter`` (the
        Tokenizer's fast path), or None when a stage has no compiled form."""
        spec = compiled_text_spec(normalizer, splitter)
        if spec is None or self.core is None:
            return None
        return self.core.text_encoder(spec)

    def clear_cache(self) -> None:
        """Forget the segmented words (the compiled encoders' too)."""
        self._cache.clear()
        if self.core is not None:
            self.core.clear_cache()

    def encode_word(self, word: bytes) -> list[int]:
        """Ids of one word (no unknown-run fusion with the previous word)."""
        if self.core is not None:
            return self.core.encode_word(word)
        return self.encode_word_reference(word)

    def encode_word_reference(self, word: bytes) -> list[int]:
        return self._encode_symbols(self.merge(word))

    # -- segmentation ---------------------------------------------------------------------------
    def encode_pieces(self, pieces: Sequence[bytes]) -> list[int]:
        cache = self._cache
        out: list[int] = []
        for piece in pieces:
            words = _WORDS.findall(piece) if self._split_words else [piece]
            for word in words:
                ids = cache.get(word)
                if ids is None:
                    ids = tuple(self.encode_word(word))
                    if len(cache) >= _CACHE_LIMIT:
                        cache.clear()
                    cache[word] = ids
                if self.byte_ids is None and ids and out and ids[0] == self.unk_id == out[-1]:
                    ids = ids[1:]  # an unknown run continues across the word boundary
                out.extend(ids)
        return out

    def merge(self, text: bytes) -> list[bytes]:
        """The symbols of ``text`` after merging and re-splitting unused pieces."""
        symbols = self._symbols.findall(text)
        frozen = [s in self.user_defined_set for s in symbols] if self.user_defined else None
        n = len(symbols)
        prev = list(range(-1, n - 1))
        nxt = list(range(1, n + 1))
        nxt[-1:] = [-1]
        agenda: list[tuple[float, int, int, int]] = []
        split_back: dict[bytes, tuple[bytes, bytes]] = {}
        mergeable, scores, unused = self.mergeable, self.scores, self.unused

        def consider(left: int, right: int) -> None:
            if left < 0 or right < 0 or (frozen is not None and (frozen[left] or frozen[right])):
                return
            merged = symbols[left] + symbols[right]
            piece_id = mergeable.get(merged)
            if piece_id is None:
                return
            heapq.heappush(agenda, (-scores[piece_id], left, right, len(merged)))
            if piece_id in unused:
                split_back[merged] = (symbols[left], symbols[right])

        for k in range(n - 1):
            consider(k, k + 1)
        while agenda:
            _score, left, right, size = heapq.heappop(agenda)
            a, b = symbols[left], symbols[right]
            if not a or not b or len(a) + len(b) != size:
                continue  # stale: one side has changed since this pair was pushed
            symbols[left] = a + b
            symbols[right] = b""
            nxt[left] = nxt[right]
            if nxt[right] >= 0:
                prev[nxt[right]] = left
            consider(prev[left], left)
            consider(left, nxt[left])

        out: list[bytes] = []

        def resegment(symbol: bytes) -> None:
            piece_id = mergeable.get(symbol)
            if piece_id is not None and piece_id in unused and symbol in split_back:
                left, right = split_back[symbol]
                resegment(left)
                resegment(right)
            else:
                out.append(symbol)

        k = 0 if n else -1
        while k >= 0:
            resegment(symbols[k])
            k = nxt[k]
        return out

    @property
    def user_defined_set(self) -> set[bytes]:
        cached = self.__dict__.get("_user_set")
        if cached is None:
            cached = self.__dict__["_user_set"] = set(self.user_defined)
        return cached

    def _encode_symbols(self, symbols: list[bytes]) -> list[int]:
        out: list[int] = []
        unk = self.unk_id
        for symbol in symbols:
            piece_id = self.reserved.get(symbol)
            if piece_id is None:
                piece_id = self.mergeable.get(symbol, unk)
            if piece_id != unk:
                out.append(piece_id)
            elif self.byte_ids is not None:
                out.extend(self.byte_ids[b] for b in symbol)
            elif not (out and out[-1] == unk):
                out.append(unk)
        return out

    # -- vocabulary -----------------------------------------------------------------------------
    def token_bytes(self) -> list[bytes]:
        return self._tokens

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "byte_fallback": self.byte_fallback,
                "pieces": [[p, s, t] for p, s, t in self.pieces]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls([(p, s, t) for p, s, t in data["pieces"]], data.get("byte_fallback", False))
