"""Trainers: one module per method; :func:`train` dispatches on the method's name.

A trainer is a callable ``trainer(corpus, **options) -> Tokenizer``. Register one with
``TRAINERS["name"] = callable`` (or :func:`register_trainer`); :func:`train` refuses unknown
methods and passes options through unchanged; an option the trainer does not take is an
:class:`~tokensmith.errors.OptionError`, never ignored.
"""

from __future__ import annotations

from typing import Any, Callable

from ..errors import OptionError
from .bpe import train_bpe

Trainer = Callable[..., Any]


TRAINERS: dict[str, Trainer] = {"bpe": train_bpe}


def _lazy(module: str, function: str) -> Trainer:
    """A trainer imported on first use (keeps ``import tokensmith.train`` light)."""
    def trainer(corpus, **options):
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{module}"), function)(corpus, **options)

    trainer.__name__ = function
    return trainer


# The literature's vocabulary builders, one module each (docs/methods.md).
for _name, _module, _function in (("scaffold_bpe", "scaffold_bpe", "train_scaffold_bpe"),
                                  ("superbpe", "superbpe", "train_superbpe"),
                                  ("pathpiece", "pathpiece", "train_pathpiece"),
                                  ("domain", "domain", "train_domain_bpe"),
                                  ("char_bpe", "domain", "train_char_bpe"),
                                  ("sage", "sage", "train_sage"),
                                  ("xlmv", "xlmv", "train_xlmv"),
                                  ("bytespan", "bytespan", "train_bytespan"),
                                  ("lib", "lib", "train_lib"),
                                  ("unigram", "unigram", "train_unigram"),
                                  ("wordpiece", "wordpiece", "train_wordpiece")):
    TRAINERS[_name] = _lazy(_module, _function)


def register_trainer(name: str, trainer: Trainer) -> None:
    TRAINERS[name] = trainer


def train(corpus, method: str = "bpe", **options):
    """Train a tokenizer on ``corpus`` with the named ``method`` (``bpe``, ...)."""
    try:
        trainer = TRAINERS[method]
    except KeyError:
        raise OptionError(f"unknown training method {method!r} (known: {', '.join(sorted(TRAINERS))})") from None
    try:
        return trainer(corpus, **options)
    except TypeError as exc:
        # An option the method does not take is the caller's mistake: say so, never ignore it.
        if "unexpected keyword argument" in str(exc):
            raise OptionError(f"method {method!r}: {exc}") from None
        raise


__all__ = ["TRAINERS", "register_trainer", "train", "train_bpe"]
