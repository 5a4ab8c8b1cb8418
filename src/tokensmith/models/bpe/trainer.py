"""Byte-level BPE training: corpus -> pre-token counts -> merges -> :class:`~tokensmith.Tokenizer`.

Ids 0..255 are the single bytes in byte order; merge ``k`` creates id ``256 + k``.

Tie-break rule (the output is fully determined by the counts, whatever the number of workers):

1. the pair with the highest count merges first;
2. among equal counts, the pair whose ``(left token bytes, right token bytes)`` is
   lexicographically smallest;
3. a pair whose concatenation is already a token is never merged (every merge adds a new,
   distinct token);
4. training stops after ``num_merges`` merges or when the best count is below ``min_frequency``.

The compiled trainer (``tokensmith._core._bpe_train``) is used when built; the readable
pure-Python twin in :mod:`tokensmith._reference.bpe_train` otherwise. Both give the same merges.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Literal, Sequence

from ..._core import kernel
from ..._reference import bpe_train as _reference
from ..._reference.bpe import merge_token_bytes
from ...corpus import cut_units, iter_corpus
from ...errors import InputError, OptionError, lone_surrogate, spell
from ...progress import Progress
from ...pre_tokenizers.patterns import NAMED_PATTERNS, compile_custom, resolve_pattern, split_keeping_gaps
from ...pre_tokenizers.splitters import RegexSplitter
from ...tokenizer import Tokenizer
from .model import BPEModel
from ...trainers.options import BytePairOptions, option
from ...trainers.trainer import trainer


# Said when counting found nothing: the corpus may be empty, or the pattern only matched "".
NO_PIECES = ("no text to train on: the corpus is empty, or the split pattern matched no "
             "non-empty piece of it")


def train_bpe_from_counts(counts: dict[bytes, int], num_merges: int, min_frequency: int = 2,
                          *, progress: Callable[[int], None] | None = None,
                          initial_merges: Sequence[tuple[int, int]] = (),
                          allowed: Callable[[bytes], bool] | None = None) -> list[tuple[int, int]]:
    """The merges ``(left_id, right_id)``, in order, learnt from ``{pre-token bytes: count}``.

    ``progress``, if given, is called with the number of merges done so far, now and then.

    Resuming: ``initial_merges`` (ids 256, 257, ... in order) are applied first exactly as if
    training had chosen them; ``num_merges`` more are learnt after them and only those are
    returned (their ids continue after the initial ones). ``allowed(merged_bytes) -> bool``
    refuses merges (e.g. no token crossing a word boundary): a refused pair never merges.
    """
    _reference.check_counts_args(num_merges, min_frequency)
    bad = next((k for k, c in counts.items() if not isinstance(k, bytes) or c < 0), None)
    if bad is not None:
        raise OptionError(f"counts must map bytes to counts >= 0; got {bad!r}: {counts[bad]!r}")
    initial = check_initial_merges(initial_merges)
    core = kernel("_bpe_train")
    if core is None:
        merges = _reference.train_bpe_from_counts(counts, num_merges, min_frequency, initial, allowed)
        if progress is not None:
            progress(len(merges))
        return merges
    return core.train_from_counts(list(counts.keys()), list(counts.values()), num_merges,
                                  min_frequency, progress, initial_merges=initial, allowed=allowed)


def check_initial_merges(merges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``merges`` as a list of int pairs, each joining ids that exist before it into a new token."""
    out: list[tuple[int, int]] = []
    for k, merge in enumerate(merges):
        try:
            a, b = (int(x) for x in merge)
        except (TypeError, ValueError):
            raise OptionError(f"initial merge {k} must be a pair of ids, got {merge!r}") from None
        if not (0 <= a < 256 + k and 0 <= b < 256 + k):
            raise OptionError(f"initial merge {k} ({a}, {b}) uses an id not made yet (ids < {256 + k})")
        out.append((a, b))
    tokens = merge_token_bytes(out)
    known: set[bytes] = set()
    for tid, token in enumerate(tokens):
        if token in known:
            k = tid - 256
            raise OptionError(f"initial merge {k} {out[k]} makes {token!r}, already a token")
        known.add(token)
    return out


# -- training from a corpus -----------------------------------------------------------------------

BATCH_CHARS = 4 << 20  # text handed to the counter per call (split over the workers)
UNIT_BYTES = 1 << 20   # a work unit of the compiled counter: file chunks, and long texts cut to it
PROGRESS_EVERY = 256    # merges between two progress-bar updates


