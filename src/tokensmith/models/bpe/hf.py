"""HF ``tokenizers``' BPE model (``"type": "BPE"`` in tokenizer.json), every option.

Each pre-token (a string) is encoded as HF's ``BPE::tokenize`` does:

1. ``ignore_merges``: a pre-token that is itself in the vocabulary is that one token.
2. Each character becomes a symbol: ``continuing_subword_prefix`` is put before every character
   but the first, ``end_of_word_suffix`` after the last (CLIP's ``</w>``), and the result looked
   up in the vocabulary. A character not found is, with ``byte_fallback``, its UTF-8 bytes as the
   tokens ``<0xNN>`` (when all of them exist; the prefix/suffix is part of those bytes, as in
   HF); otherwise ``unk_token``, several in a row fused into one with ``fuse_unk``; without
   ``unk_token`` it is dropped. As in HF, a pending unknown is written only when the next
   vocabulary character (or the end) comes, so it follows any byte tokens written meanwhile.
3. The adjacent pair of lowest merge rank is merged, the leftmost among equals, until no listed
   pair is left. Merging ``a`` with ``b`` gives the token ``a + b[len(prefix):]``. A pair listed
   twice keeps its last rank (HF builds its table by inserting each merge in order).

``dropout`` is kept in the spec but not applied: encoding here is deterministic, as HF's is with
no dropout. For sampled segmentations use tokensmith's own ``"bpe_dropout"`` segmenter
(:meth:`tokensmith.Tokenizer.with_segmenter`) on :attr:`HFBPEModel.byte_level_model`.

Byte-level files (GPT-2, RoBERTa, Whisper, GPT-NeoX, Falcon...: every token in GPT-2's byte
alphabet, no prefix or suffix) are encoded by the compiled :class:`~tokensmith.models.bpe.model.BPEModel`
over the raw bytes, which has exactly these semantics there; a piece holding a byte the vocabulary
lacks (HF drops it) takes the Python path. With HF's ``ByteLevel`` pre-tokenizer (GPT-NeoX) whole
texts run in the compiled core (:meth:`HFBPEModel.compiled_encoder`, :mod:`.hf_text_encoder`).
:attr:`HFBPEModel.byte_level_model` exposes that model to pipelines that skip the
byte-to-character step. Words are cached (bounded), so the Python path
stays usable on real corpora.
"""

from __future__ import annotations

import heapq
import re
from typing import Any, Sequence

from ...components import Model, register
from ...errors import InputError, ModelFileError
from ...formats.bytes_text import latin1_translation
from ...formats.hf_spec import VocabularyAPI, field, id_vocabulary
from .model import NOT_IN_UTF8, BPEModel

CACHE_LIMIT = 100_000   # pieces kept in the word cache (it is cleared when full)
CACHED_PIECE_BYTES = 256  # longer pieces are not cached (HF's limit too)


