"""Unigram LM training, as SentencePiece does it: corpus -> words -> seed -> EM + pruning -> Tokenizer.

Kudo (2018), "Subword Regularization" (the algorithm: :mod:`tokensmith.train.unigram_em`).
Example::

    from tokensmith.train.unigram import train_unigram
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
import sys
from typing import Callable, Iterable

from ..errors import InputError, OptionError
from . import unigram_em, unigram_words
from .unigram_scripts import script_ids

UNK = "<unk>"


def _engine_class(use_reference: bool):
    if not use_reference:
        try:
            from .._core import _unigram_train
        except ImportError:  # compiled core not built: readable twin
            pass
        else:
            return _unigram_train.Engine
    from .._reference.unigram_train import ReferenceEngine

    return ReferenceEngine


def train_unigram_pieces(word_counts: dict[str, int], size: int, *, character_coverage: float = 0.9995,
                         max_piece_length: int = 16, seed_size: int = 1_000_000,
                         shrinking_factor: float = 0.75, num_sub_iterations: int = 2,
                         num_threads: int | None = None, use_reference: bool = False,
                         progress: Callable[[str, int], None] | None = None,
                         history: list | None = None, exclude: Iterable[str] = ()) -> list[tuple[str, float]]:
    """``size`` pieces (or fewer, if the corpus has fewer) with their log-probabilities, best first.

    Multi-character pieces in ``exclude`` (reserved names) are never chosen.

    ``history``, if a list, receives one :class:`~tokensmith.train.unigram_em.RoundLog` per EM step.
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
                          f"character_coverage={character_coverage} requires; raise the vocabulary "
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


def train_unigram(corpus: unigram_words.Corpus, vocab_size: int = 8000, *,
                  character_coverage: float = 0.9995, byte_fallback: bool = False,
                  special_tokens: list[str] | tuple[str, ...] = (), max_piece_length: int = 16,
                  seed_size: int = 1_000_000, shrinking_factor: float = 0.75,
                  num_sub_iterations: int = 2, num_threads: int | None = None,
                  progress: bool | Callable[[str, int], None] | None = None, name: str | None = None,
                  errors: str = "strict", text_field: str = "text"):
    """Train a Unigram tokenizer of exactly ``vocab_size`` ids on ``corpus``.

    ``corpus``: a path (text, JSON Lines, Parquet, gzip: see :mod:`tokensmith.corpus`), a text, or
    an iterable of paths and texts; ``errors`` and ``text_field`` are passed to the reader.
    ``progress``: a callable ``(stage, number of pieces)``, or ``True`` to print to stderr.
    """
    if progress is True:
        progress = _print_progress
    elif progress is False:
        progress = None
    from ..decoders import MetaspaceDecoder
    from ..normalizers import Replace, SentencePieceNormalizer, SequenceNormalizer, UnicodeNormalizer
    from ..tokenizer import Tokenizer
    from ..vocab.unigram import UnigramModel, byte_piece

    specials = list(dict.fromkeys(special_tokens))
    if any(not isinstance(s, str) or len(s) < 2 for s in specials):
        raise OptionError("special tokens must be strings of two or more characters")
    if UNK in specials:
        raise OptionError(f"{UNK} is always id 0; do not list it in special_tokens")
    reserved = [UNK] + specials + ([byte_piece(b) for b in range(256)] if byte_fallback else [])
    if not isinstance(vocab_size, int) or vocab_size <= len(reserved):
        raise OptionError(f"vocab_size must be an integer above the {len(reserved)} reserved pieces "
                          f"(<unk>, special tokens, byte pieces), got {vocab_size!r}")
    words = unigram_words.count_words(corpus, num_threads or os.cpu_count() or 1, errors=errors,
                                      text_field=text_field)
    learnt = train_unigram_pieces(
        words, vocab_size - len(reserved), exclude=reserved, character_coverage=character_coverage,
        max_piece_length=max_piece_length, seed_size=seed_size, shrinking_factor=shrinking_factor,
        num_sub_iterations=num_sub_iterations, num_threads=num_threads, progress=progress)
    if len(reserved) + len(learnt) < vocab_size:
        raise OptionError(f"the corpus supports only {len(reserved) + len(learnt)} pieces, fewer than "
                          f"vocab_size={vocab_size}; use a larger corpus or a smaller vocabulary")
    pieces = [(p, 0.0) for p in reserved] + learnt
    special_ids = range(1, 1 + len(specials))
    model = UnigramModel(pieces, unk_id=0, byte_fallback=byte_fallback, special_ids=special_ids)
    normalizer = SequenceNormalizer([UnicodeNormalizer("NFKC"), Replace(r"\s+", " ", is_regex=True),
                                     SentencePieceNormalizer()])
    return Tokenizer(model, None, normalizer=normalizer, decoder=MetaspaceDecoder(),
                     special_tokens={s: i for s, i in zip(specials, special_ids)}, name=name)


def _print_progress(stage: str, size: int) -> None:
    print(f"unigram: {'after EM' if stage == 'em' else 'pruned to'} {size:,} pieces", file=sys.stderr)


def _check_options(size, coverage, max_len, seed_size, shrinking, iterations) -> None:
    if not isinstance(size, int) or size < 1:
        raise OptionError(f"vocabulary size must be a positive integer, got {size!r}")
    if not (isinstance(coverage, (int, float)) and 0 < coverage <= 1):
        raise OptionError(f"character_coverage must be in (0, 1], got {coverage!r}")
    if not (isinstance(max_len, int) and 1 <= max_len <= 255):
        raise OptionError(f"max_piece_length must be in 1..255, got {max_len!r}")
    if not (isinstance(seed_size, int) and seed_size >= 1):
        raise OptionError(f"seed_size must be a positive integer, got {seed_size!r}")
    if not (isinstance(shrinking, (int, float)) and 0 < shrinking < 1) or math.isnan(shrinking):
        raise OptionError(f"shrinking_factor must be in (0, 1), got {shrinking!r}")
    if not (isinstance(iterations, int) and iterations >= 1):
        raise OptionError(f"num_sub_iterations must be a positive integer, got {iterations!r}")
