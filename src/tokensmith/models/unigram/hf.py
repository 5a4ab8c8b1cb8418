"""HF ``tokenizers``' Unigram model (``"type": "Unigram"`` in tokenizer.json).

HF's ``Unigram::encode`` differs from SentencePiece's in ways that change ids, all kept here:

* Every vocabulary entry can match text, the unknown piece, byte pieces ``<0xNN>`` and control
  pieces included (HF's trie holds them all); of two entries with the same string the last wins.
* The best path is SentencePiece's Viterbi: for each character boundary, left to right, every
  piece starting there relaxes its end node, and a node keeps the first candidate among equal
  scores (so the earliest start wins a tie). A position with no one-character piece gets an
  unknown edge scored ``min(all scores) - 10``; without ``unk_id`` HF fails as soon as such an
  edge would win a node, whether or not it ends on the best path, and so does this model.
* Consecutive nodes whose id is ``unk_id`` (an unknown character or the unknown piece itself)
  are fused into one string, which is then looked up in the vocabulary; if absent it becomes,
  with ``byte_fallback``, the ``<0xNN>`` pieces of its UTF-8 bytes when all exist, else ``unk_id``.

The Viterbi runs in the compiled lattice kernel (``_core/_lattice.cpp``, the one
:class:`~tokensmith.models.unigram.model.UnigramModel` uses, with the same tie rule) when a model has
``unk_id``; pieces are cached (bounded).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from ..._reference import lattice as reference
from ...components import Model, register
from ...errors import InputError, ModelFileError
from ...formats.hf_spec import VocabularyAPI, field, unsigned

UNK_PENALTY = 10.0
CACHE_LIMIT = 100_000


@register
class HFUnigramModel(VocabularyAPI, Model):
    kind = "hf_unigram"

    def __init__(self, spec: dict, path: Any = "<model>"):
        what = "Unigram model"
        self.path = path
        entries = field(spec, "vocab", list, path, what)
        pieces: list[tuple[str, float]] = []
        for k, entry in enumerate(entries):
            if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                    and isinstance(entry[1], (int, float)) and not isinstance(entry[1], bool)):
                raise ModelFileError(path, f"{what}: vocab entry {k} is {entry!r:.60}, not [piece, score]")
            if not math.isfinite(entry[1]):
                raise ModelFileError(path, f"{what}: piece {entry[0]!r} has score {entry[1]}")
            pieces.append((entry[0], float(entry[1])))
        self.pieces = pieces
        self.unk_id = unsigned(spec, "unk_id", path, what, None)
        if self.unk_id is not None and self.unk_id >= len(pieces):
            raise ModelFileError(path, f"{what}: unk_id {self.unk_id} is outside the vocabulary "
                                       f"(size {len(pieces)})")
        self.byte_fallback = field(spec, "byte_fallback", bool, path, what, False)
        self.vocab = {p: i for i, (p, _) in enumerate(pieces)}  # the last of duplicates wins
        self.scores = [s for _, s in pieces]
        self.unk_score = (min(self.scores) if pieces else math.inf) - UNK_PENALTY
        self._bytes = [p.encode("utf-8") for p, _ in pieces]
        self._spec = {**spec, "type": "Unigram"}
        self._cache: dict[bytes, tuple[int, ...]] = {}
        self._lattice: Any = None  # the compiled kernel, built on first use (False: none)
        self._table: dict[bytes, int] | None = None  # the Python lattice's pieces
        self._byte_ids = [self.vocab.get(f"<0x{b:02X}>") for b in range(256)]

    # -- the HF model's interface -------------------------------------------------------------
    def id_to_token(self, token_id: int) -> str | None:
        return self.pieces[token_id][0] if 0 <= token_id < len(self.pieces) else None

    # -- encoding -------------------------------------------------------------------------------
    def encode_pieces(self, pieces: Sequence[bytes]) -> list[int]:
        cache = self._cache
        out: list[int] = []
        for piece in pieces:
            ids = cache.get(piece)
            if ids is None:
                ids = tuple(self._resolve(piece, self._best_path(piece)))
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                cache[piece] = ids
            out += ids
        return out

    def _best_path(self, text: bytes) -> list[int]:
        """Ids of the Viterbi path, -1 for unknown edges."""
        if not text:
            return []
        if self.unk_id is not None:
            kernel = self._kernel()
            if kernel:
                return kernel.viterbi(text)
        return self._viterbi_reference(text)

    def _kernel(self):
        if self._lattice is None:
            try:
                from ..._core import _lattice
            except ImportError:  # compiled core not built: the Python lattice
                self._lattice = False
            else:
                in_lattice = [False] * len(self.pieces)
                for i in self.vocab.values():
                    in_lattice[i] = bool(self._bytes[i])
                self._lattice = _lattice.LatticeCore(self._bytes, self.scores, in_lattice,
                                                     self.unk_score)
        return self._lattice

    def _viterbi_reference(self, text: bytes) -> list[int]:
        """HF's forward pass, failing as HF does when an unknown edge wins without ``unk_id``."""
        if self._table is None:
            self._table = {self._bytes[i]: i for i in self.vocab.values() if self._bytes[i]}
            self._max_len = max(map(len, self._table), default=1)
        edges = reference.build(text, self._table, self.scores, self._max_len, -1, self.unk_score)
        n = len(text)
        best = [0.0] * (n + 1)
        back: list[tuple[int, int] | None] = [None] * (n + 1)
        for start in range(n):
            for end, piece_id, score in edges[start]:
                candidate = best[start] + score
                if back[end] is None or candidate > best[end]:
                    if piece_id < 0 and self.unk_id is None:
                        raise InputError(f"{self.path}: Unigram model without unk_id meets the "
                                         f"uncovered character at byte {start} of "
                                         f"{text.decode('utf-8', 'replace')!r}")
                    best[end] = candidate
                    back[end] = (start, piece_id)
        ids = []
        pos = n
        while pos > 0:
            pos, piece_id = back[pos]
            ids.append(piece_id)
        return ids[::-1]

    def _resolve(self, text: bytes, path: list[int]) -> list[int]:
        """Fuse runs of unknown nodes and look each run up (the third rule of the module doc)."""
        unk, out = self.unk_id, []
        pos = run_start = 0
        in_run = False
        for piece_id in path:
            is_unk = piece_id < 0 or piece_id == unk
            if in_run and not is_unk:
                out += self._unknown_run(text[run_start:pos])
                in_run = False
            if is_unk and not in_run:
                run_start, in_run = pos, True
            if piece_id < 0:
                pos += min(reference.char_length(text[pos]), len(text) - pos)
            else:
                pos += len(self._bytes[piece_id])
                if not is_unk:
                    out.append(piece_id)
        if in_run:
            out += self._unknown_run(text[run_start:pos])
        return out

    def _unknown_run(self, run: bytes) -> list[int]:
        known = self.vocab.get(run.decode("utf-8"))
        if known is not None:
            return [known]
        if self.byte_fallback:
            ids = [self._byte_ids[b] for b in run]
            if None not in ids:
                return ids
        return [self.unk_id]

    def clear_cache(self) -> None:
        self._cache.clear()

    # -- vocabulary and saving ------------------------------------------------------------------
    def token_bytes(self) -> list[bytes]:
        return self._bytes
