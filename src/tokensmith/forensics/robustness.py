"""Robustness of segmentation: how a word's tokens change under the small perturbations users
meet.

Perturbations (one per word, chosen with a seeded generator, words drawn from a corpus):

==============  ===================================================  ===============
kind            the word becomes                                     character edits
==============  ===================================================  ===============
``insert``      a random lower-case letter inserted (typo)           1
``delete``      one character deleted (typo)                         1
``swap``        two adjacent characters swapped (typo)               1
``case``        the first letter's case flipped (``the`` ↔ ``The``)  1
``upper``       all capitals                                         letters changed
``nfd``         canonical decomposition (NFC → NFD: ``é`` → e + ◌́)    characters changed
``fullwidth``   ASCII as full-width forms (``word`` → ``ｗｏｒｄ``)      characters changed
``homoglyph``   one Latin letter as its Cyrillic look-alike          1
``no_space``    without the leading space it has in running text     1
==============  ===================================================  ===============

Words are encoded as in running text (``" " + word``). Per kind: the share of words whose tokens
change beyond the one token an edit must change (token edit distance above 1: the perturbation
re-segments the word), and the mean token edit distance (Levenshtein over token ids) per character
edit. (Any edit changes some token, so "tokens differ" would be 100% for every tokenizer.) A kind
no sampled word allows (``nfd`` on words without accents) is not measured.

Adapted from the robustness evaluations of the tokenizer literature (e.g. the typo and
spelling-variation tests of hierarchical / byte-level model papers); the measure itself, on the
tokenizer alone, is tokensmith's.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Sequence

import regex

KINDS = ("insert", "delete", "swap", "case", "upper", "nfd", "fullwidth", "homoglyph", "no_space")
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}]{2,}")
_HOMOGLYPHS = dict(zip("aceopxyiABEHKMOPTX", "асеорхуіАВЕНКМОРТХ"))
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass
class KindResult:
    words: int
    changed_share: float             # words where more than one token changes
    token_edits_per_char_edit: float


@dataclass
class Robustness:
    words: int
    seed: int
    kinds: dict[str, KindResult] = field(default_factory=dict)
    typo_changed_share: float | None = None         # insert, delete, swap together
    typo_token_edits_per_char_edit: float | None = None


def sample_words(texts: Sequence[str], n: int = 500, seed: int = 0) -> list[str]:
    """Up to ``n`` distinct words (letters, at least 3) of the texts, drawn with ``seed``."""
    seen: dict[str, None] = {}
    for text in texts:
        for w in _WORD.findall(text):
            seen.setdefault(w, None)
            if len(seen) >= 50 * n:
                break
    words = sorted(seen)
    random.Random(seed).shuffle(words)
    return words[:n]


def perturb(word: str, kind: str, rng: random.Random) -> tuple[str, str, int] | None:
    """``(original text, perturbed text, character edits)``, or None if ``kind`` does not apply."""
    spaced = " " + word
    if kind == "insert":
        i = rng.randrange(len(word) + 1)
        return spaced, " " + word[:i] + rng.choice(_LETTERS) + word[i:], 1
    if kind == "delete":
        i = rng.randrange(len(word))
        return spaced, " " + word[:i] + word[i + 1:], 1
    if kind == "swap":
        spots = [i for i in range(len(word) - 1) if word[i] != word[i + 1]]
        if not spots:
            return None
        i = rng.choice(spots)
        return spaced, " " + word[:i] + word[i + 1] + word[i] + word[i + 2:], 1
    if kind == "case":
        flipped = word[0].swapcase()
        return None if flipped == word[0] or len(flipped) != 1 else (spaced, " " + flipped + word[1:], 1)
    if kind == "upper":
        upper = word.upper()
        edits = sum(a != b for a, b in zip(word, upper))
        return None if not edits or len(upper) != len(word) else (spaced, " " + upper, edits)
    if kind == "nfd":
        nfc, nfd = unicodedata.normalize("NFC", word), unicodedata.normalize("NFD", word)
        edits = sum(unicodedata.normalize("NFD", c) != c for c in nfc)
        return None if nfc == nfd else (" " + nfc, " " + nfd, edits)
    if kind == "fullwidth":
        wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)
        edits = sum(a != b for a, b in zip(word, wide))
        return None if not edits else (spaced, " " + wide, edits)
    if kind == "homoglyph":
        spots = [i for i, c in enumerate(word) if c in _HOMOGLYPHS]
        if not spots:
            return None
        i = rng.choice(spots)
        return spaced, " " + word[:i] + _HOMOGLYPHS[word[i]] + word[i + 1:], 1
    if kind == "no_space":
        return spaced, word, 1
    raise ValueError(f"unknown perturbation {kind!r}")


def token_edit_distance(a: Sequence[int], b: Sequence[int]) -> int:
    """Levenshtein distance between two token-id sequences (insert, delete, substitute: 1 each)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def robustness(tokenizer, texts: Sequence[str] | None = None, *, words: Sequence[str] | None = None,
               n_words: int = 500, seed: int = 0) -> Robustness:
    """Measure ``tokenizer`` on ``words`` (default: :func:`sample_words` of ``texts``)."""
    if words is None:
        words = sample_words(texts or [], n_words, seed)
    result = Robustness(len(words), seed)
    typo_changed = typo_edits = typo_chars = typo_words = 0
    encode: Callable = tokenizer.encode_batch
    for k, kind in enumerate(KINDS):
        rng = random.Random(seed * 1000 + k)
        cases = [c for c in (perturb(w, kind, rng) for w in words) if c is not None]
        if not cases:
            continue
        before = encode([c[0] for c in cases])
        after = encode([c[1] for c in cases])
        changed = edits = chars = 0
        for (_, _, n_chars), x, y in zip(cases, before, after):
            x, y = list(map(int, x)), list(map(int, y))
            distance = token_edit_distance(x, y)
            changed += distance > 1
            edits += distance
            chars += n_chars
        result.kinds[kind] = KindResult(len(cases), changed / len(cases), edits / chars)
        if kind in ("insert", "delete", "swap"):
            typo_changed, typo_edits = typo_changed + changed, typo_edits + edits
            typo_chars, typo_words = typo_chars + chars, typo_words + len(cases)
    if typo_words:
        result.typo_changed_share = typo_changed / typo_words
        result.typo_token_edits_per_char_edit = typo_edits / typo_chars
    return result
