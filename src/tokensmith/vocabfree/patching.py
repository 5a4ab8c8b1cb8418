"""Byte patching: cutting a byte sequence into patches for a byte-level model, by a rule.

Papers and rules (``rule=``):

``space``
    Byte Latent Transformer (Pagnoni et al. 2024), space patching after SpaceByte (Slagle 2024).
    As published (BLT's ``find_space_patch_start_ids``): a byte is *space-like* unless it is an
    ASCII letter or digit or a UTF-8 continuation byte (so the lead byte of every non-ASCII
    character is space-like); a new patch starts after a space-like byte that does not itself
    follow a space-like byte, so runs of space-likes close one patch. Text starts as if after a
    space-like byte.
``words``
    Hierarchical Autoregressive Transformers (Neitemeier et al. 2025) and Learn Your Tokens
    (Thawani et al. 2023): bytes pooled per word, a word being a run of non-whitespace characters
    with the whitespace that follows it (HAT's ``My␣ | name␣ | is``). Adapted: whitespace is
    Python's ``str.isspace`` on the decoded text; whitespace before the first word is a patch.
``entropy``
    BLT's global constraint: a patch starts at byte ``i`` where the entropy of the next-byte
    distribution H(x_i | x_<i) exceeds ``threshold`` (nats, as BLT; default BLT's released
    1.3354 nats).
``monotonic``
    BLT's approximate monotonic constraint: a patch starts at ``i`` where
    H(x_i) - H(x_{i-1}) > ``threshold`` (default 0: wherever entropy rises). Adapted: BLT's code
    always starts a patch at the second byte; here it is compared like any other.
``chunking``
    Dynamic Chunking of H-Net (Hwang, Wang & Gu 2025): with representations q_t, k_t of each
    position, the boundary probability p_t = (1 - cos(q_t, k_{t-1})) / 2 (p_0 = 1) and a chunk
    starts where p_t >= ``threshold`` (0.5 as published). The routing module is learnt inside
    H-Net; adapted here: any ``predictor(data) -> (q, k)`` (or ``-> p``) can be given, and the
    default uses one vector per position for both (``q_t = k_t``), the byte model's distribution
    of the byte after it, centred on the model's context-free distribution
    (:func:`next_byte_vectors`): a chunk starts where what comes next is predicted unlike before.

The first byte always starts a patch. ``max_patch_length`` cuts longer patches into pieces of
that length, as BLT's option does. The byte predictor is any object with ``distributions(data)``
(``(n, 256)`` probabilities of each byte given the bytes before it) or callable returning that
array, or per-byte entropies ``(n,)``; :class:`~tokensmith.vocabfree.byte_model.ByteNgramModel`
is the default (:meth:`Patcher.train`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np

from ..errors import InputError, OptionError
from .byte_model import ByteNgramModel

RULES = ("space", "words", "entropy", "monotonic", "chunking")
MODEL_RULES = ("entropy", "monotonic", "chunking")
BLT_THRESHOLD = 1.335442066192627   # nats: the global threshold of BLT's released configuration
MAX_ENTROPY = math.log(256)         # nats: the entropy of the uniform next-byte distribution
DEFAULT_THRESHOLD = {"entropy": BLT_THRESHOLD, "monotonic": 0.0, "chunking": 0.5}


def _check_threshold(rule: str, threshold: float) -> None:
    if rule == "chunking":
        low, high, what = 0.0, 1.0, "a boundary probability, from 0 to 1"
        ok = low <= threshold <= high
    else:
        low, high, what = 0.0, MAX_ENTROPY, f"in nats, from 0 to below ln 256 = {MAX_ENTROPY:.4f}"
        ok = low <= threshold < high
    if not (isinstance(threshold, (int, float)) and math.isfinite(threshold) and ok):
        raise OptionError(f"the {rule} patching threshold must be {what}; got {threshold!r}")


@dataclass
class Patcher:
    """Cuts bytes into patches by ``rule`` (see the module notes); ``predictor`` for the model
    rules."""

    rule: str = "entropy"
    threshold: float | None = None
    predictor: Any = None
    max_patch_length: int | None = None

    def __post_init__(self):
        if self.rule not in RULES:
            raise OptionError(f"unknown patching rule {self.rule!r}; choose from {', '.join(RULES)}")
        if self.rule in MODEL_RULES:
            if self.threshold is None:
                self.threshold = DEFAULT_THRESHOLD[self.rule]
            _check_threshold(self.rule, self.threshold)
            if self.predictor is None:
                raise OptionError(f"the {self.rule} rule needs a byte predictor "
                                  "(Patcher.train(texts, ...) trains the default n-gram model)")
        elif self.threshold is not None:
            raise OptionError(f"the {self.rule} rule takes no threshold")
        if self.max_patch_length is not None and (not isinstance(self.max_patch_length, int)
                                                  or self.max_patch_length < 1):
            raise OptionError(f"max_patch_length must be a positive integer, got {self.max_patch_length!r}")

    @classmethod
    def train(cls, texts: Iterable[str | bytes], rule: str = "entropy", *, order: int = 4,
              threshold: float | None = None, max_patch_length: int | None = None,
              max_bytes: int | None = None, seed: int = 0) -> "Patcher":
        """A patcher whose predictor is a byte n-gram model trained on ``texts``."""
        model = ByteNgramModel.train(texts, order, max_bytes=max_bytes, seed=seed) if rule in MODEL_RULES else None
        return cls(rule, threshold, model, max_patch_length)

    def starts(self, data: bytes | str) -> np.ndarray:
        """Offsets (ascending, the first 0) at which patches start; empty for empty data."""
        data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        if not data:
            return np.zeros(0, dtype=np.int64)
        if self.rule == "space":
            mask = space_patch_starts(data)
        elif self.rule == "words":
            mask = word_starts(data)
        elif self.rule == "chunking":
            mask = chunk_boundaries(data, self.predictor, self.threshold)
        else:
            h = entropies_of(self.predictor, data)
            mask = np.zeros(len(data), dtype=bool)
            if self.rule == "entropy":
                mask[1:] = h[1:] > self.threshold
            else:
                mask[1:] = h[1:] - h[:-1] > self.threshold
        mask[0] = True
        starts = np.flatnonzero(mask)
        if self.max_patch_length is not None:
            starts = _cap_lengths(starts, len(data), self.max_patch_length)
        return starts

    def lengths(self, data: bytes | str) -> np.ndarray:
        """Length in bytes of each patch."""
        size = len(data.encode("utf-8") if isinstance(data, str) else data)
        return np.diff(np.append(self.starts(data), size))

    def __call__(self, data: bytes | str) -> list[bytes]:
        """The patches of ``data`` (joined, they are ``data``'s bytes)."""
        data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        bounds = list(self.starts(data)) + [len(data)]
        return [data[a:b] for a, b in zip(bounds, bounds[1:])]


def space_patch_starts(data: bytes) -> np.ndarray:
    """BLT/SpaceByte space patching: a patch starts after the first of a run of space-like bytes."""
    b = np.frombuffer(data, dtype=np.uint8)
    alnum = ((b >= 48) & (b <= 57)) | ((b >= 65) & (b <= 90)) | ((b >= 97) & (b <= 122))
    continuation = (b >= 0x80) & (b < 0xC0)
    spacelike = ~alnum & ~continuation
    before = np.concatenate([[True], spacelike[:-1]])  # the start of text counts as space-like
    closes = spacelike & ~before
    mask = np.zeros(len(b), dtype=bool)
    mask[1:] = closes[:-1]
    return mask


def word_starts(data: bytes) -> np.ndarray:
    """HAT / Learn Your Tokens word pooling: a patch starts at each word after whitespace."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("the words rule needs UTF-8 text", offset=exc.start) from None
    widths = np.fromiter((len(c.encode("utf-8")) for c in text), dtype=np.int64, count=len(text))
    space = np.fromiter((c.isspace() for c in text), dtype=bool, count=len(text))
    char_starts = np.zeros(len(text), dtype=bool)
    char_starts[1:] = space[:-1] & ~space[1:]
    mask = np.zeros(len(data), dtype=bool)
    mask[(np.cumsum(widths) - widths)[char_starts]] = True
    return mask


def _predict(predictor, data: bytes) -> np.ndarray:
    out = predictor.distributions(data) if hasattr(predictor, "distributions") else predictor(data)
    return np.asarray(out, dtype=np.float64)


def entropies_of(predictor, data: bytes) -> np.ndarray:
    """Per-byte entropy H(x_i | x_<i) in nats from a predictor's distributions (or the predictor's
    own per-byte values when it gives one number per byte)."""
    if hasattr(predictor, "entropies"):
        h = np.asarray(predictor.entropies(data), dtype=np.float64)
    else:
        out = _predict(predictor, data)
        if out.ndim == 2 and out.shape == (len(data), 256):
            with np.errstate(divide="ignore", invalid="ignore"):
                h = -np.where(out > 0, out * np.log(out), 0.0).sum(axis=1)
        else:
            h = out
    if h.shape != (len(data),):
        raise OptionError(f"the byte predictor gave an array of shape {h.shape} for {len(data)} bytes; "
                          f"expected ({len(data)}, 256) probabilities or ({len(data)},) entropies")
    return h


def chunk_boundaries(data: bytes, predictor, threshold: float = 0.5) -> np.ndarray:
    """H-Net's routing rule: boundary where (1 - cos(q_t, k_{t-1})) / 2 >= threshold."""
    if hasattr(predictor, "unigram"):
        q = k = next_byte_vectors(predictor, data)
    else:
        out = predictor(data)
        if isinstance(out, tuple):
            q, k = (np.asarray(a, dtype=np.float64) for a in out)
        else:
            p = np.asarray(out, dtype=np.float64)
            if p.shape != (len(data),):
                raise OptionError(f"the chunking predictor gave shape {p.shape} for {len(data)} bytes; "
                                  "expected boundary probabilities (n,) or a pair (q, k) of (n, d) arrays")
            return p >= threshold
    if q.shape != k.shape or q.ndim != 2 or len(q) != len(data):
        raise OptionError(f"the chunking predictor's q and k must both be ({len(data)}, d) arrays, "
                          f"got {q.shape} and {k.shape}")
    p = boundary_probabilities(q, k)
    return p >= threshold


