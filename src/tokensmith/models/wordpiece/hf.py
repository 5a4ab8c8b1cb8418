"""HF ``tokenizers``' WordPiece and WordLevel models.

WordPiece (``"type": "WordPiece"``), as HF's ``WordPiece::tokenize``: a pre-token longer than
``max_input_chars_per_word`` characters is the unknown token; otherwise it is covered greedily
from the left by the longest vocabulary entry, looked up as is at the start of the word and as
``continuing_subword_prefix + rest`` after it; a word that cannot be covered is one unknown
token. The start of a word may match any entry, a prefixed one included (``"##a"`` as a whole
pre-token is the token ``##a``). HF fails on an unknown word when ``unk_token`` is not in the
vocabulary, and so does this model (:class:`~tokensmith.errors.InputError`).

WordLevel (``"type": "WordLevel"``): each pre-token is its vocabulary id, else ``unk_token``'s.

WordPiece runs on :mod:`tokensmith.segmenters`'s longest-prefix segmentation (compiled when built),
whose start table holds every token and continuation table the prefixed ones without prefix.
"""

from __future__ import annotations

from typing import Any, Sequence

from ...components import Model, register
from ...errors import InputError
from ...segmenters.methods import longest_prefix
from ...segmenters.pieces import compiled_segmenter, segment_piece, segment_pieces
from ...segmenters.vocabulary import SegmentVocabulary
from ...formats.hf_spec import VocabularyAPI, field, id_vocabulary, unsigned


class _VocabModel(VocabularyAPI, Model):
    """A ``{"token": id}`` vocabulary with an unknown token: the part both models share."""

    hf_type = ""

    def __init__(self, spec: dict, path: Any = "<model>"):
        what = f"{self.hf_type} model"
        self.path = path
        self.vocab, self._tokens = id_vocabulary(field(spec, "vocab", dict, path, what), path, what)
        self.unk_token = field(spec, "unk_token", str, path, what)
        self._bytes = [b"" if t is None else t.encode("utf-8") for t in self._tokens]
        self._spec = {**spec, "type": self.hf_type}

    @property
    def unk_id(self) -> int | None:
        return self.vocab.get(self.unk_token)

    def _missing_unk(self, piece: bytes) -> InputError:
        return InputError(f"{self.path}: {self.hf_type} unknown token {self.unk_token!r} is not in "
                          f"the vocabulary (needed for {piece.decode('utf-8', 'replace')!r})")

    def token_bytes(self) -> list[bytes]:
        return self._bytes


@register
class HFWordPieceModel(_VocabModel):
    kind = "hf_wordpiece"
    hf_type = "WordPiece"

    def __init__(self, spec: dict, path: Any = "<model>"):
        super().__init__(spec, path)
        what = "WordPiece model"
        self.prefix = field(spec, "continuing_subword_prefix", str, path, what)
        self.max_input_chars_per_word = unsigned(spec, "max_input_chars_per_word", path, what)
        marker = self.prefix.encode("utf-8")
        start = {t.encode("utf-8"): i for t, i in self.vocab.items() if t}
        cont = {t[len(marker):]: i for t, i in start.items() if t.startswith(marker) and len(t) > len(marker)}
        self._segments = SegmentVocabulary(start, cont, unk_id=self.unk_id,
                                           max_piece_chars=self.max_input_chars_per_word)
        self._kernel: Any = None  # the compiled tables, built on first use (False: none)

    def segment_vocabulary(self) -> SegmentVocabulary:
        """The vocabulary as :mod:`tokensmith.segmenters`'s methods see it (``with_segmenter``)."""
        return self._segments

    def encode_pieces(self, pieces: Sequence[bytes]) -> list[int]:
        if self._kernel is None:
            self._kernel = compiled_segmenter(self._segments) or False
        try:
            if self._kernel:
                return segment_pieces(pieces, self._segments, "longest_prefix", self._kernel)
            out: list[int] = []
            for piece in pieces:
                out += segment_piece(piece, self._segments, longest_prefix)
            return out
        except InputError:
            if self.unk_id is not None:
                raise
            bad = next(p for p in pieces if p and self._unknown(p))
            raise self._missing_unk(bad) from None

    def _unknown(self, piece: bytes) -> bool:
        too_long = len(piece.decode("utf-8")) > self.max_input_chars_per_word
        return too_long or longest_prefix(piece, self._segments) is None


@register
class HFWordLevelModel(_VocabModel):
    kind = "hf_wordlevel"
    hf_type = "WordLevel"

    def __init__(self, spec: dict, path: Any = "<model>"):
        super().__init__(spec, path)
        self._ids = {t.encode("utf-8"): i for t, i in self.vocab.items()}

    def encode_pieces(self, pieces: Sequence[bytes]) -> list[int]:
        ids, unk = self._ids, self.unk_id
        out: list[int] = []
        for piece in pieces:
            if not piece:
                continue
            token_id = ids.get(piece)
            if token_id is None:
                if unk is None:
                    raise self._missing_unk(piece)
                token_id = unk
            out.append(token_id)
        return out
