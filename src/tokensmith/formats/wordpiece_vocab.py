"""BERT's ``vocab.txt``: one WordPiece token per line, the id is the line number (from 0).

Read strictly: the file must be UTF-8, hold no empty line (except a final newline), no token
twice, and contain the unknown token. Trailing spaces and ``\\r`` are dropped, as BERT's readers do.
Loading gives a BERT tokenizer (see :func:`tokensmith.models.wordpiece.model.wordpiece_tokenizer`;
options such as ``lowercase=False`` pass through).
"""

from __future__ import annotations

import os

from ..errors import ModelFileError, OptionError
from .atomic import atomic_write


def read_vocab_txt(path: str | os.PathLike) -> list[str]:
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise ModelFileError(path, f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelFileError(path, f"not UTF-8 at byte {exc.start}") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise ModelFileError(path, "empty vocabulary file")
    tokens, seen = [], {}
    for number, line in enumerate(lines, 1):
        token = line.rstrip()
        if not token:
            raise ModelFileError(path, f"line {number} is empty (one token per line expected)")
        if token in seen:
            raise ModelFileError(path, f"line {number}: token {token!r} already on line {seen[token]}")
        seen[token] = number
        tokens.append(token)
    return tokens


def load_vocab_txt(path: str | os.PathLike, **options):
    from ..models.wordpiece.model import wordpiece_tokenizer

    tokens = read_vocab_txt(path)
    options.setdefault("name", os.path.basename(os.fspath(path)))
    try:
        return wordpiece_tokenizer(tokens, **options)
    except OptionError as exc:
        raise ModelFileError(path, str(exc)) from None
    except TypeError as exc:
        raise OptionError(f"vocab.txt loader: {exc}") from None


def save_vocab_txt(tokenizer, path: str | os.PathLike) -> None:
    """Write the vocabulary, one token a line. The casing and the other BERT options are not part
    of this format: readers take them as options (``lowercase=``), as BERT's do."""
    from ..models.wordpiece.model import WordPieceModel
    from .families import cannot_hold

    model = tokenizer.model
    if not isinstance(model, WordPieceModel):
        raise cannot_hold("vocab.txt", tokenizer)
    bad = [t for t in model.tokens if "\n" in t or t != t.rstrip()]
    if bad:
        raise cannot_hold("vocab.txt", tokenizer, f"token {bad[0]!r} has a line break or trailing "
                                                  "spaces, which one token a line cannot keep")
    with atomic_write(path) as f:
        f.write("".join(t + "\n" for t in model.tokens))


def register(loaders: dict, savers: dict) -> None:
    loaders["wordpiece"] = load_vocab_txt
    savers["vocab.txt"] = save_vocab_txt
