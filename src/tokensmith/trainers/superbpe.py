"""SuperBPE: superword tokens learnt by a second BPE stage that may merge across whitespace.

Paper: Alisa Liu, Jonathan Hayase, Valentin Hofmann, Sewoong Oh, Noah A. Smith, Yejin Choi,
"SuperBPE: Space Travel for Language Models" (arXiv 2503.13423). Official code: PythonNut/superbpe
(``scripts/extend_tokenizer.sh``, ``utils.py``) and its fork of HF tokenizers (stage 2's resume).
The same idea of frequent word n-grams as single tokens appears as Multi-Word Tokenization and as
"supertokens".

As published:

* stage 1 is plain byte-level BPE with whitespace pre-tokenization, up to the *transition point*
  ``t`` (a vocabulary size);
* stage 2 resumes BPE from those ``t`` tokens (the first ``t - 256`` merges replayed on the new
  pieces) with the official stage-2 pre-tokenization, :data:`OFFICIAL_STAGE2_REGEX` used as an
  HF ``Split`` with ``behavior="isolated"``: digit groups of up to three, runs of two or more
  punctuation marks (with a leading space and trailing line breaks or ``/``), and runs of spaces
  not followed by a non-space are pieces of their own, and *everything between them is a piece
  too*. So superwords may cross spaces, line breaks, ``", "`` and ``". "``; :data:`SUPERWORD_PATTERN`
  is the same split written for a findall splitter (the isolated matches, or a run of characters
  where none of them starts);
* the model is one ordinary BPE merge list applied in rank order, with the stage-2 splitter; so
  stage-1 tokens (ids below ``t``) never contain a word boundary.

Adapted (said plainly):

* stage 1's default pre-tokenization is ``pattern`` (cl100k, as every trainer here, so methods
  compare fairly); the official stage 1 uses an o200k-like regex;
* ``max_words`` (default 4) caps how many whitespace-separated words a superword may hold; the
  official training code (the HF tokenizers fork) has no such cap: ``max_words=None`` removes it;
* ``transition="auto"`` uses the paper's best reported ratio (180k of a 200k vocabulary, 0.9);
  a number below 1 is a ratio of ``vocab_size``, a number from 257 up an absolute vocabulary size;
* both stages run in the shared (compiled) BPE trainer: stage 2 resumes from stage 1's merges
  (``initial_merges``, replayed on the stage-2 pieces exactly as training applies them) with a
  predicate refusing superwords of more than ``max_words`` words; same tie-break rule (highest
  count, then smallest ``(left bytes, right bytes)``). Stage 2 holds the distinct pieces and
  their counts only (counted by the shared pre-token counter), not the documents.

HF ``tokenizer.json`` can represent the result (byte-level BPE with a Split pre-tokenizer whose
regex is :data:`SUPERWORD_PATTERN`) wherever the HF exporter writes custom regex splitters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import OptionError, spell
from ..pre_tokenizers.patterns import resolve_pattern
from ..pre_tokenizers.splitters import RegexSplitter
from ..tokenizer import Tokenizer
from ..models.bpe.model import BPEModel
from .method_utils import count_pieces, merge_token_bytes, reusable
from ..models.bpe.trainer import count_corpus, make_counter, train_bpe_from_counts, worker_count
from .options import BytePairOptions, option
from .trainer import trainer

METHOD = "superbpe"
PUBLISHED_TRANSITION_RATIO = 0.9  # 180,000 of 200,000 in the paper

# Stage 2's pre-tokenization in the official code (scripts/extend_tokenizer.sh), a Split regex
# whose matches are isolated pieces and whose gaps are pieces too.
OFFICIAL_STAGE2_REGEX = r"""\p{N}{1,3}| ?[^\s\p{L}\p{N}]{2,}[\r\n/]*| +(?!\S)"""
# The same pieces as matches of one regex: an isolated match, or a gap (a run of characters at
# none of which the official regex matches).
SUPERWORD_PATTERN = f"""{OFFICIAL_STAGE2_REGEX}|(?:(?!{OFFICIAL_STAGE2_REGEX})[\\s\\S])+"""


def transition_size(transition, vocab_size: int) -> int:
    """The stage-1 vocabulary size for an option value ("auto", a ratio, or a size)."""
    if transition == "auto" or transition is None:
        transition = PUBLISHED_TRANSITION_RATIO
    if isinstance(transition, float) and 0 <= transition <= 1:
        size = max(256, int(round(vocab_size * transition)))
    elif isinstance(transition, int) and 256 <= transition <= vocab_size:
        size = transition
    else:
        raise OptionError(f"{spell('transition')} must be 'auto', a ratio in [0, 1] or a size in "
                          f"[256, {vocab_size}], got {transition!r}")
    return size


def word_count(token: bytes) -> int:
    return len(token.split())


def superword_filter(max_words: int | None):
    """The stage-2 predicate on a merged token's bytes (None: every merge allowed)."""
    if max_words is None:
        return None
    if not isinstance(max_words, int) or max_words < 1:
        raise OptionError(f"{spell('max_words')} must be an integer >= 1 or None, got {max_words!r}")
    return lambda token: word_count(token) <= max_words


# -- the trainer ---------------------------------------------------------------------------------
@dataclass(kw_only=True)
class SuperBPEOptions(BytePairOptions):
    transition: Literal["auto"] | float | int | None = option(
        "auto", "stage-1 vocabulary: 'auto' (the paper's 0.9), a ratio in [0, 1], or a size")
    max_words: int | None = option(4, "most words in one superword (None: no cap, as the official code)")


@trainer(METHOD, SuperBPEOptions)
def train_superbpe(corpus, options: SuperBPEOptions) -> Tokenizer:
    """Train SuperBPE: ``pattern`` pre-tokenizes stage 1, :data:`SUPERWORD_PATTERN` stage 2.

    ``corpus`` is read twice (once per stage's counts); a generator of texts is materialised.
    """
    o = options
    vocab_size = o.model_size()
    allowed = superword_filter(o.max_words)
    t = transition_size(o.transition, vocab_size)
    texts = reusable(corpus)
    report = o.reporter(METHOD)
    with report.phase("stage 1") as phase:
        phase.status("counting")
        counts = count_pieces(texts, o.pattern, o, progress=False)
        phase.status("merges")
        stage1 = train_bpe_from_counts(counts, t - 256, o.min_frequency)
    with report.phase("stage 2"):
        stage2 = train_stage_two(texts, stage1, vocab_size - 256 - len(stage1), o, o.min_frequency,
                                 allowed=allowed)
    merges = stage1 + stage2
    model = BPEModel(merge_token_bytes(merges), merges)
    return o.tokenizer(model, RegexSplitter(SUPERWORD_PATTERN), METHOD)


def train_stage_two(texts, stage1, num_merges: int, opts, min_frequency: int, *, allowed):
    """Stage 2: count the :data:`SUPERWORD_PATTERN` pieces, then resume the shared trainer from
    ``stage1`` on them (the counter hands its counts straight to the compiled merge loop)."""
    regex_string, compiled = resolve_pattern(SUPERWORD_PATTERN)
    counter = make_counter(compiled, regex_string)
    count_corpus(counter, texts, worker_count(opts.num_workers), progress=False, errors=opts.errors,
                 text_field=opts.text_field)
    return counter.train(num_merges, min_frequency, None, 256, initial_merges=stage1, allowed=allowed)
