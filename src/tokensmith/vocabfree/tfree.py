"""T-FREE: words as sparse activation patterns over hashed character trigrams.

Paper: Björn Deiseroth, Manuel Brack, Patrick Schramowski, Kristian Kersting, Samuel Weinbach,
"T-FREE: Subword Tokenizer-Free Generative LLMs via Sparse Representations for
Memory-Efficient Embeddings" (EMNLP 2024); its released code (Aleph-Alpha/trigrams) fixes the
details followed here.

As published:

* **word splitting** (:func:`split_words`): text splits at every digit and every
  non-alphanumeric character (each its own word); a space is dropped where one is expected
  (between two words) and kept as ``<|ws|>`` where it is not, ``<|no_ws|>`` marks two words that
  touch where a space would be expected, a line break is ``<|\\n|>``, and runs of spaces or line
  breaks are folded into ``<|2<-ws->|>`` / ``<|4<-ws->|>`` words; ``<|...|>`` spans are special
  words, kept whole. :func:`join_words` inverts it.
* **trigrams**: a word padded with one space on each side (``" word "``) gives the set of its
  trigrams (``" wo"``, ``"wor"``, ``"ord"``, ``"rd "``); as in the released code these are
  trigrams of the UTF-8 *bytes* (the same as characters for ASCII).
* **hashing**: trigram ``t`` (its id, the bytes read little-endian) activates ``m`` distinct
  rows of the ``v``-row embedding: for the k-th activation, the first of
  ``md5(f"{id}_{k}_{j}") mod v`` for j = 0, 1, ... not already taken. The paper's m is 10
  (``activations``); v is the vocabulary (embedding) size, 8,000 in its 87.5%-smaller setting
  (the released 7B configuration: v = 32,000, m = 10 with 2 of them shared with the lowercased
  trigram, ``lowercase_activations``): a trigram of ASCII letters with capitals then takes its
  last ``k`` (largest) rows from its lowercase form. Special words hash whole
  (``md5(f"{word}_{i}")``).
* a word's **pattern** is the union of its trigrams' rows: a multi-hot vector of ``v``.
* **decoding** (:class:`TFreeDictionary`): a vector of ``v`` scores (logits: sigmoid first, as
  the released decoder does; or activations, or a pattern) is matched against every word of a
  dictionary by the released decoder's score, ``s / (m c) + (s - sum a) / (v - m c)`` (``s``: the
  sum of the activations on the word's pattern, ``c``: its number of trigrams), softmax over the
  dictionary.

Adapted: patterns are numpy arrays and hash rows are computed when a trigram is first met
(the released code precomputes all 2^24 byte trigrams). Collision statistics
(:func:`collision_stats`) are this project's measure of how often patterns coincide or overlap.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from ..errors import InputError, OptionError

WS, NO_WS, LINEBREAK = "<|ws|>", "<|no_ws|>", "<|\n|>"
_FOLDED = {WS: "<-ws->", LINEBREAK: "<-\n->"}           # runs of these fold into <|N...|> words
_NO_SPACE_AFTER = frozenset("#$=-+*/'\"\\(<[]~^&@%_\n ")  # no space expected after these
_NO_SPACE_BEFORE = frozenset(".,:;?!=-+*/'\"\\)>]~^&@%_\n 1234567890")
_SPECIAL = re.compile(r"(<\|.*?\|>)")
_UNIT = re.compile(r"(\d|\W|_)")          # the splitting rule: each digit / non-word char alone
_FOLDED_WORD = re.compile(r"<\|(\d+)(<-ws->|<-\n->)\|>")


def _special(word: str) -> bool:
    return word.startswith("<|") and word.endswith("|>")


# -- word splitting ---------------------------------------------------------------------------
def split_words(text: str) -> list[str]:
    """T-FREE's words of ``text`` (see the module notes); ``join_words`` gives the text back."""
    words: list[str] = []
    for i, piece in enumerate(_SPECIAL.split(text)):
        if i % 2:
            words.append(piece)
        elif piece:
            words.extend(_fold_runs(_mark_spaces([u for u in _UNIT.split(piece) if u])))
    return words


def _space_expected(before: str, after: str) -> bool:
    return before[-1] not in _NO_SPACE_AFTER and after[0] not in _NO_SPACE_BEFORE


