"""How each vocabulary family spells its tokens, joins two of them and takes new ones.

Every family answers the same questions for :func:`tokensmith.extension.extend`:

* ``units``: the spelling of each id (``None`` for ids that never join: special and added
  tokens, unassigned ids, byte-fallback and control pieces, the unknown token);
* ``join(u, v)``: the spelling of u followed by v inside a word (``None`` across a word boundary);
* ``semantics``: ``"pair"`` (only the listed pair merges: HF merges) or ``"concat"`` (any split
  merges: tiktoken ranks, SentencePiece BPE scores);
* ``model_dict(new, first_id)``: the model's ``to_dict()`` with the new tokens appended at
  ``first_id, first_id + 1, ...`` (ids between the model's last and ``first_id`` belong to added
  tokens; see :func:`gap_fillers`).

=====================  =======================  ============================================
model kind             files                    new token
=====================  =======================  ============================================
``bpe`` (merges)       tokenizer.json, GPT-2    bytes; merge (left, right) appended
``bpe`` (tiktoken)     .tiktoken                bytes; rank = id (after every old rank)
``hf_bpe``             tokenizer.json           vocab string; merge appended (CLIP's ``</w>``,
                                                SentencePiece-style ``▁`` and byte fallback kept)
``sentencepiece_bpe``  SentencePiece .model     NORMAL piece scored below every other piece
``unigram``            .model, tokenizer.json   piece scored a little above its two parts'
                                                sum, so that the lattice prefers it to them
``wordpiece``          vocab.txt, tokenizer.json  token (``##`` continuation when it is one)
=====================  =======================  ============================================
"""

from __future__ import annotations

import copy
import random
from typing import Any

from ..errors import OptionError
from ..formats.bytes_text import bytes_to_text
from ..tokenizer import Tokenizer
from .continued_merges import NewToken

SPACE = "▁"
# A new Unigram piece scores a margin above the sum of its two parts' scores: the lattice then
# prefers it to that split. Each piece draws its margin in [0.1, 0.15) from a seeded generator:
# equal margins would make exact ties between overlapping new pieces (a + (b c) against
# (a b) + c), and tied segmentations are broken differently by different implementations.
UNIGRAM_MARGIN = (0.1, 0.05)
UNIGRAM_SEED = 0


def family_of(tokenizer: Tokenizer) -> "Family":
    kind = getattr(tokenizer.model, "kind", type(tokenizer.model).__name__)
    cls = FAMILIES.get(kind)
    if cls is None:
        raise OptionError(f"extend cannot add tokens to a {kind!r} model (supported: byte-level BPE "
                          "from tokenizer.json, GPT-2 files or .tiktoken; SentencePiece BPE and "
                          "Unigram; WordPiece)")
    return cls(tokenizer)


def _unique(token, spelled: set, token_id: int):
    """``token`` for id ``token_id`` in a vocabulary, refused when the vocabulary has it already."""
    if token in spelled:
        raise OptionError(f"the added token {token!r} at id {token_id} is also a token of the model's "
                          "vocabulary: new tokens cannot be placed after it")
    return token


def _is_byte_piece(piece: str) -> bool:
    return len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">")


class Family:
    semantics = "pair"

    def __init__(self, tokenizer: Tokenizer):
        self.tokenizer = tokenizer
        self.data = tokenizer.model.to_dict()
        self.added_ids = {t.id for t in tokenizer.added_tokens}

    def exists(self, unit) -> bool:
        return unit in self.spelled

    def digits_apart(self) -> bool:
        """True when no token holds a digit beside another character (Llama's split digits):
        new tokens then keep digits apart too."""
        for unit in self.units:
            if isinstance(unit, str):
                core = unit.removeprefix("##").removesuffix("</w>")
                if len(core) > 1 and any(c in "0123456789" for c in core):
                    return False
        return True

    def joiner(self):
        """``join`` refusing, where the vocabulary keeps digits apart, joins that hold a digit."""
        if not self.digits_apart():
            return self.join

        def join(a, b):
            joined = self.join(a, b)
            if joined is None:
                return None
            core = joined.removeprefix("##").removesuffix("</w>")
            return None if len(core) > 1 and any(c in "0123456789" for c in core) else joined

        return join

    def gap_fillers(self, first_id: int, size: int) -> list[tuple[int, str]]:
        """``(id, added token content)`` for the ids ``size .. first_id-1`` that the model does
        not hold: list-shaped vocabularies need an entry there (an added token's own string,
        never produced from text since added tokens are matched first)."""
        by_id = {t.id: t.content for t in self.tokenizer.added_tokens}
        return [(i, by_id.get(i, f"<unused_{i}>")) for i in range(size, first_id)]


