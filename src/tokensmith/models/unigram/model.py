"""Unigram language-model vocabulary (Kudo 2018, "Subword Regularization"), as SentencePiece uses it.

Each piece has a log-probability score; a string is segmented by the path of highest total score
through the lattice of the pieces it contains (Viterbi). :meth:`UnigramModel.nbest` lists the best
paths and :meth:`UnigramModel.sample` draws one with probability ``∝ exp(alpha · score)``
(subword regularisation, as published: forward-filtering backward-sampling over the whole lattice,
or over the n best paths when ``nbest_size > 1``).

Characters no piece covers (unknown characters):

* each one becomes an *unknown* lattice edge of score ``min(score) - 10`` (SentencePiece's penalty);
* with ``byte_fallback=True`` it is written as its UTF-8 bytes, the pieces ``<0x00>`` … ``<0xFF>``
  (which must all be in the vocabulary), so nothing is lost;
* otherwise it becomes ``unk_id``; consecutive unknown characters give one ``unk_id``
  (``fuse_unk=True``, SentencePiece's and HF's default);
* with ``unk_id=None`` and no byte fallback, encoding such text raises :class:`InputError`.

The unknown piece, the byte pieces and ``special_ids`` (``<s>``, ``</s>``, ...) never match text.

Arithmetic: path scores are summed in float64, as HF ``tokenizers`` does for ``tokenizer.json``.
``float32_sums=True`` follows SentencePiece (``.model`` files) instead: scores are float32 and
summed in float32, which settles ties such as long runs of one punctuation character ("--------")
differently (equal sums round apart). The lattice then spans the whole text, as SentencePiece's
does, since a float32 sum rounds differently at a different offset. :meth:`UnigramModel.nbest`
and :meth:`UnigramModel.sample` always sum in float64.

Speed: when no piece has ``▁`` after another character, no piece can cross the start of a ``▁``
run, so the text is cut there into words whose segmentations are cached and computed by the
compiled lattice (``_core/_lattice.cpp``, twin of ``_reference/lattice.py``). With a normalizer
and splitter that have a compiled form, :meth:`UnigramModel.text_encoder` gives the Tokenizer one
compiled call per text (normalize, split, words, Viterbi, unknowns; ``_core/include/spm_encoder.h``);
the stages above stay the readable path that tests compare it with.
"""

from __future__ import annotations

import random
import re
from array import array
from typing import Any, Iterable, Sequence

from ..._core import kernel
from ..._reference import lattice as reference
from ...components import Model, register
from ...errors import InputError, OptionError
from ...text_spec import compiled_text_spec

UNK_PENALTY = 10.0
SPACE = "\u2581".encode()  # ▁, SentencePiece's space marker
BYTE_PIECE = re.compile(r"<0x([0-9A-F]{2})>")
_WORDS = re.compile(rb"(?:\xe2\x96\x81)*(?:(?!\xe2\x96\x81)[\s\S])+|(?:\xe2\x96\x81)+")
_CACHE_LIMIT = 200_000


def byte_piece(b: int) -> str:
    return f"<0x{b:02X}>"


