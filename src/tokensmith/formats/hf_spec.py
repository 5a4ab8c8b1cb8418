"""Reading the fields of one ``tokenizer.json`` component the way HF's deserializer does.

HF ``tokenizers`` refuses a component whose required field is missing or of the wrong JSON type,
and reads ``null`` as "not set" for optional ones; :func:`field` does the same and names the
component and the field in the :class:`ModelFileError`, so a bad file fails on load rather than
giving different ids later.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import ModelFileError, OptionError

REQUIRED = object()
U32_MAX = 2**32 - 1

# JSON type names for messages; bool is checked before int because bool subclasses int.
_NAMES = {str: "a string", bool: "true or false", int: "an integer", float: "a number",
          list: "a list", dict: "an object"}


def field(spec: dict, name: str, kind: type | tuple[type, ...], path, what: str,
          default: Any = REQUIRED) -> Any:
    """``spec[name]`` checked against ``kind``; ``default`` when absent or null (if optional)."""
    value = spec.get(name)
    if value is None:
        if default is REQUIRED:
            raise ModelFileError(path, f"{what}: missing field {name!r}")
        return default
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not _is(value, kinds):
        names = " or ".join(_NAMES.get(k, k.__name__) for k in kinds)
        raise ModelFileError(path, f"{what}: field {name!r} must be {names}, got {value!r:.60}")
    if float in kinds and isinstance(value, float) and not math.isfinite(value):
        raise ModelFileError(path, f"{what}: field {name!r} is {value} (JSON numbers are finite)")
    return value


def _is(value, kinds) -> bool:
    if isinstance(value, bool):
        return bool in kinds
    if isinstance(value, int):
        return int in kinds or float in kinds
    return isinstance(value, kinds)


def unsigned(spec: dict, name: str, path, what: str, default: Any = REQUIRED) -> Any:
    """A non-negative integer field (Rust ``usize``/``u32``)."""
    value = field(spec, name, int, path, what, default)
    if value is not default and not 0 <= value <= U32_MAX:
        raise ModelFileError(path, f"{what}: field {name!r} must be a non-negative integer, got {value}")
    return value


def char(spec: dict, name: str, path, what: str) -> str:
    """A field HF stores as one Rust ``char``: a string of exactly one character."""
    value = field(spec, name, str, path, what)
    if len(value) != 1:
        raise ModelFileError(path, f"{what}: field {name!r} must be one character, got {value!r}")
    return value


def id_vocabulary(vocab, path, what: str) -> tuple[dict[str, int], list[str | None]]:
    """A ``{"token": id}`` vocabulary and its tokens by id (None where HF leaves a hole).

    HF accepts ids with holes (the model simply has no token there) but ids must be u32; two
    tokens with one id make HF's id-to-token map depend on hash order, so they are refused.
    """
    if not isinstance(vocab, dict):
        raise ModelFileError(path, f"{what}: 'vocab' must be an object {{token: id}}")
    ids = vocab.values()
    if not all(type(i) is int for i in ids):
        bad = next((t, i) for t, i in vocab.items() if type(i) is not int)
        raise ModelFileError(path, f"{what}: token {bad[0]!r} has id {bad[1]!r}; ids are integers")
    size = max(ids, default=-1) + 1
    if vocab and (min(ids) < 0 or size - 1 > U32_MAX):
        bad = next((t, i) for t, i in vocab.items() if not 0 <= i <= U32_MAX)
        raise ModelFileError(path, f"{what}: token {bad[0]!r} has id {bad[1]}; ids are 0..2^32-1")
    if size > 4 * len(vocab) + 1024:
        raise ModelFileError(path, f"{what}: ids reach {size - 1} for {len(vocab)} tokens")
    tokens: list[str | None] = [None] * size
    for token, i in vocab.items():
        if tokens[i] is not None:
            raise ModelFileError(path, f"{what}: tokens {tokens[i]!r} and {token!r} share id {i}")
        tokens[i] = token
    return vocab, tokens


def build_stage(what: str, builders: dict, spec: Any, path) -> Any:
    """The stage of an HF ``spec`` (``{"type": ...}``) by ``builders[type](spec, path)``, None
    for none; a missing field or a refused option is a ModelFileError naming ``what`` (e.g.
    ``"normalizer"``) and its type."""
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise ModelFileError(path, f"HF {what} spec is not an object: {spec!r:.60}")
    kind = spec.get("type")
    builder = builders.get(kind)
    if builder is None:
        raise ModelFileError(path, f"HF {what} {kind!r} is not supported")
    try:
        return builder(spec, path)
    except KeyError as exc:
        raise ModelFileError(path, f"HF {what} {kind!r} lacks the field {exc.args[0]!r}") from None
    except OptionError as exc:
        raise ModelFileError(path, f"HF {what} {kind!r}: {exc}") from None


class VocabularyAPI:
    """HF's vocabulary lookups for a model holding ``vocab`` (string -> id), ``_tokens`` (id ->
    string, None for an unassigned id) and ``_spec`` (its tokenizer.json model object, which is
    also what the native format saves: the model is rebuilt from it)."""

    vocab: dict[str, int]
    _tokens: list[str | None]
    _spec: dict[str, Any]

    def token_to_id(self, token: str) -> int | None:
        return self.vocab.get(token)

    def id_to_token(self, token_id: int) -> str | None:
        return self._tokens[token_id] if 0 <= token_id < len(self._tokens) else None

    def get_vocab(self) -> dict[str, int]:
        return dict(self.vocab)

    def hf_spec(self) -> dict[str, Any]:
        """The model as tokenizer.json writes it."""
        return self._spec

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "spec": self._spec}  # type: ignore[attr-defined]

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data["spec"])  # type: ignore[call-arg]
