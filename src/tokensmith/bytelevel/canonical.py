"""Which token sequences are canonical: those the tokenizer itself would produce.

A tokenized model is trained on one encoding of each text (the canonical one); every other token
sequence spelling the same bytes is "invalid" in the sense of Phan et al. ("Exact Byte-Level
Probabilities from Tokenized Language Models", 2024). The rule used here is the pairwise one:
a sequence is canonical when its first token is the tokenizer's encoding of that token's own
text, and every adjacent pair ``(a, b)`` is the tokenizer's encoding of ``a``'s and ``b``'s text
joined, derived from the tokenizer's own segmenter and pre-tokenizer (BPE merges, Unigram's best
segmentation, SentencePiece's marker splits).

For BPE this is the exact test (Vieira et al., "Language Models over Canonical Byte-Pair
Encodings", 2025: a BPE encoding is canonical iff every bigram is) inside one pre-token, and
across pre-tokens (see the contexts below). For Unigram it
is necessary, not sufficient (a best segmentation of a longer piece can beat every pairwise best
one), so the canonical reading of a Unigram model keeps a superset of its canonical sequences.
Pairs whose joined bytes are not UTF-8 (bytes of one character split over two tokens) are
checked by the segmenter alone on the joined bytes, which no pre-tokenizer cuts. Where a regex
pre-tokenizer's cut between two tokens depends on what comes before them (cl100k reads "—I" as
one piece but ".—I" as ".—" and "I"), the pair is allowed when the cut happens after one of a few
left contexts (a letter, a digit, a space, a punctuation mark, an apostrophe, a line break),
with or without a letter after the pair. The rule so keeps the canonical encodings of ordinary
text (tested on held-out English) at the price of a few pairs that are canonical only in such a
context.

The test for "which ids may follow ``a``" is one row of booleans over the vocabulary, computed
once per ``a`` in one batched encode call and cached.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..components import ByteDecoder
from ..errors import SpecialTokenError


# Left contexts tried for a pair the pre-tokenizer joins on its own: one of each character class
# the usual patterns distinguish (letter, digit, space, punctuation, apostrophe, line break).
# A right context ("x") lets a lookahead decide (spaces before a word: "  x" is " ", " x").
LEFT_CONTEXTS = ("", "x", "1", " ", ".", "'", "\n")
RIGHT_CONTEXTS = ("", "x")


class PairRule:
    def __init__(self, tokenizer, surfaces: Sequence[bytes | None]):
        self.tokenizer = tokenizer
        self.size = len(surfaces)
        self.present = np.array([s is not None for s in surfaces], dtype=bool)
        self._raw = [tokenizer.token_bytes(i) if s is not None else None for i, s in enumerate(surfaces)]
        marker = getattr(tokenizer.decoder, "replacement", None)
        # A SentencePiece splitter cuts before every marker: a pair whose second token starts with
        # one is cut there, whatever the model's pieces.
        self._marker = None if type(tokenizer.decoder) is ByteDecoder or marker is None else marker.encode()
        self._text = [None] * len(self._raw)  # each token's text, where its bytes are UTF-8
        for i, raw in enumerate(self._raw):
            if raw is not None:
                try:
                    self._text[i] = raw.decode("utf-8")
                except UnicodeDecodeError:
                    pass
        self._rows: dict[int, np.ndarray] = {}
        self._first: np.ndarray | None = None

    def first(self) -> np.ndarray:
        """Ids that may start a text: each one the tokenizer's encoding of its own text."""
        if self._first is None:
            ids = np.flatnonzero(self.present)
            got = self._encode_many([self._raw[i] for i in ids])
            mask = np.zeros(self.size, dtype=bool)
            mask[ids] = [g == [int(i)] for g, i in zip(got, ids)]
            self._first = mask
        return self._first

    def after(self, a: int) -> np.ndarray:
        """Ids ``b`` for which ``[a, b]`` is the tokenizer's encoding of their joined text."""
        row = self._rows.get(a)
        if row is None:
            first = self.first()
            row = np.zeros(self.size, dtype=bool)
            if first[a]:
                ids = np.flatnonzero(first)
                if self._marker is not None:
                    cut = np.array([self._raw[b].startswith(self._marker) for b in ids], dtype=bool)
                    row[ids[cut]] = True
                    ids = ids[~cut]
                    got = self._encode_many([self._raw[a] + self._raw[b] for b in ids])
                elif self._text[a] is not None:
                    # Joined as text where both halves are: one compiled batch for most of the row.
                    whole = np.array([self._text[b] is not None for b in ids], dtype=bool)
                    text_a = self._text[a]
                    texts = [text_a + self._text[b] for b in ids[whole]]
                    got_text = self.tokenizer.encode_batch(texts, disallowed_special=(), num_threads=1)
                    got_bytes = self._encode_many([self._raw[a] + self._raw[b] for b in ids[~whole]])
                    got = [None] * len(ids)
                    for k, g in zip(np.flatnonzero(whole), got_text):
                        got[k] = g
                    for k, g in zip(np.flatnonzero(~whole), got_bytes):
                        got[k] = g
                else:
                    got = self._encode_many([self._raw[a] + self._raw[b] for b in ids])
                pair = [a, 0]
                allowed = []
                for g, b in zip(got, ids.tolist()):
                    pair[1] = b
                    allowed.append(g == pair or self._cut_in_some_context(a, b))
                row[ids] = allowed
            self._rows[a] = row
        return row

    def _cut_in_some_context(self, a: int, b: int) -> bool:
        """Whether the pre-tokenizer cuts between ``a`` and ``b`` (and around them) inside one of
        a few contexts (a regex pre-token can start before the pair: cl100k reads "—I" as one
        piece, but ".—I" as ".—" and "I"; a lookahead can look past it)."""
        split = getattr(self.tokenizer.splitter, "split", None)
        text_a, text_b = self._text[a], self._text[b]
        if split is None or self._marker is not None or text_a is None or text_b is None:
            return False
        if text_a[-1:].isalpha() and text_b[:1].islower():
            return False  # no pre-tokenizer pattern in use cuts a word before a lowercase letter
        for left in LEFT_CONTEXTS:
            start, at = len(left), len(left) + len(text_a)
            stop = at + len(text_b)
            for right in RIGHT_CONTEXTS:
                cuts, pos = [], 0
                for piece in split(left + text_a + text_b + right):
                    pos += len(piece)
                    cuts.append(pos)
                # A cut between the two, none inside either (a may end a piece begun before it).
                if at in cuts and not any(start < c < at or at < c < stop for c in cuts):
                    return True
        return False

    def is_canonical(self, ids: Sequence[int]) -> bool:
        """The whole sequence by the pairwise rule."""
        if not ids:
            return True
        if not self.first()[ids[0]]:
            return False
        return all(self.after(a)[b] for a, b in zip(ids, ids[1:]))

    def _encode_many(self, datas: list[bytes]) -> list[list[int]]:
        """The tokenizer's encoding of each raw token string (its model bytes)."""
        tok = self.tokenizer
        out: list[list[int] | None] = [None] * len(datas)
        texts, where = [], []
        for k, data in enumerate(datas):
            if self._marker is None:
                try:
                    texts.append(data.decode("utf-8"))
                    where.append(k)
                    continue
                except UnicodeDecodeError:
                    pass
            out[k] = tok.model.encode_pieces([data])
        if texts:
            try:
                encoded = tok.encode_batch(texts, disallowed_special=())
            except SpecialTokenError:  # pragma: no cover - disallowed_special=() reads them as text
                encoded = [tok.encode(t, disallowed_special=()) for t in texts]
            for k, ids in zip(where, encoded):
                out[k] = list(ids)
        return out  # type: ignore[return-value]
