import random
from collections import Counter

import pytest

from tokensmith.metrics.numbers import MAX_DIGITS, PER_LENGTH, _direction, digit_pattern, numbers


def test_direction_by_hand():
    assert _direction({1: (1,), 2: (1, 1), 3: (1, 1, 1)}) == "single digits"
    assert _direction({1: (1,), 4: (3, 1), 5: (3, 2), 6: (3, 3)}) == "left to right"
    assert _direction({1: (1,), 4: (1, 3), 5: (2, 3), 6: (3, 3)}) == "right to left"
    assert _direction({1: (1,), 3: (1, 2), 4: (2, 2)}) == "right to left"  # pairs from the right
    assert _direction({1: (1,), 3: (1, 2), 4: (1, 3)}) == "irregular"


def test_single_digit_toy(toy_class):
    tok = toy_class([" ", *"0123456789", *"-/:,TJFMASOND", *"abcdefghijklmnopqrstuvwxyz"])
    result = numbers(tok)
    assert result.direction == "single digits" and result.consistency == 1.0
    assert result.tokens_per_digit == 1.0
    assert all(d.field_aligned == 1.0 for d in result.dates)


def test_field_crossing_is_detected(toy_class):
    # a token "4-1" joins the month's last digit with the day's first
    digits = [str(d) for d in range(10)]
    tok = toy_class([" ", "-", *digits] + [f"{a}-{b}" for a in digits for b in digits])
    date = next(d for d in numbers(tok).dates if d.format == "YYYY-MM-DD")
    assert date.field_aligned == 0.0


def test_against_tiktoken(tiktoken_encodings, ts_tokenizers):
    """Patterns recomputed with tiktoken on the same seeded numbers."""
    for name in ("cl100k", "r50k"):
        ref = tiktoken_encodings[name]
        result = numbers(ts_tokenizers[name])
        rng = random.Random(0)
        for n in range(1, MAX_DIGITS + 1):
            values = [str(rng.randint(10 ** (n - 1) if n > 1 else 0, 10 ** n - 1)) for _ in range(PER_LENGTH)]
            found = Counter(
                tuple(sum(c.isdigit() for c in ref.decode_single_token_bytes(i).decode("latin-1"))
                      for i in ref.encode_ordinary(" " + v)
                      if any(c.isdigit() for c in ref.decode_single_token_bytes(i).decode("latin-1")))
                for v in values)
            pattern, count = found.most_common(1)[0]
            row = result.by_length[n - 1]
            assert tuple(row.pattern) == pattern and row.consistency == count / PER_LENGTH
    cl = numbers(ts_tokenizers["cl100k"])
    assert cl.direction == "left to right" and cl.consistency == 1.0  # \p{N}{1,3} from the left
    r50 = numbers(ts_tokenizers["r50k"])
    assert r50.consistency < 0.8 and r50.direction == "irregular"


def test_digit_pattern(toy_class):
    tok = toy_class([" 12", "3", "45", " "])
    assert digit_pattern(tok, tok.encode(" 12345")) == (2, 1, 2)


def test_digits_outside_the_vocabulary_are_unknown_not_a_crash():
    assert _direction({1: (), 2: (1, 1), 3: (1, 1, 1)}) == "unknown"
    assert _direction({1: (), 2: ()}) == "unknown"