def _mark_spaces(units: list[str]) -> list[str]:
    """Drop expected spaces, keep unexpected ones as <|ws|>, mark missing ones with <|no_ws|>."""
    out = []
    last = len(units) - 1
    for i, unit in enumerate(units):
        if unit == " ":
            # a space at the edges, or next to a unit after/before which none is expected, stays
            if i in (0, last) or not _space_expected(units[i - 1], units[i + 1]):
                out.append(WS)
            continue
        if i and units[i - 1] != " " and _space_expected(units[i - 1], unit):
            out.append(NO_WS)
        out.append(LINEBREAK if unit == "\n" else unit)
    return out


def _fold_runs(words: list[str]) -> list[str]:
    """Runs of <|ws|> or <|\\n|>: pairs fold into <|2..|>/<|4..|> words, an odd one stays."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word not in _FOLDED:
            out.append(word)
            i += 1
            continue
        run = 1
        while i + run < len(words) and words[i + run] == word:
            run += 1
        pairs, odd = divmod(run, 2)
        while pairs > 2:
            out.append(f"<|4{_FOLDED[word]}|>")
            pairs -= 2
        if pairs:
            out.append(f"<|{2 * pairs}{_FOLDED[word]}|>")
        if odd:
            out.append(word)
        i += run
    return out


def join_words(words: Sequence[str]) -> str:
    """The text that ``split_words`` cut into ``words``."""
    unfolded: list[str] = []
    for word in words:
        m = _FOLDED_WORD.fullmatch(word)
        if m:
            unfolded.extend([WS if m[2] == _FOLDED[WS] else LINEBREAK] * int(m[1]))
        else:
            unfolded.append(word)
    out = []
    for i, word in enumerate(unfolded):
        if i:
            before = unfolded[i - 1]
            if not (_special(before) or _special(word)) and _space_expected(before, word):
                out.append(" ")
        out.append({WS: " ", NO_WS: "", LINEBREAK: "\n"}.get(word, word))
    return "".join(out)


# -- trigrams and hashing ---------------------------------------------------------------------
def trigrams(word: str) -> list[bytes]:
    """The distinct trigrams of ``" word "`` (UTF-8 bytes), in order of first occurrence."""
    padded = f" {word} ".encode("utf-8")
    return list(dict.fromkeys(padded[i:i + 3] for i in range(len(padded) - 2)))


def trigram_id(trigram: bytes) -> int:
    """The trigram's bytes as a little-endian number (< 2^24)."""
    return int.from_bytes(trigram, "little")


def _md5_mod(text: str, v: int) -> int:
    return int(hashlib.md5(text.encode("utf-8")).hexdigest(), 16) % v


@dataclass
class TFree:
    """Hashing of words into ``vocab_size`` rows, ``activations`` rows per trigram."""

    vocab_size: int = 8000
    activations: int = 10
    lowercase_activations: int = 0
    lowercase: bool = False
    _rows: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        if not isinstance(self.vocab_size, int) or self.vocab_size < 1:
            raise OptionError(f"vocab_size must be a positive integer, got {self.vocab_size!r}")
        if not isinstance(self.activations, int) or not 1 <= self.activations <= self.vocab_size:
            raise OptionError(f"activations must be from 1 to vocab_size ({self.vocab_size}), "
                              f"got {self.activations!r}")
        if not isinstance(self.lowercase_activations, int) or not 0 <= self.lowercase_activations <= self.activations:
            raise OptionError(f"lowercase_activations must be from 0 to activations ({self.activations}), "
                              f"got {self.lowercase_activations!r}")

    def _hashed_row(self, tid: int) -> list[int]:
        """The trigram's ``m`` distinct rows, ascending (before any lowercase sharing)."""
        row = self._rows.get(tid)
        if row is None:
            taken: set[int] = set()
            for k in range(self.activations):
                j = 0
                while True:
                    r = _md5_mod(f"{tid}_{k}_{j}", self.vocab_size)
                    j += 1
                    if r not in taken:
                        taken.add(r)
                        break
            row = self._rows[tid] = sorted(taken)
        return row

    def trigram_rows(self, trigram: bytes) -> list[int]:
        """The rows ``trigram`` activates."""
        row = self._hashed_row(trigram_id(trigram))
        k = self.lowercase_activations
        if k and trigram != trigram.lower() and all(c == 32 or 65 <= c <= 90 or 97 <= c <= 122 for c in trigram):
            row = row[:-k] + self._hashed_row(trigram_id(trigram.lower()))[-k:]
        return row

    def pattern(self, word: str) -> np.ndarray:
        """The word's active rows, ascending and distinct."""
        if not word:
            raise InputError("the empty word has no trigram")
        if self.lowercase:
            word = word.lower()
        if "<|" in word:
            plain = self.activations - self.lowercase_activations
            rows = [_md5_mod(f"{word}_{i}", self.vocab_size) for i in range(plain)]
            rows += [_md5_mod(f"{word.lower()}_lower_{i}", self.vocab_size)
                     for i in range(self.lowercase_activations)]
        else:
            rows = [r for t in trigrams(word) for r in self.trigram_rows(t)]
        return np.unique(np.asarray(rows, dtype=np.int64))

    def trigram_count(self, word: str) -> int:
        """Number of trigrams of the word (1 for a special word, hashed whole)."""
        if self.lowercase:
            word = word.lower()
        return 1 if "<|" in word else len(trigrams(word))

    def encode(self, text: str) -> tuple[list[str], list[np.ndarray]]:
        """The words of ``text`` and the pattern of each."""
        words = split_words(text.lower() if self.lowercase else text)
        return words, [self.pattern(w) for w in words]


