"""Unigram LM training, as SentencePiece does it: corpus -> words -> seed -> EM + pruning -> Tokenizer.

Kudo (2018), "Subword Regularization" (the algorithm: :mod:`tokensmith.models.unigram.em`).
Example::

    from tokensmith.models.unigram.trainer import train_unigram
    tok = train_unigram("corpus.txt", vocab_size=8000)
    tok.encode("Hello world")          # Viterbi segmentation

The tokenizer's vocabulary is ``<unk>`` (id 0), then ``special_tokens`` (control pieces that never
match text), then with ``byte_fallback`` the 256 byte pieces ``<0x00>`` … ``<0xFF>``, then the
learnt pieces by decreasing score; ``vocab_size`` counts them all. Its normalizer is NFKC, every
whitespace run as one space, and SentencePiece's ``▁`` escaping with a dummy prefix (what the
trainer saw); its decoder turns ``▁`` back into spaces.

:func:`train_unigram_pieces` returns the learnt ``(piece, log-probability)`` pairs alone, from
``{word: count}`` (words without the ``▁``).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Callable, ClassVar, Iterable

from ..._core import kernel
from ...errors import InputError, OptionError, spell
from ...progress import Phase, Progress
from . import em as unigram_em, words as unigram_words
from ..bpe.trainer import worker_count
from ...trainers.options import CorpusOptions, option
from ...trainers.trainer import trainer
from .scripts import script_ids

UNK = "<unk>"


def _engine_class(use_reference: bool):
    core = None if use_reference else kernel("_unigram_train")
    if core is not None:
        return core.Engine
    from ..._reference.unigram_train import ReferenceEngine

    return ReferenceEngine


def train_unigram_pieces(word_counts: dict[str, int], size: int, *, character_coverage: float = 0.9995,
                         max_piece_length: int = 16, seed_size: int = 1_000_000,
                         shrinking_factor: float = 0.75, num_sub_iterations: int = 2,
                         num_threads: int | None = None, use_reference: bool = False,
                         progress: Callable[[str, int], None] | None = None,
                         history: list | None = None, exclude: Iterable[str] = ()) -> list[tuple[str, float]]:
    """``size`` pieces (or fewer, if the corpus has fewer) with their log-probabilities, best first.

    Multi-character pieces in ``exclude`` (reserved names) are never chosen.

    ``history``, if a list, receives one :class:`~tokensmith.models.unigram.em.RoundLog` per EM step.
    ``progress``, if given, is called with ``(stage, number of pieces)`` after the seed
    (``"seed"``), after each EM round (``"em"``) and after each pruning (``"prune"``).
    """
    _check_options(size, character_coverage, max_piece_length, seed_size, shrinking_factor,
                   num_sub_iterations)
    exclude = frozenset(exclude)
    words = {w: int(c) for w, c in word_counts.items() if w and c > 0}
    if not words:
        raise InputError("the corpus has no words to train on")
    chars = unigram_words.char_counts(words)
    covered = unigram_words.covered_characters(chars, character_coverage)
    if len(covered) > size:
        # Speak of the vocabulary size the caller chose: the reserved pieces count in it.
        reserved = len(exclude)
        room = (f"vocabulary size {size + reserved} leaves {size} pieces after the {reserved} "
                "reserved ones, fewer" if reserved else f"vocabulary size {size} is smaller")
        raise OptionError(f"{room} than the {len(covered)} characters that "
                          f"{spell('character_coverage', character_coverage)} requires; raise the vocabulary "
                          "size or lower character_coverage")
    segs, freqs = unigram_words.segments(words, covered)
    _check_positions(segs)
    engine = _engine_class(use_reference)(segs, [float(f) for f in freqs], script_ids(covered),
                                          max_piece_length, num_threads or os.cpu_count() or 1)
    pieces, log = unigram_em.train_pieces(
        engine, {c: chars[c] for c in covered}, size, corpus_weight=float(sum(freqs)),
        seed_size=seed_size, shrinking_factor=shrinking_factor,
        num_sub_iterations=num_sub_iterations, exclude=frozenset(exclude), progress=progress)
    if history is not None:
        history.extend(log)
    return pieces


# The compiled engine's suffix array, its intervals and segment ids are uint32: the distinct
# words' characters, each word followed by an end mark, must number at most 2^32.
MAX_POSITIONS = 1 << 32


def _check_positions(segs: list[str]) -> None:
    positions = sum(map(len, segs)) + len(segs)
    if positions > MAX_POSITIONS:
        raise InputError(f"the corpus's distinct words hold {positions:,} characters, more than the "
                         f"{MAX_POSITIONS:,} the Unigram trainer indexes (a 32-bit suffix array); "
                         "train on a sample of the corpus")


@dataclass(kw_only=True)
class UnigramOptions(CorpusOptions):
    ALIASES: ClassVar[dict[str, str]] = {"num_threads": "num_workers"}

    vocab_size: int = option(8000)
    character_coverage: float = option(0.9995, "share of the corpus characters the vocabulary must cover")
    byte_fallback: bool = option(False, "add the 256 byte pieces <0x00>..<0xFF>, so no text is unknown")
    max_piece_length: int = option(16, "longest piece, in characters")
    seed_size: int = option(1_000_000, "substrings in the seed vocabulary")
    shrinking_factor: float = option(0.75, "share of the pieces each pruning round keeps")
    num_sub_iterations: int = option(2, "EM steps between two prunings")


@trainer("unigram", UnigramOptions)
def train_unigram(corpus, options: UnigramOptions):
    """Train a Unigram tokenizer of ``vocab_size`` ids on ``corpus`` (fewer, with a warning, if
    the corpus has fewer pieces to offer).

    ``corpus``: a path (text, JSON Lines, Parquet, gzip: see :mod:`tokensmith.corpus`), a list of
    paths, or an iterable of texts; ``errors`` and ``text_field`` are passed to the reader.
    """
    from ...decoders.common import MetaspaceDecoder
    from ...normalizers.common import Replace, SentencePieceNormalizer, SequenceNormalizer, UnicodeNormalizer
    from ...tokenizer import Tokenizer
    from .model import UnigramModel, byte_piece

    o = options
    specials = list(dict.fromkeys(o.special_tokens))
    if any(len(s) < 2 for s in specials):
        raise OptionError("special tokens must be strings of two or more characters")
    if UNK in specials:
        raise OptionError(f"{UNK} is always id 0; do not list it in {spell('special_tokens')}")
    reserved = [UNK] + specials + ([byte_piece(b) for b in range(256)] if o.byte_fallback else [])
    if o.vocab_size <= len(reserved):
        raise OptionError(f"{spell('vocab_size')} must be an integer above the {len(reserved)} reserved "
                          f"pieces (<unk>, special tokens, byte pieces), got {o.vocab_size!r}")
    _check_options(o.vocab_size - len(reserved), o.character_coverage, o.max_piece_length, o.seed_size,
                   o.shrinking_factor, o.num_sub_iterations)  # before the corpus is read
    report = o.reporter("unigram")
    threads = worker_count(o.num_workers)
    with report.phase("counting words"):
        words = unigram_words.count_words(corpus, threads, errors=o.errors, text_field=o.text_field)
    phases = _Phases(report)
    try:
        learnt = train_unigram_pieces(
            words, o.vocab_size - len(reserved), exclude=reserved, character_coverage=o.character_coverage,
            max_piece_length=o.max_piece_length, seed_size=o.seed_size, shrinking_factor=o.shrinking_factor,
            num_sub_iterations=o.num_sub_iterations, num_threads=threads, progress=phases.step)
    except BaseException:
        phases.close(ok=False)
        raise
    phases.close()
    pieces = [(p, 0.0) for p in reserved] + learnt
    special_ids = range(1, 1 + len(specials))
    model = UnigramModel(pieces, unk_id=0, byte_fallback=o.byte_fallback, special_ids=special_ids)
    normalizer = SequenceNormalizer([UnicodeNormalizer("NFKC"), Replace(r"\s+", " ", is_regex=True),
                                     SentencePieceNormalizer()])
    return Tokenizer(model, None, normalizer=normalizer, decoder=MetaspaceDecoder(),
                     special_tokens={s: i for s, i in zip(specials, special_ids)}, name=o.name)


class _Phases:
    """The seed, then EM and pruning, as two phases driven by the trainer's step callback."""

    def __init__(self, report: Progress):
        self.report = report
        self.current: Phase = report.phase("seed pieces")

    def step(self, stage: str, size: int) -> None:
        if stage == "seed":
            self.current.close()
            self.current = self.report.phase("EM and pruning")
        self.current.status(f"{size:,} pieces")
        self.current.note = f"{size:,} pieces"

    def close(self, ok: bool = True) -> None:
        self.current.close(ok)


def _check_options(size, coverage, max_len, seed_size, shrinking, iterations) -> None:
    if not isinstance(size, int) or size < 1:
        raise OptionError(f"vocabulary size must be a positive integer, got {size!r}")
    if not (isinstance(coverage, (int, float)) and 0 < coverage <= 1):
        raise OptionError(f"{spell('character_coverage')} must be in (0, 1], got {coverage!r}")
    if not (isinstance(max_len, int) and 1 <= max_len <= 255):
        raise OptionError(f"{spell('max_piece_length')} must be in 1..255, got {max_len!r}")
    if not (isinstance(seed_size, int) and seed_size >= 1):
        raise OptionError(f"{spell('seed_size')} must be a positive integer, got {seed_size!r}")
    if not (isinstance(shrinking, (int, float)) and 0 < shrinking < 1) or math.isnan(shrinking):
        raise OptionError(f"{spell('shrinking_factor')} must be in (0, 1), got {shrinking!r}")
    if not (isinstance(iterations, int) and iterations >= 1):
        raise OptionError(f"{spell('num_sub_iterations')} must be a positive integer, got {iterations!r}")
