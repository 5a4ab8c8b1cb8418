"""Static word vectors: read from fastText ``.vec`` / GloVe text files, or trained here on a corpus;
and the subword vectors WECHSEL derives from them.

File formats (both UTF-8 text, one vector a line, ``word v1 v2 ... vD`` separated by spaces):

* fastText ``.vec``: a first line ``COUNT DIM``;
* GloVe: no header; ``DIM`` is the number of fields of the first line minus one. A word may hold
  spaces (GloVe's Common Crawl files have a few): the last ``DIM`` fields are the numbers.

Both tools write words by descending corpus frequency, which :meth:`WordVectors.weights` relies
on when the counts themselves are unknown.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np
import regex
from scipy import sparse

from ..errors import InputError, ModelFileError
from .static_embeddings import train_static_embeddings

# What a "word" is when vectors are trained here: a run of letters/digits, or of punctuation.
WORD = regex.compile(r"\w+|[^\w\s]+")


@dataclass
class WordVectors:
    words: list[str]
    vectors: np.ndarray              # [len(words), dim] float32
    counts: np.ndarray | None = None  # corpus frequency of each word, when known
    source: str = "word vectors"      # the file (or "corpus") they came from, for messages

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    def weights(self) -> np.ndarray:
        """Each word's frequency: the counts when known, else Zipf's law from the rank
        (``1 / (rank + 1)``; files list words by descending frequency)."""
        if self.counts is not None:
            return self.counts.astype(np.float64)
        return 1.0 / np.arange(1, len(self.words) + 1, dtype=np.float64)

    def index(self) -> dict[str, int]:
        """word -> row (the first row of a word listed twice)."""
        found: dict[str, int] = {}
        for i, w in enumerate(self.words):
            found.setdefault(w, i)
        return found


def read_word_vectors(path: str | os.PathLike, *, limit: int | None = None) -> WordVectors:
    """Vectors of a fastText ``.vec`` or GloVe text file (the first ``limit`` words if given).

    Raises :class:`ModelFileError` naming the file and line of anything malformed."""
    path = os.fspath(path)
    words: list[str] = []
    rows: list[np.ndarray] = []
    declared = dim = None
    try:
        f = open(path, "rb")
    except OSError as exc:
        raise ModelFileError(path, f"cannot read word vectors: {exc.strerror}") from None
    with f:
        for number, raw in enumerate(f, start=1):
            if limit is not None and len(words) >= limit:
                break
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise ModelFileError(path, f"line {number}: not UTF-8 text (byte {exc.start})") from None
            parts = line.rstrip(" ").split(" ")
            if number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                declared, dim = int(parts[0]), int(parts[1])  # fastText's "COUNT DIM" header
                if dim < 1:
                    raise ModelFileError(path, f"line 1: the header declares {dim} dimensions")
                continue
            if not line.strip():
                raise ModelFileError(path, f"line {number}: empty line in word vectors")
            if dim is None:
                dim = len(parts) - 1
                if dim < 1:
                    raise ModelFileError(path, f"line {number}: a word without numbers; expected "
                                               "'word v1 v2 ...' (fastText .vec or GloVe text)")
            if len(parts) < dim + 1:
                raise ModelFileError(path, f"line {number}: {len(parts) - 1} numbers after the word, "
                                           f"expected {dim}")
            try:
                vector = np.asarray(parts[-dim:], dtype=np.float32)
            except ValueError:
                bad = next(p for p in parts[-dim:] if not _is_number(p))
                raise ModelFileError(path, f"line {number}: {bad[:40]!r} is not a number") from None
            if not np.all(np.isfinite(vector)):
                raise ModelFileError(path, f"line {number}: a value is not finite")
            words.append(" ".join(parts[:-dim]))
            rows.append(vector)
    if not words:
        raise ModelFileError(path, "no word vectors in the file")
    if declared is not None and limit is None and len(words) != declared:
        raise ModelFileError(path, f"the header declares {declared:,} vectors but the file holds "
                                   f"{len(words):,} (truncated?)")
    return WordVectors(words, np.stack(rows), None, path)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def load_word_vectors(value, *, limit: int | None = None) -> WordVectors:
    """A :class:`WordVectors` as given (an instance, or the path of a file)."""
    if isinstance(value, WordVectors):
        return value
    if isinstance(value, (str, os.PathLike)):
        return read_word_vectors(value, limit=limit)
    raise InputError(f"word vectors must be a file path or WordVectors, not {type(value).__name__}")


def corpus_words(texts: Iterable[str]) -> list[list[str]]:
    """Each text's words (runs of letters/digits or of punctuation)."""
    return [WORD.findall(t) for t in texts]


