"""The options of a training method, declared once: name, type, default and help.

Each method declares a dataclass (``SageOptions``, ...) deriving from :class:`CorpusOptions`
(the options every method shares) and often from :class:`BytePairOptions`. Fields are made with
:func:`option`; redeclaring an inherited field changes its default and keeps its help. The
declaration is what :func:`build` checks a call against (names and types), what the command
line parses ``-O NAME=VALUE`` by, and what ``tokensmith methods`` and docs/methods.md list.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
import warnings
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterator, Literal, Sequence

from ..corpus import iter_corpus
from ..errors import OptionError, spell
from ..progress import Progress
from . import option_types

REQUIRED: Any = dataclasses.MISSING


def option(default: Any = REQUIRED, help: str = "") -> Any:
    """A declared option (a dataclass field with its help)."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class OptionSpec:
    """One declared option, as the checks, the command line and the docs see it."""

    name: str
    type: Any
    default: Any
    help: str

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def default_text(self) -> str:
        if self.required:
            return "required"
        if isinstance(self.default, tuple):
            return repr(list(self.default))
        return repr(self.default)


@dataclass(kw_only=True)
class CorpusOptions:
    """The options every method takes."""

    # Old names still accepted (with a DeprecationWarning): {old: new}.
    ALIASES: ClassVar[dict[str, str]] = {}
    # True for methods whose corpus is {language: corpus} rather than one corpus.
    CORPUS_BY_LANGUAGE: ClassVar[bool] = False

    vocab_size: int = option(help="ids in the vocabulary, special tokens included")
    special_tokens: Sequence[str] = option((), "special tokens (never produced from text), after the model's ids")
    num_workers: int | None = option(None, "threads counting the corpus (None: every core); the result does not depend on it")
    progress: bool = option(True, "report long phases: bars on a terminal, one line per phase otherwise")
    errors: Literal["strict", "replace", "ignore"] = option(
        "strict", "invalid UTF-8 in corpus files: fail (naming file and byte), replace or skip it")
    text_field: str = option("text", "JSON Lines field / Parquet column holding the text")
    name: str | None = option(None, "the tokenizer's name (reports show it)")

    # -- what trainers share ----------------------------------------------------------------------
    def model_size(self, minimum: int = 257) -> int:
        """Ids left for the model once the special tokens have theirs."""
        check_vocab_size(self.vocab_size, minimum + len(self.special_tokens))
        return self.vocab_size - len(self.special_tokens)

    def texts(self, corpus) -> Iterator[str]:
        return iter_corpus(corpus, errors=self.errors, text_field=self.text_field)

    def reporter(self, method: str) -> Progress:
        return Progress(self.progress, method)

    def tokenizer(self, model, splitter, name: str, **components):
        from ..tokenizer import Tokenizer

        specials = {s: model.vocab_size + i for i, s in enumerate(self.special_tokens)}
        return Tokenizer(model, splitter, special_tokens=specials, name=self.name or name, **components)


@dataclass(kw_only=True)
class BytePairOptions(CorpusOptions):
    """Options of the methods that pre-tokenize with a regex and count pairs, as BPE."""

    pattern: str | None = option("cl100k", "split pattern: gpt2, cl100k, o200k, llama3 or a regex (None: no split)")
    min_frequency: int = option(2, "least count of a merged pair")


def check_vocab_size(vocab_size: int, minimum: int = 257) -> None:
    if not isinstance(vocab_size, int) or vocab_size < minimum:
        raise OptionError(f"{spell('vocab_size')} must be an integer >= {minimum}, got {vocab_size!r}")


def specs(options: type) -> list[OptionSpec]:
    """The declared options of ``options`` (a dataclass), in declaration order."""
    hints = typing.get_type_hints(options)
    out = []
    for f in dataclasses.fields(options):
        default = f.default if f.default is not dataclasses.MISSING else REQUIRED
        out.append(OptionSpec(f.name, hints[f.name], default, _help(options, f.name)))
    return out


def own_specs(options: type) -> list[OptionSpec]:
    """The options ``options`` declares beyond those every method has."""
    common = {s.name: s for s in specs(CorpusOptions)}
    return [s for s in specs(options) if s.name not in common or s.default != common[s.name].default]


def _help(options: type, name: str) -> str:
    for cls in options.__mro__:  # a redeclared field keeps the help its first declaration gave
        f = getattr(cls, "__dataclass_fields__", {}).get(name)
        if f is not None and f.metadata.get("help"):
            return f.metadata["help"]
    return ""


def build(options: type, method: str, values: dict[str, Any]):
    """``options(**values)`` once every name is declared and every value of its declared type."""
    values = dict(values)
    for old, new in options.ALIASES.items():
        if old in values:
            if new in values:
                raise OptionError(f"method {method!r}: give {spell(new)} only ({spell(old)} is its old name)")
            warnings.warn(f"{old} is deprecated: use {new}", DeprecationWarning, stacklevel=4)
            values[new] = values.pop(old)
    declared = {s.name: s for s in specs(options)}
    for name in values:
        if name not in declared:
            raise OptionError(unknown_option_message(method, name, declared))
    for spec in declared.values():
        if spec.required and spec.name not in values:
            raise OptionError(f"method {method!r} needs {spell(spec.name)}")
        if spec.name in values and not option_types.accepts(spec.type, values[spec.name]):
            raise OptionError(f"method {method!r}: {spell(spec.name)} must be "
                              f"{option_types.describe(spec.type)}, got {values[spec.name]!r}")
    return options(**values)


def unknown_option_message(method: str, name: str, declared) -> str:
    close = difflib.get_close_matches(name, list(declared), n=1)
    hint = f" (did you mean {spell(close[0])}?)" if close else ""
    return (f"method {method!r} has no option {spell(name)}{hint}; its options: "
            f"{', '.join(spell(n) for n in declared)}")
