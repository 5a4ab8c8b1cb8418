"""spaCy's multi-hash embeddings: the rows a word's lexical features select, as spaCy computes them.

Paper: Lester James Miranda, Ákos Kádár, Adriane Boyd, Sofie Van Landeghem, Anders Søgaard,
Matthew Honnibal, "Multi hash embeddings in spaCy" (2022); the code is spaCy's
``MultiHashEmbed`` over thinc's ``HashEmbed``.

As published (and as spaCy 3 / thinc 8 compute it):

* a word is described by several lexical attributes, by default ``NORM`` (the lowercased form),
  ``PREFIX`` (its first character), ``SUFFIX`` (its last three) and ``SHAPE`` (letters as ``X``/
  ``x``, digits as ``d``, other characters kept, runs cut after four; ``LONG`` from 100
  characters);
* each attribute value is a string id: MurmurHash64A of its UTF-8 bytes with seed 1, except
  spaCy's reserved symbol names, which have their small fixed ids (e.g. the shape ``X`` is 101);
* each attribute has its own table (``HashEmbed``) of ``rows`` rows, and the k-th table hashes
  the id with seed ``8 + k`` (``MultiHashEmbed`` starts at 7 and adds one per table) into four
  32-bit keys (thinc's 128-bit hash of a 64-bit key); the word's vector for that attribute is the
  sum of rows ``key mod rows``. spaCy's ``init config`` default rows are 5000, 1000, 2500, 2500
  (the ``HashEmbedCNN`` default: 2000, 1000, 1000, 1000).

Adapted: the words are given (spaCy's tokenizer is not reproduced), and ``NORM`` is the lowercase
form unless ``norms`` are passed: spaCy's tokenizer exceptions and base norms set others for
contractions, quotes, dashes and currency signs ("n't" -> "not", "„" -> '"', "£" -> "$"; about 5%
of NTREX German tokens, 1% of English).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from ..errors import InputError, OptionError

ATTRS = ("NORM", "PREFIX", "SUFFIX", "SHAPE")
SPACY_ROWS = (5000, 1000, 2500, 2500)
FIRST_SEED = 8
STRING_SEED = 1
_M64 = (1 << 64) - 1

# spaCy's reserved symbol names that a NORM (lowercase), PREFIX (1 character), SUFFIX (up to 3)
# or SHAPE can spell, with their fixed ids (spacy/symbols.pxd); every other string id is a hash.
SPACY_SYMBOLS = {
    "ID": 64, "POS": 74, "TAG": 75, "DEP": 76, "ADJ": 84, "ADP": 85, "ADV": 86, "AUX": 87, "DET": 90,
    "NUM": 93, "SYM": 99, "X": 101, "EOL": 102, "ORG": 383, "GPE": 384, "LOC": 385, "LAW": 390,
    "IDX": 455, "_": 456,
    "acomp": 398, "advcl": 399, "advmod": 400, "agent": 401, "amod": 402, "appos": 403, "attr": 404,
    "aux": 405, "auxpass": 406, "cc": 407, "ccomp": 408, "complm": 409, "conj": 410, "cop": 411,
    "csubj": 412, "csubjpass": 413, "dep": 414, "det": 415, "dobj": 416, "expl": 417, "hmod": 418,
    "hyph": 419, "infmod": 420, "intj": 421, "iobj": 422, "mark": 423, "meta": 424, "neg": 425,
    "nmod": 426, "nn": 427, "npadvmod": 428, "nsubj": 429, "nsubjpass": 430, "num": 431,
    "number": 432, "oprd": 433, "obj": 434, "obl": 435, "parataxis": 436, "partmod": 437,
    "pcomp": 438, "pobj": 439, "poss": 440, "possessive": 441, "preconj": 442, "prep": 443,
    "prt": 444, "punct": 445, "quantmod": 446, "relcl": 447, "rcmod": 448, "root": 449,
    "xcomp": 450, "acl": 451,
}


def murmurhash64a(data: bytes, seed: int) -> int:
    """MurmurHash64A (Austin Appleby) of ``data``: 8-byte little-endian blocks, then the tail."""
    m, r = 0xC6A4A7935BD1E995, 47
    h = (seed ^ (len(data) * m)) & _M64
    whole = len(data) - len(data) % 8
    for i in range(0, whole, 8):
        k = int.from_bytes(data[i:i + 8], "little") * m & _M64
        k = (k ^ (k >> r)) * m & _M64
        h = (h ^ k) * m & _M64
    tail = data[whole:]
    if tail:
        h = (h ^ int.from_bytes(tail, "little")) * m & _M64
    h = (h ^ (h >> r)) * m & _M64
    return h ^ (h >> r)


@lru_cache(maxsize=1 << 16)   # text repeats its words: hash each string once
def string_id(text: str) -> int:
    """spaCy's id of a string: its reserved symbol id, else MurmurHash64A(UTF-8, seed 1)."""
    return SPACY_SYMBOLS.get(text) or murmurhash64a(text.encode("utf-8"), STRING_SEED)


