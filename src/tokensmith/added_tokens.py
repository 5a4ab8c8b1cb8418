"""Added tokens: strings cut out of the text before the model runs, as HF's ``AddedVocabulary``.

An HF ``tokenizer.json`` lists them under ``added_tokens``, each with

``content``      the literal string;
``id``           its id (in the model's vocabulary or numbered after it);
``special``      a control token (``<s>``, ``[CLS]``, ``<|endoftext|>``) rather than vocabulary;
``normalized``   matched in the normalized text (else in the raw text, before normalization);
``lstrip`` / ``rstrip``  the match absorbs the whitespace on its left / right;
``single_word``  only matched when no word character touches it on either side.

Matching follows ``AddedVocabulary::extract_and_normalize``: the tokens with ``normalized=false``
are found in the raw text first; each remaining segment is normalized on its own and the
``normalized=true`` tokens (whose patterns are their normalized contents) are found in it; what
remains goes through the pre-tokenizer and the model, segment by segment. Each search scans left
to right and takes the longest token at the leftmost position (Aho-Corasick ``LeftmostLongest``);
a match that is rejected (``single_word`` touching a word, a special token treated as text) is
still consumed, so no other token is searched inside it.

Special tokens follow tokensmith's tiktoken-style policy on top of that: refused in text unless
allowed (``allowed_special``), plain text with ``disallowed_special=()`` (HF's
``encode_special_tokens=True``). Non-special added tokens are vocabulary and always matched.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple, Sequence

import regex

from .errors import ModelFileError, OptionError, SpecialTokenError

FLAGS = ("special", "normalized", "lstrip", "rstrip", "single_word")

# Rust regex's \s and \w (Unicode White_Space and word characters), which HF's lstrip, rstrip
# and single_word tests use; the ``regex`` module's classes have the same definitions.
_SPACE = regex.compile(r"\s")
_SPACE_AT_START = regex.compile(r"\s*")
_WORD = regex.compile(r"\w")


@dataclass(frozen=True)
class AddedToken:
    content: str
    id: int
    special: bool = True
    normalized: bool = False
    lstrip: bool = False
    rstrip: bool = False
    single_word: bool = False

    @property
    def is_plain_special(self) -> bool:
        """A special token with no options: what a ``special_tokens`` dict entry means."""
        return self.special and not (self.normalized or self.lstrip or self.rstrip or self.single_word)

    def to_dict(self) -> dict[str, Any]:
        """HF's ``added_tokens`` entry."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "AddedToken":
        """An entry of HF's ``added_tokens`` list (a missing flag takes HF's default: an added
        token that is not special is normalized)."""
        special = bool(data.get("special", False))
        return cls(str(data["content"]), int(data["id"]), special,
                   bool(data.get("normalized", not special)), bool(data.get("lstrip", False)),
                   bool(data.get("rstrip", False)), bool(data.get("single_word", False)))


def plain_specials(special_tokens: Mapping[str, int]) -> list[AddedToken]:
    """tiktoken-style special tokens (matched in the raw text, no options)."""
    return [AddedToken(s, int(i)) for s, i in special_tokens.items()]


def read_added_tokens(entries, path, vocab_id: Callable[[str], int | None],
                      vocab_size: int) -> list[AddedToken]:
    """The ``added_tokens`` of an HF file, checked against the ids HF ``tokenizers`` gives them.

    HF does not take the ids from the file: a content in the model's vocabulary keeps its
    vocabulary id, any other is numbered ``vocab_size, vocab_size + 1, ...`` in file order, and an
    entry repeating a content is ignored. A file whose ids disagree with that numbering would load
    in HF with other ids than it states, so it is refused, naming the entry: negative ids, empty
    contents, a content with two ids, an id with two contents, an id of another vocabulary token.
    """
    if not isinstance(entries, list):
        raise ModelFileError(path, f"added_tokens is {entries!r:.40}, not a list")
    tokens: list[AddedToken] = []
    by_content: dict[str, AddedToken] = {}
    by_id: dict[int, str] = {}
    next_id = vocab_size
    for k, entry in enumerate(entries):
        _check_entry(entry, k, path)
        token = AddedToken.from_dict(entry)
        name = f"added token {token.content!r} (entry {k})"
        if not token.content:
            raise ModelFileError(path, f"added_tokens entry {k} has an empty content")
        if token.id < 0:
            raise ModelFileError(path, f"{name} has the negative id {token.id}")
        if token.content in by_content:
            if by_content[token.content].id != token.id:
                raise ModelFileError(path, f"{name} has the id {token.id} and, in an earlier "
                                           f"entry, the id {by_content[token.content].id}")
            continue  # HF ignores a repeated entry
        if token.id in by_id:
            raise ModelFileError(path, f"{name} has the id {token.id} of the added token "
                                       f"{by_id[token.id]!r}")
        expected = vocab_id(token.content)
        if expected is None:
            if token.id < vocab_size:
                raise ModelFileError(path, f"{name} has the id {token.id} of a different "
                                           "vocabulary token")
            expected, next_id = next_id, next_id + 1
        if token.id != expected:
            raise ModelFileError(path, f"{name} has the id {token.id}, but HF tokenizers gives it "
                                       f"the id {expected} (a vocabulary token keeps its id; other "
                                       "added tokens are numbered in order after the vocabulary)")
        by_content[token.content] = token
        by_id[token.id] = token.content
        tokens.append(token)
    return tokens


