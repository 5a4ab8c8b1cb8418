"""Small helpers the literature trainers share: reading a corpus argument and counting pre-tokens.

Corpora are read and counted by the same code as ``train_bpe`` (paths, JSONL, Parquet or
iterables of str; compiled counting when built), so every method accepts the same corpus forms
and the options every method shares (:class:`~tokensmith.trainers.options.CorpusOptions`).
"""

from __future__ import annotations

from collections import Counter

from .._reference.bpe import merge_token_bytes  # noqa: F401 (the methods' import of it)
from ..errors import InputError
from ..pre_tokenizers.patterns import resolve_pattern
from ..models.bpe.trainer import NO_PIECES, count_corpus, make_counter, worker_count
from .options import CorpusOptions, check_vocab_size  # noqa: F401 (the shared options live there)

DEFAULT_PATTERN = "cl100k"  # as train_bpe, so that methods and plain BPE compare fairly
# How to read a corpus when counting outside a trainer (no options given): the shared defaults.
READING_DEFAULTS = CorpusOptions(vocab_size=0, progress=False)


def reusable(corpus):
    """``corpus`` in a form that can be read twice (a generator of texts is materialised)."""
    return corpus if isinstance(corpus, (list, tuple)) else list(corpus)


def count_pieces(corpus, pattern: str | None = DEFAULT_PATTERN, options: CorpusOptions | None = None,
                 progress=None) -> dict[bytes, int]:
    """``{piece bytes: count}`` of the regex pieces of every text of ``corpus`` (paths or texts),
    counted by the shared (compiled when built) pre-token counter; ``progress``: a
    :class:`~tokensmith.progress.Progress` for the counting phase."""
    options = options or READING_DEFAULTS
    if pattern is None:
        counts: Counter = Counter(t.encode("utf-8") for t in options.texts(corpus))
    else:
        regex_string, compiled = resolve_pattern(pattern)
        counter = make_counter(compiled, regex_string)
        count_corpus(counter, corpus, worker_count(options.num_workers),
                     progress=progress if progress is not None else options.progress,
                     errors=options.errors, text_field=options.text_field)
        counts = counter.counts()
    if not counts:
        raise InputError(NO_PIECES)
    return dict(counts)


