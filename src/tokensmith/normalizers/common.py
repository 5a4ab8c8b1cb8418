"""Normalizers for SentencePiece-style tokenizers (Llama 2, Mistral, T5) and HF normalizer files.

* :class:`SentencePieceNormalizer` — SentencePiece's own ``Normalizer::Normalize``: optional
  precompiled charsmap (longest match), remove extra whitespace, add the dummy prefix, escape
  spaces as ``▁``. User-defined symbols pass through untouched. The rules travel in the saved file.
* :class:`Precompiled` — HF's ``Precompiled`` normalizer, which applies the same charsmap per
  grapheme cluster (HF's rule differs from SentencePiece's on some clusters; ids match HF).
* :class:`Replace`, :class:`Prepend`, :class:`UnicodeNormalizer`, :class:`Lowercase`,
  :class:`SequenceNormalizer` —
  the small HF normalizers tokenizer.json files combine.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from typing import Any, Sequence

import regex

from .charsmap import PrecompiledCharsmap
from ..components import Normalizer, from_dict, register
from ..errors import OptionError, utf8

SPACE = "\u2581"
_SPACE_BYTES = SPACE.encode()
_SPACES = re.compile(" +")


def _blob_to_text(blob: bytes | None) -> str | None:
    return None if blob is None else base64.b64encode(blob).decode("ascii")


def _text_to_blob(text: str | None) -> bytes | None:
    return None if text is None else base64.b64decode(text)


@register
class SentencePieceNormalizer(Normalizer):
    kind = "sentencepiece"

    def __init__(self, charsmap: bytes | None = None, *, add_dummy_prefix: bool = True,
                 remove_extra_whitespaces: bool = True, escape_whitespaces: bool = True,
                 user_defined: Sequence[str] = (), treat_whitespace_as_suffix: bool = False):
        """``treat_whitespace_as_suffix``: the dummy space goes after the text, not before it
        (SentencePiece's trainer option of that name; words then end with ``▁``)."""
        self.charsmap_blob = bytes(charsmap) if charsmap else None
        self.charsmap = PrecompiledCharsmap(self.charsmap_blob) if self.charsmap_blob else None
        self.add_dummy_prefix = bool(add_dummy_prefix)
        self.remove_extra_whitespaces = bool(remove_extra_whitespaces)
        self.escape_whitespaces = bool(escape_whitespaces)
        self.user_defined = list(user_defined)
        self.treat_whitespace_as_suffix = bool(treat_whitespace_as_suffix)
        # Longest first: the alternation then returns the longest user-defined symbol.
        self._user = (re.compile(b"|".join(re.escape(s.encode()) for s in
                                          sorted(self.user_defined, key=len, reverse=True)))
                      if self.user_defined else None)
        # Without a charsmap, and with no space inside user symbols, whitespace rules are all.
        self._simple = self.charsmap is None and not any(" " in s for s in self.user_defined)

    def normalize(self, text: str) -> str:
        if self._simple:
            utf8(text)
            if self.remove_extra_whitespaces:
                text = _SPACES.sub(" ", text).strip(" ")
            if not text:
                return ""
            if self.add_dummy_prefix:
                text = text + " " if self.treat_whitespace_as_suffix else " " + text
            return text.replace(" ", SPACE) if self.escape_whitespaces else text
        table = self._context_free_table(text)
        if table is not None:
            # Every character maps on its own: one translate, then the whitespace rules.
            utf8(text)
            out = text.translate(table)
            if self.remove_extra_whitespaces:
                out = _SPACES.sub(" ", out).strip(" ")
            elif not text:
                return ""
            if not out and (self.remove_extra_whitespaces or not text):
                return ""
            if self.add_dummy_prefix:
                out = out + " " if self.treat_whitespace_as_suffix else " " + out
            return out.replace(" ", SPACE) if self.escape_whitespaces else out
        return self._normalize_general(utf8(text)).decode("utf-8")

    def _context_free_table(self, text: str) -> dict[int, str] | None:
        """Per-character replacements when no charsmap key spans several of ``text``'s characters."""
        if self.user_defined or self.charsmap is None:
            return None
        memo = self.__dict__.setdefault("_char_memo", {})
        ascii_only = text.isascii()  # then only ASCII bytes can follow a character
        chars = set(text)
        for c in chars:
            if c not in memo:
                data = c.encode("utf-8", "surrogatepass")
                found = self.charsmap.longest(data, 0)
                whole = found is None or found[0] == len(data)
                repl = c if found is None else found[1].decode("utf-8", "replace")
                usable = whole and "  " not in repl
                memo[c] = (repl, usable and not self.charsmap.continues(data, range(1, 128)),
                           usable and not self.charsmap.continues(data))
            entry = memo[c]
            if not (entry[1] if ascii_only else entry[2]):
                return None
        return {ord(c): memo[c][0] for c in chars if memo[c][0] != c}

    def _prefix(self, data: bytes, pos: int) -> tuple[bytes, int]:
        """SentencePiece's ``NormalizePrefix``: (replacement, bytes consumed) at ``pos``."""
        if self._user is not None:
            m = self._user.match(data, pos)
            if m:
                return m.group(), m.end() - pos
        if self.charsmap is not None:
            found = self.charsmap.longest(data, pos)
            if found is not None:
                return found[1], found[0]
        width = 1
        first = data[pos]
        if first >= 0xF0:
            width = 4
        elif first >= 0xE0:
            width = 3
        elif first >= 0xC0:
            width = 2
        return data[pos:pos + width], width

    def _normalize_general(self, data: bytes) -> bytes:
        space = _SPACE_BYTES if self.escape_whitespaces else b" "
        pos, n = 0, len(data)
        if self.remove_extra_whitespaces:
            while pos < n:
                piece, width = self._prefix(data, pos)
                if piece != b" ":
                    break
                pos += width
        if pos >= n:
            return b""
        dummy = space if self.add_dummy_prefix else b""
        out = bytearray(b"" if self.treat_whitespace_as_suffix else dummy)
        prev_space = self.remove_extra_whitespaces
        while pos < n:
            piece, width = self._prefix(data, pos)
            if prev_space:
                piece = piece.lstrip(b" ")
            if piece:
                out += piece.replace(b" ", space) if self.escape_whitespaces else piece
                prev_space = piece.endswith(b" ")
            pos += width
            if not self.remove_extra_whitespaces:
                prev_space = False
        if self.remove_extra_whitespaces:
            while out.endswith(space):
                del out[-len(space):]
        if self.treat_whitespace_as_suffix:
            out += dummy
        return bytes(out)

    def compiled_spec(self) -> dict[str, Any]:
        """These rules for the compiled text encoders (``_core/include/spm_text.h``); None for a
        dummy suffix, which they do not place (the stages then run one by one)."""
        if self.treat_whitespace_as_suffix:
            return None
        return {"type": "sentencepiece", "charsmap": self.charsmap_blob,
                "add_dummy_prefix": self.add_dummy_prefix,
                "remove_extra_whitespaces": self.remove_extra_whitespaces,
                "escape_whitespaces": self.escape_whitespaces, "user_defined": self.user_defined}

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "charsmap": _blob_to_text(self.charsmap_blob),
                "add_dummy_prefix": self.add_dummy_prefix,
                "remove_extra_whitespaces": self.remove_extra_whitespaces,
                "escape_whitespaces": self.escape_whitespaces, "user_defined": self.user_defined,
                "treat_whitespace_as_suffix": self.treat_whitespace_as_suffix}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(_text_to_blob(data.get("charsmap")),
                   add_dummy_prefix=data.get("add_dummy_prefix", True),
                   remove_extra_whitespaces=data.get("remove_extra_whitespaces", True),
                   escape_whitespaces=data.get("escape_whitespaces", True),
                   user_defined=data.get("user_defined", ()),
                   treat_whitespace_as_suffix=data.get("treat_whitespace_as_suffix", False))

    def __repr__(self) -> str:
        return (f"SentencePieceNormalizer(charsmap={'yes' if self.charsmap else 'no'}, "
                f"add_dummy_prefix={self.add_dummy_prefix}, "
                f"remove_extra_whitespaces={self.remove_extra_whitespaces})")


