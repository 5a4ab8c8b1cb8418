"""One calling convention for every training method.

``@trainer("sage", SageOptions)`` turns ``body(corpus, options) -> Tokenizer`` into the public
``train_sage(corpus, vocab_size, *, init_factor=2.0, ...)``, whose signature is generated from the
declaration (so ``help()`` and editors show every option). Every call, direct or through
:func:`tokensmith.train`, then gets the same rules:

* options are checked against the declaration: an unknown name lists the method's options, a
  value of the wrong type names the option and the type expected;
* a ``str`` corpus is always a path (a file or a directory): a string that names nothing is an
  error, never trained on as text. In-memory text is a list (or any iterable) of strings;
* a corpus too small for the vocabulary gives the smaller vocabulary with one
  :class:`~tokensmith.errors.SmallCorpusWarning` that states the size asked and the size reached.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable

from ..errors import InputError, OptionError, SmallCorpusWarning, spell
from .options import REQUIRED, build, specs

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def trainer(method: str, options: type) -> Callable:
    """Decorator: ``body(corpus, options)`` becomes the method's public trainer."""

    def wrap(body: Callable) -> Callable:
        @functools.wraps(body)
        def train_method(corpus, *args, **kwargs):
            if args:
                if len(args) > 1 or "vocab_size" in kwargs:
                    raise OptionError(f"method {method!r}: only the corpus and vocab_size may be "
                                      "given by position; pass the other options by name")
                kwargs["vocab_size"] = args[0]
            opts = build(options, method, kwargs)
            corpus = corpus_argument(corpus, by_language=options.CORPUS_BY_LANGUAGE, method=method)
            tokenizer = body(corpus, opts)
            warn_if_smaller(method, opts, tokenizer.vocab_size)
            return tokenizer

        train_method.__signature__ = signature(options)
        train_method.method = method
        train_method.options = options
        del train_method.__wrapped__  # the generated signature, not the body's, is the public one
        return train_method

    return wrap


def signature(options: type) -> inspect.Signature:
    """``(corpus, vocab_size, *, every other option=default)`` with the declared types."""
    params = [inspect.Parameter("corpus", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for spec in specs(options):
        kind = (inspect.Parameter.POSITIONAL_OR_KEYWORD if spec.name == "vocab_size"
                else inspect.Parameter.KEYWORD_ONLY)
        default = inspect.Parameter.empty if spec.default is REQUIRED else spec.default
        params.append(inspect.Parameter(spec.name, kind, default=default, annotation=spec.type))
    return inspect.Signature(params)


def corpus_argument(corpus: Any, *, by_language: bool = False, method: str = ""):
    """``corpus`` checked by the one rule every method follows (see the module doc)."""
    if by_language:
        if not isinstance(corpus, Mapping) or not corpus:
            raise OptionError(f"method {method!r} takes a mapping {{language: corpus}} with at "
                              "least one language")
        return {lang: corpus_argument(c, method=method) for lang, c in corpus.items()}
    if isinstance(corpus, Mapping):
        raise OptionError(f"method {method!r} takes one corpus (a path, paths or texts), not a "
                          "mapping; the xlmv method takes {language: corpus}")
    if isinstance(corpus, str):
        if not os.path.exists(corpus):
            shown = corpus if len(corpus) <= 60 else corpus[:57] + "..."
            raise InputError(f"corpus {shown!r} is not a file or directory; pass a list of texts "
                             "for in-memory text")
        return [Path(corpus)]
    if isinstance(corpus, os.PathLike):
        return [corpus]
    return corpus


def warn_if_smaller(method: str, options, reached: int) -> None:
    asked = options.vocab_size
    if reached < asked:
        remedies = ["train on more text", "ask for fewer ids"]
        if getattr(options, "min_frequency", None) not in (None, 1):
            remedies.insert(1, f"lower {spell('min_frequency')} (now {options.min_frequency})")
        warnings.warn(f"{method}: the corpus supports {reached:,} ids, fewer than "
                      f"{spell('vocab_size', asked)}; the tokenizer has {reached:,} ids "
                      f"({', '.join(remedies[:-1])} or {remedies[-1]})", SmallCorpusWarning,
                      stacklevel=_caller_level())


def _caller_level() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside this package."""
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == _PACKAGE_DIR:
        frame, level = frame.f_back, level + 1
    return level