# -- decoding ---------------------------------------------------------------------------------
class TFreeDictionary:
    """The words a T-FREE model can decode to, with their patterns (CSR rows)."""

    def __init__(self, words: Iterable[str], tfree: TFree | None = None, *, source: str = "word list"):
        self.tfree = tfree or TFree()
        kept = list(dict.fromkeys(w for w in words if w))
        if not kept:
            raise InputError(f"{source}: no word with a trigram (the list is empty or has only empty words)")
        self.words = kept
        self.index = {w: i for i, w in enumerate(kept)}
        patterns = [self.tfree.pattern(w) for w in kept]
        self.sizes = np.array([len(p) for p in patterns], dtype=np.int64)
        self.indptr = np.concatenate([[0], np.cumsum(self.sizes)])
        self.indices = np.concatenate(patterns)
        self.trigram_counts = np.array([self.tfree.trigram_count(w) for w in kept], dtype=np.float64)

    def __len__(self) -> int:
        return len(self.words)

    def pattern(self, i: int) -> np.ndarray:
        return self.indices[self.indptr[i]:self.indptr[i + 1]]

    def activations(self, x, *, logits: bool = True) -> np.ndarray:
        """``(batch, v)`` activations from logits (sigmoid), activations, or patterns (id sets)."""
        v = self.tfree.vocab_size
        if isinstance(x, np.ndarray) and x.dtype.kind == "f" or (
                isinstance(x, (list, tuple)) and x and isinstance(x[0], float)):
            a = np.atleast_2d(np.asarray(x, dtype=np.float64))
            if a.shape[1] != v:
                raise InputError(f"scores have {a.shape[1]} columns; this dictionary's vocab_size is {v}")
            return 1.0 / (1.0 + np.exp(-a)) if logits else a
        patterns = [x] if len(x) == 0 or np.ndim(x[0]) == 0 else list(x)
        a = np.zeros((len(patterns), v))
        for row, p in enumerate(patterns):
            ids = np.asarray(p, dtype=np.int64)
            if ids.size and (ids.min() < 0 or ids.max() >= v):
                raise InputError(f"pattern ids must be below vocab_size {v}")
            a[row, ids] = 1.0
        return a

    def scores(self, activations: np.ndarray) -> np.ndarray:
        """The released decoder's score of every word for each row of activations (before the
        softmax): s / (m c) + (s - sum a) / (v - m c)."""
        a = np.atleast_2d(activations)
        # row by row: gathering the whole batch at once would hold batch x (rows of all words)
        s = np.stack([np.add.reduceat(row[self.indices], self.indptr[:-1]) for row in a])
        m, v = self.tfree.activations, self.tfree.vocab_size
        mc = m * self.trigram_counts
        with np.errstate(divide="ignore", invalid="ignore"):
            rest = np.where(v - mc != 0, (s - a.sum(axis=1, keepdims=True)) / (v - mc), 0.0)
        return s / mc + rest

    def decode(self, x, top: int = 5, *, logits: bool = True) -> list[list[tuple[str, float]]]:
        """For each row of ``x`` (logits, activations with ``logits=False``, or a pattern), the
        ``top`` words with their softmax probability, best first."""
        sc = self.scores(self.activations(x, logits=logits))
        sc = np.exp(sc - sc.max(axis=1, keepdims=True))
        sc /= sc.sum(axis=1, keepdims=True)
        out = []
        for row in sc:
            best = np.argsort(-row, kind="stable")[:top]
            out.append([(self.words[i], float(row[i])) for i in best])
        return out


