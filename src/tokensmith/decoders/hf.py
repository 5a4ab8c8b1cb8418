"""HF ``tokenizers``' decoders: ``build_decoder(spec, path)`` turns the ``"decoder"`` object of a
tokenizer.json into a tokensmith decoder giving HF's text, and ``decoder_to_hf`` writes one back.

Every HF decoder is a step from token strings to strings (``decode_chain``); ``Sequence`` chains
steps and the text is the join of the last step's strings (:class:`~tokensmith.decoders.common.ChainDecoder`).
The decoder receives the UTF-8 of the tokens' strings, as HF passes them (added tokens as their
content). Each step below states the HF rule it reproduces. With no decoder at all HF joins the
tokens with spaces (:class:`SpaceJoin`).

The WordPiece step is :class:`tokensmith.models.wordpiece.model.WordPieceDecoder`. HF's Metaspace step is
not :class:`tokensmith.decoders.common.MetaspaceDecoder`: that one is SentencePiece's rule (remove the
marker at the start of the text), while HF removes every marker of the first token.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

import regex

from ..components import ByteDecoder, Decoder, from_dict, register
from .common import ChainDecoder, MetaspaceDecoder
from ..errors import ModelFileError
from ..formats.bytes_text import latin1_translation
from ..models.wordpiece.model import WordPieceDecoder, cleanup
from ..formats.hf_spec import char, field, unsigned

PREPEND_SCHEMES = ("always", "first", "never")


@register
class ByteLevel(ChainDecoder):
    """GPT-2's byte alphabet back to bytes, then text; a token with a character outside the
    alphabet (an added token) keeps its own UTF-8. Invalid UTF-8 becomes U+FFFD (Rust's
    ``from_utf8_lossy``: one per maximal invalid subsequence, as Python's ``"replace"``)."""

    kind = "hf_byte_level"

    def __init__(self, add_prefix_space: bool = True, trim_offsets: bool = True,
                 use_regex: bool = True):
        # Pre-tokenizer options HF stores on its decoder too; decoding does not read them.
        self.options = {"add_prefix_space": add_prefix_space, "trim_offsets": trim_offsets,
                        "use_regex": use_regex}

    def decode_chain(self, tokens: list[str]) -> list[str]:
        table = latin1_translation()
        parts = []
        for token in tokens:
            mapped = token.translate(table)
            if not mapped or max(mapped) <= "\xff":
                parts.append(mapped.encode("latin-1"))
            else:
                parts.append(token.encode("utf-8", "surrogateescape"))
        return [b"".join(parts).decode("utf-8", "replace")]

    def hf_spec(self) -> dict[str, Any]:
        return {"type": "ByteLevel", **self.options}

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, **self.options}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data.get("add_prefix_space", True), data.get("trim_offsets", True),
                   data.get("use_regex", True))


@register
class Metaspace(ChainDecoder):
    """``replacement`` (``▁``) back to spaces, except in the first token, where every
    ``replacement`` is removed unless ``prepend_scheme`` is ``"never"`` (HF's rule, per token)."""

    kind = "hf_metaspace"

    def __init__(self, replacement: str = "\u2581", prepend_scheme: str = "always", split: bool = True):
        self.replacement, self.prepend_scheme, self.split = replacement, prepend_scheme, split

    def decode_chain(self, tokens: list[str]) -> list[str]:
        mark = self.replacement
        out = [t.replace(mark, " ") for t in tokens]
        if out and self.prepend_scheme != "never":
            out[0] = tokens[0].replace(mark, "")
        return out

    def hf_spec(self) -> dict[str, Any]:
        return {"type": "Metaspace", "replacement": self.replacement,
                "prepend_scheme": self.prepend_scheme, "split": self.split}

    def to_dict(self) -> dict[str, Any]:
        return {**self.hf_spec(), "type": self.kind}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data["replacement"], data["prepend_scheme"], data.get("split", True))


