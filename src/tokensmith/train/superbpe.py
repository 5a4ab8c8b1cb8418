"""SuperBPE: superword tokens learnt by a second BPE stage that may merge across whitespace.

Paper: Alisa Liu, Jonathan Hayase, Valentin Hofmann, Sewoong Oh, Noah A. Smith, Yejin Choi,
"SuperBPE: Space Travel for Language Models" (arXiv 2503.13423). The same idea of frequent word
n-grams as single tokens appears as Multi-Word Tokenization and as "supertokens".

As published:

* stage 1 is plain byte-level BPE with whitespace pre-tokenization, up to the *transition point*
  ``t`` (a vocabulary size);
* stage 2 resumes BPE from those ``t`` tokens with a pre-tokenization that no longer splits on
  whitespace (digits are still split into groups of three), so merges may join words;
* the model is one ordinary BPE merge list applied in rank order; only the splitter differs from
  stage 1's, so stage-1 tokens (ids below ``t``) never contain a word boundary.

Adapted (said plainly):

* stage 2 does not keep documents in memory. Its pre-tokenization (:data:`SUPERWORD_PATTERN`,
  saved with the tokenizer as a regex splitter) cuts text at line breaks, at digits and after
  clause punctuation followed by a space (``.`` ``,`` ``;`` ``:`` ``!`` ``?``); the resulting
  spans are counted, so candidate supermerges are aggregated by frequency over distinct spans.
  No superword therefore spans a sentence or clause boundary;
* ``max_words`` (default 4) caps how many whitespace-separated words a superword may hold;
* ``transition="auto"`` uses the paper's best reported ratio (180k of a 200k vocabulary, 0.9);
  a number below 1 is a ratio of ``vocab_size``, a number from 257 up an absolute vocabulary size;
* stage 1 uses the shared BPE trainer; stage 2 continues from its merges with the same
  tie-break rule (highest count, then smallest ``(left bytes, right bytes)``) in
  :func:`continue_bpe`, because the shared trainer cannot resume from given merges.

HF ``tokenizer.json`` can represent the result (byte-level BPE with a Split pre-tokenizer whose
regex is :data:`SUPERWORD_PATTERN`) wherever the HF exporter writes custom regex splitters.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from typing import Callable, Sequence

from ..errors import OptionError
from ..splitters import RegexSplitter
from ..tokenizer import Tokenizer
from ..vocab.bpe import BPEModel
from ._method_utils import DEFAULT_PATTERN, corpus_options, count_pieces, merge_token_bytes, reusable
from .bpe import train_bpe_from_counts

METHOD = "superbpe"
PUBLISHED_TRANSITION_RATIO = 0.9  # 180,000 of 200,000 in the paper

# Stage-2 pieces: digit groups, line breaks, and spans of words up to clause punctuation.
SUPERWORD_PATTERN = (r"""\p{N}{1,3}|\s*[\r\n]+"""
                     r"""|[^\r\n\p{N}]+?(?:[.,;:!?]+(?=\s)|(?=[\r\n\p{N}])|\z)""")


def transition_size(transition, vocab_size: int) -> int:
    """The stage-1 vocabulary size for an option value ("auto", a ratio, or a size)."""
    if transition == "auto" or transition is None:
        transition = PUBLISHED_TRANSITION_RATIO
    if isinstance(transition, float) and 0 <= transition <= 1:
        size = max(256, int(round(vocab_size * transition)))
    elif isinstance(transition, int) and 256 <= transition <= vocab_size:
        size = transition
    else:
        raise OptionError(f"transition must be 'auto', a ratio in [0, 1] or a size in "
                          f"[256, {vocab_size}], got {transition!r}")
    return size


def word_count(token: bytes) -> int:
    return len(token.split())


# -- stage 2 -------------------------------------------------------------------------------------
def continue_bpe(sequences: Sequence[list[int]], counts: Sequence[int], token_bytes: list[bytes],
                 num_merges: int, min_frequency: int = 2, *,
                 allowed: Callable[[bytes], bool] | None = None) -> list[tuple[int, int]]:
    """More merges on id sequences that already carry earlier merges (new ids continue the list).

    Same rule as the shared trainer: highest pair count first, then the smallest
    ``(left bytes, right bytes)``; a pair whose concatenation is already a token, or which
    ``allowed`` rejects, never merges. ``token_bytes`` is extended in place.

    >>> toks = [bytes([b]) for b in range(256)]
    >>> continue_bpe([[97, 32, 98]], [5], toks, 3)
    [(32, 98), (97, 256)]
    """
    words = [list(s) for s in sequences]
    freqs = list(counts)
    known = set(token_bytes)
    pair_count: dict[tuple[int, int], int] = defaultdict(int)
    where: dict[tuple[int, int], set[int]] = defaultdict(set)
    for i, w in enumerate(words):
        for pair in zip(w, w[1:]):
            pair_count[pair] += freqs[i]
            where[pair].add(i)

    def entry(pair):
        return (-pair_count[pair], token_bytes[pair[0]], token_bytes[pair[1]], pair)

    heap = [entry(p) for p in pair_count]
    heapq.heapify(heap)
    merges: list[tuple[int, int]] = []
    while heap and len(merges) < num_merges:
        neg, _, _, pair = heapq.heappop(heap)
        if -neg != pair_count.get(pair, 0):
            continue  # stale entry; the current count was pushed when it changed
        if -neg < min_frequency:
            break
        merged = token_bytes[pair[0]] + token_bytes[pair[1]]
        if merged in known or (allowed is not None and not allowed(merged)):
            continue
        new_id = len(token_bytes)
        token_bytes.append(merged)
        known.add(merged)
        merges.append(pair)
        touched = set()
        for i in where.pop(pair, ()):
            w, f = words[i], freqs[i]
            out, j = [], 0
            while j < len(w):
                if j + 1 < len(w) and w[j] == pair[0] and w[j + 1] == pair[1]:
                    out.append(new_id)
                    j += 2
                else:
                    out.append(w[j])
                    j += 1
            if len(out) == len(w):
                continue
            for p in zip(w, w[1:]):
                pair_count[p] -= f
                touched.add(p)
            for p in zip(out, out[1:]):
                pair_count[p] += f
                where[p].add(i)
                touched.add(p)
            words[i] = out
        pair_count.pop(pair, None)
        for p in touched:
            c = pair_count.get(p, 0)
            if c <= 0:
                pair_count.pop(p, None)
            elif p != pair:
                heapq.heappush(heap, entry(p))
    return merges


# -- the trainer ---------------------------------------------------------------------------------
def train_superbpe(corpus, vocab_size: int, *, transition="auto", pattern: str | None = DEFAULT_PATTERN,
                   max_words: int = 4, min_frequency: int = 2, name: str | None = None,
                   **options) -> Tokenizer:
    """Train SuperBPE: ``pattern`` pre-tokenizes stage 1, :data:`SUPERWORD_PATTERN` stage 2.

    ``corpus`` is read twice (once per stage's counts); a generator of texts is materialised.
    """
    opts = corpus_options(options)
    vocab_size = opts.model_size(vocab_size)
    if max_words < 1:
        raise OptionError(f"max_words must be >= 1, got {max_words}")
    t = transition_size(transition, vocab_size)
    texts = reusable(corpus)
    stage1 = train_bpe_from_counts(count_pieces(texts, pattern, opts), t - 256, min_frequency)
    tokens = merge_token_bytes(stage1)
    stage1_model = BPEModel(tokens, stage1)

    spans = count_pieces(texts, SUPERWORD_PATTERN, opts)
    keys = list(spans)
    sequences = [stage1_model.encode_pieces([k]) for k in keys]
    stage2 = continue_bpe(sequences, [spans[k] for k in keys], tokens, vocab_size - 256 - len(stage1),
                          min_frequency, allowed=lambda b: word_count(b) <= max_words)
    merges = stage1 + stage2
    model = BPEModel(tokens, merges)
    return opts.tokenizer(model, RegexSplitter(SUPERWORD_PATTERN), name or METHOD)