# -- collision statistics ---------------------------------------------------------------------
@dataclass
class CollisionStats:
    """How a dictionary's patterns coincide and overlap."""
    words: int
    vocab_size: int
    activations: int
    distinct_patterns: int
    words_sharing_a_pattern: int      # words whose pattern equals another word's
    largest_shared_group: int
    shared_examples: list[list[str]]
    mean_pattern_size: float          # active rows per word
    mean_row_load: float              # words per row (how many patterns each row is part of)
    pair_overlap_mean: float          # |P & Q| / |P| over random pairs of words
    pairs_overlapping: float          # share of random pairs with any row in common
    nearest_overlap_median: float     # median over words of max_{Q != P} |P & Q| / |P|
    nearest_contained: float          # share of words whose pattern lies inside another's
    self_decoded: float               # share of words the decoder gives back from their own pattern

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def collision_stats(dictionary: TFreeDictionary, *, pairs: int = 20000, sample: int = 2000,
                    seed: int = 0) -> CollisionStats:
    """Collision statistics of ``dictionary``; pair overlaps over ``pairs`` random pairs, nearest
    neighbours and self-decoding over ``sample`` random words (seeded)."""
    d = dictionary
    n, v = len(d), d.tfree.vocab_size
    rng = np.random.default_rng(seed)
    groups: dict[bytes, list[int]] = {}
    for i in range(n):
        groups.setdefault(d.pattern(i).tobytes(), []).append(i)
    shared = sorted((g for g in groups.values() if len(g) > 1), key=len, reverse=True)
    # inverted index: for each row, the words whose pattern holds it
    order = np.argsort(d.indices, kind="stable")
    owners = np.repeat(np.arange(n), d.sizes)[order]
    starts = np.searchsorted(d.indices[order], np.arange(v + 1))
    a, b = rng.integers(0, n, size=(2, pairs)) if n > 1 else (np.zeros(0, int), np.zeros(0, int))
    keep = a != b
    overlaps = np.array([len(np.intersect1d(d.pattern(i), d.pattern(j), assume_unique=True)) / d.sizes[i]
                         for i, j in zip(a[keep], b[keep])])
    chosen = rng.choice(n, size=min(sample, n), replace=False)
    nearest, contained, decoded = [], 0, 0
    m = d.tfree.activations
    for i in chosen:
        p = d.pattern(i)
        counts = np.bincount(np.concatenate([owners[starts[r]:starts[r + 1]] for r in p]), minlength=n)
        own = counts[i]
        counts[i] = -1
        best = counts.max() if n > 1 else 0
        nearest.append(best / own)
        contained += best == own
        s = counts.astype(np.float64)
        s[i] = own
        mc = m * d.trigram_counts
        score = s / mc + (s - len(p)) / np.where(v - mc != 0, v - mc, np.inf)
        decoded += int(np.argmax(score)) == i
    k = len(chosen)
    return CollisionStats(
        n, v, m, len(groups), sum(len(g) for g in shared), len(shared[0]) if shared else 1,
        [[d.words[i] for i in g[:5]] for g in shared[:5]], float(d.sizes.mean()), float(d.sizes.sum() / v),
        float(overlaps.mean()) if len(overlaps) else 0.0, float((overlaps > 0).mean()) if len(overlaps) else 0.0,
        float(np.median(nearest)) if k else 0.0, float(contained / k) if k else 0.0,
        float(decoded / k) if k else 0.0)