@register
class BPEDecoder(ChainDecoder):
    """``suffix`` (``</w>``) becomes a space in every token but the last, where it is removed."""

    kind = "hf_bpe_decoder"

    def __init__(self, suffix: str = "</w>"):
        self.suffix = suffix

    def decode_chain(self, tokens: list[str]) -> list[str]:
        last = len(tokens) - 1
        return [t.replace(self.suffix, "" if i == last else " ") for i, t in enumerate(tokens)]

    def hf_spec(self) -> dict[str, Any]:
        return {"type": "BPEDecoder", "suffix": self.suffix}

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "suffix": self.suffix}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data["suffix"])


@register
class CTC(ChainDecoder):
    """Speech models' output: repeated tokens collapse to one, ``pad_token`` is removed; with
    ``cleanup``, WordPiece's cleanup and ``word_delimiter_token`` -> space; empty tokens drop."""

    kind = "hf_ctc"

    def __init__(self, pad_token: str = "<pad>", word_delimiter_token: str = "|", cleanup: bool = True):
        self.pad_token, self.word_delimiter_token, self.cleanup = pad_token, word_delimiter_token, cleanup

    def decode_chain(self, tokens: list[str]) -> list[str]:
        out = []
        for token, _ in groupby(tokens):
            token = token.replace(self.pad_token, "")
            if self.cleanup:
                token = cleanup(token).replace(self.word_delimiter_token, " ")
            if token:
                out.append(token)
        return out

    def hf_spec(self) -> dict[str, Any]:
        return {"type": "CTC", "pad_token": self.pad_token,
                "word_delimiter_token": self.word_delimiter_token, "cleanup": self.cleanup}

    def to_dict(self) -> dict[str, Any]:
        return {**self.hf_spec(), "type": self.kind}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data["pad_token"], data["word_delimiter_token"], data["cleanup"])


@register
class Replace(ChainDecoder):
    """Every match of ``pattern`` (a literal string or a regex) in each token becomes ``content``
    (literally: no group references). Matches are found as HF's Oniguruma does: an empty match
    right where the previous match ended does not count (Python's ``re`` counts it), and an
    empty token has no match at all."""

    kind = "hf_replace"

    def __init__(self, pattern: str, content: str, is_regex: bool = False):
        self.pattern, self.content, self.is_regex = pattern, content, is_regex
        self._regex = regex.compile(pattern if is_regex else regex.escape(pattern))

    def decode_chain(self, tokens: list[str]) -> list[str]:
        if not self.is_regex:
            return [t.replace(self.pattern, self.content) if t else t for t in tokens]
        return [self._replace_matches(t) if t else t for t in tokens]

    def _replace_matches(self, token: str) -> str:
        parts, end = [], -1
        for match in self._regex.finditer(token):
            start, stop = match.span()
            if start == stop == end:
                continue
            parts += [token[max(end, 0):start], self.content]
            end = stop
        parts.append(token[max(end, 0):])
        return "".join(parts)

    def hf_spec(self) -> dict[str, Any]:
        return {"type": "Replace", "pattern": {"Regex" if self.is_regex else "String": self.pattern},
                "content": self.content}

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "pattern": self.pattern, "content": self.content,
                "is_regex": self.is_regex}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data["pattern"], data["content"], data.get("is_regex", False))


@register
class ByteFallback(ChainDecoder):
    """Runs of byte tokens ``<0xNN>`` become the text of their bytes; a run that is not valid
    UTF-8 becomes one U+FFFD per byte token (HF's rule, not the lossy decoder's)."""

    kind = "hf_byte_fallback"

    def decode_chain(self, tokens: list[str]) -> list[str]:
        out: list[str] = []
        run = bytearray()
        for token in tokens:
            byte = _byte_token(token)
            if byte is not None:
                run.append(byte)
                continue
            if run:
                out += _run_text(run)
                run.clear()
            out.append(token)
        if run:
            out += _run_text(run)
        return out

    def hf_spec(self) -> dict[str, Any]:
        return {"type": "ByteFallback"}


