r"""HF ``tokenizer.json`` for byte-level BPE (GPT-2, RoBERTa, Llama 3 style files).

Read (the fast path): the ``ByteLevel`` pre-tokenizer (with its GPT-2 regex) or a named
pattern's ``Split`` followed by ``ByteLevel``; vocabulary and merges through GPT-2's
byte-to-character map; the compiled encoder. Other shapes raise ``NotFastShape`` and go to the
general pipeline (``tokensmith.formats.hf_pipeline``).

Write: ``Split(pattern, Isolated)`` + ``ByteLevel(use_regex=false)``. HF's regex engine reads
``$`` as "end of a line", so the named patterns' ``\s++$`` is written ``\s++\z`` (end of text),
which both engines read alike; and ``{1,3}+`` there means "one or more of {1,3}", not a
possessive, so it is written ``{1,3}`` (the same pieces, as nothing follows it in its branch).
Tests compare HF's pieces with ours on real and whitespace-ending text.
"""

from __future__ import annotations

from ..errors import ModelFileError, OptionError
from ..pre_tokenizers.patterns import NAMED_PATTERNS
from .bytes_text import bytes_to_text, text_to_bytes, texts_to_bytes
from .hf_json import NotFastShape, added_tokens, post_processor, read_extras

EXPORT_SPELLING = {name: pattern.replace(r"\s++$", r"\s++\z").replace("{1,3}+", "{1,3}")
                   for name, pattern in NAMED_PATTERNS.items()}


def read(document: dict, path, name: str | None = None):
    """Files of exactly this shape: no normalizer; ``ByteLevel`` (GPT-2 regex) or a named
    pattern's ``Split`` then ``ByteLevel(use_regex=false)``; a ``ByteLevel`` decoder; a BPE with
    every byte, plain merges and no option that changes them. Anything else: :class:`NotFastShape`."""
    from ..pre_tokenizers.splitters import RegexSplitter
    from ..tokenizer import Tokenizer
    from ..models.bpe.model import BPEModel

    model = document["model"]
    if document.get("normalizer") not in (None, {}):
        raise NotFastShape(path, f"BPE with normalizer {document['normalizer'].get('type')!r}")
    pattern = _pattern(document.get("pre_tokenizer"), path)
    if (document.get("decoder") or {}).get("type") != "ByteLevel":
        raise NotFastShape(path, "byte-level BPE without a ByteLevel decoder")
    _check_model_options(model, path)
    index = model["vocab"]
    try:
        tokens = texts_to_bytes(_texts_by_id(index, path))
    except ValueError as exc:
        raise NotFastShape(path, f"a vocabulary token is not byte-level: {exc}") from None
    merges = _merge_ids(model.get("merges") or [], index, path)
    added, post = read_extras(document, path, index.get, len(tokens))
    for token in added:
        if byte_level_decoding(token.content) != token.content.encode("utf-8"):
            raise NotFastShape(path, f"added token {token.content!r} decodes through the byte map")
    try:
        bpe = BPEModel(tokens, merges, semantics="merges")
    except ValueError as exc:
        raise NotFastShape(path, str(exc)) from None
    return Tokenizer(bpe, None if pattern is None else RegexSplitter(pattern), added_tokens=added,
                     post_processor=post, name=name)


def _texts_by_id(index: dict, path) -> list[str]:
    """The vocab's strings in id order; the ids must be 0..n-1 (files list them in that order,
    which is checked at C speed before falling back to a sort)."""
    size = len(index)
    ids = list(index.values())
    if ids == list(range(size)):
        return list(index)
    texts: list[str | None] = [None] * size
    for text, i in index.items():
        if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < size or texts[i] is not None:
            raise NotFastShape(path, f"vocabulary ids are not 0..{size - 1} (id {i!r} for {text!r})")
        texts[i] = text
    return texts


