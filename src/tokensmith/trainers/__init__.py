"""Trainers: one module per method; :func:`train` dispatches on the method's name.

A method's trainer is declared with :func:`~tokensmith.trainers.trainer.trainer` and its options
dataclass (:mod:`tokensmith.trainers.options`): ``trainer(corpus, vocab_size, **options) ->
Tokenizer``, with every option checked by name and type. ``TRAINERS`` maps each method's name to
its trainer (imported on first use, so ``import tokensmith.trainers`` stays light);
:func:`options_of` gives a method's declaration. :func:`register_trainer` adds a method: a
callable with an ``options`` declaration gets the same checks; any other callable is checked
against its own signature.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any, Callable

from ..errors import OptionError
from ..models.bpe.trainer import train_bpe

Trainer = Callable[..., Any]


class _Lazy:
    """A method's trainer, imported on first use."""

    def __init__(self, method: str, module: str, function: str):
        self.method, self._module, self.__name__ = method, module, function

    def load(self) -> Trainer:
        return getattr(importlib.import_module(self._module, __package__), self.__name__)

    def __call__(self, corpus, *args, **options):
        return self.load()(corpus, *args, **options)

    @property
    def options(self) -> type:
        return self.load().options


TRAINERS: dict[str, Trainer] = {"bpe": train_bpe}

# The vocabulary builders, one module each (docs/methods.md): the three model families' own
# trainers beside their models, the literature's builders in this package.
for _name, _module, _function in (("unigram", "..models.unigram.trainer", "train_unigram"),
                                  ("wordpiece", "..models.wordpiece.trainer", "train_wordpiece"),
                                  ("scaffold_bpe", ".scaffold_bpe", "train_scaffold_bpe"),
                                  ("superbpe", ".superbpe", "train_superbpe"),
                                  ("pathpiece", ".pathpiece", "train_pathpiece"),
                                  ("domain", ".domain", "train_domain_bpe"),
                                  ("char_bpe", ".domain", "train_char_bpe"),
                                  ("sage", ".sage", "train_sage"),
                                  ("xlmv", ".xlmv", "train_xlmv"),
                                  ("bytespan", ".bytespan", "train_bytespan"),
                                  ("lib", ".lib", "train_lib")):
    TRAINERS[_name] = _Lazy(_name, _module, _function)


def register_trainer(name: str, trainer: Trainer) -> None:
    TRAINERS[name] = trainer


def trainer_of(method: str) -> Trainer:
    """The trainer of ``method`` (imported now if it was not yet)."""
    try:
        trainer = TRAINERS[method]
    except KeyError:
        raise OptionError(f"unknown training method {method!r} (known: {', '.join(sorted(TRAINERS))})") from None
    return trainer.load() if isinstance(trainer, _Lazy) else trainer


def options_of(method: str) -> type | None:
    """The options declaration of ``method`` (None for a trainer registered without one)."""
    return getattr(trainer_of(method), "options", None)


def train(corpus, method: str = "bpe", **options):
    """Train a tokenizer on ``corpus`` with the named ``method`` (``bpe``, ...).

    ``corpus``: a path (file or directory), a list of paths, or a list (any iterable) of texts; a
    ``str`` is always a path. ``options``: the method's (``tokensmith methods`` lists them).
    """
    trainer = trainer_of(method)
    if not hasattr(trainer, "options"):  # a trainer registered without a declaration
        try:
            inspect.signature(trainer).bind(corpus, **options)
        except TypeError as exc:
            raise OptionError(f"method {method!r}: {exc}") from None
    return trainer(corpus, **options)


__all__ = ["TRAINERS", "options_of", "register_trainer", "train", "train_bpe"]
