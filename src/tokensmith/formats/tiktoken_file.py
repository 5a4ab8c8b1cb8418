"""tiktoken ``.tiktoken`` files: one ``base64(token_bytes) rank`` pair per line.

The file holds no split pattern and no special tokens; pass them (a pattern name such as
``cl100k`` or a regex). When loading a well-known file with no pattern given, the pattern is
guessed from the vocabulary size and said so in the tokenizer's name.
"""

from __future__ import annotations

import base64
import binascii
import os

from ..errors import ModelFileError
from .atomic import atomic_write

# Specials of the published encodings, by vocabulary size of the .tiktoken file.
KNOWN = {
    50256: ("r50k", {"<|endoftext|>": 50256}),
    100256: ("cl100k", {"<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259,
                        "<|fim_suffix|>": 100260, "<|endofprompt|>": 100276}),
    199998: ("o200k", {"<|endoftext|>": 199999, "<|endofprompt|>": 200018}),
}


def read_ranks(path: str | os.PathLike) -> list[bytes]:
    """Token bytes indexed by rank; ranks must be exactly 0..n-1."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise ModelFileError(path, f"cannot read: {exc.strerror}") from None
    tokens: dict[int, bytes] = {}
    for lineno, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2:
            raise ModelFileError(path, f"line {lineno}: expected 'base64-token rank', got {line[:60]!r}")
        try:
            token = base64.b64decode(parts[0], validate=True)
            rank = int(parts[1])
        except (binascii.Error, ValueError):
            raise ModelFileError(path, f"line {lineno}: not a base64 token and an integer rank") from None
        if rank in tokens:
            raise ModelFileError(path, f"line {lineno}: rank {rank} appears twice")
        tokens[rank] = token
    if not tokens:
        raise ModelFileError(path, "no tokens (empty or not a .tiktoken file)")
    n = len(tokens)
    if min(tokens) != 0 or max(tokens) != n - 1:
        raise ModelFileError(path, f"ranks are not 0..{n - 1} (found {min(tokens)}..{max(tokens)})")
    return [tokens[i] for i in range(n)]


def load_tiktoken(path: str | os.PathLike, pattern: str | None = None,
                  special_tokens: dict[str, int] | None = None, name: str | None = None):
    from ..splitters import RegexSplitter
    from ..tokenizer import Tokenizer
    from ..vocab.bpe import BPEModel

    tokens = read_ranks(path)
    known = KNOWN.get(len(tokens))
    if pattern is None:
        if known is None:
            raise ModelFileError(path, "a .tiktoken file has no split pattern; pass pattern= "
                                       "(e.g. 'cl100k' or a regex)")
        pattern = known[0]
    if special_tokens is None:
        special_tokens = dict(known[1]) if known and known[0] == pattern else {}
    try:
        model = BPEModel(tokens, semantics="tiktoken")
    except ValueError as exc:
        raise ModelFileError(path, str(exc)) from None
    return Tokenizer(model, RegexSplitter(pattern), special_tokens=special_tokens,
                     name=name or os.path.basename(os.fspath(path)).split(".")[0])


def save_tiktoken(tokenizer, path: str | os.PathLike) -> None:
    """Write the ranks (special tokens and pattern are not part of this format)."""
    from ..vocab.bpe import BPEModel
    from .families import cannot_hold, plain
    from .hf_bpe import byte_level_pattern

    tokenizer = plain(tokenizer)
    model = tokenizer.model
    if not isinstance(model, BPEModel):
        raise cannot_hold(".tiktoken", tokenizer)
    byte_level_pattern(tokenizer, ".tiktoken")  # no normalizer, byte decoder, a regex or no split
    if model.semantics != "tiktoken" and not _ranks_are_merge_order(model):
        raise cannot_hold(".tiktoken", tokenizer, "its merge order is not its id order, which "
                                                  "tiktoken's ranks would have to be")
    with atomic_write(path, "w", encoding="ascii") as f:
        for rank, token in enumerate(model.tokens):
            f.write(f"{base64.b64encode(token).decode('ascii')} {rank}\n")


def _ranks_are_merge_order(model) -> bool:
    """True when tiktoken's rule on the ranks makes each token from its own merge.

    tiktoken joins the adjacent pair whose concatenation has the lowest rank; a merges file joins
    only the listed pairs. With rank = id, both agree on every token's own bytes when id order is
    merge order and, for each token, tiktoken's rule over the lower ranks ends in the very two
    parts its merge joins (a vocabulary merged from several merge lists, as XLM-V's union, can
    make a token one way and leave another way to tiktoken; such files are refused)."""
    tokens = model.tokens
    first = len(tokens) - len(model.merges)
    if any(len(t) != 1 for t in tokens[:first]):
        return False
    ranks = model.token_id
    for k, (a, b) in enumerate(model.merges):
        rank = first + k
        if ranks.get(tokens[a] + tokens[b]) != rank or _rank_parts(tokens[rank], ranks, rank) != [tokens[a], tokens[b]]:
            return False
    return True


def _rank_parts(piece: bytes, ranks: dict[bytes, int], limit: int) -> list[bytes]:
    """tiktoken's byte-pair rule on ``piece`` using only the ranks below ``limit``."""
    parts = [piece[i:i + 1] for i in range(len(piece))]
    while len(parts) > 1:
        best = None
        for i in range(len(parts) - 1):
            rank = ranks.get(parts[i] + parts[i + 1])
            if rank is not None and rank < limit and (best is None or rank < best[0]):
                best = (rank, i)
        if best is None:
            break
        i = best[1]
        parts[i:i + 2] = [parts[i] + parts[i + 1]]
    return parts
