"""SaGe: top-down vocabulary pruning by a skip-gram context objective.

Paper: Shaked Yehezkel, Yuval Pinter, "Incorporating Context into Subword Vocabularies"
(EACL 2023). Official code: MeLeLBGU/SaGe, released on PyPI as ``sage-tokenizer`` 2.0 (the
faster "SaGe 2.0" ablation: ``SaGeTokenizer.fast_sage``, ``SaGeVocabBuilder``), which is what is
compared here.

As published (and in the official code):

* start from a large vocabulary (here from BPE, ``init_factor`` times the target) and segment
  text greedily, longest token first (SaGe's own segmentation, also used at inference);
* train skip-gram embeddings with negative sampling on that token stream;
* score each multi-byte token by how the skip-gram log-likelihood of the text changes when the
  token is ablated: at each occurrence the token is replaced by the greedy segmentation that
  starts with a shorter token and runs until it rejoins the original path, and the terms
  ``log sigmoid(target . context)`` of the (target, context) pairs near the changed span are
  subtracted (original) and added (ablated);
* remove the multi-byte tokens whose ablation loses the least likelihood (or gains), in steps;
  single bytes always stay.

Differences from the official code (said plainly):

* pre-tokenization: the official code segments each whole line (newlines made spaces), with no
  pre-tokenizer; here text is pre-tokenized (``pattern``, the one the tokenizer uses at run
  time), so segmentation and ablation stay inside a piece, while contexts run across the pieces
  of a line;
* context of the ablation: the official code counts pairs within ``pad = 2`` tokens
  (``fast_sage``'s default, narrower than its word2vec window of 5) and leaves out pairs with one
  end on each side of the changed span; here pairs within ``window`` (default 5, the same as the
  skip-gram's) are counted, straddling pairs included, which makes the score the exact change of
  the objective for an isolated occurrence (:func:`ablation_scores` with ``straddling=False``
  and ``window=2`` gives the official scores; the tests hold it to ``sage-tokenizer``);
* vectors: the official code scores with gensim's input vectors for both target and context
  (one shared matrix); here the SGNS target and context matrices are separate, as the skip-gram
  objective defines them;
* the skip-gram model: the official code trains gensim Word2Vec (skip-gram, 50 dimensions, 15
  negatives, window 5 shrunk at random per position, 5 epochs, frequent-token subsampling
  ``1e-3``) on a shuffled sample of lines; here a small numpy SGNS (``dim`` 50, 5 negatives from
  the unigram^0.75 distribution, fixed window, no subsampling, ``epochs`` passes with linearly
  decaying rate) on the first ``sample_bytes`` (default 1 MB) of the corpus, in order;
* schedule: the official code follows a user-given list of vocabulary sizes and re-trains the
  embeddings only at the sizes of a second list; here each step keeps ``1 - prune_fraction`` of
  the removable tokens (default 0.15) and re-trains the embeddings at every step;
* unused tokens: the official code never prunes a token that does not occur in the sample (it is
  "inactive", given a random vector and kept), prunes ``active - target`` tokens, and so may end
  above the target size; here an unused token scores 0 and is ranked with the others (after
  tokens whose ablation gains likelihood, before those whose ablation loses it), so the
  vocabulary has exactly ``vocab_size`` ids;
* token length: the official tokenizer never matches a token longer than ``max_len`` (16)
  bytes; here the longest token of the vocabulary bounds the search;
* segmentation and ablation scores run in a compiled kernel (``_core._top_down``) that agrees
  with the readable :mod:`tokensmith._reference.sage` (scores up to floating-point summation
  order).

HF ``tokenizer.json`` represents the result as a WordPiece-like greedy longest-match only for
character vocabularies; byte-level greedy longest-prefix has no HF model, so the native format
saves it (a ``segmented`` model with method ``longest_prefix``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from .._core import kernel
from .._reference import sage as _reference
from .._reference.sage import ablate, greedy, log_sigmoid  # noqa: F401 (readable definitions)
from ..errors import OptionError, spell
from ..progress import Phase
from ..segmenters.models import SegmentedModel
from ..pre_tokenizers.patterns import compile_custom, resolve_pattern, split_keeping_gaps
from ..pre_tokenizers.splitters import RegexSplitter
from ..tokenizer import Tokenizer
from ..models.bpe.model import BPEModel
from .method_utils import count_pieces, merge_token_bytes, reusable
from ..models.bpe.trainer import train_bpe_from_counts
from .options import BytePairOptions, option
from .trainer import trainer

METHOD = "sage"


# -- greedy segmentation and its ablation: readable definitions in _reference/sage.py ------------
def _tokens_of(vocab: dict[bytes, int]) -> list[bytes]:
    tokens = [b""] * len(vocab)
    for t, i in vocab.items():
        tokens[i] = t
    return tokens


def segment_lines(lines: Sequence[list[bytes]], tokens: list[bytes]) -> list[np.ndarray]:
    """Each line's greedy (longest-first) token ids."""
    top_down = kernel("_top_down")
    if top_down is not None:
        return top_down.greedy_lines(lines, tokens)
    vocab, max_len = {t: i for i, t in enumerate(tokens)}, max(map(len, tokens))
    return [np.fromiter((t for p in pieces for t, _, _ in greedy(p, vocab, max_len)), np.int64)
            for pieces in lines]