def word_shape(text: str) -> str:
    """spaCy's word shape: X / x / d per letter / digit, other characters as they are, a run of
    the same shape character cut after 4; ``LONG`` from 100 characters."""
    if len(text) >= 100:
        return "LONG"
    out, last, run = [], "", 0
    for ch in text:
        shape = ("X" if ch.isupper() else "x") if ch.isalpha() else "d" if ch.isdigit() else ch
        run = run + 1 if shape == last else 0
        last = shape
        if run < 4:
            out.append(shape)
    return "".join(out)


_GETTERS = {
    "ORTH": lambda w, norm: w,
    "LOWER": lambda w, norm: w.lower(),
    "NORM": lambda w, norm: w.lower() if norm is None else norm,
    "PREFIX": lambda w, norm: w[:1],
    "SUFFIX": lambda w, norm: w[-3:],
    "SHAPE": lambda w, norm: word_shape(w),
}


def attribute(word: str, attr: str, norm: str | None = None) -> str:
    """The string value of lexical attribute ``attr`` of ``word``."""
    try:
        return _GETTERS[attr](word, norm)
    except KeyError:
        raise OptionError(f"unknown attribute {attr!r}; choose from {', '.join(_GETTERS)}") from None


def hash_keys(ids: np.ndarray, seed: int) -> np.ndarray:
    """thinc's ``ops.hash``: four 32-bit keys per 64-bit id (MurmurHash3's 128-bit finaliser
    applied to one 8-byte block), shape (n, 4) uint32."""
    c1, c2 = np.uint64(0x87C37B91114253D5), np.uint64(0x4CF5AD432745937F)
    f1, f2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)
    s33 = np.uint64(33)

    def fmix(h):
        h = h ^ (h >> s33)
        h = h * f1
        h = h ^ (h >> s33)
        h = h * f2
        return h ^ (h >> s33)

    with np.errstate(over="ignore"):
        h1 = np.asarray(ids, dtype=np.uint64) * c1
        h1 = (h1 << np.uint64(31)) | (h1 >> s33)
        h1 = (h1 * c2) ^ np.uint64(seed) ^ np.uint64(8)
        h2 = np.full_like(h1, np.uint64(seed) ^ np.uint64(8))
        h1 = h1 + h2
        h2 = h2 + h1
        h1, h2 = fmix(h1), fmix(h2)
        h1 = h1 + h2
        h2 = h2 + h1
    low = np.uint64(0xFFFFFFFF)
    return np.stack([h1 & low, h1 >> np.uint64(32), h2 & low, h2 >> np.uint64(32)], axis=1).astype(np.uint32)


@dataclass
class MultiHashEmbed:
    """The tables of spaCy's ``MultiHashEmbed``: one per attribute, with its rows and seed."""

    attrs: Sequence[str] = ATTRS
    rows: Sequence[int] = SPACY_ROWS

    def __post_init__(self):
        self.attrs, self.rows = tuple(self.attrs), tuple(self.rows)
        if len(self.attrs) != len(self.rows):
            raise OptionError(f"{len(self.attrs)} attributes but {len(self.rows)} row counts")
        for attr in self.attrs:
            attribute("x", attr)
        if any(not isinstance(r, int) or r < 1 for r in self.rows):
            raise OptionError(f"row counts must be positive integers, got {self.rows}")

    @property
    def seeds(self) -> tuple[int, ...]:
        return tuple(FIRST_SEED + k for k in range(len(self.attrs)))

    def feature_ids(self, words: Sequence[str], norms: Sequence[str] | None = None) -> np.ndarray:
        """``(n, attributes)`` uint64 string ids, the columns spaCy's ``FeatureExtractor`` gives."""
        if norms is not None and len(norms) != len(words):
            raise InputError(f"{len(norms)} norms for {len(words)} words")
        if any(not w for w in words):
            raise InputError("a word is empty: spaCy's tokens have at least one character")
        getters = [_GETTERS[attr] for attr in self.attrs]
        no_norms = [None] * len(words)
        ids = [string_id(get(word, norm)) for word, norm in zip(words, no_norms if norms is None else norms) for get in getters]
        return np.array(ids, dtype=np.uint64).reshape(len(words), len(self.attrs))

    def rows_of(self, words: Sequence[str], norms: Sequence[str] | None = None) -> np.ndarray:
        """``(n, attributes, 4)`` row indices: the four rows each table sums for each word."""
        ids = self.feature_ids(words, norms)
        out = np.empty((len(words), len(self.attrs), 4), dtype=np.int64)
        for j, (rows, seed) in enumerate(zip(self.rows, self.seeds)):
            out[:, j] = hash_keys(ids[:, j], seed) % np.uint32(rows)
        return out
