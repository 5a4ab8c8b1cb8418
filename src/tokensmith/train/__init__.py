"""Trainers: one module per method; :func:`train` dispatches on the method's name.

A trainer is a callable ``trainer(corpus, **options) -> Tokenizer``. Register one with
``TRAINERS["name"] = callable`` (or :func:`register_trainer`); :func:`train` refuses unknown
methods and passes options through unchanged, so an unknown option is a ``TypeError`` from the
trainer itself rather than being ignored.
"""

from __future__ import annotations

from typing import Any, Callable

from ..errors import OptionError
from .bpe import train_bpe

Trainer = Callable[..., Any]


def _bpe(corpus, **options):
    from .bpe import train_bpe

    return train_bpe(corpus, **options)


TRAINERS: dict[str, Trainer] = {"bpe": _bpe}


def register_trainer(name: str, trainer: Trainer) -> None:
    TRAINERS[name] = trainer


def train(corpus, method: str = "bpe", **options):
    """Train a tokenizer on ``corpus`` with the named ``method`` (``bpe``, ...)."""
    try:
        trainer = TRAINERS[method]
    except KeyError:
        raise OptionError(f"unknown training method {method!r} (known: {', '.join(sorted(TRAINERS))})") from None
    return trainer(corpus, **options)


__all__ = ["TRAINERS", "register_trainer", "train", "train_bpe"]