@register
class HFBPEModel(VocabularyAPI, Model):
    kind = "hf_bpe"

    def __init__(self, spec: dict, path: Any = "<model>"):
        what = "BPE model"
        self.path = path
        self.vocab, self._tokens = id_vocabulary(spec.get("vocab"), path, what)
        merges = spec.get("merges")
        if spec.get("vocab") is None or merges is None:
            raise ModelFileError(path, f"{what}: missing vocab/merges")
        if not isinstance(merges, list):
            raise ModelFileError(path, f"{what}: 'merges' must be a list")
        dropout = field(spec, "dropout", float, path, what, None)
        if dropout is not None and not 0.0 <= dropout <= 1.0:
            raise ModelFileError(path, f"{what}: dropout must be between 0 and 1, got {dropout}")
        self.dropout = dropout
        self.unk_token = field(spec, "unk_token", str, path, what, None)
        self.prefix = field(spec, "continuing_subword_prefix", str, path, what, None)
        self.suffix = field(spec, "end_of_word_suffix", str, path, what, None)
        self.fuse_unk = field(spec, "fuse_unk", bool, path, what, False)
        self.byte_fallback = field(spec, "byte_fallback", bool, path, what, False)
        self.ignore_merges = field(spec, "ignore_merges", bool, path, what, False)
        lefts, rights = _merge_pairs(merges, path)
        self._merge_ids = _merge_ids(lefts, rights, self.vocab, self.prefix or "", path)
        self._merges: dict[tuple[int, int], tuple[int, int]] | None = None
        self._spec = {**spec, "type": "BPE"}
        self._bytes: list[bytes] | None = None
        self._cache: dict[bytes, tuple[int, ...]] = {}
        self._byte_level: Any = None  # built on first use: False when the file is not plain byte-level

    @property
    def merges(self) -> dict[tuple[int, int], tuple[int, int]]:
        """``(left_id, right_id) -> (rank, merged_id)``; a pair listed twice keeps its last rank,
        as HF's table does (built on first use: reading a file stays fast)."""
        if self._merges is None:
            left, right, merged = self._merge_ids
            self._merges = dict(zip(zip(left, right), zip(range(len(merged)), merged)))
        return self._merges

    # -- the HF model's interface -------------------------------------------------------------
    @property
    def unk_id(self) -> int | None:
        return None if self.unk_token is None else self.vocab.get(self.unk_token)

    # -- encoding -------------------------------------------------------------------------------
    def encode_pieces(self, pieces: Sequence[bytes]) -> list[int]:
        cache = self._cache
        out: list[int] = []
        for piece in pieces:
            ids = cache.get(piece)
            if ids is None:
                ids = self._encode_piece(piece)
                if len(piece) < CACHED_PIECE_BYTES:
                    if len(cache) >= CACHE_LIMIT:
                        cache.clear()
                    cache[piece] = ids
            out += ids
        return out

    def _encode_piece(self, piece: bytes) -> tuple[int, ...]:
        try:
            word = piece.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"piece {piece!r} is not valid UTF-8 ({exc.reason})") from None
        if not word:
            return ()
        if self.ignore_merges:
            whole = self.vocab.get(word)
            if whole is not None:
                return (whole,)
        twin = self._twin()
        if twin:
            raw = word.translate(latin1_translation())
            if max(raw) <= "\xff":
                data = raw.encode("latin-1")
                if twin[1] is None or not twin[1].search(data):
                    return tuple(twin[0].encode_pieces([data]))
        return tuple(merge_symbols(self.symbols(word), self.merges))

    def symbols(self, word: str) -> list[int]:
        """The ids of the characters of ``word`` before merging (step 2 of the module doc)."""
        vocab, prefix, suffix = self.vocab, self.prefix, self.suffix
        out: list[int] = []
        unk: int | None = None  # the pending unknown token, written when a known symbol comes
        last = len(word) - 1
        for k, char in enumerate(word):
            s = char
            if k and prefix is not None:
                s = prefix + s
            if k == last and suffix is not None:
                s += suffix
            sid = vocab.get(s)
            if sid is not None:
                if unk is not None:
                    out.append(unk)
                    unk = None
                out.append(sid)
                continue
            if self.byte_fallback:
                byte_ids = [vocab.get(f"<0x{b:02X}>") for b in s.encode("utf-8")]
                if None not in byte_ids:
                    out += byte_ids
                    continue
            if self.unk_token is not None:
                if unk is not None and self.fuse_unk:
                    continue
                if unk is not None:
                    out.append(unk)
                unk = self.vocab.get(self.unk_token)
                if unk is None:
                    raise InputError(f"{self.path}: the BPE unknown token {self.unk_token!r} "
                                     f"is not in the vocabulary (needed for {char!r})")
        if unk is not None:
            out.append(unk)
        return out

    @property
    def byte_level_model(self):
        """A compiled :class:`~tokensmith.models.bpe.model.BPEModel` over raw bytes giving this model's
        ids for byte-level pieces (``"Ġhello"`` encoded as ``b" hello"``), or None when this
        file is not plain byte-level BPE with all 256 bytes."""
        twin = self._twin()
        return twin[0] if twin and twin[1] is None else None

    def compiled_encoder(self, normalizer, splitter):
        """The compiled whole-text encoder (:mod:`.hf_text_encoder`) when this file is byte-level
        BPE without ``ignore_merges`` and ``splitter`` has a compiled form; else None."""
        from .hf_text_encoder import ByteLevelTextEncoder, byte_level_split_name

        twin = self._twin()
        name = byte_level_split_name(splitter)
        if not twin or twin[0].core is None or name is None or self.ignore_merges:
            return None

        def stages(text: str) -> list[int]:
            return self.encode_pieces([piece.encode("utf-8") for piece in splitter.split(text)])

        # The twin's tokens after this vocabulary stand for the bytes it lacks; those UTF-8
        # never holds cannot come from text, so only the others need a check.
        lacks_bytes = any(b[0] not in NOT_IN_UTF8 for b in twin[0].tokens[len(self._tokens):])
        encoder = ByteLevelTextEncoder(twin[0].core, len(self._tokens),
                                       None if normalizer is None else normalizer.normalize,
                                       stages, lacks_bytes)
        return encoder, name

    def _twin(self):
        if self._byte_level is None:
            self._byte_level = _byte_level_twin(self) or False
        return self._byte_level

    def clear_cache(self) -> None:
        self._cache.clear()

    # -- vocabulary and saving ------------------------------------------------------------------
    def token_bytes(self) -> list[bytes]:
        if self._bytes is None:
            self._bytes = [b"" if t is None else t.encode("utf-8") for t in self._tokens]
        return self._bytes


