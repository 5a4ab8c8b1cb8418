"""tiktoken ``.tiktoken`` files: one ``base64(token_bytes) rank`` pair per line.

Lines are read as tiktoken's ``load_tiktoken_bpe`` reads them: empty lines are skipped and the
two fields may be surrounded by any ASCII whitespace. Ranks need not be contiguous (``p50k_base``
has no rank 50256): an id without a rank is never produced by encoding, and decodes to the
special token placed there, if any. Stricter than tiktoken, and said so in the error: a token
or a rank that appears twice, a negative rank, and base64 with characters outside its alphabet
(tiktoken silently keeps the last duplicate and skips such characters).

The file holds no split pattern and no special tokens. They come from, first to last:

1. the arguments (``load(path, pattern=..., special_tokens=...)``, CLI ``--pattern``);
2. the sidecar ``<file>.tiktoken.json`` that :func:`save_tiktoken` writes beside the file:
   ``{"pattern": ..., "pattern_syntax": "regex", "special_tokens": {...}, "name": ...}``;
3. a ``tokenizer_config.json`` in the same folder: ``"pat_str"`` (or ``"pattern"``) and
   ``"special_tokens"`` (``{text: id}``) or HF's ``"added_tokens_decoder"``
   (``{id: {"content": text}}``);
4. for OpenAI's published files, recognised by their number of ids, their own pattern and
   special tokens.

A pattern is a name (``cl100k``, ...) or a regex in tiktoken's syntax (fancy-regex), translated
by :func:`tokensmith.pre_tokenizers.regex_dialects.from_fancy_regex` (the reader of every Rust
regex dialect); the text of a named pattern gets that name's compiled splitter. A sidecar written
by tokensmith marks its regex as already in ``regex`` syntax (``"pattern_syntax": "regex"``).
"""

from __future__ import annotations

import base64
import binascii
import json
import os

from ..errors import ModelFileError, OptionError
from .atomic import atomic_write

# Pattern and specials of the published encodings, by number of ids (highest rank + 1).
KNOWN = {
    50256: ("r50k", {"<|endoftext|>": 50256}),
    50281: ("p50k", {"<|endoftext|>": 50256}),
    100256: ("cl100k", {"<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259,
                        "<|fim_suffix|>": 100260, "<|endofprompt|>": 100276}),
    199998: ("o200k", {"<|endoftext|>": 199999, "<|endofprompt|>": 200018}),
}
SIDECAR_SUFFIX = ".json"
NO_SPLIT = r"[\s\S]+"  # the sidecar's pattern for a tokenizer that does not split: one piece
# A file whose ranks leave more ids unassigned than this is refused (a forged rank such as
# 4000000000 would otherwise allocate billions of ids).
MAX_UNASSIGNED = 1 << 16


