"""Morphological alignment: do token boundaries fall on morpheme boundaries?

Gold segmentation file (UTF-8, one word per line; blank lines and lines starting with ``#``
are ignored)::

    word<TAB>morph1 morph2 ...
    unhappiness	un happi ness

The morphs, joined without spaces, must spell the word exactly (so surface morphs, not
lemmas or tags). Each word is encoded as it appears in running text, after a space
(``" unhappiness"``); whitespace in token surfaces is ignored. Boundaries are byte offsets
inside the word (``un|happi|ness`` -> {2, 7}); over all words (micro-average):

    precision = |predicted ∩ gold| / |predicted|,  recall = |predicted ∩ gold| / |gold|,
    F1 = 2PR / (P + R),  exact = share of words whose boundaries equal the gold ones.

(P is 1 when no boundary is predicted, R is 1 when the gold has none.)
Words whose token surfaces do not spell them (normalisation, unknown tokens) are skipped and
counted in ``unaligned``. Measures of this kind are used by e.g. "Tokenization Is More Than
Compression" and Hofmann et al.'s derivational-morphology work.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import InputError
from ..corpus import read_text
from .vocab_table import VocabTable, solid_bytes


@dataclass
class Morphology:
    words: int
    unaligned: int
    precision: float
    recall: float
    f1: float
    exact: float
    tokens_per_word: float
    morphs_per_word: float


def read_gold(path: str | os.PathLike) -> list[tuple[str, list[str]]]:
    gold = []
    for lineno, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        word, tab, morphs = line.partition("\t")
        parts = morphs.split()
        if not tab or not parts:
            raise InputError(f"line {lineno}: expected 'word<TAB>morph1 morph2 ...', got {line[:60]!r}", path)
        if "".join(parts) != word:
            raise InputError(f"line {lineno}: morphs {' '.join(parts)!r} do not spell the word {word!r}", path)
        gold.append((word, parts))
    if not gold:
        raise InputError("gold segmentation file has no entries", path)
    return gold


def boundaries(pieces: list[bytes]) -> set[int]:
    """Inner boundaries of a segmentation, as byte offsets: ``[b'un', b'happy'] -> {2}``."""
    out, at = set(), 0
    for piece in pieces[:-1]:
        at += len(piece)
        out.add(at)
    total = at + (len(pieces[-1]) if pieces else 0)
    return {b for b in out if 0 < b < total}


def morphology(tokenizer, gold: list[tuple[str, list[str]]]) -> Morphology:
    table = VocabTable.of(tokenizer)
    hits = predicted = expected = exact = words = unaligned = tokens = morphs = 0
    for (word, parts), ids in zip(gold, tokenizer.encode_batch([" " + w for w in gold_words(gold)])):
        pieces = [table.solid[i] if i < len(table.solid) else b"" for i in ids]
        pieces = [p for p in pieces if p]
        if b"".join(pieces) != solid_bytes(word):
            unaligned += 1
            continue
        got = boundaries(pieces)
        want = boundaries([p.encode("utf-8") for p in parts])
        hits += len(got & want)
        predicted += len(got)
        expected += len(want)
        exact += got == want
        words += 1
        tokens += len(pieces)
        morphs += len(parts)
    precision = hits / predicted if predicted else (1.0 if words else 0.0)
    recall = hits / expected if expected else (1.0 if words else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Morphology(words, unaligned, precision, recall, f1, exact / words if words else 0.0,
                      tokens / words if words else 0.0, morphs / words if words else 0.0)


def gold_words(gold):
    return [word for word, _ in gold]