def _check_entry(entry, k: int, path) -> None:
    """HF's deserializer requires every field, with its JSON type."""
    if not isinstance(entry, dict):
        raise ModelFileError(path, f"added_tokens entry {k} is {entry!r:.40}, not an object")
    if not isinstance(entry.get("content"), str):
        raise ModelFileError(path, f"added_tokens entry {k} has no string content")
    if type(entry.get("id")) is not int:
        raise ModelFileError(path, f"added_tokens entry {k} ({entry['content']!r}) has no integer id")
    for flag in FLAGS:
        if type(entry.get(flag)) is not bool:
            raise ModelFileError(path, f"added_tokens entry {k} ({entry['content']!r}): {flag} "
                                       f"is {entry.get(flag)!r}, not true or false")


def check_added_tokens(tokens: Iterable[AddedToken]) -> list[AddedToken]:
    """Tokens given in code: non-empty contents, non-negative ids, one id per content and back."""
    tokens = list(tokens)
    contents: dict[str, int] = {}
    ids: dict[int, str] = {}
    for t in tokens:
        if not t.content:
            raise OptionError("an added token has an empty content")
        if t.id < 0:
            raise OptionError(f"added token {t.content!r} has the negative id {t.id}")
        if contents.setdefault(t.content, t.id) != t.id:
            raise OptionError(f"added token {t.content!r} has two ids ({contents[t.content]}, {t.id})")
        if ids.setdefault(t.id, t.content) != t.content:
            raise OptionError(f"id {t.id} is given to two added tokens ({ids[t.id]!r}, {t.content!r})")
    return tokens


class Match(NamedTuple):
    """An added token found in the text; ``text`` includes the whitespace ``lstrip``/``rstrip``
    absorbed (HF's ``Encoding.tokens`` shows it)."""

    id: int
    text: str


class Segment(NamedTuple):
    """Text between added tokens, to go through the pre-tokenizer and the model."""

    text: str
    at_start: bool      # begins the input text (HF: its original offset is 0)
    normalized: bool    # already normalized (it came out of the normalized-token search)


# Up to this many strings, a ``regex`` named list (``\L``) searches fastest; past it, compiling
# one takes seconds (200,000 special tokens: 9 s) and searching it slows down with the list.
NAMED_LIST_LIMIT = 5_000


class _LiteralMatch(NamedTuple):
    string: str
    begin: int
    finish: int

    def group(self) -> str:
        return self.string

    def span(self) -> tuple[int, int]:
        return self.begin, self.finish

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish


class _LargeLiteralSet:
    """Leftmost-longest search over very many literal strings: candidate positions are found by
    one character-class search for their first characters, then each length some string of that
    first character has is tried, longest first, as a set lookup."""

    def __init__(self, strings: Iterable[str]):
        self.strings = frozenset(s for s in strings if s)
        lengths: dict[str, set[int]] = {}
        for s in self.strings:
            lengths.setdefault(s[0], set()).add(len(s))
        self.lengths = {c: sorted(ls, reverse=True) for c, ls in lengths.items()}
        self.firsts = regex.compile("[" + "".join(regex.escape(c) for c in sorted(lengths)) + "]")

    def search(self, text: str, pos: int = 0) -> _LiteralMatch | None:
        strings, lengths = self.strings, self.lengths
        while (candidate := self.firsts.search(text, pos)) is not None:
            at = candidate.start()
            room = len(text) - at
            for n in lengths[text[at]]:
                if n <= room and text[at:at + n] in strings:
                    return _LiteralMatch(text[at:at + n], at, at + n)
            pos = at + 1
        return None

    def finditer(self, text: str) -> Iterator[_LiteralMatch]:
        pos = 0
        while (found := self.search(text, pos)) is not None:
            yield found
            pos = found.finish


def literal_search(strings: Iterable[str]):
    """A search for any of ``strings`` preferring the longest at the leftmost place, with
    ``search(text)`` and ``finditer(text)`` as a compiled ``regex`` has them."""
    strings = sorted({s for s in strings if s})
    if len(strings) <= NAMED_LIST_LIMIT:
        return regex.compile(r"\L<strings>", strings=strings)
    return _LargeLiteralSet(strings)