@dataclass(kw_only=True)
class BPEOptions(BytePairOptions):
    pattern: str = option("cl100k", "split pattern: gpt2 (= r50k), cl100k, o200k, llama3 or a regex")
    backend: Literal["local", "ray"] = option("local", "count on local threads, or in Ray tasks")
    ray_address: str | None = option(None, "Ray cluster to join (None: the running session, or a new local one)")


@trainer("bpe", BPEOptions)
def train_bpe(corpus, options: BPEOptions) -> Tokenizer:
    """Train a byte-level BPE tokenizer on ``corpus``.

    ``corpus``: a path (``.txt``, ``.jsonl``, ``.parquet``, ``.gz``) or a directory, a list of
    paths, or an iterable of ``str`` texts (see :mod:`tokensmith.corpus.sources`). ``vocab_size``
    counts the 256 bytes, the merges and the special tokens, which take the last ids.
    ``pattern``: a named split pattern (``gpt2``/``r50k``, ``cl100k``, ``o200k``, ``llama3``) or
    any regex. ``errors``: what to do with invalid UTF-8 in files (``strict`` raises, naming file
    and byte offset). ``text_field``: the JSON field or Parquet column holding the text.

    Counting runs on ``num_workers`` threads (default: every core); the result is byte-identical
    whatever their number. ``backend="ray"`` counts in Ray tasks instead (``ray_address``: the
    cluster to join; ``None`` joins the running session or starts a local one), then runs the
    same merge loop: the result is byte-identical (see :mod:`tokensmith.distributed.counting`).
    The options and their defaults: :class:`BPEOptions`.
    """
    o = options
    specials = _check_specials(o.special_tokens)
    if o.vocab_size < 256 + len(specials):
        raise OptionError(f"{spell('vocab_size')} must be at least 256 (bytes) + {len(specials)} (special "
                          f"tokens) = {256 + len(specials)}, got {o.vocab_size!r}")
    num_merges = o.vocab_size - 256 - len(specials)
    _reference.check_counts_args(num_merges, o.min_frequency)
    regex_string, compiled = _check_pattern(o.pattern)
    workers = worker_count(o.num_workers)
    report = o.reporter("bpe")

    if o.backend == "ray":
        from ...distributed.counting import CountsTrainer, count_corpus_on_ray

        with report.phase("counting (ray)"):
            counter = CountsTrainer(count_corpus_on_ray(corpus, compiled, regex_string, errors=o.errors,
                                                        text_field=o.text_field, address=o.ray_address))
    else:
        counter = make_counter(compiled, regex_string)
        count_corpus(counter, corpus, workers, progress=report, errors=o.errors, text_field=o.text_field)
    if len(counter) == 0:
        raise InputError(NO_PIECES)

    with report.phase("merges", total=num_merges, unit="merge") as phase:
        merges = counter.train(num_merges, o.min_frequency, phase.set, PROGRESS_EVERY)
        phase.note = f"{len(merges):,} merges"
    return build_tokenizer(merges, o.pattern, specials, o.name)


def worker_count(num_workers: int | None) -> int:
    """Threads to count on: ``num_workers``, or every core."""
    if num_workers is None:
        return os.cpu_count() or 1
    if num_workers < 1:
        raise OptionError(f"{spell('num_workers')} must be a positive integer, got {num_workers!r}")
    return num_workers


def build_tokenizer(merges: Sequence[tuple[int, int]], pattern: str,
                    specials: Sequence[str] = (), name: str | None = None) -> Tokenizer:
    """The tokenizer of byte-level ``merges`` (merge k makes id 256 + k), specials after them."""
    tokens = merge_token_bytes(merges)
    model = BPEModel(tokens, merges, semantics="merges")
    special_ids = {s: len(tokens) + i for i, s in enumerate(specials)}
    return Tokenizer(model, RegexSplitter(pattern), special_tokens=special_ids, name=name)


def count_corpus(counter, corpus, workers: int, *, progress: Progress | bool, errors: str,
                 text_field: str) -> None:
    """Feed every text of ``corpus`` to ``counter`` in batches of about BATCH_CHARS."""
    report = progress if isinstance(progress, Progress) else Progress(progress)
    batch: list[str | bytes] = []
    size = 0
    with report.phase("counting", unit="B", unit_scale=True) as phase:
        for text in iter_corpus(corpus, errors=errors, text_field=text_field, as_bytes=True,
                                chunk_size=UNIT_BYTES):
            batch.append(text)
            size += len(text)
            if size >= BATCH_CHARS:
                add_batch(counter, batch, workers)
                phase.update(size)
                batch, size = [], 0
        if batch:
            add_batch(counter, batch, workers)
            phase.update(size)


def add_batch(counter, batch: list[str | bytes], workers: int) -> None:
    try:
        counter.add_texts(batch, workers)
    except UnicodeEncodeError as exc:
        raise lone_surrogate(exc, "a corpus text") from None