@register
class Precompiled(Normalizer):
    """HF's ``Precompiled``: per grapheme cluster (under 6 bytes) the charsmap's first match
    replaces the whole cluster; otherwise each character is looked up on its own."""

    kind = "precompiled"
    _GRAPHEMES = regex.compile(r"\X")

    def __init__(self, charsmap: bytes):
        self.charsmap_blob = bytes(charsmap)
        self.charsmap = PrecompiledCharsmap(self.charsmap_blob)
        self._memo: dict[str, str] = {}

    def _grapheme(self, g: str) -> str:
        done = self._memo.get(g)
        if done is not None:
            return done
        data = utf8(g)
        out = None
        if len(data) < 6:
            found = self.charsmap.first(data)
            if found is not None:
                out = found.decode("utf-8", "replace")
        if out is None:
            parts = []
            for c in g:
                found = self.charsmap.first(c.encode("utf-8"))
                parts.append(c if found is None else found.decode("utf-8", "replace"))
            out = "".join(parts)
        if len(self._memo) < 100_000:
            self._memo[g] = out
        return out

    def normalize(self, text: str) -> str:
        if text.isascii() and not _needs_ascii_map(self, text):
            return text
        return "".join([self._grapheme(g) for g in self._GRAPHEMES.findall(text)])

    def compiled_spec(self) -> dict[str, Any]:
        """This normalizer for the compiled text encoders (``_core/include/spm_text.h``)."""
        return {"type": "precompiled", "charsmap": self.charsmap_blob}

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "charsmap": _blob_to_text(self.charsmap_blob)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(_text_to_blob(data["charsmap"]))

    def __repr__(self) -> str:
        return f"Precompiled({len(self.charsmap_blob)} bytes)"


