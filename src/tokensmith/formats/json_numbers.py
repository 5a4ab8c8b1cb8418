"""JSON numbers as HF ``tokenizers`` reads them.

HF parses ``tokenizer.json`` with ``serde_json``, whose default float parser is fast but not
correctly rounded: it gathers up to 19 significant digits into a ``u64``, converts that to a
double and multiplies or divides by a power of ten (two roundings). About a quarter of T5's
Unigram scores come out one unit in the last place away from Python's ``float()``, and ties
between segmentations such as ``"----"`` then fall the other way. Reading an HF document with
:func:`serde_f64` gives the very doubles HF computes with.
"""

from __future__ import annotations

import json

# serde_json's table: 1e0 .. 1e308, each the double nearest to the power of ten.
_POW10 = [float(f"1e{k}") for k in range(309)]
_U64_MAX = (1 << 64) - 1


def serde_f64(text: str) -> float:
    """The double ``serde_json`` (without ``float_roundtrip``) parses from the JSON number ``text``."""
    negative = text[0] == "-"
    body = text[1:] if negative else text
    if "e" in body or "E" in body:
        mantissa, _, exp_text = body.replace("E", "e").partition("e")
    else:
        mantissa, exp_text = body, ""
    whole, _, fraction = mantissa.partition(".")
    if len(whole) + len(fraction) <= 19:  # fits a u64: every digit counts
        if not exp_text and 0 < len(fraction):  # the common case, "-12.130167007446289"
            value = int(whole + fraction) / _POW10[len(fraction)]
            return -value if negative else value
        significand = int(whole + fraction)
        exponent = -len(fraction)
    else:
        significand, exponent = _long_significand(whole, fraction)
    if exp_text:
        exponent += int(exp_text)
    value = float(significand)
    while True:
        if abs(exponent) < len(_POW10):
            value = value * _POW10[exponent] if exponent >= 0 else value / _POW10[-exponent]
            break
        if value == 0.0:
            break
        if exponent >= 0:
            value = float("inf")  # serde_json refuses the number; HF cannot load such a file
            break
        value /= 1e308
        exponent += 308
    return -value if negative else value


def _long_significand(whole: str, fraction: str) -> tuple[int, int]:
    """Digits taken while the u64 does not overflow, then ignored (integer ones still scale)."""
    significand = exponent = 0
    digits = iter(whole)
    for digit in digits:
        candidate = significand * 10 + int(digit)
        if candidate > _U64_MAX:
            exponent += 1 + sum(1 for _ in digits)  # the rest of the integer part
            break
        significand = candidate
    for digit in fraction:
        candidate = significand * 10 + int(digit)
        if candidate > _U64_MAX:
            break  # this and every later fraction digit are ignored
        significand = candidate
        exponent -= 1
    return significand, exponent


def loads_as_hf(text: str):
    """``json.loads`` with HF's floats."""
    return json.loads(text, parse_float=serde_f64)