def make_counter(compiled: str | None, regex_string: str | None, unit_bytes: int = UNIT_BYTES):
    """A pre-token counter: the compiled one when built, else the pure-Python one."""
    core = kernel("_bpe_train")
    if core is None:
        return PythonCounter(regex_string)
    if compiled is not None:
        return _CompiledCounter(core.PretokenCounter(compiled), unit_bytes)
    return _RegexFedCounter(core.PretokenCounter(""), regex_string)


class _CoreCounterWrapper:
    """A compiled pre-token counter behind a different ``add_texts``; the rest is the counter's."""

    def __len__(self) -> int:
        return len(self._counter)

    def counts(self) -> dict[bytes, int]:
        return self._counter.counts()

    def train(self, num_merges, min_frequency, progress, every, **resume):
        return self._counter.train(num_merges, min_frequency, progress, every, **resume)


class _CompiledCounter(_CoreCounterWrapper):
    """The compiled counter of a named pattern. Each text is one unit of work for its threads,
    so a text longer than two units is cut first where the named patterns split anyway
    (:func:`tokensmith.corpus.cut_units`): the counts stay those of the whole text."""

    def __init__(self, core_counter, unit_bytes: int):
        self._counter = core_counter
        self._unit = unit_bytes

    def add_texts(self, texts: list[str | bytes], num_threads: int = 1) -> None:
        limit = 2 * self._unit  # characters of a str, bytes of UTF-8 bytes
        if any(len(t) > limit for t in texts):
            texts = [u for t in texts for u in _units(t, self._unit)]
        self._counter.add_texts(texts, num_threads)


def _units(text: str | bytes, unit: int) -> Iterable[str | bytes]:
    if len(text) <= 2 * unit:
        return (text,)
    return cut_units(text.encode("utf-8") if isinstance(text, str) else text, unit)


class _RegexFedCounter(_CoreCounterWrapper):
    """The compiled counter fed with pieces split by ``regex`` (custom patterns)."""

    def __init__(self, core_counter, regex_string: str):
        self._counter = core_counter
        self._regex = compile_custom(regex_string)

    def add_texts(self, texts: list[str | bytes], num_threads: int = 1) -> None:
        def split(text):  # `regex` releases the GIL while matching with concurrent=True
            return split_keeping_gaps(self._regex, _as_str(text), concurrent=True)

        if num_threads > 1 and len(texts) > 1:
            with ThreadPoolExecutor(num_threads) as pool:
                for pieces in pool.map(split, texts):
                    self._counter.add_pieces(pieces)
        else:
            for text in texts:
                self._counter.add_pieces(split(text))



class PythonCounter:
    """Pure-Python pre-token counter (the twin of the compiled one; see :mod:`tokensmith._core`)."""

    def __init__(self, regex_string: str):
        self._regex = compile_custom(regex_string)
        self._counts: Counter[bytes] = Counter()

    def add_texts(self, texts: list[str | bytes], num_threads: int = 1) -> None:
        for text in texts:
            self._counts.update(p.encode("utf-8") for p in split_keeping_gaps(self._regex, _as_str(text)) if p)

    def __len__(self) -> int:
        return len(self._counts)

    def counts(self) -> dict[bytes, int]:
        return dict(self._counts)

    def train(self, num_merges, min_frequency, progress, every, **resume):
        return train_bpe_from_counts(dict(self._counts), num_merges, min_frequency, progress=progress,
                                     **resume)


def _as_str(text: str | bytes) -> str:
    return text if isinstance(text, str) else text.decode("utf-8")  # bytes from readers are valid


def _check_specials(special_tokens) -> list[str]:
    if isinstance(special_tokens, str):
        raise OptionError(f"{spell('special_tokens')} is a list of strings, not one string")
    specials = list(special_tokens)
    for s in specials:
        if not isinstance(s, str) or not s:
            raise OptionError(f"special tokens must be non-empty strings, got {s!r}")
    if len(set(specials)) != len(specials):
        raise OptionError(f"{spell('special_tokens')} has duplicates")
    return specials


def _check_pattern(pattern) -> tuple[str, str | None]:
    if not isinstance(pattern, str) or not pattern:
        raise OptionError(f"{spell('pattern')} must be a pattern name or a regex, got {pattern!r}")
    if pattern not in NAMED_PATTERNS and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", pattern):
        raise OptionError(f"unknown split pattern {pattern!r} (named patterns: "
                          f"{', '.join(sorted(NAMED_PATTERNS))}; or pass a regex)")
    regex_string, compiled = resolve_pattern(pattern)
    return regex_string, compiled
