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

from typing import Callable

from .._reference import bpe_train as _reference


def _core():
    try:
        from .._core import _bpe_train
    except ImportError:  # compiled core not built
        return None
    return _bpe_train


def train_bpe_from_counts(counts: dict[bytes, int], num_merges: int, min_frequency: int = 2,
                          *, progress: Callable[[int], None] | None = None) -> list[tuple[int, int]]:
    """The merges ``(left_id, right_id)``, in order, learnt from ``{pre-token bytes: count}``.

    ``progress``, if given, is called with the number of merges done so far, now and then.
    """
    _reference.check_counts_args(num_merges, min_frequency)
    core = _core()
    if core is None:
        merges = _reference.train_bpe_from_counts(counts, num_merges, min_frequency)
        if progress is not None:
            progress(len(merges))
        return merges
    return core.train_from_counts(list(counts.keys()), list(counts.values()), num_merges,
                                  min_frequency, progress)