def boundary_probabilities(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    """p_t = (1 - cos(q_t, k_{t-1})) / 2, p_0 = 1 (H-Net eq. 4); a zero vector has cosine 0."""
    p = np.ones(len(q))
    if len(q) > 1:
        a, b = q[1:], k[:-1]
        norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
        cos = np.divide((a * b).sum(axis=1), norms, out=np.zeros(len(a)), where=norms > 0)
        p[1:] = (1 - cos) / 2
    return p


def next_byte_vectors(model, data: bytes) -> np.ndarray:
    """Position t's vector: the next-byte distribution after t (its context includes byte t) as
    sqrt(p) - sqrt(unigram), the Hellinger embedding centred on the model's context-free
    distribution (without centring every cosine is positive: all rows share the bytes' overall
    frequencies). A dummy byte appended gives the row after the last byte."""
    p = _predict(model, data + b"\0")[1:]
    return np.sqrt(p) - np.sqrt(model.unigram())


def _cap_lengths(starts: np.ndarray, size: int, cap: int) -> np.ndarray:
    ends = np.append(starts[1:], size)
    extra = [np.arange(s + cap, e, cap) for s, e in zip(starts, ends) if e - s > cap]
    return np.sort(np.concatenate([starts, *extra])) if extra else starts


# -- statistics -------------------------------------------------------------------------------
@dataclass
class PatchStats:
    """Patches of a set of texts: counts and lengths in bytes."""
    texts: int
    bytes: int
    patches: int
    mean_length: float      # bytes per patch
    median_length: float
    max_length: int

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def patch_stats(patcher: Patcher, texts: Iterable[str | bytes]) -> PatchStats:
    """Patch each text separately (each starts a patch) and summarise the patch lengths."""
    lengths = [patcher.lengths(t) for t in texts]
    all_lengths = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
    total = int(all_lengths.sum())
    n = len(all_lengths)
    return PatchStats(len(lengths), total, n, total / n if n else 0.0,
                      float(np.median(all_lengths)) if n else 0.0, int(all_lengths.max()) if n else 0)