def _needs_ascii_map(normalizer: Precompiled, text: str) -> bool:
    """Whether any ASCII character of ``text`` is rewritten by the charsmap (checked once per char)."""
    mapped = getattr(normalizer, "_ascii_mapped", None)
    if mapped is None:
        mapped = set()
        for code in range(128):
            c = chr(code)
            found = normalizer.charsmap.first(c.encode())
            if found is not None and found != c.encode():
                mapped.add(c)
        normalizer._ascii_mapped = mapped
    return bool(mapped) and any(c in mapped for c in set(text))


@register
class Replace(Normalizer):
    """HF's ``Replace``: every match of a literal string, or of a regex (``is_regex=True``) read as
    HF reads it (Oniguruma syntax, matches iterated as Oniguruma does), becomes ``content``.
    ``content`` is literal (no group references)."""

    kind = "replace"

    def __init__(self, pattern: str, content: str, is_regex: bool = False):
        from ..pre_tokenizers.regex_dialects import compile_pattern

        self.pattern, self.content, self.is_regex = pattern, content, bool(is_regex)
        self._regex = compile_pattern(pattern, "onig") if is_regex else None

    def normalize(self, text: str) -> str:
        if not text:  # HF finds no match in an empty text, not even an empty one
            return text
        if self._regex is None:
            return text.replace(self.pattern, self.content)
        from ..pre_tokenizers.regex_dialects import find_matches

        parts, prev = [], 0
        for start, end in find_matches(self._regex, text, self.pattern):
            parts += (text[prev:start], self.content)
            prev = end
        if not parts:
            return text
        parts.append(text[prev:])
        return "".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "pattern": self.pattern, "content": self.content,
                "is_regex": self.is_regex}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data["pattern"], data["content"], data.get("is_regex", False))


@register
class Prepend(Normalizer):
    """HF's ``Prepend``: ``prefix`` before any non-empty text (Llama's ``▁``; SentencePiece's
    dummy prefix, which an empty text does not get either)."""

    kind = "prepend"

    def __init__(self, prefix: str):
        self.prefix = prefix

    def normalize(self, text: str) -> str:
        return self.prefix + text if text else text

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "prefix": self.prefix}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data["prefix"])


@register
class UnicodeNormalizer(Normalizer):
    """NFC, NFD, NFKC or NFKD, with HF's tables: the few characters whose decomposition is newer
    than them stay as they are."""

    kind = "unicode"

    def __init__(self, form: str = "NFKC"):
        if form not in ("NFC", "NFD", "NFKC", "NFKD"):
            raise OptionError(f"unknown Unicode normalization form {form!r}")
        self.form = form
        self._kept = _undecomposed(form)

    def normalize(self, text: str) -> str:
        if text.isascii() or self._kept is None or not self._kept.search(text):
            return unicodedata.normalize(self.form, text)
        # Normalize around the kept characters, which HF's tables see as undecomposable starters.
        pieces = self._kept.split(text)
        return "".join(p if k % 2 else unicodedata.normalize(self.form, p)
                       for k, p in enumerate(pieces))

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "form": self.form}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(data.get("form", "NFKC"))


def _undecomposed(form: str):
    from ..unicode_versions import UNDECOMPOSED_BY_NFD, UNDECOMPOSED_BY_NFKD, class_body

    spec = UNDECOMPOSED_BY_NFKD if form.startswith("NFK") else UNDECOMPOSED_BY_NFD
    return regex.compile(f"([{class_body(spec)}])")


def lowercase(text: str) -> str:
    """HF's lowercasing: Rust's ``char::to_lowercase`` on each character. Unlike ``str.lower``,
    capital sigma is always ``σ`` (never the final ``ς``), and case pairs newer than Python's
    tables are known."""
    if text.isascii():
        return text.lower()
    if "\u03a3" in text:
        text = text.replace("\u03a3", "\u03c3")
    lowered = text.lower()
    if _LOWERCASE_ADDED and _NEWER_UPPER.search(lowered):
        lowered = lowered.translate(_LOWERCASE_ADDED)
    return lowered


def _newer_upper():
    from ..unicode_versions import LOWERCASE_ADDED

    chars = "".join(regex.escape(chr(c)) for c in LOWERCASE_ADDED)
    return LOWERCASE_ADDED, regex.compile(f"[{chars}]" if chars else "(?!)")


_LOWERCASE_ADDED, _NEWER_UPPER = _newer_upper()


@register
class Lowercase(Normalizer):
    """HF's ``Lowercase``: each character lowercased on its own (see :func:`lowercase`)."""

    kind = "lowercase"

    def normalize(self, text: str) -> str:
        return lowercase(text)


@register
class SequenceNormalizer(Normalizer):
    kind = "sequence"

    def __init__(self, normalizers: Sequence[Normalizer]):
        self.normalizers = list(normalizers)

    def normalize(self, text: str) -> str:
        for normalizer in self.normalizers:
            text = normalizer.normalize(text)
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "normalizers": [n.to_dict() for n in self.normalizers]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls([from_dict("normalizer", d) for d in data["normalizers"]])
