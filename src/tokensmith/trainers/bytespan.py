"""ByteSpan: a vocabulary of predictable byte runs, found with a byte language model.

Paper: Zébulon Goriely, Suchir Salhan, Pietro Lesci, Julius Cheng, Paula Buttery, "ByteSpan:
Information-Driven Subword Tokenisation" (2025).

As published:

* a byte-level language model gives each byte its surprisal ``-log2 p(byte | preceding bytes)``;
* contiguous bytes are grouped into a span while they stay predictable: with the *monotonic*
  constraint a new span starts where surprisal rises (``s[i] > s[i-1]``), with the *global*
  constraint where it exceeds a threshold; the *combined* constraint starts a span only where both
  say so;
* the vocabulary is the 256 bytes plus the most frequent multi-byte spans (the paper's frequency
  method), and text is segmented greedily, longest token first.

Adapted:

* the default predictor is a small interpolated n-gram byte model (:class:`NgramByteLM`, order
  4 by default) trained on the same corpus, instead of a neural byte LM; any callable
  ``predictor(piece: bytes) -> sequence of per-byte surprisal`` (or entropy) can replace it;
* spans are found inside pre-tokens (the model sees each piece from its start), so distinct
  pieces are scored once and weighted by their count. A piece's leading space is predictable at
  the start of a piece while the next letter is not, so the rule alone would always cut the
  space off the word; it never does: the leading space stays with the first span (as the
  pre-tokenization keeps it with the word).

HF ``tokenizer.json`` has no byte-level greedy longest-prefix model: the native format saves it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable, Literal, Sequence

from ..errors import OptionError
from ..pre_tokenizers.splitters import RegexSplitter
from ..tokenizer import Tokenizer
from .method_utils import count_pieces
from .options import BytePairOptions, option
from .sage import longest_prefix_model
from .trainer import trainer

METHOD = "bytespan"
CONSTRAINTS = ("monotonic", "global", "combined")
Predictor = Callable[[bytes], Sequence[float]]


class NgramByteLM:
    """Interpolated (Witten-Bell) byte n-gram model trained on ``{piece: count}``; a piece's first
    byte is predicted from the start of the piece. Calling it gives per-byte surprisal in bits."""

    def __init__(self, counts: dict[bytes, int], order: int = 4):
        if order < 1:
            raise OptionError(f"the n-gram order must be >= 1, got {order}")
        self.order = order
        self.next: dict[bytes, Counter] = defaultdict(Counter)  # context -> next byte counts
        for piece, count in counts.items():
            padded = b"\x02" * (order - 1) + piece  # \x02 marks "before the piece" (never in text pieces)
            for i in range(order - 1, len(padded)):
                for k in range(order):  # every context length 0..order-1
                    self.next[padded[i - k:i]][padded[i]] += count
        self.totals = {ctx: sum(c.values()) for ctx, c in self.next.items()}

    def probability(self, context: bytes, byte: int) -> float:
        p = 1.0 / 256
        for k in range(0, len(context) + 1):  # from the empty context up to the longest
            ctx = context[len(context) - k:]
            seen = self.next.get(ctx)
            if seen is None:
                break
            total, types = self.totals[ctx], len(seen)
            p = (seen.get(byte, 0) + types * p) / (total + types)
        return p

    def __call__(self, piece: bytes) -> list[float]:
        padded = b"\x02" * (self.order - 1) + piece
        return [-math.log2(self.probability(padded[i - self.order + 1:i], padded[i]))
                for i in range(self.order - 1, len(padded))]


def spans(piece: bytes, surprisal: Sequence[float], constraint: str = "monotonic",
          threshold: float | None = None) -> list[bytes]:
    """The piece cut where a byte is not predictable enough to continue the span.

    >>> spans(b"abcab", [5.0, 1.0, 0.5, 4.0, 0.2])
    [b'abc', b'ab']
    >>> spans(b"abcab", [5.0, 1.0, 0.5, 4.0, 0.2], "global", threshold=0.8)
    [b'a', b'bc', b'ab']
    >>> spans(b" ab", [0.5, 6.0, 1.0])
    [b' ab']
    """
    if constraint not in CONSTRAINTS:
        raise OptionError(f"unknown ByteSpan constraint {constraint!r}; choose from {CONSTRAINTS}")
    if constraint != "monotonic" and threshold is None:
        raise OptionError(f"the {constraint} constraint needs a threshold")
    if len(surprisal) != len(piece):
        raise OptionError(f"the predictor gave {len(surprisal)} values for {len(piece)} bytes")
    out, start = [], 0
    for i in range(1, len(piece)):
        if i == 1 and piece[:1].isspace():
            continue  # the piece's leading space belongs to its word (see the module notes)
        rises = surprisal[i] > surprisal[i - 1]
        above = threshold is not None and surprisal[i] > threshold
        cut = {"monotonic": rises, "global": above, "combined": rises and above}[constraint]
        if cut:
            out.append(piece[start:i])
            start = i
    if piece:
        out.append(piece[start:])
    return out


def span_counts(counts: dict[bytes, int], predictor: Predictor, constraint: str,
                threshold: float | None) -> Counter:
    found: Counter = Counter()
    for piece, count in counts.items():
        for span in spans(piece, predictor(piece), constraint, threshold):
            if len(span) > 1:
                found[span] += count
    return found


@dataclass(kw_only=True)
class ByteSpanOptions(BytePairOptions):
    predictor: Callable[[bytes], Sequence[float]] | None = option(
        None, "per-byte surprisal of a piece (None: an n-gram byte model trained on the corpus)")
    order: int = option(4, "order of the default n-gram byte model")
    constraint: Literal["monotonic", "global", "combined"] = option(
        "monotonic", "where a span ends: surprisal rises, exceeds threshold, or both")
    threshold: float | None = option(None, "surprisal threshold of the global and combined constraints")


@trainer(METHOD, ByteSpanOptions)
def train_bytespan(corpus, options: ByteSpanOptions) -> Tokenizer:
    """Train ByteSpan: the ``vocab_size - 256`` most frequent multi-byte spans (ties by bytes)."""
    o = options
    vocab_size = o.model_size()
    report = o.reporter(METHOD)
    counts = count_pieces(corpus, o.pattern, o, progress=report)
    with report.phase("spans", total=len(counts), unit="piece"):
        predictor = o.predictor or NgramByteLM(counts, o.order)
        found = span_counts(counts, predictor, o.constraint, o.threshold)
    best = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[: vocab_size - 256]
    tokens = [bytes([b]) for b in range(256)] + sorted((s for s, _ in best), key=lambda t: (len(t), t))
    splitter = None if o.pattern is None else RegexSplitter(o.pattern)
    return o.tokenizer(longest_prefix_model(tokens), splitter, METHOD)