class _MatchingSet:
    """One search over many literal strings: a ``regex`` named list (``\\L``) tries a set
    lookup per position and prefers the longest entry, like Aho-Corasick ``LeftmostLongest``."""

    def __init__(self, patterns: Sequence[tuple[str, AddedToken]]):
        self.token: dict[str, AddedToken] = {}
        for pattern, token in patterns:  # HF keeps the first token of a repeated pattern
            if pattern:
                self.token.setdefault(pattern, token)
        self.regex = literal_search(self.token) if self.token else None

    def __bool__(self) -> bool:
        return self.regex is not None

    def splits(self, text: str, allowed, disallowed) -> list[tuple[AddedToken | None, int, int]]:
        """HF's ``AddedVocabulary::find_matches``: ``(token or None, start, end)`` covering the
        text; ``lstrip``/``rstrip`` widen a match over the whitespace beside it."""
        out: list[tuple[AddedToken | None, int, int]] = []
        done = 0
        for match in self.regex.finditer(text):
            token = self.token[match.group()]
            start, stop = match.span()
            if token.special and token.content not in allowed:
                if token.content in disallowed:
                    refuse_special(token.content)
                continue  # a special token taken as plain text
            if token.single_word and (
                    (start > 0 and _WORD.match(text, start - 1)) or
                    (stop < len(text) and _WORD.match(text, stop))):
                continue
            if token.lstrip:  # back over the whitespace before it, not into the previous match
                while start > 0 and _SPACE.match(text, start - 1):
                    start -= 1
                start = max(start, done)  # even past this match's start (an empty split, dropped)
            if token.rstrip:
                stop = _SPACE_AT_START.match(text, stop).end()
            if done < start:
                out.append((None, done, start))
            out.append((token, start, stop))
            done = stop
        if done != len(text):
            out.append((None, done, len(text)))
        return out


def refuse_special(special: str) -> None:
    raise SpecialTokenError(
        f"text contains the special token {special!r}; pass allowed_special={{{special!r}}} "
        "(or 'all') to encode it as a special token, or disallowed_special=() to encode "
        "it as plain text")


class AddedVocabulary:
    """The added tokens of a tokenizer and the two searches that cut them out of a text."""

    def __init__(self, tokens: Iterable[AddedToken], normalize: Callable[[str], str] | None = None):
        self.tokens = check_added_tokens(tokens)
        self.by_id = {t.id: t for t in self.tokens}
        self.by_content = {t.content: t.id for t in self.tokens}
        self.special_tokens = {t.content: t.id for t in self.tokens if t.special}
        self.special_ids = frozenset(self.special_tokens.values())
        # Non-special tokens are vocabulary: every encode must search for them.
        self.always_search = any(not t.special for t in self.tokens)
        # HF's order: special tokens first, then the others (the first of a repeated pattern wins).
        ordered = sorted(self.tokens, key=lambda t: not t.special)
        self._raw = _MatchingSet([(t.content, t) for t in ordered if not t.normalized])
        norm = normalize or (lambda s: s)
        self._normalized = _MatchingSet([(norm(t.content), t) for t in ordered if t.normalized])
        # HF's id -> string of an added token (``id_to_token``, decoding) is the normalized
        # content for a normalized token, the content for the others.
        self.strings = {t.id: norm(t.content) if t.normalized else t.content for t in self.tokens}
        # HF's skip_special_tokens tests that string against the special contents, so a special
        # token whose normalized form differs is not skipped.
        self.skipped_ids = frozenset(i for i, s in self.strings.items() if s in self.special_tokens)

    def __bool__(self) -> bool:
        return bool(self.tokens)

    def split(self, text: str, normalize: Callable[[str], str] | None,
              allowed: Iterable[str] = (), disallowed: Iterable[str] = ()) -> list[Match | Segment]:
        """The text as added-token matches and segments, in order (empty segments dropped, as HF)."""
        out: list[Match | Segment] = []
        raw_splits = self._raw.splits(text, allowed, disallowed) if self._raw else [(None, 0, len(text))]
        for token, start, stop in raw_splits:
            if start >= stop:
                continue
            if token is not None:
                out.append(Match(token.id, text[start:stop]))
            elif not self._normalized:
                out.append(Segment(text[start:stop], start == 0, False))
            else:
                piece = text[start:stop] if normalize is None else normalize(text[start:stop])
                for token2, start2, stop2 in self._normalized.splits(piece, allowed, disallowed):
                    if start2 >= stop2:
                        continue
                    if token2 is not None:
                        out.append(Match(token2.id, piece[start2:stop2]))
                    else:
                        out.append(Segment(piece[start2:stop2], start == 0 and start2 == 0, True))
        return out

    def to_list(self) -> list[dict[str, Any]]:
        return [t.to_dict() for t in sorted(self.tokens, key=lambda t: t.id)]