def merge_symbols(ids: list[int], merges: dict[tuple[int, int], tuple[int, int]]) -> list[int]:
    """Merge the lowest-rank adjacent pair, leftmost first, until none is listed (HF's
    ``Word::merge_all``: a queue of ``(rank, position)``; an entry whose pair has changed since
    it was queued is skipped)."""
    n = len(ids)
    if n < 2:
        return ids
    symbols: list[int | None] = list(ids)
    nxt = list(range(1, n + 1))
    nxt[-1] = -1
    prev = list(range(-1, n - 1))
    queue = []
    for pos in range(n - 1):
        hit = merges.get((ids[pos], ids[pos + 1]))
        if hit is not None:
            queue.append((hit[0], pos, hit[1]))
    heapq.heapify(queue)
    while queue:
        _rank, pos, new = heapq.heappop(queue)
        right = nxt[pos]
        if symbols[pos] is None or right < 0:
            continue
        hit = merges.get((symbols[pos], symbols[right]))
        if hit is None or hit[1] != new:
            continue  # stale: a neighbour has merged since this pair was queued
        symbols[pos] = new
        symbols[right] = None
        after = nxt[pos] = nxt[right]
        if after >= 0:
            prev[after] = pos
            hit = merges.get((new, symbols[after]))
            if hit is not None:
                heapq.heappush(queue, (hit[0], pos, hit[1]))
        before = prev[pos]
        if before >= 0:
            hit = merges.get((symbols[before], new))
            if hit is not None:
                heapq.heappush(queue, (hit[0], before, hit[1]))
    return [s for s in symbols if s is not None]


def _merge_pairs(merges: list, path) -> tuple[list[str], list[str]]:
    """The merges' left and right tokens; HF reads ``"a b"`` (exactly one space) or ``["a", "b"]``."""
    pairs = [m.split(" ") if type(m) is str else m for m in merges]
    if set(map(_pair_shape, pairs)) - {2}:
        rank = next(k for k, p in enumerate(pairs) if _pair_shape(p) != 2)
        raise ModelFileError(path, f"BPE merge {rank} is {merges[rank]!r:.60}; expected \"a b\" "
                                   "(one space) or [a, b]")
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _pair_shape(pair) -> int:
    """2 for a list of two strings (the only valid shape), else something else."""
    return len(pair) if type(pair) is list and all(type(t) is str for t in pair) else -1


def _merge_ids(lefts: list[str], rights: list[str], vocab: dict[str, int], prefix: str,
               path) -> tuple[list[int], list[int], list[int]]:
    """The ids of each merge's left, right and merged token (``a + b[len(prefix):]``).

    The lookups run as ``map`` over whole lists: a 200k-merge file reads in a fraction of a second.
    """
    left_ids = list(map(vocab.get, lefts))
    right_ids = list(map(vocab.get, rights))
    for ids, side in ((left_ids, lefts), (right_ids, rights)):
        if None in ids:
            rank = ids.index(None)
            raise ModelFileError(path, f"BPE merge {rank} ({lefts[rank]!r}, {rights[rank]!r}) uses "
                                       f"the token {side[rank]!r} that is not in the vocabulary")
    tails = rights if not prefix else [_strip_prefix(b, prefix, rank, path) for rank, b in enumerate(rights)]
    merged = list(map(vocab.get, map(str.__add__, lefts, tails)))
    if None in merged:
        rank = merged.index(None)
        raise ModelFileError(path, f"BPE merge {rank} ({lefts[rank]!r}, {rights[rank]!r}) makes "
                                   f"{lefts[rank] + tails[rank]!r}, which is not in the vocabulary")
    return left_ids, right_ids, merged


def _strip_prefix(token: str, prefix: str, rank: int, path) -> str:
    """``token`` without its first ``len(prefix)`` UTF-8 bytes, as HF slices the right token."""
    raw, cut = token.encode("utf-8"), len(prefix.encode("utf-8"))
    try:
        if len(raw) >= cut:
            return raw[cut:].decode("utf-8")
    except UnicodeDecodeError:
        pass
    raise ModelFileError(path, f"BPE merge {rank}: the right token {token!r} cannot lose the "
                               f"{cut} bytes of the continuing prefix {prefix!r}")


def _byte_level_twin(model: HFBPEModel):
    """``(BPEModel, guard)``: the compiled byte-level model with ``model``'s ids, and a pattern
    of the single bytes the vocabulary lacks (None if none; pieces holding one take the Python
    path, where HF drops them); None when the file is not byte-level BPE."""
    if model.prefix or model.suffix or None in model._tokens:
        return None
    table = latin1_translation()
    texts = [t.translate(table) for t in model._tokens]
    if any(t and max(t) > "\xff" for t in texts):  # a token outside the byte alphabet
        return None
    tokens = [t.encode("latin-1") for t in texts]
    distinct = set(tokens)
    if len(distinct) != len(tokens):
        return None
    # Bytes UTF-8 never uses (0xC0, 0xF5..) are often absent: placeholder ids stand for them.
    missing = bytes(b for b in range(256) if bytes([b]) not in distinct)
    ranked = sorted(model.merges.items(), key=lambda kv: kv[1][0])
    try:
        twin = BPEModel(tokens + [bytes([b]) for b in missing], [pair for pair, _ in ranked],
                        semantics="merges")
    except ValueError:
        return None
    return twin, re.compile(b"[" + re.escape(missing) + b"]") if missing else None