class ByteBPE(Family):
    """tokensmith's byte-level BPE (``.tiktoken``, GPT-2 files, plain byte-level tokenizer.json)."""

    def __init__(self, tokenizer):
        super().__init__(tokenizer)
        model = tokenizer.model
        self.semantics = "concat" if model.semantics == "tiktoken" else "pair"
        holes = model.holes
        tokens = model.token_bytes()
        self.units = [None if (i in holes or i in self.added_ids) else t for i, t in enumerate(tokens)]
        self.spelled = set(tokens)

    def join(self, a: bytes, b: bytes) -> bytes:
        return a + b

    def joiner(self):
        return self.join  # byte-level pre-tokenizers already decide where digits may join

    def model_dict(self, new: list[NewToken], first_id: int) -> dict[str, Any]:
        data = copy.deepcopy(self.data)
        fillers = self.gap_fillers(first_id, len(data["tokens"]))
        if self.semantics == "concat":
            data["tokens"] += [None] * len(fillers)  # tiktoken: unassigned ranks, specials apart
        else:
            # HF gives an added token that its model lacks the id len(vocab) + k, whatever the
            # file says: the added tokens after the vocabulary must be in it to keep their ids.
            data["tokens"] += [bytes_to_text(_unique(content.encode("utf-8"), self.spelled, i))
                               for i, content in fillers]
        data["tokens"] += [bytes_to_text(t.unit) for t in new]
        if self.semantics == "pair":
            data["merges"] += [[t.left, t.right] for t in new]
        return data


class HFBPE(Family):
    """HF's general BPE model (tokenizer.json with a normalizer, ``</w>``, ``▁`` or byte fallback)."""

    def __init__(self, tokenizer):
        super().__init__(tokenizer)
        spec = self.data["spec"]
        self.prefix = spec.get("continuing_subword_prefix") or ""
        vocab: dict[str, int] = spec["vocab"]
        size = max(vocab.values(), default=-1) + 1
        self.units: list[str | None] = [None] * size
        unk = spec.get("unk_token")
        for token, i in vocab.items():
            if i not in self.added_ids and token != unk and not (spec.get("byte_fallback") and _is_byte_piece(token)):
                self.units[i] = token
        self.spelled = set(vocab)
        self.metaspace = any(t.startswith(SPACE) for t in list(vocab)[:5000])

    def join(self, a: str, b: str) -> str | None:
        if self.metaspace and b.startswith(SPACE):
            return None  # b starts a word
        if self.prefix and b.startswith(self.prefix):
            b = b[len(self.prefix):]
        return a + b

    def model_dict(self, new: list[NewToken], first_id: int) -> dict[str, Any]:
        data = copy.deepcopy(self.data)
        spec = data["spec"]
        merges = spec["merges"]

        def spelling(i: int) -> str:
            return new[i - first_id].unit if i >= first_id else self.units[i]

        parts = [(spelling(t.left), spelling(t.right)) for t in new]
        # Merges are "left right" strings unless a file already lists pairs or a part holds a space.
        as_pairs = bool(merges) and not isinstance(merges[0], str) or any(" " in a + b for a, b in parts)
        if as_pairs and merges and isinstance(merges[0], str):
            merges[:] = [m.split(" ", 1) for m in merges]
        # HF gives an added token that its model lacks the id len(vocab) + k, whatever the file
        # says: the added tokens after the vocabulary must be in it to keep their ids.
        for i, content in self.gap_fillers(first_id, len(self.units)):
            spec["vocab"][_unique(content, self.spelled, i)] = i
        for k, (t, (left, right)) in enumerate(zip(new, parts)):
            spec["vocab"][t.unit] = first_id + k
            merges.append([left, right] if as_pairs else f"{left} {right}")
        return data