def read_ranks(path: str | os.PathLike) -> list[bytes | None]:
    """Token bytes indexed by rank, ``None`` for a rank that no line assigns."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise ModelFileError(path, f"cannot read: {exc.strerror}") from None
    tokens: dict[int, bytes] = {}
    line_of: dict[bytes, int] = {}
    for lineno, line in enumerate(data.splitlines(), 1):
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            raise ModelFileError(path, f"line {lineno}: expected 'base64-token rank', got {line[:60]!r}")
        try:
            token = base64.b64decode(parts[0], validate=True)
            rank = int(parts[1])
        except (binascii.Error, ValueError):
            raise ModelFileError(path, f"line {lineno}: not a base64 token and an integer rank: "
                                       f"{line[:60]!r}") from None
        if rank < 0:
            raise ModelFileError(path, f"line {lineno}: negative rank {rank}")
        if rank in tokens:
            raise ModelFileError(path, f"line {lineno}: rank {rank} appears twice")
        if token in line_of:
            raise ModelFileError(path, f"line {lineno}: token {token!r} already has a rank on line "
                                       f"{line_of[token]}")
        tokens[rank] = token
        line_of[token] = lineno
    if not tokens:
        raise ModelFileError(path, "no tokens (empty or not a .tiktoken file)")
    size = max(tokens) + 1
    if size - len(tokens) > MAX_UNASSIGNED:
        raise ModelFileError(path, f"ranks run up to {size - 1} but only {len(tokens)} are assigned")
    return [tokens.get(i) for i in range(size)]


def load_tiktoken(path: str | os.PathLike, pattern: str | None = None,
                  special_tokens: dict[str, int] | None = None, name: str | None = None):
    from ..pre_tokenizers.splitters import RegexSplitter
    from ..tokenizer import Tokenizer
    from ..models.bpe.model import BPEModel

    path = os.fspath(path)
    tokens = read_ranks(path)
    settings = _settings(path, pattern, special_tokens)
    known = KNOWN.get(len(tokens))
    if settings.get("pattern") is None:
        if known is None:
            raise ModelFileError(path, "a .tiktoken file has no split pattern; pass pattern= (CLI "
                                       "--pattern), e.g. 'cl100k' or a regex, or put \"pat_str\" in "
                                       "a tokenizer_config.json beside it")
        settings["pattern"], settings["syntax"] = known[0], "regex"
    specials = settings.get("special_tokens")
    if specials is None:
        specials = dict(known[1]) if known and known[0] == settings["pattern"] else {}
    try:
        splitter = RegexSplitter(_regex_syntax(settings["pattern"], settings.get("syntax")))
    except OptionError as exc:
        if settings.get("pattern_from"):
            raise ModelFileError(settings["pattern_from"], str(exc)) from None
        raise
    try:
        model = BPEModel(tokens, semantics="tiktoken")
    except (OptionError, ValueError) as exc:
        raise ModelFileError(path, str(exc)) from None
    return Tokenizer(model, splitter, special_tokens=specials,
                     name=name or settings.get("name") or os.path.basename(path).split(".")[0])


def _regex_syntax(pattern: str, syntax: str | None) -> str:
    """The pattern for ``regex``: a name and a named pattern's own text (tested to split as
    tiktoken does, and run by the compiled splitter) stay as they are; any other fancy-regex
    pattern is translated."""
    from ..pre_tokenizers.patterns import NAMED_PATTERNS, from_fancy_regex

    if syntax == "regex" or pattern in NAMED_PATTERNS or pattern in NAMED_PATTERNS.values():
        return pattern
    return from_fancy_regex(pattern)


def _settings(path: str, pattern, special_tokens) -> dict:
    """Pattern, its syntax, special tokens and name, from the arguments or the files beside."""
    found: dict = {}
    for source in (_sidecar(path), _tokenizer_config(path)):
        for key, value in source.items():
            found.setdefault(key, value)
    if pattern is not None:
        found.update(pattern=pattern, syntax=None, pattern_from=None)
    if special_tokens is not None:
        found["special_tokens"] = dict(special_tokens)
    return found


def _sidecar(path: str) -> dict:
    sidecar = path + SIDECAR_SUFFIX
    document = _read_json_object(sidecar)
    if document is None:
        return {}
    out = {}
    if "pattern" in document:
        out.update(pattern=_string(document, "pattern", sidecar), pattern_from=sidecar)
        syntax = document.get("pattern_syntax", "fancy-regex")
        if syntax not in ("regex", "fancy-regex"):
            raise ModelFileError(sidecar, f"pattern_syntax {syntax!r} is neither 'regex' nor 'fancy-regex'")
        out["syntax"] = syntax
    if "special_tokens" in document:
        out["special_tokens"] = _special_map(document["special_tokens"], sidecar)
    if "name" in document:
        out["name"] = _string(document, "name", sidecar)
    return out


def _tokenizer_config(path: str) -> dict:
    config = os.path.join(os.path.dirname(path), "tokenizer_config.json")
    document = _read_json_object(config)
    if document is None:
        return {}
    out = {}
    for key in ("pat_str", "pattern"):
        if key in document:
            out.update(pattern=_string(document, key, config), syntax="fancy-regex", pattern_from=config)
            break
    if "special_tokens" in document:
        out["special_tokens"] = _special_map(document["special_tokens"], config)
    elif isinstance(document.get("added_tokens_decoder"), dict):
        try:
            out["special_tokens"] = {entry["content"]: int(i)
                                     for i, entry in document["added_tokens_decoder"].items()}
        except (KeyError, TypeError, ValueError):
            raise ModelFileError(config, "added_tokens_decoder entries must be "
                                         "{id: {\"content\": text, ...}}") from None
    return out


def _read_json_object(path: str) -> dict | None:
    if not os.path.isfile(path):
        return None
    from . import read_json

    document = read_json(path)
    if not isinstance(document, dict):
        raise ModelFileError(path, "expected a JSON object")
    return document


def _string(document: dict, key: str, path: str) -> str:
    value = document[key]
    if not isinstance(value, str) or not value:
        raise ModelFileError(path, f"{key!r} must be a non-empty string")
    return value


def _special_map(value, path: str) -> dict[str, int]:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and k and isinstance(v, int) and not isinstance(v, bool) and v >= 0
            for k, v in value.items()):
        raise ModelFileError(path, "special_tokens must map non-empty strings to non-negative ids")
    return dict(value)


def save_tiktoken(tokenizer, path: str | os.PathLike) -> None:
    """Write the ranks, and the pattern, special tokens and name in the sidecar beside them."""
    from ..models.bpe.model import BPEModel
    from .families import cannot_hold, plain
    from .hf_bpe import byte_level_pattern

    path = os.fspath(path)
    tokenizer = plain(tokenizer)
    model = tokenizer.model
    if not isinstance(model, BPEModel):
        raise cannot_hold(".tiktoken", tokenizer)
    byte_level_pattern(tokenizer, ".tiktoken")  # no normalizer, byte decoder, a regex or no split
    if model.semantics != "tiktoken" and not _ranks_are_merge_order(model):
        raise cannot_hold(".tiktoken", tokenizer, "its merge order is not its id order, which "
                                                  "tiktoken's ranks would have to be")
    splitter = tokenizer.splitter
    holes = model.holes
    with atomic_write(path, "w", encoding="ascii") as f:
        for rank, token in enumerate(model.tokens):
            if rank not in holes:
                f.write(f"{base64.b64encode(token).decode('ascii')} {rank}\n")
    pattern = NO_SPLIT if splitter is None else getattr(splitter, "name", None) or splitter.pattern
    sidecar = {"pattern": pattern, "pattern_syntax": "regex",
               "special_tokens": tokenizer.special_tokens}
    if tokenizer.name:
        sidecar["name"] = tokenizer.name
    with atomic_write(path + SIDECAR_SUFFIX) as f:
        json.dump(sidecar, f, ensure_ascii=False, indent=2)
        f.write("\n")


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
