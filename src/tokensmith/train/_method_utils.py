"""Small helpers the literature trainers share: reading a corpus argument and counting pre-tokens.

These are deliberately plain (a ``Counter`` over regex pieces); the methods built on them care
about what is counted, not how fast. Memory grows with the number of distinct pieces.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Iterable, Iterator

from ..errors import InputError, OptionError
from ..split import compile_custom, resolve_pattern

DEFAULT_PATTERN = "gpt2"


def iter_texts(corpus) -> Iterator[str]:
    """Texts of ``corpus``: one string, a path to a UTF-8 text file, or an iterable of either."""
    if isinstance(corpus, (str, os.PathLike)):
        corpus = [corpus]
    for item in corpus:
        if isinstance(item, os.PathLike) or (isinstance(item, str) and len(item) < 4096
                                                and "\n" not in item and os.path.isfile(item)):
            yield from _read_file(os.fspath(item))
        elif isinstance(item, str):
            yield item
        else:
            raise InputError(f"corpus items must be str or paths, got {type(item).__name__}")


def _read_file(path: str, chunk_lines: int = 2000) -> Iterator[str]:
    offset = 0
    lines: list[str] = []
    with open(path, "rb") as f:
        for raw in f:
            try:
                lines.append(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise InputError(f"invalid UTF-8 ({exc.reason})", path, offset + exc.start) from None
            offset += len(raw)
            if len(lines) >= chunk_lines:
                yield "".join(lines)
                lines = []
    if lines:
        yield "".join(lines)


def count_pieces(texts: Iterable[str], pattern: str | None = DEFAULT_PATTERN) -> Counter:
    """``{piece bytes: count}`` of the regex pieces of every text (whole texts when no pattern)."""
    counts: Counter = Counter()
    if pattern is None:
        for text in texts:
            counts[text.encode("utf-8")] += 1
    else:
        regex_string, _ = resolve_pattern(pattern)
        finder = compile_custom(regex_string).findall
        for text in texts:
            counts.update(piece.encode("utf-8", "surrogatepass") for piece in finder(text))
    if not counts:
        raise InputError("the corpus is empty")
    return counts


def check_vocab_size(vocab_size: int, minimum: int = 257) -> None:
    if not isinstance(vocab_size, int) or vocab_size < minimum:
        raise OptionError(f"vocab_size must be an integer >= {minimum}, got {vocab_size!r}")


def merge_token_bytes(merges) -> list[bytes]:
    """Bytes of every id of a byte-level merge list (ids 0..255 are bytes, merge k is 256+k)."""
    tokens = [bytes([b]) for b in range(256)]
    for a, b in merges:
        tokens.append(tokens[a] + tokens[b])
    return tokens
