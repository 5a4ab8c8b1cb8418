r"""HF ``tokenizer.json`` for byte-level BPE (GPT-2, RoBERTa, Llama 3 style files).

Read: the ``ByteLevel`` pre-tokenizer (with its GPT-2 regex) or a ``Split`` regex followed by
``ByteLevel``; vocabulary and merges through GPT-2's byte-to-character map. Other pre-tokenizers
or normalizers are refused with a clear message rather than silently mis-tokenizing.

Write: ``Split(pattern, Isolated)`` + ``ByteLevel(use_regex=false)``. HF's regex engine reads
``$`` as "end of a line", so the named patterns' ``\s++$`` is written ``\s++\z`` (end of text),
which both engines read alike; and ``{1,3}+`` there means "one or more of {1,3}", not a
possessive, so it is written ``{1,3}`` (the same pieces, as nothing follows it in its branch).
Tests compare HF's pieces with ours on real and whitespace-ending text.
"""

from __future__ import annotations

from ..errors import ModelFileError, OptionError
from ..split import NAMED_PATTERNS
from .bytes_text import bytes_to_text, text_to_bytes
from .hf_json import added_tokens, read_added_tokens

EXPORT_SPELLING = {name: pattern.replace(r"\s++$", r"\s++\z").replace("{1,3}+", "{1,3}")
                   for name, pattern in NAMED_PATTERNS.items()}


def read(document: dict, path, **options):
    from ..splitters import RegexSplitter
    from ..tokenizer import Tokenizer
    from ..vocab.bpe import BPEModel

    model = document["model"]
    if document.get("normalizer") not in (None, {}):
        raise ModelFileError(path, f"BPE with normalizer {document['normalizer'].get('type')!r} is not "
                                   "supported (byte-level BPE files have none)")
    pattern = _pattern(document.get("pre_tokenizer"), path)
    vocab = model["vocab"]
    size = len(vocab)
    tokens: list[bytes | None] = [None] * size
    for text, i in vocab.items():
        if not 0 <= i < size or tokens[i] is not None:
            raise ModelFileError(path, f"vocabulary ids are not 0..{size - 1} (id {i} for {text!r})")
        try:
            tokens[i] = text_to_bytes(text)
        except ValueError:
            raise ModelFileError(path, f"token {text!r} is not in the byte-level alphabet; "
                                       "this is not a byte-level BPE file") from None
    index = {text: i for text, i in vocab.items()}
    merges = []
    for rank, entry in enumerate(model.get("merges") or []):
        left, right = entry.split(" ", 1) if isinstance(entry, str) else entry
        try:
            merges.append((index[left], index[right]))
        except KeyError:
            raise ModelFileError(path, f"merge {rank} ({left!r}, {right!r}) uses a token that is not "
                                       "in the vocabulary") from None
    try:
        bpe = BPEModel(tokens, merges, semantics="merges")
    except ValueError as exc:
        raise ModelFileError(path, str(exc)) from None
    return Tokenizer(bpe, None if pattern is None else RegexSplitter(pattern),
                     special_tokens=read_added_tokens(document),
                     name=options.get("name"))


def _pattern(pre: dict | None, path) -> str | None:
    if not pre:
        raise ModelFileError(path, "byte-level BPE without a pre-tokenizer is not supported")
    steps = pre.get("pretokenizers", []) if pre.get("type") == "Sequence" else [pre]
    kinds = [s.get("type") for s in steps]
    if kinds == ["ByteLevel"]:  # with HF's GPT-2 regex, or (use_regex=false) no split
        if steps[0].get("add_prefix_space"):
            raise ModelFileError(path, "ByteLevel add_prefix_space=true is not supported yet")
        return "gpt2" if steps[0].get("use_regex", True) else None
    if kinds == ["Split", "ByteLevel"] and not steps[1].get("use_regex", True):
        split = steps[0]
        if split.get("behavior") != "Isolated" or split.get("invert"):
            raise ModelFileError(path, "only Split(behavior=Isolated, invert=false) is supported")
        regex_string = (split.get("pattern") or {}).get("Regex")
        if regex_string is None:
            raise ModelFileError(path, "Split pre-tokenizer without a Regex pattern")
        for name, spelling in EXPORT_SPELLING.items():
            if regex_string in (spelling, NAMED_PATTERNS[name]):
                return name
        return regex_string
    raise ModelFileError(path, f"pre-tokenizer {kinds} is not supported for byte-level BPE")


def write(tokenizer) -> dict | None:
    """The document of a byte-level BPE tokenizer; None if the model is not a :class:`BPEModel`."""
    from ..vocab.bpe import BPEModel

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
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
        "model": {
            "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
            "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
            "ignore_merges": False,
            "vocab": {t: i for i, t in enumerate(texts)},
            "merges": [[texts[a], texts[b]] for a, b in merges],
        },
    }


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
