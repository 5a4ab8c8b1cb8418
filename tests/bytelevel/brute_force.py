"""Brute-force byte-level marginals: every token sequence of the whole vocabulary, one by one.

No trie, no caching, no pairwise rule: canonicality is the definition itself (the tokenizer's
encoding of the sequence's text is the sequence), and each model row is asked for separately.
"""

from __future__ import annotations

import math

import numpy as np


def is_canonical(tokenizer, ids: list[int]) -> bool:
    """The tokenizer, given the text of ``ids``, encodes it as ``ids``."""
    data = b"".join(tokenizer.token_bytes(i) for i in ids)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # A character cut by the last token: its valid part split as the tokenizer splits, the
        # cut bytes kept on the last piece.
        cut = len(data)
        while cut and (data[cut - 1] & 0xC0) == 0x80:
            cut -= 1
        cut = max(cut - 1, 0)
        head = data[:cut].decode("utf-8", errors="strict") if cut else ""
        pieces = [p.encode() for p in tokenizer.splitter.split(head)] if head else []
        tail = data[cut:]
        if pieces:
            pieces[-1] += tail
        else:
            pieces = [tail]
        return tokenizer.model.encode_pieces(pieces) == ids
    return tokenizer.encode(text, disallowed_special=()) == ids


def next_token_probs(tokenizer, lm, end_ids, history, canonical):
    """(probabilities over ids, end probability), renormalised as ByteLevel does."""
    row = np.exp(np.asarray(lm([list(history)]))[0])
    vocab = tokenizer.vocab_size
    end = sum(row[e] for e in end_ids)
    p = row[:vocab].copy()
    for e in end_ids:
        if e < vocab:
            p[e] = 0.0
    if canonical:
        for t in range(vocab):
            if p[t] and not is_canonical(tokenizer, list(history) + [t]):
                p[t] = 0.0
    total = p.sum() + end
    return p / total, end / total


def prefix_prob(tokenizer, lm, end_ids, x: bytes, canonical: bool) -> float:
    """P(text starts with x): the sum over every cover, found by scanning the whole vocabulary."""
    tokens = [tokenizer.token_bytes(t) for t in range(tokenizer.vocab_size)]

    def walk(history, pos, prob):
        p, _ = next_token_probs(tokenizer, lm, end_ids, history, canonical)
        rest = x[pos:]
        total = 0.0
        for t, data in enumerate(tokens):
            if p[t] == 0.0 or not data:
                continue
            if data.startswith(rest):
                total += prob * p[t]
            elif rest.startswith(data):
                total += walk(history + [t], pos + len(data), prob * p[t])
        return total

    return walk([], 0, 1.0) if x else 1.0


def exact_text_prob(tokenizer, lm, end_ids, x: bytes, canonical: bool) -> float:
    """P(text is exactly x): every token sequence spelling x, then the end."""
    tokens = [tokenizer.token_bytes(t) for t in range(tokenizer.vocab_size)]

    def walk(history, pos, prob):
        p, end = next_token_probs(tokenizer, lm, end_ids, history, canonical)
        if pos == len(x):
            return prob * end
        total = 0.0
        for t, data in enumerate(tokens):
            if p[t] and data and x.startswith(data, pos):
                total += walk(history + [t], pos + len(data), prob * p[t])
        return total

    return walk([], 0, 1.0)


def log(p: float) -> float:
    return math.log(p) if p > 0 else -math.inf
