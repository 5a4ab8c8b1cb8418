"""How numbers, dates and times are split.

After Spathis & Kawsar, "The first step is the hardest: pitfalls of representing and tokenizing
temporal data for large language models" (2023): a model can only do arithmetic on digits if the
tokenizer splits them in a predictable way. Measured on fixed synthetic probes (seeded, so every
tokenizer sees the same strings), each encoded after a space as in running text:

* **digit grouping**: for numbers of 1..``MAX_DIGITS`` digits, the *pattern* of a number is the
  tuple of how many digits each of its tokens holds (``" 12345"`` -> ``(3, 2)`` for cl100k,
  ``(1, 1, 1, 1, 1)`` for Llama 2). ``consistency`` = share of numbers whose pattern is the most
  common one for their length, averaged over lengths (1.0: splitting depends only on the length).
  ``direction``: ``single digits``, ``left to right`` (full groups first, remainder last),
  ``right to left`` (remainder first, like thousands separators), ``whole`` (one token),
  ``irregular``, or ``unknown`` when the most common form of some length holds no digit at all
  (the vocabulary lacks digits: they become the unknown token).
* **dates and times**: per format, tokens per character and ``field_aligned``: share of strings in
  which no token holds digits of two different fields (a token matching ``\\d\\D+\\d``, e.g.
  ``"4-1"`` in ``2023-04-15``, mixes fields).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass

MAX_DIGITS = 10
PER_LENGTH = 200
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
_CROSS = re.compile(rb"\d\D+\d")


@dataclass
class DigitLength:
    digits: int
    pattern: list[int]        # most common digits-per-token pattern
    consistency: float        # share of numbers with that pattern
    tokens_per_digit: float


@dataclass
class DateFormat:
    format: str
    example: str
    tokens_per_char: float
    field_aligned: float


@dataclass
class Numbers:
    consistency: float
    direction: str
    tokens_per_digit: float
    by_length: list[DigitLength]
    dates: list[DateFormat]


def digit_pattern(tokenizer, ids: list[int]) -> tuple[int, ...]:
    """Digits per token, for the tokens that hold digits."""
    out = []
    for i in ids:
        s = tokenizer.token_bytes(i) or b""
        digits = sum(48 <= b <= 57 for b in s)
        if digits:
            out.append(digits)
    return tuple(out)


def _direction(patterns: dict[int, tuple[int, ...]]) -> str:
    if any(not p for p in patterns.values()):  # digits the vocabulary does not cover (unk)
        return "unknown"
    if all(set(p) == {1} for p in patterns.values()):
        return "single digits"
    if all(len(p) == 1 for p in patterns.values()):
        return "whole"
    group = max(max(p) for p in patterns.values())
    def expected(n, left):
        full, rest = divmod(n, group)
        groups = [group] * full
        return tuple(groups + [rest] if left else [rest] + groups) if rest else tuple(groups)
    if all(p == expected(n, True) for n, p in patterns.items()):
        return "left to right"
    if all(p == expected(n, False) for n, p in patterns.items()):
        return "right to left"
    return "irregular"


def _date_probes(rng: random.Random) -> dict[str, list[str]]:
    probes: dict[str, list[str]] = {name: [] for name in
                                    ("YYYY-MM-DD", "DD/MM/YYYY", "Month D, YYYY", "HH:MM", "HH:MM:SS", "YYYY-MM-DDTHH:MM:SS")}
    for _ in range(PER_LENGTH):
        y, m, d = rng.randint(1900, 2099), rng.randint(1, 12), rng.randint(1, 28)
        hh, mm, ss = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
        probes["YYYY-MM-DD"].append(f"{y:04d}-{m:02d}-{d:02d}")
        probes["DD/MM/YYYY"].append(f"{d:02d}/{m:02d}/{y:04d}")
        probes["Month D, YYYY"].append(f"{MONTHS[m - 1]} {d}, {y}")
        probes["HH:MM"].append(f"{hh:02d}:{mm:02d}")
        probes["HH:MM:SS"].append(f"{hh:02d}:{mm:02d}:{ss:02d}")
        probes["YYYY-MM-DDTHH:MM:SS"].append(f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}")
    return probes


def numbers(tokenizer, seed: int = 0) -> Numbers:
    rng = random.Random(seed)
    by_length, patterns = [], {}
    total_tokens = total_digits = 0
    for n in range(1, MAX_DIGITS + 1):
        values = [str(rng.randint(10 ** (n - 1) if n > 1 else 0, 10 ** n - 1)) for _ in range(PER_LENGTH)]
        found = Counter()
        tokens = 0
        for ids in tokenizer.encode_batch([" " + v for v in values]):
            pattern = digit_pattern(tokenizer, ids)
            found[pattern] += 1
            tokens += len(pattern)
        pattern, count = found.most_common(1)[0]
        patterns[n] = pattern
        by_length.append(DigitLength(n, list(pattern), count / PER_LENGTH, tokens / (n * PER_LENGTH)))
        total_tokens += tokens
        total_digits += n * PER_LENGTH
    dates = []
    for name, strings in _date_probes(rng).items():
        encoded = tokenizer.encode_batch([" " + s for s in strings])
        aligned = sum(not any(_CROSS.search(tokenizer.token_bytes(i) or b"") for i in ids) for ids in encoded)
        chars = sum(len(s) + 1 for s in strings)
        dates.append(DateFormat(name, strings[0], sum(map(len, encoded)) / chars, aligned / len(strings)))
    return Numbers(consistency=sum(d.consistency for d in by_length) / len(by_length),
                   direction=_direction(patterns), tokens_per_digit=total_tokens / total_digits,
                   by_length=by_length, dates=dates)