@register
class UnigramModel(Model):
    kind = "unigram"

    def __init__(self, pieces: list[tuple[str, float]], unk_id: int | None = 0,
                 byte_fallback: bool = False, *, special_ids: Iterable[int] = (),
                 fuse_unk: bool = True, float32_sums: bool = False, whole_pieces: bool = False):
        """``pieces[i] = (piece, score)`` is id ``i``; ``special_ids`` are control pieces.

        ``whole_pieces``: one lattice over each piece, never cut at its ``▁`` words. Cutting is
        the same segmentation in exact arithmetic, but the sums are rounded from another start,
        so exact ties between equal-score segmentations can fall otherwise: HF's Unigram runs
        one lattice per pre-token, and files read from tokenizer.json set this."""
        self.pieces = [(str(p), float(s)) for p, s in pieces]
        if not self.pieces:
            raise OptionError("Unigram vocabulary is empty")
        self.unk_id = None if unk_id is None else int(unk_id)
        if self.unk_id is not None and not 0 <= self.unk_id < len(self.pieces):
            raise OptionError(f"unk_id {unk_id} is outside the vocabulary (size {len(self.pieces)})")
        self.byte_fallback = bool(byte_fallback)
        self.special_ids = sorted({int(i) for i in special_ids})
        self.fuse_unk = bool(fuse_unk)
        self.float32_sums = bool(float32_sums)

        excluded = set(self.special_ids)
        if self.unk_id is not None:
            excluded.add(self.unk_id)
        self._tokens = [p.encode("utf-8") for p, _ in self.pieces]
        self.byte_ids: list[int] | None = None
        if self.byte_fallback:
            self.byte_ids = [-1] * 256
            for i, (p, _) in enumerate(self.pieces):
                m = BYTE_PIECE.fullmatch(p) if len(p) == 6 else None  # cheap test first
                if m:
                    b = int(m.group(1), 16)
                    self.byte_ids[b] = i
                    self._tokens[i] = bytes([b])
                    excluded.add(i)
            missing = [b for b in range(256) if self.byte_ids[b] < 0]
            if missing:
                raise OptionError(f"byte_fallback needs the 256 pieces <0x00>..<0xFF>; "
                                  f"{len(missing)} are missing (first: {byte_piece(missing[0])})")

        self.vocab: dict[bytes, int] = {t: i for i, t in enumerate(self._tokens)
                                        if t and i not in excluded}
        if len(self.vocab) != len(self._tokens) - sum(1 for i in excluded if self._tokens[i]) \
                - self._tokens.count(b""):
            self._raise_duplicate(excluded)
        self.in_lattice = [False] * len(self.pieces)
        for i in self.vocab.values():
            self.in_lattice[i] = True
        self.scores = [s for _, s in self.pieces]
        self._set_lattice_scores()
        self.max_len = max(map(len, self.vocab), default=1)
        self.whole_pieces = bool(whole_pieces)
        self._split_words = (not self.float32_sums and not self.whole_pieces
                             and not any(SPACE in t.lstrip(SPACE) for t in self.vocab))
        self._cache: dict[bytes, tuple[int, ...]] = {}
        core = kernel("_lattice")
        self.core = None if core is None else core.LatticeCore(
            self._tokens, self.lattice_scores, self.in_lattice, self.unk_score)
        if self.core is not None:
            self.core.set_unknown(self.unk_id or 0, self.byte_ids or [], self.fuse_unk,
                                  self._split_words)
            self.core.set_float32_sums(self.float32_sums)

    def _set_lattice_scores(self) -> None:
        """The scores the lattice sums (float32 values with ``float32_sums``) and the unknown
        edge's: the lowest piece score minus the penalty."""
        low = min((self.scores[i] for i in self.vocab.values()), default=0.0)
        if self.float32_sums:
            self.lattice_scores = array("f", self.scores).tolist()  # each rounded to float32
            self.unk_score = reference.f32(reference.f32(low) - UNK_PENALTY)
        else:
            self.lattice_scores = list(self.scores)
            self.unk_score = low - UNK_PENALTY

    def _raise_duplicate(self, excluded: set[int]) -> None:
        seen: set[bytes] = set()
        for i, (p, _) in enumerate(self.pieces):
            if i in excluded or not p:
                continue
            if self._tokens[i] in seen:
                raise OptionError(f"Unigram vocabulary has the piece {p!r} twice")
            seen.add(self._tokens[i])

    def compiled_encoder(self, normalizer, splitter):
        encoder = self.text_encoder(normalizer, splitter)
        return None if encoder is None else (encoder, None)

    def text_encoder(self, normalizer, splitter):
        """A compiled encoder of whole texts through ``normalizer`` and ``splitter`` (the
        Tokenizer's fast path), or None when a stage has no compiled form. Without ``unk_id``
        or byte fallback the Python path keeps raising its error for uncovered characters."""
        spec = compiled_text_spec(normalizer, splitter)
        if spec is None or self.core is None or (self.unk_id is None and self.byte_ids is None):
            return None
        return self.core.text_encoder(spec)

    def clear_cache(self) -> None:
        """Forget the segmented words (the compiled encoders' too)."""
        self._cache.clear()
        if self.core is not None:
            self.core.clear_cache()

    # -- lattice --------------------------------------------------------------------------------
    def lattice(self, text: bytes) -> list[list[reference.Edge]]:
        """The reference lattice of ``text``; unknown edges carry id -1."""
        return reference.build(text, self.vocab, self.lattice_scores, self.max_len, -1, self.unk_score)

    def viterbi_reference(self, text: bytes) -> list[int] | None:
        """The best path by the pure-Python lattice (unknown edges -1), with this model's sums."""
        return reference.viterbi(self.lattice(text), self.float32_sums)

    def _viterbi_raw(self, word: bytes) -> tuple[int, ...]:
        if self.core is not None:
            return tuple(self.core.viterbi(word))
        return tuple(self.viterbi_reference(word))

    def _words(self, piece: bytes) -> list[bytes]:
        return _WORDS.findall(piece) if self._split_words else [piece]

    # -- encoding -------------------------------------------------------------------------------
    def encode_pieces(self, pieces: Sequence[bytes]) -> list[int]:
        cache = self._cache
        out: list[int] = []
        for piece in pieces:
            raw: list[int] = []
            for word in self._words(piece):
                ids = cache.get(word)
                if ids is None:
                    ids = self._viterbi_raw(word)
                    if len(cache) >= _CACHE_LIMIT:
                        cache.clear()
                    cache[word] = ids
                raw.extend(ids)
            out.extend(self._resolve_unknown(piece, raw))
        return out

    def encode_pieces_reference(self, pieces: Sequence[bytes]) -> list[int]:
        """The same, with the pure-Python lattice over whole pieces (test oracle)."""
        out: list[int] = []
        for piece in pieces:
            out.extend(self._resolve_unknown(piece, self.viterbi_reference(piece)))
        return out

    def _resolve_unknown(self, text: bytes, raw: Sequence[int]) -> list[int]:
        """Replace unknown edges (-1) by byte pieces, ``unk_id``, or an error."""
        if -1 not in raw:
            return list(raw)
        out: list[int] = []
        pos = 0
        for piece_id in raw:
            if piece_id >= 0:
                out.append(piece_id)
                pos += len(self._tokens[piece_id])
                continue
            width = min(reference.char_length(text[pos]), len(text) - pos)
            char = text[pos:pos + width]
            if self.byte_ids is not None:
                out.extend(self.byte_ids[b] for b in char)
            elif self.unk_id is None:
                raise InputError(f"character {char.decode('utf-8', 'replace')!r} at byte {pos} is "
                                 "not covered by the vocabulary and the model has no unk_id or "
                                 "byte fallback")
            elif not (self.fuse_unk and out and out[-1] == self.unk_id):
                out.append(self.unk_id)
            pos += width
        return out

    def _as_bytes(self, text: str | bytes) -> bytes:
        if isinstance(text, str):
            return text.encode("utf-8")
        return bytes(text)

    def nbest(self, text: str | bytes, n: int) -> list[list[int]]:
        """The ``n`` best segmentations of normalized ``text``, best first."""
        if n < 1:
            raise OptionError(f"nbest needs n >= 1, got {n}")
        data = self._as_bytes(text)
        if self.core is not None:
            paths = self.core.nbest(data, n)
        else:
            paths = reference.nbest(self.lattice(data), n)
        return [self._resolve_unknown(data, ids) for ids, _score in paths]

    def sample(self, text: str | bytes, alpha: float = 0.1, nbest_size: int = -1,
               seed: int | None = None) -> list[int]:
        """One segmentation of normalized ``text`` drawn with probability ∝ ``exp(alpha·score)``.

        ``nbest_size=-1`` (or 0) samples over every path of the lattice; ``nbest_size=k > 1``
        over the k best paths; ``nbest_size=1`` is Viterbi.
        """
        if alpha < 0:
            raise OptionError(f"sampling alpha must be >= 0, got {alpha}")
        data = self._as_bytes(text)
        if nbest_size == 1:
            return self._resolve_unknown(data, self._viterbi_raw(data))
        rng = random.Random(seed)
        if nbest_size > 1:
            paths = self.nbest_raw(data, nbest_size)
            weights = [alpha * s for _, s in paths]
            top = max(weights)
            chosen = rng.choices(paths, [pow(2.718281828459045, w - top) for w in weights])[0][0]
            return self._resolve_unknown(data, chosen)
        if self.core is not None:
            ids = self.core.sample(data, float(alpha), rng.getrandbits(63))
        else:
            ids = reference.sample(self.lattice(data), alpha, rng)
        return self._resolve_unknown(data, ids)

    def nbest_raw(self, data: bytes, n: int) -> list[tuple[list[int], float]]:
        if self.core is not None:
            return [(list(ids), s) for ids, s in self.core.nbest(data, n)]
        return reference.nbest(self.lattice(data), n)

    # -- vocabulary -----------------------------------------------------------------------------
    def segment_vocabulary(self):
        """The pieces for :mod:`tokensmith.segmenters`'s methods, with their scores (``likelihood``
        on this view is this model's Viterbi). With byte fallback the byte pieces are included,
        scored as unknowns, so that every method covers any text and uses them only as a last
        resort."""
        from ...segmenters.vocabulary import SegmentVocabulary

        table = dict(self.vocab)
        scores = list(self.scores)
        if self.byte_fallback:
            for b, i in enumerate(self.byte_ids):
                table.setdefault(bytes([b]), i)
                scores[i] = self.unk_score
        return SegmentVocabulary(table, table, unk_id=self.unk_id, scores=scores)

    def token_bytes(self) -> list[bytes]:
        return self._tokens

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "pieces": [[p, s] for p, s in self.pieces],
                "unk_id": self.unk_id, "byte_fallback": self.byte_fallback,
                "special_ids": self.special_ids, "fuse_unk": self.fuse_unk,
                "float32_sums": self.float32_sums, "whole_pieces": self.whole_pieces}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls([(p, s) for p, s in data["pieces"]], data.get("unk_id", 0),
                   data.get("byte_fallback", False), special_ids=data.get("special_ids", ()),
                   fuse_unk=data.get("fuse_unk", True),
                   float32_sums=data.get("float32_sums", False),
                   whole_pieces=data.get("whole_pieces", False))
