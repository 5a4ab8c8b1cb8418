"""The view of a vocabulary that every segmentation method works on.

A piece (the UTF-8 bytes of one pre-token) is segmented by walking its bytes. ``start`` holds the
tokens allowed at the beginning of the piece and ``cont`` those allowed after another token; for
byte-level vocabularies (BPE) both are the same table, for WordPiece ``cont`` holds the ``##``
tokens without their prefix. Tokens of character vocabularies are valid UTF-8, so a match that
starts on a character boundary ends on one: character vocabularies segment characters even though
the walk is over bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import OptionError


@dataclass
class SegmentVocabulary:
    start: dict[bytes, int]
    cont: dict[bytes, int]
    unk_id: int | None = None          # emitted for a piece no segmentation covers (None: error)
    scores: list[float] | None = None  # log-probability of each id, for the likelihood method
    max_piece_chars: int | None = None  # longer pieces are unknown outright (WordPiece's rule)
    max_len: int = field(init=False)

    def __post_init__(self):
        self.max_len = max(map(len, list(self.start) + list(self.cont)), default=0)

    def table(self, position: int) -> dict[bytes, int]:
        return self.start if position == 0 else self.cont

    def matches(self, piece: bytes, i: int) -> list[tuple[int, int]]:
        """``(length, id)`` of every token that matches ``piece`` at byte ``i``, longest first."""
        table = self.start if i == 0 else self.cont
        out = []
        for length in range(min(self.max_len, len(piece) - i), 0, -1):
            tid = table.get(piece[i:i + length])
            if tid is not None:
                out.append((length, tid))
        return out


def vocabulary_of(model) -> SegmentVocabulary:
    """The segmentation view of a model: its own ``segment_vocabulary()``, or BPE's tokens."""
    own = getattr(model, "segment_vocabulary", None)
    if own is not None:
        return own()
    from ..models.bpe.model import BPEModel

    if isinstance(model, BPEModel):
        return SegmentVocabulary(model.token_id, model.token_id)
    raise OptionError(f"{type(model).__name__} does not expose its vocabulary to segmentation "
                      "methods (it needs a segment_vocabulary() method)")