# -- skip-gram with negative sampling ---------------------------------------------------------------
def pairs(lines: Sequence[np.ndarray], window: int) -> tuple[np.ndarray, np.ndarray]:
    """All (target, context) id pairs within ``window`` positions on each line."""
    targets, contexts = [], []
    for ids in lines:
        for d in range(1, window + 1):
            if len(ids) > d:
                targets += [ids[:-d], ids[d:]]
                contexts += [ids[d:], ids[:-d]]
    if not targets:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(targets), np.concatenate(contexts)


def train_skipgram(lines: Sequence[np.ndarray], vocab_size: int, *, dim: int = 50, window: int = 5,
                   negatives: int = 5, epochs: int = 2, rate: float = 0.025, batch: int = 2048,
                   seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``(target vectors, context vectors)`` of an SGNS model on the token lines."""
    rng = np.random.default_rng(seed)
    target_vecs = ((rng.random((vocab_size, dim)) - 0.5) / dim).astype(np.float32)
    context_vecs = np.zeros((vocab_size, dim), np.float32)
    t_all, c_all = pairs(lines, window)
    if len(t_all) == 0:
        return target_vecs, context_vecs
    freq = np.bincount(np.concatenate(list(lines)), minlength=vocab_size).astype(np.float64) ** 0.75
    noise = np.cumsum(freq / freq.sum())
    steps = epochs * ((len(t_all) + batch - 1) // batch)
    step = 0
    for _ in range(epochs):
        order = rng.permutation(len(t_all))
        for lo in range(0, len(order), batch):
            lr = rate * max(1e-4, 1 - step / steps)
            step += 1
            idx = order[lo:lo + batch]
            t = t_all[idx]
            c = np.concatenate([c_all[idx][:, None],
                                np.searchsorted(noise, rng.random((len(idx), negatives)))], axis=1)
            c = np.minimum(c, vocab_size - 1)
            label = np.zeros(c.shape, np.float32)
            label[:, 0] = 1
            vt, vc = target_vecs[t], context_vecs[c]                 # (b, d), (b, 1+n, d)
            score = 1 / (1 + np.exp(-np.clip(np.einsum("bd,bkd->bk", vt, vc), -30, 30)))
            g = (label - score) * lr                                  # gradient of log-likelihood
            # A batch holds a frequent token many times, and the sum of its (stale) gradients
            # could grow a vector without bound, to NaN, where word2vec's one-pair-at-a-time
            # updates correct themselves: vector norms are bounded instead.
            _add_bounded(target_vecs, t, np.einsum("bk,bkd->bd", g, vc))
            _add_bounded(context_vecs, c.ravel(), (g[:, :, None] * vt[:, None, :]).reshape(-1, vt.shape[1]))
    return target_vecs, context_vecs


# Largest norm a vector may reach (see _add_bounded); word2vec vectors stay well below it.
MAX_NORM = 10.0


def _add_bounded(vectors: np.ndarray, rows: np.ndarray, updates: np.ndarray) -> None:
    """``vectors[rows] += updates`` (summed per row), then the touched rows scaled back to at
    most :data:`MAX_NORM`."""
    np.add.at(vectors, rows, updates)
    touched = np.unique(rows)
    norms = np.linalg.norm(vectors[touched], axis=1)
    over = norms > MAX_NORM
    if over.any():
        vectors[touched[over]] *= (MAX_NORM / norms[over])[:, None].astype(np.float32)


def ablation_scores(lines: Sequence[list[bytes]], vocab: dict[bytes, int], max_len: int,
                    target_vecs: np.ndarray, context_vecs: np.ndarray, window: int,
                    straddling: bool = True) -> np.ndarray:
    """For each id, the change of the skip-gram log-likelihood when it is ablated (summed over its
    occurrences): ablated minus original. Near 0 or positive: the token is not needed.
    ``straddling=False`` leaves out the pairs across the changed span, as SaGe's official code.

    Compiled when built (equal to :func:`tokensmith._reference.sage.ablation_scores` up to
    floating-point summation order)."""
    top_down = kernel("_top_down")
    if top_down is None:
        return _reference.ablation_scores(lines, vocab, max_len, target_vecs, context_vecs, window,
                                          straddling)
    return top_down.ablation_scores(lines, _tokens_of(vocab), target_vecs, context_vecs, window, straddling)


# -- the trainer -------------------------------------------------------------------------------------
def sample_lines(texts: Iterable[str], pattern: str | None, sample_bytes: int) -> list[list[bytes]]:
    """Lines of the first ``sample_bytes`` of text, each as its list of pre-token bytes."""
    if pattern:  # the pieces encoding will see: text between matches included
        compiled = compile_custom(resolve_pattern(pattern)[0])
        finder = lambda s: split_keeping_gaps(compiled, s)  # noqa: E731
    else:
        finder = lambda s: [s]  # noqa: E731
    out, size = [], 0
    for text in texts:
        for line in text.splitlines(keepends=True):
            if size >= sample_bytes:
                return out
            pieces = [p.encode("utf-8") for p in finder(line) if p]
            if pieces:
                out.append(pieces)
                size += len(line)
    return out


def prune_with_context(lines: list[list[bytes]], tokens: list[bytes], vocab_size: int, *,
                       prune_fraction: float = 0.15, window: int = 5, dim: int = 50,
                       epochs: int = 2, seed: int = 0, progress: Phase | None = None) -> list[bytes]:
    """SaGe's loop: segment, embed, score by ablation, drop the least useful tokens; repeat.
    ``progress`` (a phase) counts the tokens removed."""
    tokens = list(tokens)
    while len(tokens) > vocab_size:
        vocab = {t: i for i, t in enumerate(tokens)}
        max_len = max(map(len, tokens))
        if progress is not None:
            progress.status(f"{len(tokens):,} tokens: segmenting and embedding")
        id_lines = segment_lines(lines, tokens)
        tv, cv = train_skipgram(id_lines, len(tokens), dim=dim, window=window, epochs=epochs, seed=seed)
        if progress is not None:
            progress.status(f"{len(tokens):,} tokens: ablation scores")
        scores = ablation_scores(lines, vocab, max_len, tv, cv, window)
        removable = [i for i, t in enumerate(tokens) if len(t) > 1]
        step = min(len(tokens) - vocab_size, max(1, int(len(removable) * prune_fraction)))
        # least useful first: highest (ablated - original) likelihood; ties by bytes
        removable.sort(key=lambda i: (-scores[i], tokens[i]))
        gone = set(removable[:step])
        tokens = [t for i, t in enumerate(tokens) if i not in gone]
        if progress is not None:
            progress.update(step)
    return tokens


def longest_prefix_model(tokens: Sequence[bytes]) -> SegmentedModel:
    return SegmentedModel(BPEModel(tokens, []), "longest_prefix")


@dataclass(kw_only=True)
class SageOptions(BytePairOptions):
    init_factor: float = option(2.0, "the initial BPE vocabulary is this many times vocab_size")
    prune_fraction: float = option(0.15, "share of the removable tokens dropped per round, in (0, 1]")
    sample_bytes: int = option(1_000_000, "bytes of the corpus the skip-gram model and the scores read")
    window: int = option(5, "context window of the skip-gram model and of the ablation scores")
    dim: int = option(50, "skip-gram vector size")
    epochs: int = option(3, "skip-gram training passes per round")
    seed: int = option(0, "random seed of the skip-gram model")


@trainer(METHOD, SageOptions)
def train_sage(corpus, options: SageOptions) -> Tokenizer:
    """Train SaGe from a BPE vocabulary ``init_factor`` times larger than ``vocab_size``."""
    o = options
    vocab_size = o.model_size()
    if o.init_factor < 1 or not 0 < o.prune_fraction <= 1 or o.window < 1 or o.dim < 1:
        raise OptionError(f"SaGe needs {spell('init_factor')} >= 1, 0 < {spell('prune_fraction')} <= 1, "
                          f"{spell('window')} >= 1, {spell('dim')} >= 1")
    texts = reusable(corpus)
    report = o.reporter(METHOD)
    counts = count_pieces(texts, o.pattern, o, progress=report)
    initial = int(vocab_size * o.init_factor) - 256
    with report.phase("initial BPE", total=initial, unit="merge") as phase:
        merges = train_bpe_from_counts(counts, initial, o.min_frequency, progress=phase.set)
    with report.phase("reading the sample"):
        lines = sample_lines(o.texts(texts), o.pattern, o.sample_bytes)
    tokens = merge_token_bytes(merges)
    with report.phase("pruning", total=max(0, len(tokens) - vocab_size), unit="token") as phase:
        tokens = prune_with_context(lines, tokens, vocab_size, prune_fraction=o.prune_fraction,
                                    window=o.window, dim=o.dim, epochs=o.epochs, seed=o.seed, progress=phase)
    tokens = tokens[:256] + sorted(tokens[256:], key=lambda t: (len(t), t))
    splitter = None if o.pattern is None else RegexSplitter(o.pattern)
    return o.tokenizer(longest_prefix_model(tokens), splitter, METHOD)