class SentencePieceBPE(Family):
    """SentencePiece BPE ``.model``: the pair whose joined piece scores highest merges first, so
    new pieces score below every piece (in the order they were learnt)."""

    semantics = "concat"

    def __init__(self, tokenizer):
        super().__init__(tokenizer)
        pieces = self.data["pieces"]
        self.units = [p if kind == "normal" and i not in self.added_ids else None
                      for i, (p, s, kind) in enumerate(pieces)]
        self.spelled = {p for p, _, _ in pieces}

    def join(self, a: str, b: str) -> str | None:
        return None if b.startswith(SPACE) else a + b

    def model_dict(self, new: list[NewToken], first_id: int) -> dict[str, Any]:
        data = copy.deepcopy(self.data)
        pieces = data["pieces"]
        # Only pieces that merges make (two characters or more) compete with the new ones: Llama's
        # single characters score -1e9, where float32 (the .model's scores) has no integer steps.
        lowest = min((s for p, s, kind in pieces if kind == "normal" and len(p) > 1), default=0.0)
        step = max(1.0, abs(lowest) * 2.0 ** -20)  # distinct in float32
        pieces += [[content, 0.0, "control"] for _, content in self.gap_fillers(first_id, len(pieces))]
        pieces += [[t.unit, lowest - step * (k + 1), "normal"] for k, t in enumerate(new)]
        return data


class Unigram(Family):
    """Unigram (SentencePiece ``.model`` or tokenizer.json). The lattice has no merges: a new
    piece is scored just above its two parts together, so that where the old segmentation held
    them side by side the new piece wins. The learning loop joins pairs of the current
    segmentation (an adaptation: the paper's merges are BPE's)."""

    def __init__(self, tokenizer):
        super().__init__(tokenizer)
        pieces = self.data["pieces"]
        skip = set(self.data.get("special_ids") or ()) | self.added_ids | {self.data.get("unk_id")}
        byte_fallback = self.data.get("byte_fallback")
        self.units = [None if i in skip or (byte_fallback and _is_byte_piece(p)) else p
                      for i, (p, _) in enumerate(pieces)]
        self.scores = [s for _, s in pieces]
        self.spelled = {p for p, _ in pieces}

    def join(self, a: str, b: str) -> str | None:
        return None if b.startswith(SPACE) else a + b

    def model_dict(self, new: list[NewToken], first_id: int) -> dict[str, Any]:
        data = copy.deepcopy(self.data)
        pieces = data["pieces"]
        fillers = self.gap_fillers(first_id, len(pieces))
        floor = min(self.scores, default=0.0)
        pieces += [[content, floor, ] for _, content in fillers]
        data["special_ids"] = sorted(set(data.get("special_ids") or ()) | {i for i, _ in fillers})
        scores = self.scores + [floor] * len(fillers)
        low, width = UNIGRAM_MARGIN
        draw = random.Random(UNIGRAM_SEED)
        for t in new:
            score = scores[t.left] + scores[t.right] + low + width * draw.random()
            pieces.append([t.unit, score])
            scores.append(score)
        return data


class WordPiece(Family):
    """WordPiece (``vocab.txt`` or tokenizer.json): greedy longest match from the word's start,
    so a new token is used wherever it is the longest known prefix of the rest of a word."""

    def __init__(self, tokenizer):
        super().__init__(tokenizer)
        self.prefix = self.data.get("prefix", "##")
        unk = self.data.get("unk_token")
        self.units = [None if (i in self.added_ids or t == unk) else t
                      for i, t in enumerate(self.data["tokens"])]
        self.spelled = set(self.data["tokens"])

    def join(self, a: str, b: str) -> str | None:
        if not b.startswith(self.prefix):
            return None  # b starts a word
        return a + b[len(self.prefix):]

    def model_dict(self, new: list[NewToken], first_id: int) -> dict[str, Any]:
        data = copy.deepcopy(self.data)
        tokens = data["tokens"]
        tokens += [content for _, content in self.gap_fillers(first_id, len(tokens))]
        tokens += [t.unit for t in new]
        return data


FAMILIES = {"bpe": ByteBPE, "hf_bpe": HFBPE, "sentencepiece_bpe": SentencePieceBPE, "unigram": Unigram,
            "wordpiece": WordPiece}
