"""Whether the tokens still hold the text: unknown tokens and lossless round trips.

A tokenizer that maps text it cannot represent to one unknown token (T5 turns a whole Amharic,
Thai or Khmer word into a single ``<unk>``) spends few tokens on that text, so every measure per
token flatters it. Two measures say how much text was lost:

* ``unknown_share``: share of the tokens that are the unknown token (the tokenizer's ``unk_id``;
  a byte-level vocabulary has none, so its share is 0).
* ``roundtrip_share``: share of texts with ``decode(encode(x)) == x`` exactly. No allowance is
  made for the tokenizer's own normalization: NFKC folding, lower-casing or collapsed spaces lose
  text as surely as an unknown token does, and an exact comparison needs no per-library
  normalizer, so every tokenizer is held to the same test.

* ``encodes_whitespace``: whether whitespace on its own (a space, a line break, a tab, a run of
  spaces) is encoded to some token. WordPiece emits no whitespace tokens (its pre-tokenizer drops
  whitespace) and normalizers that collapse whitespace (T5's) drop runs and line breaks, so the
  whitespace of a text costs them no token and does not come back on decoding.

Petrov et al., "Language Model Tokenizers Introduce Unfairness Between Languages" (NeurIPS 2023),
leave out a language-tokenizer pair with more than 10% unknown tokens (``UNKNOWN_LIMIT``) rather
than report a premium that only looks good because text vanished; :mod:`.parity` applies that rule.
(The paper's code estimates the unknown count from the characters the unknown tokens hide; here the
unknown tokens are counted exactly, and text hidden under few of them shows in the round trip.)
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

UNKNOWN_LIMIT = 0.10
WHITESPACE_PROBES = (" ", "\n", "\t", "   ")


def unknown_id(tokenizer) -> int | None:
    """The tokenizer's unknown id, or None when it has none (see ``TokenizerLike``)."""
    value = getattr(tokenizer, "unk_id", None)
    return None if value is None else int(value)


def count_unknown(ids: Sequence[np.ndarray], unk: int | None) -> int:
    """How many of the tokens in ``ids`` are the unknown id."""
    if unk is None:
        return 0
    return int(sum(np.count_nonzero(np.asarray(a) == unk) for a in ids))


def roundtrip_flags(tokenizer, texts: Sequence[str], ids: Sequence[np.ndarray]) -> np.ndarray:
    """For each text, whether decoding its ids gives the text back exactly."""
    flags = np.zeros(len(texts), dtype=bool)
    for k, (text, a) in enumerate(zip(texts, ids)):
        try:
            flags[k] = tokenizer.decode(np.asarray(a).tolist()) == text
        except (ValueError, UnicodeError, KeyError, IndexError):
            flags[k] = False  # ids the tokenizer cannot decode did not round-trip
    return flags


def encodes_whitespace(tokenizer) -> bool:
    """Whether every kind of whitespace on its own encodes to at least one token."""
    return all(len(tokenizer.encode(probe)) > 0 for probe in WHITESPACE_PROBES)
