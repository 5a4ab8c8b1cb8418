"""Pre-tokenization: split text into pieces that BPE never merges across.

The named patterns are the ones real models use, written exactly as their reference library
writes them. Named patterns run in the compiled core (``_core/include/pretokenize.h``), which is
tested to give the same pieces as the ``regex`` module on these strings; any other pattern runs
through ``regex``.

Every splitter keeps the text between matches as pieces of its own (HF's ``Split`` with
``Isolated`` behaviour), so a pattern that does not match everything never drops text; tiktoken
drops such text, but the named patterns match every character, so they split alike.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from ..errors import OptionError
from .regex_dialects import from_fancy_regex  # noqa: F401  (tiktoken's patterns: one translator for both Rust engines)

GPT2 = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"""
CL100K = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
O200K = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
# Llama 3 publishes cl100k's pattern in its older spelling. Both split identically except at the
# end of the text: trailing whitespace holding a line break then more whitespace ("\n ") is one
# piece in cl100k and two ("\n", " ") in llama3, so llama3 has its own compiled splitter.
LLAMA3 = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
    r"""|\s*[\r\n]+|\s+(?!\S)|\s+"""
)

# name -> (regex string, name of the compiled splitter that implements it)
NAMED_PATTERNS: dict[str, str] = {
    "gpt2": GPT2,
    "r50k": GPT2,
    "p50k": GPT2,
    "cl100k": CL100K,
    "llama3": LLAMA3,
    "o200k": O200K,
}
# The compiled splitter for each named pattern (names accepted by ``_core._split``).
COMPILED_SPLITTER = {"gpt2": "gpt2", "r50k": "gpt2", "p50k": "gpt2",
                     "cl100k": "cl100k", "llama3": "llama3", "o200k": "o200k"}


def resolve_pattern(pattern: str | None) -> tuple[str | None, str | None]:
    """Return ``(regex_string, compiled_splitter_name)`` for a pattern name or a custom regex.

    A custom regex that is textually one of the named ones still gets the compiled splitter.
    """
    if pattern is None:
        return None, None
    if pattern in NAMED_PATTERNS:
        return NAMED_PATTERNS[pattern], COMPILED_SPLITTER[pattern]
    for name, string in NAMED_PATTERNS.items():
        if pattern == string:
            return string, COMPILED_SPLITTER[name]
    compile_custom(pattern)  # fail early with a clear message
    return pattern, None


@lru_cache(maxsize=64)
def compile_custom(pattern: str) -> regex.Pattern:
    try:
        return regex.compile(pattern)
    except regex.error as exc:
        raise OptionError(f"invalid split pattern {pattern!r}: {exc}") from None


def split_keeping_gaps(compiled: regex.Pattern, text: str, concurrent: bool = False) -> list[str]:
    """The matches of ``compiled`` in ``text`` and, as pieces of their own, the runs of text
    between them: the pieces always join back to ``text`` (empty matches give empty pieces).
    ``concurrent=True`` lets ``regex`` release the GIL while matching."""
    pieces = compiled.findall(text, concurrent=concurrent)
    if sum(map(len, pieces)) == len(text):  # matches are disjoint and in order: nothing left out
        return pieces
    pieces = []
    end = 0
    for match in compiled.finditer(text, concurrent=concurrent):
        start = match.start()
        if start > end:
            pieces.append(text[end:start])
        pieces.append(match.group())
        end = match.end()
    if end < len(text):
        pieces.append(text[end:])
    return pieces


def split_reference(pattern: str, text: str) -> list[str]:
    """Pieces of ``text`` under ``pattern`` (a name or a regex), computed by ``regex`` alone."""
    string, _ = resolve_pattern(pattern)
    return split_keeping_gaps(compile_custom(string), text)
