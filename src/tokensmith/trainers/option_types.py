"""Values against the declared type of a trainer option: check, describe, and parse from text.

The types trainer options use: ``int``, ``float`` (an int is accepted), ``bool``, ``str``,
``None``, ``Literal[...]`` (one of the listed values), ``Sequence[str]`` (a list or tuple of
strings, never one string), ``Mapping[K, V]``, ``Callable`` and unions of these. Command-line
text is parsed by the same types: ``none`` for None, ``true``/``false`` for bools, a JSON list,
comma-separated items or ``@FILE`` (its non-empty lines) for lists, a JSON object for mappings.
"""

from __future__ import annotations

import collections.abc as abc
import json
import numbers
import types
import typing
from typing import Any, Literal, Union

from ..errors import OptionError

_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")


def _members(tp) -> tuple:
    """The alternatives of a union (``X | None`` included), or ``(tp,)``."""
    if typing.get_origin(tp) in (Union, types.UnionType):
        return typing.get_args(tp)
    return (tp,)


def _origin(tp):
    return typing.get_origin(tp) or tp


def _is_sequence(tp) -> bool:
    return _origin(tp) in (abc.Sequence, list, tuple)


def _is_mapping(tp) -> bool:
    return _origin(tp) in (abc.Mapping, dict)


def accepts(tp, value) -> bool:
    """Whether ``value`` is of the declared type ``tp``."""
    if tp is Any:
        return True
    if len(_members(tp)) > 1:
        return any(accepts(t, value) for t in _members(tp))
    if tp is None or tp is type(None):
        return value is None
    if typing.get_origin(tp) is Literal:
        return any(value == v and type(value) is type(v) for v in typing.get_args(tp))
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, numbers.Real) and not isinstance(value, bool)
    if tp is str:
        return isinstance(value, str)
    if _is_sequence(tp):
        item = (typing.get_args(tp) or (Any,))[0]
        return (isinstance(value, (list, tuple)) and not isinstance(value, str)
                and all(accepts(item, v) for v in value))
    if _is_mapping(tp):
        return isinstance(value, abc.Mapping)
    if _origin(tp) is abc.Callable:
        return callable(value)
    return isinstance(value, _origin(tp))


def describe(tp) -> str:
    """The type in words, for messages and help: ``an integer or None``."""
    if len(_members(tp)) > 1:
        return " or ".join(describe(t) for t in _members(tp))
    if tp is None or tp is type(None):
        return "None"
    if typing.get_origin(tp) is Literal:
        return "one of " + ", ".join(repr(v) for v in typing.get_args(tp))
    words = {bool: "true or false", int: "an integer", float: "a number", str: "a string", Any: "any value"}
    if tp in words:
        return words[tp]
    if _is_sequence(tp):
        item = (typing.get_args(tp) or (Any,))[0]
        return "a list of strings" if item is str else "a list"
    if _is_mapping(tp):
        return "a mapping"
    if _origin(tp) is abc.Callable:
        return "a Python callable"
    return getattr(tp, "__name__", str(tp))


def short(tp) -> str:
    """The type in a few characters, for tables: ``int|None``, ``'frequency'|'likelihood'``."""
    if len(_members(tp)) > 1:
        return "|".join(short(t) for t in _members(tp))
    if tp is None or tp is type(None):
        return "None"
    if typing.get_origin(tp) is Literal:
        return "|".join(repr(v) for v in typing.get_args(tp))
    if _is_sequence(tp):
        return "list[str]" if (typing.get_args(tp) or (Any,))[0] is str else "list"
    if _is_mapping(tp):
        return "mapping"
    if _origin(tp) is abc.Callable:
        return "callable"
    return getattr(tp, "__name__", str(tp))


def metavar(tp) -> str:
    """What a command-line value looks like: ``INT``, ``{frequency,likelihood}``, ``INT|none``."""
    if len(_members(tp)) > 1:
        return "|".join(metavar(t) for t in _members(tp))
    if tp is None or tp is type(None):
        return "none"
    if typing.get_origin(tp) is Literal:
        return "{" + ",".join(str(v) for v in typing.get_args(tp)) + "}"
    names = {bool: "true|false", int: "INT", float: "FLOAT", str: "TEXT", Any: "VALUE"}
    if tp in names:
        return names[tp]
    if _is_sequence(tp):
        return "A,B,...|@FILE"
    if _is_mapping(tp):
        return "JSON"
    if _origin(tp) is abc.Callable:
        return "CALLABLE"
    return getattr(tp, "__name__", str(tp)).upper()


def parse(tp, text: str, what: str):
    """The value of command-line ``text`` for declared type ``tp``; ``what`` names the option."""
    members = _members(tp)
    # Order matters for unions: None, exact choices and numbers before free text.
    rank = {type(None): 0, None: 0, bool: 2, int: 3, float: 4}
    for member in sorted(members, key=lambda t: rank.get(t, 1 if typing.get_origin(t) is Literal else 5)):
        value = _parse_one(member, text)
        if value is not _FAIL:
            return value
    if any(_origin(m) is abc.Callable for m in members):
        raise OptionError(f"{what} is a Python callable: it cannot be set on the command line")
    raise OptionError(f"{what} must be {describe(tp)}, got {text!r}")


_FAIL = object()


def _parse_one(tp, text: str):
    lowered = text.strip().lower()
    if tp is None or tp is type(None):
        return None if lowered in ("none", "null") else _FAIL
    if typing.get_origin(tp) is Literal:
        return next((v for v in typing.get_args(tp) if str(v) == text), _FAIL)
    if tp is bool:
        return True if lowered in _TRUE else False if lowered in _FALSE else _FAIL
    if tp in (int, float):
        try:
            return tp(text)
        except ValueError:
            return _FAIL
    if tp is str or tp is Any:
        return text
    if _is_sequence(tp):
        return _parse_list(text)
    if _is_mapping(tp):
        return _parse_mapping(tp, text)
    return _FAIL


def _parse_list(text: str):
    if text.startswith("@"):
        from ..errors import InputError

        try:
            with open(text[1:], encoding="utf-8") as f:
                return [line.strip() for line in f if line.strip()]
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the list: {exc}", path=text[1:]) from None
    if text.startswith("["):  # a JSON list, or comma-separated items such as "[PAD],[UNK]"
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if isinstance(value, list):
            return value if all(isinstance(v, str) for v in value) else _FAIL
    return [item.strip() for item in text.split(",") if item.strip()]


def _parse_mapping(tp, text: str):
    try:
        value = json.loads(text)
    except ValueError:
        return _FAIL
    if not isinstance(value, dict):
        return _FAIL
    key_type = (typing.get_args(tp) or (str,))[0]
    try:  # JSON keys are strings: read them as the declared key type
        return {key_type(k) if key_type in (int, float) else k: v for k, v in value.items()}
    except ValueError:
        return _FAIL
