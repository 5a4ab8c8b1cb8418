"""Measuring prompt-boundary healing: does greedy completion of a prompt cut inside a word
reproduce the word?

Held-out sentences are cut at a random character strictly inside a word (at least one letter
before and after the cut). A completion succeeds when its text starts with the rest of the word
followed by a character that is not a letter or digit (the word is finished, not extended).
Readings compared: ``naive`` (the prompt's own tokens, greedy), ``healed`` (back off one token,
character matching, greedy: :mod:`.healing`) and, given a byte-level model, ``byte_level``
(greedy next bytes of :class:`~.core.ByteLevel`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import regex

from .healing import Healer, complete

WORD = regex.compile(r"\p{L}{3,}")


@dataclass
class Cut:
    prompt: str
    rest: str     # the rest of the word the cut is inside


def cuts_inside_words(sentences: list[str], count: int, seed: int = 0) -> list[Cut]:
    """One cut per sentence (of the first ``count`` that have a word of 3 letters or more)."""
    rng = random.Random(seed)
    out = []
    for sentence in sentences:
        words = list(WORD.finditer(sentence))
        if not words:
            continue
        word = rng.choice(words)
        at = rng.randrange(word.start() + 1, word.end())
        out.append(Cut(sentence[:at], sentence[at:word.end()]))
        if len(out) == count:
            break
    return out


def finishes_word(completion: bytes, rest: str) -> bool:
    text = completion.decode("utf-8", errors="replace")
    if not text.startswith(rest):
        return False
    after = text[len(rest):len(rest) + 1]
    return after != "" and not (after.isalnum() or after == "_")


def completion_rates(lm, tokenizer, cuts: list[Cut], *, byte_level=None, end_id: int | None = None,
                     max_tokens: int = 6) -> dict[str, float]:
    """The share of cuts whose greedy completion finishes the word, per reading."""
    healer = Healer(tokenizer)
    hits = {"naive": 0, "healed": 0}
    if byte_level is not None:
        hits["byte_level"] = 0
    for cut in cuts:
        hits["naive"] += finishes_word(complete(lm, tokenizer, cut.prompt, max_tokens, back_off=0,
                                                healer=healer, end_id=end_id), cut.rest)
        hits["healed"] += finishes_word(complete(lm, tokenizer, cut.prompt, max_tokens, back_off=1,
                                                 healer=healer, end_id=end_id), cut.rest)
        if byte_level is not None:
            need = len(cut.rest.encode()) + 4
            hits["byte_level"] += finishes_word(byte_level.generate(cut.prompt.encode(), need, greedy=True), cut.rest)
    return {k: v / max(len(cuts), 1) for k, v in hits.items()}
