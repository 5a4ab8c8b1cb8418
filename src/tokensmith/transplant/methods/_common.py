"""What the corpus- and vector-based methods (FOCUS, WECHSEL, TokAlign, TokenAdapt) share:
their options, the checks of their inputs, the start matrix with the shared rows copied, the
fallback for tokens a method has no evidence for, and the token's text."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ...errors import InputError, OptionError
from ..rows import copy_shared, shared_arrays  # noqa: F401 (shared_arrays: the methods import it from here)

# How tokens without evidence (no auxiliary vector) are initialised: the papers draw them from
# N(mean, std) of the old rows ("random"); "mean" (the default here) is the mean old row, which
# a model tolerates better before any training (a random row is a confident wrong token).
UNSEEN = ("mean", "random")


def method_options(ctx, method: str, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """``ctx.options`` over ``defaults``; an option the method does not know is an error."""
    unknown = sorted(set(ctx.options) - set(defaults))
    if unknown:
        raise OptionError(f"{method}: unknown option{'s' if len(unknown) > 1 else ''} "
                          f"{', '.join(unknown)}; {method} takes {', '.join(sorted(defaults))}")
    return {**defaults, **ctx.options}


def positive(options: Mapping[str, Any], method: str, *names: str) -> None:
    for name in names:
        value = options[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise OptionError(f"{method}: {name} must be a positive number, not {value!r}")


def choice(options: Mapping[str, Any], method: str, name: str, allowed) -> None:
    if options[name] not in allowed:
        raise OptionError(f"{method}: {name} must be one of {', '.join(map(repr, allowed))}, "
                          f"not {options[name]!r}")


def check_inputs(ctx, matrix, method: str) -> np.ndarray:
    """``matrix`` as float32 ``[rows >= old vocabulary, width]``, ``ctx.shared`` within both
    vocabularies; else an :class:`InputError` saying what disagrees."""
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        raise InputError(f"{method}: the embedding matrix must be 2-D [vocabulary, width], "
                         f"not of shape {matrix.shape}")
    if matrix.shape[0] < ctx.old_vocab_size:
        raise InputError(f"{method}: the embedding matrix has {matrix.shape[0]:,} rows but the "
                         f"model's tokenizer has {ctx.old_vocab_size:,} ids")
    if not ctx.shared:
        raise InputError(f"{method}: the old and new vocabularies share no token")
    new_ids = np.fromiter(ctx.shared.keys(), dtype=np.int64)
    old_ids = np.fromiter(ctx.shared.values(), dtype=np.int64)
    if new_ids.min() < 0 or new_ids.max() >= ctx.new_vocab_size:
        raise InputError(f"{method}: a shared token's new id is outside the new vocabulary "
                         f"({ctx.new_vocab_size:,} ids)")
    if old_ids.min() < 0 or old_ids.max() >= matrix.shape[0]:
        raise InputError(f"{method}: a shared token's old id is outside the embedding matrix "
                         f"({matrix.shape[0]:,} rows)")
    return matrix.astype(np.float32, copy=False)


def start_matrix(ctx, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The new matrix with the shared rows copied (every other row the mean old row), and the
    new ids the method must initialise, ascending."""
    out, todo = copy_shared(ctx, old_rows(ctx, matrix))
    return out, np.flatnonzero(todo)


def old_rows(ctx, matrix: np.ndarray) -> np.ndarray:
    """The rows of the old tokenizer's ids (a padded matrix has more)."""
    return matrix[:ctx.old_vocab_size]


def fill_unseen(ctx, out: np.ndarray, ids: np.ndarray, matrix: np.ndarray, how: str) -> None:
    """Rows ``ids`` of ``out`` for tokens without evidence: the mean old row, or a seeded draw
    from N(mean, std) of the old rows (``how == "random"``, as the papers)."""
    if ids.size == 0:
        return
    rows = old_rows(ctx, matrix).astype(np.float64)
    if how == "random":
        rng = np.random.default_rng(ctx.seed)
        out[ids] = rng.normal(rows.mean(axis=0), rows.std(axis=0), size=(ids.size, rows.shape[1]))
    else:
        out[ids] = rows.mean(axis=0)


def needs_corpus(ctx, method: str, why: str) -> list[str]:
    texts = [] if ctx.corpus is None else [t for t in ctx.corpus if t]
    if not texts:
        raise InputError(f"{method}: corpus text is needed ({why}); pass corpus=...")
    return texts


def report(ctx, stage: str, done: int, total: int) -> None:
    if ctx.progress is not None:
        ctx.progress(stage, done, total)


def token_text(tokenizer, token_id: int) -> str:
    """The text a token stands for, as the old tokenizer would be asked to encode it: its decoded
    text (a byte-level ``Ġthe`` is `` the``, a SentencePiece ``▁the`` is ``the``) without a
    WordPiece continuation prefix (``##ing`` is ``ing``)."""
    text = tokenizer.decode_bytes([token_id]).decode("utf-8", errors="replace")
    prefix = getattr(tokenizer.model, "prefix", None)
    if prefix and text.startswith(prefix) and len(text) > len(prefix):
        text = text[len(prefix):]
    return text