def _merge_ids(entries: list, index: dict, path) -> list[tuple[int, int]]:
    """Merges as id pairs; an entry is ``"left right"`` or ``[left, right]``."""
    try:
        pairs = [e.split(" ", 1) if isinstance(e, str) else e for e in entries]
        return [(index[left], index[right]) for left, right in pairs]
    except (KeyError, ValueError, TypeError):
        for rank, entry in enumerate(entries):
            parts = entry.split(" ", 1) if isinstance(entry, str) else entry
            if not (isinstance(parts, list) and len(parts) == 2 and all(p in index for p in parts)):
                raise ModelFileError(path, f"merge {rank} ({entry!r}) is not two tokens of the "
                                           "vocabulary") from None
        raise


def byte_level_decoding(text: str) -> bytes:
    """HF's ``ByteLevel`` decoder on one token: its bytes through GPT-2's map when every
    character is in the byte alphabet, else its UTF-8 unchanged."""
    try:
        return text_to_bytes(text)
    except ValueError:
        return text.encode("utf-8")


def _check_model_options(model: dict, path) -> None:
    """Refuse BPE options the compiled merge loop does not apply (HF's defaults pass)."""
    if model.get("dropout") not in (None, 0, 0.0):
        raise NotFastShape(path, "BPE dropout")
    if model.get("ignore_merges"):
        raise NotFastShape(path, "BPE ignore_merges")
    for option in ("continuing_subword_prefix", "end_of_word_suffix"):
        if model.get(option) not in (None, ""):
            raise NotFastShape(path, f"BPE {option}={model[option]!r}")
    # With every byte in the vocabulary no piece is ever unknown, so unk_token, fuse_unk and
    # byte_fallback change nothing; BPEModel refuses a vocabulary that lacks a byte.


def _pattern(pre: dict | None, path) -> str | None:
    if not pre:
        raise NotFastShape(path, "byte-level BPE without a pre-tokenizer")
    steps = pre.get("pretokenizers", []) if pre.get("type") == "Sequence" else [pre]
    kinds = [s.get("type") for s in steps]
    if kinds == ["ByteLevel"]:  # with HF's GPT-2 regex, or (use_regex=false) no split
        if steps[0].get("add_prefix_space"):
            raise NotFastShape(path, "ByteLevel add_prefix_space=true")
        return "gpt2" if steps[0].get("use_regex", True) else None
    if kinds == ["Split", "ByteLevel"] and not steps[1].get("use_regex", True):
        split = steps[0]
        if steps[1].get("add_prefix_space"):
            raise NotFastShape(path, "ByteLevel add_prefix_space=true")
        if split.get("behavior") != "Isolated" or split.get("invert"):
            raise NotFastShape(path, "Split other than behavior=Isolated, invert=false")
        regex_string = (split.get("pattern") or {}).get("Regex")
        # Only the spelling HF's engine reads as the named pattern: written in tiktoken's
        # dialect, ``{1,3}+`` and ``$`` mean something else there.
        for name, spelling in EXPORT_SPELLING.items():
            if regex_string == spelling:
                return name
        raise NotFastShape(path, "Split pattern is not a named pattern in HF's spelling")
    raise NotFastShape(path, f"pre-tokenizer {kinds} for byte-level BPE")