def train_word_vectors(texts: Sequence[str], *, dim: int = 100, window: int = 5, min_count: int = 3,
                       seed: int = 0, progress: Callable[[str, int, int], None] | None = None
                       ) -> WordVectors:
    """Static word vectors of ``texts`` (see :mod:`.static_embeddings`), words by descending
    frequency, counts kept."""
    texts_words = corpus_words(texts)
    counts = Counter(w for words in texts_words for w in words)
    # Descending frequency, ties in first-seen order (Counter keeps insertion order).
    vocabulary = [w for w, _ in sorted(counts.items(), key=lambda item: -item[1])]
    ids = {w: i for i, w in enumerate(vocabulary)}
    sequences = [np.fromiter((ids[w] for w in words), dtype=np.int64, count=len(words))
                 for words in texts_words]
    trained = train_static_embeddings(sequences, len(vocabulary), dim=dim, window=window,
                                      min_count=min_count, seed=seed, progress=progress, what="word")
    keep = np.flatnonzero(trained.trained)  # already in frequency order
    return WordVectors([vocabulary[i] for i in keep], trained.vectors[keep],
                       trained.counts[keep], "corpus")


def subword_vectors(tokenizer, words: WordVectors, *, max_words: int | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """WECHSEL's subword embeddings in a word-vector space (Minixhofer et al. 2022, section 3,
    the variant without fastText's subword information): the vector of token ``t`` is the
    frequency-weighted mean of the vectors of the words whose tokenization (of ``word`` and of
    ``" " + word``) holds ``t``. Returns ``(vectors [vocab, dim] float32, found [vocab] bool)``;
    tokens in no word's tokenization get a zero row and ``found == False``."""
    n = len(words.words) if max_words is None else min(max_words, len(words.words))
    texts = words.words[:n]
    token_ids: list[np.ndarray] = []
    word_ids: list[np.ndarray] = []
    for variant in (texts, [" " + w for w in texts]):
        encoded = tokenizer.encode_batch(variant, disallowed_special=())
        lengths = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=n)
        token_ids.append(np.fromiter((i for e in encoded for i in e), dtype=np.int64, count=int(lengths.sum())))
        word_ids.append(np.repeat(np.arange(n), lengths))
    tokens, owners = np.concatenate(token_ids), np.concatenate(word_ids)
    vocab = tokenizer.vocab_size
    # Each (token, word) pair once: a word counts once for a token however often it holds it.
    pairs = np.unique(tokens * n + owners)
    tokens, owners = pairs // n, pairs % n
    weights = words.weights()[:n][owners]
    membership = sparse.csr_matrix((weights, (tokens, owners)), shape=(vocab, n))
    totals = np.asarray(membership.sum(axis=1)).ravel()
    found = totals > 0
    membership = sparse.diags(np.divide(1.0, totals, out=np.zeros_like(totals), where=found)) @ membership
    vectors = np.asarray(membership @ words.vectors[:n].astype(np.float64), dtype=np.float32)
    return vectors, found


def read_dictionary(path: str | os.PathLike) -> list[tuple[str, str]]:
    """Word pairs of a bilingual dictionary file (``source<TAB>target`` or ``source target`` a line,
    as WECHSEL's ``dicts/``)."""
    path = os.fspath(path)
    pairs = []
    try:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                parts = line.strip().split("\t") if "\t" in line else line.split()
                if len(parts) != 2:
                    raise ModelFileError(path, f"line {number}: expected two words, found {len(parts)}")
                pairs.append((parts[0], parts[1]))
    except OSError as exc:
        raise ModelFileError(path, f"cannot read the dictionary: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ModelFileError(path, f"not UTF-8 text (byte {exc.start})") from None
    if not pairs:
        raise ModelFileError(path, "the dictionary holds no word pairs")
    return pairs
