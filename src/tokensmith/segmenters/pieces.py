"""From pieces to ids with one segmentation method, unknown pieces included.

The compiled kernel (``_core._segment``: the vocabulary's tables as byte tries, a whole list of
pieces per call, the GIL released) does the work when it is built; otherwise the readable methods
of :mod:`.methods` run one piece at a time. Both give the same ids, the same unknown token and the
same :class:`InputError` for a piece no segmentation covers.
"""

from __future__ import annotations

from typing import Sequence

from .._core import kernel
from ..errors import InputError
from .methods import METHODS
from .vocabulary import SegmentVocabulary

_WHY = {1: "is longer than the vocabulary's word limit", 2: "cannot be covered by the vocabulary"}


def segment_piece(piece: bytes, vocab: SegmentVocabulary, method) -> list[int]:
    """Ids of one piece; the unknown id when it cannot be covered (or an error without one)."""
    if vocab.max_piece_chars is not None and len(piece) > vocab.max_piece_chars:
        if _chars(piece) > vocab.max_piece_chars:
            return _unknown(piece, vocab, _WHY[1])
    ids = method(piece, vocab)
    if ids is None:
        return _unknown(piece, vocab, _WHY[2])
    return ids


def _chars(piece: bytes) -> int:
    return len(piece) - sum(1 for b in piece if 0x80 <= b < 0xC0)


def _unknown(piece: bytes, vocab: SegmentVocabulary, why: str) -> list[int]:
    if vocab.unk_id is None:
        raise InputError(f"the piece {piece.decode('utf-8', 'replace')!r} {why} and the "
                         "vocabulary has no unknown token")
    return [vocab.unk_id]


def compiled_segmenter(vocab: SegmentVocabulary):
    """The kernel's view of ``vocab`` (built once, reused for every call), or None when the
    readable methods must run (see :func:`tokensmith._core.kernel`)."""
    _segment = kernel("_segment")
    if _segment is None:  # the readable methods
        return None
    return _segment.Segmenter(vocab.start, vocab.cont, vocab.start is vocab.cont, vocab.unk_id,
                              vocab.scores, vocab.max_piece_chars)


def segment_pieces(pieces: Sequence[bytes], vocab: SegmentVocabulary, method: str, kernel=None) -> list[int]:
    """The ids of ``pieces`` segmented by ``method`` (a name of :data:`METHODS`); ``kernel`` is
    ``compiled_segmenter(vocab)``, or None for the Python methods."""
    if kernel is None:
        fn, out = METHODS[method], []
        for piece in pieces:
            out += segment_piece(piece, vocab, fn)
        return out
    if not isinstance(pieces, (list, tuple)):
        pieces = list(pieces)
    ids, failed, reason = kernel.segment(pieces, method)
    if failed >= 0:
        _unknown(pieces[failed], vocab, _WHY[reason])
    return ids