def _byte_token(token: str) -> int | None:
    """The byte of ``<0xNN>``: six UTF-8 bytes, ``NN`` read as Rust's ``u8::from_str_radix(_, 16)``
    (hex digits of either case, or ``+`` and one digit)."""
    if not (token.startswith("<0x") and token.endswith(">") and len(token.encode("utf-8")) == 6):
        return None
    digits = token[3:5]
    body = digits[1:] if digits.startswith("+") else digits
    if not body or not all(c in "0123456789abcdefABCDEF" for c in body):
        return None
    return int(body, 16)


def _run_text(run: bytearray) -> list[str]:
    try:
        return [run.decode("utf-8")]
    except UnicodeDecodeError:
        return ["\ufffd"] * len(run)


@register
class Fuse(ChainDecoder):
    """All tokens become one (so that later steps see the whole text)."""

    kind = "hf_fuse"

    def decode_chain(self, tokens: list[str]) -> list[str]:
        return ["".join(tokens)]

    def hf_spec(self) -> dict[str, Any]:
        return {"type": "Fuse"}


@register
class Strip(ChainDecoder):
    """Each token loses up to ``start`` leading and ``stop`` trailing ``content`` characters.

    HF panics when the two ends overlap (a token of ``content`` only, shorter than ``start +
    stop``); such a token is stripped to nothing here.
    """

    kind = "hf_strip"

    def __init__(self, content: str = " ", start: int = 0, stop: int = 0):
        self.content, self.start, self.stop = content, start, stop

    def decode_chain(self, tokens: list[str]) -> list[str]:
        out = []
        for token in tokens:
            head = 0
            while head < min(self.start, len(token)) and token[head] == self.content:
                head += 1
            tail = len(token)
            while len(token) - tail < min(self.stop, len(token) - head) and token[tail - 1] == self.content:
                tail -= 1
            out.append(token[head:tail])
        return out

    def hf_spec(self) -> dict[str, Any]:
        return {"type": "Strip", "content": self.content, "start": self.start, "stop": self.stop}

    def to_dict(self) -> dict[str, Any]:
        return {**self.hf_spec(), "type": self.kind}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data["content"], data["start"], data["stop"])


@register
class Sequence(ChainDecoder):
    """The steps one after another, each on the previous one's strings."""

    kind = "hf_sequence"

    def __init__(self, decoders: list[ChainDecoder]):
        self.decoders = list(decoders)

    def decode_chain(self, tokens: list[str]) -> list[str]:
        for step in self.decoders:
            tokens = step.decode_chain(tokens)
        return tokens

    def hf_spec(self) -> dict[str, Any]:
        return {"type": "Sequence", "decoders": [d.hf_spec() for d in self.decoders]}

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "decoders": [d.to_dict() for d in self.decoders]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls([from_dict("decoder", d) for d in data["decoders"]])


@register
class SpaceJoin(ChainDecoder):
    """What HF does without a decoder: the tokens joined by single spaces."""

    kind = "hf_space_join"

    def decode_chain(self, tokens: list[str]) -> list[str]:
        return [" ".join(tokens)]


# -- reading ------------------------------------------------------------------------------------
def build_decoder(spec: Any, path: Any) -> ChainDecoder:
    """The decoder of a tokenizer.json ``"decoder"`` value (None: HF's space join)."""
    if spec is None:
        return SpaceJoin()
    if not isinstance(spec, dict):
        raise ModelFileError(path, f"the tokenizer.json decoder is {spec!r:.60}, not an object")
    kind = spec.get("type")
    reader = _READERS.get(kind)
    if reader is None:
        raise ModelFileError(path, f"HF decoder type {kind!r} is not supported "
                                   f"(known: {', '.join(_READERS)})")
    return reader(spec, path, f"{kind} decoder")


