"""PathPiece: a top-down vocabulary for least-tokens segmentation.

Paper: Craig W. Schmidt, Varshini Reddy, Haoran Zhang, Alec Alameddine, Omri Uzan, Yuval Pinter,
Chris Tanner, "Tokenization Is More Than Compression" (EMNLP 2024). Official code:
kensho-technologies/pathpiece (the segmenter only; the vocabulary construction is not released).

As published:

* segmentation is the shortest path over the token lattice of a pre-token (fewest tokens) with
  the official code's default tie-break (``opt_encode_rust_longest_tiebreaker``): among the
  fewest-token segmentations, the longest token ending at each position, read back from the end.
  This is ``least_tokens`` of :mod:`tokensmith.segment`; the mirrored tie-break (longest *first*
  token) stays available as ``least_tokens_longest_first``. The official code's other
  tie-break, a seeded random choice among the equally short paths, is not reproduced;
* tokens are at most ``max_token_length`` bytes (default 16, the paper's ``L``; the official
  segmenter takes ``L`` from the longest token and its README asks for vocabularies of about 16);
* the vocabulary is built top-down: start from a large vocabulary (here initialised from BPE, one
  of the paper's initialisations), segment the training data, and repeatedly remove the tokens
  whose removal increases the total number of tokens the least, until the target size remains;
* single bytes are never removed, so every text stays encodable.

Adapted:

* the initial BPE never merges a token longer than ``max_token_length`` bytes (the length cap of
  HF's BPE trainer, in bytes rather than characters);
* the costs are computed by a compiled kernel (``_core._top_down``) that agrees exactly with the
  readable :mod:`tokensmith._reference.pathpiece`;
* the cost of removing a token is computed exactly per distinct pre-token (the increase of its
  shortest path when that token is unavailable, times its count) and summed, for every token on
  a current shortest path; tokens on no shortest path cost 0. Ties are broken by fewer uses, then
  by the token's bytes, so training is deterministic;
* each round removes at most ``prune_fraction`` (default 10%) of the removable tokens, then
  re-segments; the initial BPE vocabulary is ``init_factor`` (default 2) times the target size.

HF ``tokenizer.json`` has no least-tokens model: the native format saves it (a ``segmented``
model with method ``least_tokens`` over a byte-level vocabulary). An HF Unigram model with equal
scores also finds a fewest-tokens path, but may break ties differently.
"""

from __future__ import annotations

from typing import Sequence

from .._reference import pathpiece as _reference
from .._reference.pathpiece import lattice, shortest_path  # noqa: F401 (the readable definitions)
from ..errors import OptionError
from ..segment.models import SegmentedModel
from ..splitters import RegexSplitter
from ..tokenizer import Tokenizer
from ..vocab.bpe import BPEModel
from ._method_utils import DEFAULT_PATTERN, corpus_options, count_pieces, merge_token_bytes
from .bpe import train_bpe_from_counts

METHOD = "pathpiece"
PUBLISHED_MAX_TOKEN_LENGTH = 16  # the paper's L, in bytes


def _kernel():
    try:
        from .._core import _top_down
    except ImportError:  # compiled core not built: the readable reference
        return None
    return _top_down


def removal_costs(counts: dict[bytes, int], tokens: Sequence[bytes]) -> tuple[dict[int, int], dict[int, int], int]:
    """``(cost, uses, total tokens)``: for each token on a shortest path, how many more tokens the
    corpus needs without it, and how often it is used (compiled when built; same answer as
    :func:`tokensmith._reference.pathpiece.removal_costs`)."""
    kernel = _kernel()
    if kernel is None:
        return _reference.removal_costs(counts, tokens)
    cost, uses, total = kernel.removal_costs(list(counts), list(counts.values()), list(tokens))
    on_path = [i for i, u in enumerate(uses) if u]
    return ({i: cost[i] for i in on_path if len(tokens[i]) > 1}, {i: uses[i] for i in on_path}, total)


def prune_to(counts: dict[bytes, int], tokens: list[bytes], vocab_size: int,
             prune_fraction: float = 0.1) -> list[bytes]:
    """Remove the cheapest multi-byte tokens, a round at a time, until ``vocab_size`` remain."""
    tokens = list(tokens)
    while len(tokens) > vocab_size:
        cost, uses, _ = removal_costs(counts, tokens)
        removable = [i for i, t in enumerate(tokens) if len(t) > 1]
        step = min(len(tokens) - vocab_size, max(1, int(len(removable) * prune_fraction)))
        removable.sort(key=lambda i: (cost.get(i, 0), uses.get(i, 0), tokens[i]))
        gone = set(removable[:step])
        tokens = [t for i, t in enumerate(tokens) if i not in gone]
    return tokens


def least_tokens_model(tokens: Sequence[bytes]) -> SegmentedModel:
    """A byte-level vocabulary segmented with fewest tokens (ids in the order given)."""
    return SegmentedModel(BPEModel(tokens, []), "least_tokens")


def train_pathpiece(corpus, vocab_size: int, *, pattern: str | None = DEFAULT_PATTERN,
                    init_factor: float = 2.0, prune_fraction: float = 0.1, min_frequency: int = 2,
                    max_token_length: int | None = PUBLISHED_MAX_TOKEN_LENGTH,
                    name: str | None = None, **options) -> Tokenizer:
    """Train PathPiece from a BPE vocabulary ``init_factor`` times larger than ``vocab_size``,
    whose tokens are at most ``max_token_length`` bytes (None: no limit)."""
    opts = corpus_options(options)
    vocab_size = opts.model_size(vocab_size)
    if init_factor < 1:
        raise OptionError(f"init_factor must be >= 1, got {init_factor}")
    if not 0 < prune_fraction <= 1:
        raise OptionError(f"prune_fraction must be in (0, 1], got {prune_fraction}")
    if max_token_length is not None and (not isinstance(max_token_length, int) or max_token_length < 2):
        raise OptionError(f"max_token_length must be an integer >= 2 or None, got {max_token_length!r}")
    counts = count_pieces(corpus, pattern, opts)
    allowed = None if max_token_length is None else (lambda token: len(token) <= max_token_length)
    merges = train_bpe_from_counts(counts, int(vocab_size * init_factor) - 256, min_frequency,
                                   allowed=allowed)
    tokens = prune_to(counts, merge_token_bytes(merges), vocab_size, prune_fraction)
    # Keep bytes first, then the surviving tokens shortest first (a stable, readable id order).
    tokens = tokens[:256] + sorted(tokens[256:], key=lambda t: (len(t), t))
    splitter = None if pattern is None else RegexSplitter(pattern)
    return opts.tokenizer(least_tokens_model(tokens), splitter, name or METHOD)
