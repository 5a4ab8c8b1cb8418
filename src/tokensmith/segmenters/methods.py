"""Deterministic ways to segment one piece with a vocabulary, after "Greed is All You Need"
(Uzan et al., 2024), which compares them on the same vocabularies, and "Tokenization Is More
Than Compression" (Schmidt et al., 2024), which introduced least-tokens segmentation (PathPiece).

Each method takes the piece's bytes and a :class:`SegmentVocabulary` and returns token ids, or
``None`` when the vocabulary cannot cover the piece with that method (the caller then emits the
unknown token, or raises). Byte-level vocabularies always cover every piece. These are the
readable definitions: models encode with the compiled kernel ``_core/_segment.cpp`` when it is
built (:mod:`.pieces` chooses), which the tests hold to the same ids.

* ``longest_prefix``: from the left, the longest token that matches (WordPiece's MaxMatch).
* ``longest_suffix``: from the right, the longest token that ends here.
* ``longest_token``: the longest token found anywhere in the piece (leftmost on ties), then the
  same on what is left on each side.
* ``least_tokens``: fewest tokens (shortest path over the token lattice), with the tie-break of
  PathPiece's official code (``opt_encode_rust_longest_tiebreaker`` in
  kensho-technologies/pathpiece): a forward pass keeps, for each end position, the longest token
  ending there among those reaching it in fewest tokens, and the path is read back from the end.
  Among the shortest segmentations this is the one whose *last* token is longest, then whose
  second-to-last is longest, and so on.
* ``least_tokens_longest_first``: fewest tokens, mirrored tie-break: the first token longest,
  then the second, and so on (what tokensmith did before following the official code).
* ``likelihood``: the segmentation with the highest sum of token log-probabilities (Viterbi),
  for vocabularies with Unigram scores; on equal scores the first token longest, then the second.

>>> from tokensmith.segmenters.vocabulary import SegmentVocabulary
>>> v = {b"a": 0, b"b": 1, b"c": 2, b"ab": 3, b"bc": 4, b"abc": 5, b"cab": 6}
>>> voc = SegmentVocabulary(v, v)
>>> longest_prefix(b"abcab", voc), least_tokens(b"abcab", voc), least_tokens_longest_first(b"abcab", voc)
([5, 3], [3, 6], [5, 3])
>>> longest_suffix(b"abcab", voc), longest_token(b"abcab", voc)
([3, 6], [5, 3])
"""

from __future__ import annotations

from typing import Callable, Optional

from .vocabulary import SegmentVocabulary

Method = Callable[[bytes, SegmentVocabulary], Optional[list]]


def longest_prefix(piece: bytes, vocab: SegmentVocabulary) -> list[int] | None:
    out = []
    i, n = 0, len(piece)
    while i < n:
        table = vocab.start if i == 0 else vocab.cont
        for length in range(min(vocab.max_len, n - i), 0, -1):
            tid = table.get(piece[i:i + length])
            if tid is not None:
                break
        else:
            return None
        out.append(tid)
        i += length
    return out


def longest_suffix(piece: bytes, vocab: SegmentVocabulary) -> list[int] | None:
    out = []
    j = len(piece)
    while j > 0:
        for i in range(max(0, j - vocab.max_len), j):
            tid = (vocab.start if i == 0 else vocab.cont).get(piece[i:j])
            if tid is not None:
                break
        else:
            return None
        out.append(tid)
        j = i
    out.reverse()
    return out


def longest_token(piece: bytes, vocab: SegmentVocabulary) -> list[int] | None:
    out = []
    # Work list in output order: a span (lo, hi) still to segment, or a token id already chosen.
    todo: list = [(0, len(piece))]
    while todo:
        item = todo.pop()
        if isinstance(item, int):
            out.append(item)
            continue
        lo, hi = item
        if lo == hi:
            continue
        found = _longest_in_span(piece, lo, hi, vocab)
        if found is None:
            return None
        i, length, tid = found
        todo += [(i + length, hi), tid, (lo, i)]
    return out


def _longest_in_span(piece, lo, hi, vocab):
    for length in range(min(vocab.max_len, hi - lo), 0, -1):
        for i in range(lo, hi - length + 1):
            tid = (vocab.start if i == 0 else vocab.cont).get(piece[i:i + length])
            if tid is not None:
                return i, length, tid
    return None


def least_tokens(piece: bytes, vocab: SegmentVocabulary) -> list[int] | None:
    """Fewest tokens; on ties the longest token ending at each position, read from the end.

    The official rule as written: for each end position, every token ending there is tried
    shortest first, and one reaching the end in as few tokens as the best so far replaces it,
    so the longest such token stays.
    """
    n = len(piece)
    fewest = [0] + [None] * n             # fewest[j]: tokens to cover piece[:j]
    last: list = [None] * (n + 1)         # last[j]: (length, id) of the token ending at j
    for end in range(1, n + 1):
        for length in range(1, min(vocab.max_len, end) + 1):
            start = end - length
            if fewest[start] is None:
                continue
            tid = (vocab.start if start == 0 else vocab.cont).get(piece[start:end])
            if tid is None:
                continue
            if fewest[end] is None or fewest[start] + 1 <= fewest[end]:
                fewest[end], last[end] = fewest[start] + 1, (length, tid)
    if fewest[n] is None:
        return None
    out, end = [], n
    while end:
        length, tid = last[end]
        out.append(tid)
        end -= length
    out.reverse()
    return out


def least_tokens_longest_first(piece: bytes, vocab: SegmentVocabulary) -> list[int] | None:
    return _best_path(piece, vocab, None)


def likelihood(piece: bytes, vocab: SegmentVocabulary) -> list[int] | None:
    return _best_path(piece, vocab, vocab.scores)


def _best_path(piece, vocab, scores) -> list[int] | None:
    """Best path from each position to the end, computed right to left.

    With ``scores`` None the value of a path is minus its number of tokens. Lengths are tried
    longest first and only a strictly better value replaces the current choice, which gives the
    longest-first tie-break.
    """
    n = len(piece)
    worst = float("-inf")
    value = [worst] * (n + 1)
    choice: list = [None] * (n + 1)
    value[n] = 0.0
    for i in range(n - 1, -1, -1):
        table = vocab.start if i == 0 else vocab.cont
        best, pick = worst, None
        for length in range(min(vocab.max_len, n - i), 0, -1):
            rest = value[i + length]
            if rest == worst:
                continue
            tid = table.get(piece[i:i + length])
            if tid is None:
                continue
            v = rest + (-1.0 if scores is None else scores[tid])
            if v > best:
                best, pick = v, (length, tid)
        value[i], choice[i] = best, pick
    if n and choice[0] is None:
        return None
    out, i = [], 0
    while i < n:
        length, tid = choice[i]
        out.append(tid)
        i += length
    return out


METHODS: dict[str, Method] = {
    "longest_prefix": longest_prefix,
    "longest_suffix": longest_suffix,
    "longest_token": longest_token,
    "least_tokens": least_tokens,
    "least_tokens_longest_first": least_tokens_longest_first,
    "likelihood": likelihood,
}