def _metaspace(spec: dict, path, what: str) -> Metaspace:
    replacement = char(spec, "replacement", path, what)
    scheme = field(spec, "prepend_scheme", str, path, what, None)
    add_prefix_space = field(spec, "add_prefix_space", bool, path, what, None)
    if scheme is not None and scheme not in PREPEND_SCHEMES:
        raise ModelFileError(path, f"{what}: prepend_scheme {scheme!r} is not one of {PREPEND_SCHEMES}")
    if add_prefix_space is False and scheme != "never":
        # HF refuses add_prefix_space=false unless prepend_scheme says "never" too.
        raise ModelFileError(path, f"{what}: add_prefix_space=false needs prepend_scheme \"never\"")
    return Metaspace(replacement, scheme or "always", field(spec, "split", bool, path, what, True))


def _replace(spec: dict, path, what: str) -> Replace:
    pattern = field(spec, "pattern", dict, path, what)
    content = field(spec, "content", str, path, what)
    if len(pattern) != 1 or not set(pattern) <= {"String", "Regex"}:
        raise ModelFileError(path, f"{what}: pattern must be {{\"String\": ...}} or {{\"Regex\": ...}}")
    (key, value), = pattern.items()
    if not isinstance(value, str):
        raise ModelFileError(path, f"{what}: pattern {key} must be a string")
    try:
        return Replace(value, content, key == "Regex")
    except regex.error as exc:
        raise ModelFileError(path, f"{what}: bad regex {value!r} ({exc})") from None


def _sequence(spec: dict, path, what: str) -> Sequence:
    steps = field(spec, "decoders", list, path, what)
    for k, step in enumerate(steps):
        if not isinstance(step, dict):
            raise ModelFileError(path, f"{what}: step {k} is {step!r:.60}, not a decoder object")
    return Sequence([build_decoder(step, path) for step in steps])


_READERS = {
    "ByteLevel": lambda s, p, w: ByteLevel(field(s, "add_prefix_space", bool, p, w),
                                           field(s, "trim_offsets", bool, p, w),
                                           field(s, "use_regex", bool, p, w, True)),
    "Metaspace": _metaspace,
    "WordPiece": lambda s, p, w: WordPieceDecoder(field(s, "prefix", str, p, w),
                                                  field(s, "cleanup", bool, p, w)),
    "BPEDecoder": lambda s, p, w: BPEDecoder(field(s, "suffix", str, p, w)),
    "CTC": lambda s, p, w: CTC(field(s, "pad_token", str, p, w),
                               field(s, "word_delimiter_token", str, p, w),
                               field(s, "cleanup", bool, p, w)),
    "Sequence": _sequence,
    "Replace": _replace,
    "ByteFallback": lambda s, p, w: ByteFallback(),
    "Fuse": lambda s, p, w: Fuse(),
    "Strip": lambda s, p, w: Strip(char(s, "content", p, w), unsigned(s, "start", p, w),
                                   unsigned(s, "stop", p, w)),
}


# -- writing ------------------------------------------------------------------------------------
def decoder_to_hf(decoder: Decoder | None) -> dict | None:
    """The tokenizer.json ``"decoder"`` object giving ``decoder``'s text, or None (no decoder,
    or none that HF can express).

    Besides the steps above: tokensmith's :class:`~tokensmith.components.ByteDecoder` (raw token
    bytes, written by the byte-level BPE writer in GPT-2's alphabet) is HF's ``ByteLevel``, and
    SentencePiece's :class:`~tokensmith.decoders.common.MetaspaceDecoder` is the sequence HF uses for
    the same rule (markers to spaces, byte pieces to bytes, one leading space removed).
    """
    if decoder is None or isinstance(decoder, SpaceJoin):
        return None
    if isinstance(decoder, ChainDecoder):
        return decoder.hf_spec()
    if isinstance(decoder, ByteDecoder):
        return ByteLevel(False, True, False).hf_spec()
    if isinstance(decoder, MetaspaceDecoder):
        return Sequence([Replace(decoder.replacement, " "), ByteFallback(), Fuse(),
                         Strip(" ", int(decoder.strip_leading), 0)]).hf_spec()
    return None
