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
* both stages run in the shared (compiled) BPE trainer: stage 2 resumes from stage 1's merges
  (``initial_merges``, replayed on the stage-2 spans exactly as training applies them) with a
  predicate refusing superwords of more than ``max_words`` words; same tie-break rule (highest
  count, then smallest ``(left bytes, right bytes)``). Stage 2 holds the distinct spans and their
  counts only (counted by the shared pre-token counter), so its memory grows with the number of
  distinct spans, not with the corpus.

HF ``tokenizer.json`` can represent the result (byte-level BPE with a Split pre-tokenizer whose
regex is :data:`SUPERWORD_PATTERN`) wherever the HF exporter writes custom regex splitters.
"""

from __future__ import annotations

import os

from ..errors import OptionError
from ..split import resolve_pattern
from ..splitters import RegexSplitter
from ..tokenizer import Tokenizer
from ..vocab.bpe import BPEModel
from ._method_utils import DEFAULT_PATTERN, corpus_options, count_pieces, merge_token_bytes, reusable
from .bpe import count_corpus, make_counter, train_bpe_from_counts

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
    stage2 = train_stage_two(texts, stage1, vocab_size - 256 - len(stage1), opts, min_frequency,
                             allowed=lambda b: word_count(b) <= max_words)
    merges = stage1 + stage2
    model = BPEModel(merge_token_bytes(merges), merges)
    return opts.tokenizer(model, RegexSplitter(SUPERWORD_PATTERN), name or METHOD)


def train_stage_two(texts, stage1, num_merges: int, opts, min_frequency: int, *, allowed):
    """Stage 2: count the :data:`SUPERWORD_PATTERN` spans, then resume the shared trainer from
    ``stage1`` on them (the counter hands its counts straight to the compiled merge loop)."""
    regex_string, compiled = resolve_pattern(SUPERWORD_PATTERN)
    counter = make_counter(compiled, regex_string)
    count_corpus(counter, texts, opts.num_workers or os.cpu_count() or 1, progress=opts.progress,
                 errors=opts.errors, text_field=opts.text_field)
    return counter.train(num_merges, min_frequency, None, 256, initial_merges=stage1, allowed=allowed)
