"""PathPiece: a top-down vocabulary for least-tokens segmentation.

Paper: Craig W. Schmidt, Varshini Reddy, Haoran Zhang, Alec Alameddine, Omri Uzan, Yuval Pinter,
Chris Tanner, "Tokenization Is More Than Compression" (EMNLP 2024). Official code:
kensho-technologies/pathpiece (the segmenter only; the vocabulary construction is not released).

As published:

* segmentation is the shortest path over the token lattice of a pre-token (fewest tokens) with
  the official code's default tie-break (``opt_encode_rust_longest_tiebreaker``): among the
  fewest-token segmentations, the longest token ending at each position, read back from the end.
  This is ``least_tokens`` of :mod:`tokensmith.segmenters`; the mirrored tie-break (longest *first*
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

from dataclasses import dataclass
from typing import Sequence

from .._core import kernel
from .._reference import pathpiece as _reference
from .._reference.pathpiece import lattice, shortest_path  # noqa: F401 (the readable definitions)
from ..errors import OptionError, spell
from ..progress import Phase
from ..segmenters.models import SegmentedModel
from ..pre_tokenizers.splitters import RegexSplitter
from ..tokenizer import Tokenizer
from ..models.bpe.model import BPEModel
from .method_utils import count_pieces, merge_token_bytes
from ..models.bpe.trainer import train_bpe_from_counts
from .options import BytePairOptions, option
from .trainer import trainer

METHOD = "pathpiece"
PUBLISHED_MAX_TOKEN_LENGTH = 16  # the paper's L, in bytes


def removal_costs(counts: dict[bytes, int], tokens: Sequence[bytes]) -> tuple[dict[int, int], dict[int, int], int]:
    """``(cost, uses, total tokens)``: for each token on a shortest path, how many more tokens the
    corpus needs without it, and how often it is used (compiled when built; same answer as
    :func:`tokensmith._reference.pathpiece.removal_costs`)."""
    top_down = kernel("_top_down")
    if top_down is None:
        return _reference.removal_costs(counts, tokens)
    cost, uses, total = top_down.removal_costs(list(counts), list(counts.values()), list(tokens))
    on_path = [i for i, u in enumerate(uses) if u]
    return ({i: cost[i] for i in on_path if len(tokens[i]) > 1}, {i: uses[i] for i in on_path}, total)


def prune_to(counts: dict[bytes, int], tokens: list[bytes], vocab_size: int,
             prune_fraction: float = 0.1, progress: Phase | None = None) -> list[bytes]:
    """Remove the cheapest multi-byte tokens, a round at a time, until ``vocab_size`` remain
    (``progress``, a phase, counts the tokens removed)."""
    tokens = list(tokens)
    while len(tokens) > vocab_size:
        cost, uses, _ = removal_costs(counts, tokens)
        removable = [i for i, t in enumerate(tokens) if len(t) > 1]
        step = min(len(tokens) - vocab_size, max(1, int(len(removable) * prune_fraction)))
        removable.sort(key=lambda i: (cost.get(i, 0), uses.get(i, 0), tokens[i]))
        gone = set(removable[:step])
        tokens = [t for i, t in enumerate(tokens) if i not in gone]
        if progress is not None:
            progress.update(step)
    return tokens


def least_tokens_model(tokens: Sequence[bytes]) -> SegmentedModel:
    """A byte-level vocabulary segmented with fewest tokens (ids in the order given)."""
    return SegmentedModel(BPEModel(tokens, []), "least_tokens")


@dataclass(kw_only=True)
class PathPieceOptions(BytePairOptions):
    init_factor: float = option(2.0, "the initial BPE vocabulary is this many times vocab_size")
    prune_fraction: float = option(0.1, "share of the removable tokens dropped per round, in (0, 1]")
    max_token_length: int | None = option(PUBLISHED_MAX_TOKEN_LENGTH,
                                          "longest token in bytes (the paper's L; None: no limit)")


@trainer(METHOD, PathPieceOptions)
def train_pathpiece(corpus, options: PathPieceOptions) -> Tokenizer:
    """Train PathPiece from a BPE vocabulary ``init_factor`` times larger than ``vocab_size``,
    whose tokens are at most ``max_token_length`` bytes (None: no limit)."""
    o = options
    vocab_size = o.model_size()
    if o.init_factor < 1:
        raise OptionError(f"{spell('init_factor')} must be >= 1, got {o.init_factor}")
    if not 0 < o.prune_fraction <= 1:
        raise OptionError(f"{spell('prune_fraction')} must be in (0, 1], got {o.prune_fraction}")
    max_len = o.max_token_length
    if max_len is not None and max_len < 2:
        raise OptionError(f"{spell('max_token_length')} must be an integer >= 2 or None, got {max_len!r}")
    report = o.reporter(METHOD)
    counts = count_pieces(corpus, o.pattern, o, progress=report)
    allowed = None if max_len is None else (lambda token: len(token) <= max_len)
    initial = int(vocab_size * o.init_factor) - 256
    with report.phase("initial BPE", total=initial, unit="merge") as phase:
        merges = train_bpe_from_counts(counts, initial, o.min_frequency, allowed=allowed, progress=phase.set)
    tokens = merge_token_bytes(merges)
    with report.phase("pruning", total=max(0, len(tokens) - vocab_size), unit="token") as phase:
        tokens = prune_to(counts, tokens, vocab_size, o.prune_fraction, progress=phase)
    # Keep bytes first, then the surviving tokens shortest first (a stable, readable id order).
    tokens = tokens[:256] + sorted(tokens[256:], key=lambda t: (len(t), t))
    splitter = None if o.pattern is None else RegexSplitter(o.pattern)
    return o.tokenizer(least_tokens_model(tokens), splitter, METHOD)