def write(tokenizer) -> dict | None:
    """The document of a byte-level BPE tokenizer; None if the model is not a :class:`BPEModel`."""
    from ..models.bpe.model import BPEModel

    model = tokenizer.model
    if not isinstance(model, BPEModel):
        return None
    pattern = byte_level_pattern(tokenizer, "HF tokenizer.json")
    pre_tokenizers = [{"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                       "use_regex": False}]
    if pattern is not None:
        pre_tokenizers.insert(0, {"type": "Split", "pattern": {"Regex": pattern},
                                  "behavior": "Isolated", "invert": False})
    if model.semantics == "tiktoken":
        merges = _merges_from_ranks(model)
    else:
        merges = model.merges
    texts = [bytes_to_text(t) for t in model.tokens]
    for i in sorted(model.holes):  # HF numbers tokens densely: the special placed there fills it
        placed = [s for s, j in tokenizer.special_tokens.items() if j == i]
        if not placed:
            from .families import cannot_hold

            raise cannot_hold("HF tokenizer.json", tokenizer, f"id {i} is unassigned, and HF "
                                                              "would give the next added token that id")
        texts[i] = bytes_to_text(placed[0].encode("utf-8"))
    if len(set(texts)) != len(texts):
        from .families import cannot_hold

        seen: set[str] = set()
        twice = next(t for t in texts if t in seen or seen.add(t))
        raise cannot_hold("HF tokenizer.json", tokenizer, f"token {twice!r} has two ids, and the "
                                                          "vocabulary maps each token to one id")
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added_tokens(tokenizer),
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": pre_tokenizers},
        "post_processor": post_processor(tokenizer),
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
        "model": {
            "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
            "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
            "ignore_merges": False,
            "vocab": _vocab_keeping_added_ids(texts, tokenizer.added_tokens),
            "merges": [[texts[a], texts[b]] for a, b in merges],
        },
    }


def _vocab_keeping_added_ids(texts: list[str], added) -> dict[str, int]:
    """The vocab object, such that HF gives every added token the id it has here.

    HF numbers added tokens beyond the vocabulary consecutively from its size; when the ids
    leave gaps (tiktoken's cl100k has none at 100256), the added tokens enter the vocabulary
    at their ids (HF keeps a vocabulary token's id) and each id no token has gets an unused
    placeholder, which no merge produces.
    """
    vocab = {t: i for i, t in enumerate(texts)}
    beyond = sorted((t.id, t.content) for t in added if t.id >= len(texts))
    if [i for i, _ in beyond] == list(range(len(texts), len(texts) + len(beyond))):
        return vocab
    ids = dict(beyond)
    for i in range(len(texts), beyond[-1][0] + 1):
        vocab[ids.get(i, f"<|unused_id_{i}|>")] = i
    return vocab


def byte_level_pattern(tokenizer, format_name: str) -> str | None:
    """The split pattern to write for a byte-level BPE tokenizer (HF's spelling of a named one;
    None: no split), or :class:`OptionError` when its pipeline is not byte-level BPE's."""
    from ..components import ByteDecoder
    from .families import cannot_hold

    if tokenizer.normalizer is not None:
        raise cannot_hold(format_name, tokenizer, f"byte-level BPE there has no normalizer, and "
                                                  f"this one has {tokenizer.normalizer!r}")
    if not isinstance(tokenizer.decoder, ByteDecoder):
        raise cannot_hold(format_name, tokenizer, f"byte-level BPE there decodes bytes, not "
                                                  f"{type(tokenizer.decoder).__name__}")
    splitter = tokenizer.splitter
    if splitter is None:
        return None
    name = getattr(splitter, "compiled_name", None)
    if name:
        return EXPORT_SPELLING[name]
    pattern = getattr(splitter, "pattern", None)
    if pattern is None:
        raise cannot_hold(format_name, tokenizer, f"its splitter {type(splitter).__name__} is not a "
                                                  "regular expression")
    return pattern


def _merges_from_ranks(model) -> list[tuple[int, int]]:
    """A merge list for a tiktoken vocabulary: each token's split as BPE of lower ranks makes it.

    This is how tiktoken vocabularies become merges files (GPT-2's merges.txt is the r50k case):
    encode each multi-byte token with only the ranks below its own; the two parts left are its merge.
    """
    from .._reference.bpe import merge_piece

    table = {(int(a), int(b)): (int(r), int(m)) for a, b, r, m in model.table}
    merges = []
    for rank, token in enumerate(model.tokens):
        if len(token) < 2 or rank in model.holes:
            continue
        below = _RankLimited(table, rank)
        parts = merge_piece([model.byte_ids[b] for b in token], below)
        if len(parts) != 2:
            raise OptionError(f"token {rank} ({token!r}) is not reachable by merges of the tokens "
                              "ranked below it, so HF's merges cannot make it")
        merges.append((parts[0], parts[1]))
    return merges


class _RankLimited(dict):
    def __init__(self, table, limit):
        super().__init__()
        self.table, self.limit = table, limit

    def get(self, key, default=None):
        hit = self.table.get(key)
        return hit if hit is not None and hit[0] < self.limit else default
