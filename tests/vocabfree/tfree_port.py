"""A plain port of T-FREE's released reference procedure (Aleph-Alpha/trigrams), step by step as
the paper's code does it, to check tokensmith.vocabfree.tfree against: word splitting
(text_to_words: split, compress whitespace in two passes, line breaks, factorial folding),
trigramify, the md5 hash weight of a trigram with its lowercase replacement, process_word, and
the decoder's score ("variant 2")."""

from __future__ import annotations

import hashlib
import re
import string

import numpy as np

NO_WS_AFTER = "#$=-+*/'\"\\(<[]~^&@%_\n "
NO_WS_BEFORE = ".,:;?!=-+*/'\"\\)>]~^&@%_\n " + "1234567890"
NO_WS, WS, LB = "<|no_ws|>", "<|ws|>", "<|\n|>"
FACTORIAL = {WS: "<-ws->", LB: "<-\n->"}


def is_special(s):
    return s.startswith("<|") and s.endswith("|>")


def compress_whitespaces(splits):
    if not splits:
        return splits
    first = []
    for last, nxt in zip(splits[:-1], splits[1:]):
        first.append(last)
        if last != " " and nxt != " ":
            if not (last[-1] in NO_WS_AFTER or nxt[0] in NO_WS_BEFORE):
                first.append(NO_WS)
    first.append(splits[-1])
    splits = first
    result = [WS if splits[0] == " " else splits[0]]
    if len(splits) > 2:
        for last, middle, nxt in zip(splits[:-2], splits[1:-1], splits[2:]):
            if middle == " ":
                if ((last[-1] in NO_WS_AFTER and last != WS) or (nxt[0] in NO_WS_BEFORE and nxt != WS)
                        or is_special(last) or is_special(nxt)):
                    result.append(WS)
            else:
                result.append(middle)
    if len(splits) > 1:
        result.append(WS if splits[-1] == " " else splits[-1])
    return result


def factorial_tokens(splits):
    splits = list(splits)
    result = []
    counter = 0
    while splits:
        word = splits.pop(0)
        if word in (WS, LB):
            fac = FACTORIAL[word]
            counter += 1
            while splits and splits[0] == word:
                counter += 1
                splits.pop(0)
            pairs = counter // 2
            residual = counter - pairs * 2
            while pairs > 2:
                result.append(f"<|4{fac}|>")
                pairs -= 2
            if residual == 0:
                word = f"<|{pairs * 2}{fac}|>"
            elif pairs > 0:
                result.append(f"<|{pairs * 2}{fac}|>")
            counter = 0
        result.append(word)
    return result


def text_to_words(text):
    result = []
    for t in re.split(r"(<\|.*?\|>)", text):
        if t.startswith("<|") and t.endswith("|>"):
            result.append(t)
            continue
        segments = [s for s in re.split(r"(\d|\W|\_)", t) if s != ""]
        segments = compress_whitespaces(segments)
        segments = [LB if s == "\n" else s for s in segments]
        segments = factorial_tokens(segments)
        result.extend(s for s in segments if s != "")
    return result


def trigram_set(word):
    b = f" {word} ".encode()
    return {b[i:i + 3] for i in range(len(b) - 2)}


def trigram_to_id(t):
    return sum(byte * 256 ** i for i, byte in enumerate(t))


def md5_mod(s, v):
    return int(hashlib.md5(s.encode()).hexdigest(), 16) % v


def hash_row(i, v, m):
    cur = set()
    for k in range(m):
        size, j = len(cur), 0
        while len(cur) == size:
            cur.add(md5_mod(f"{i}_{k}_{j}", v))
            j += 1
    return sorted(cur)


def row_with_lowercase(trigram, v, m, k):
    """The reference replaces, for every trigram of [a-z ] and each of its case variants, the
    variant's last k rows by the lowercase trigram's last k rows."""
    row = hash_row(trigram_to_id(trigram), v, m)
    if k:
        chars = string.ascii_lowercase + " "
        lower = trigram.lower().decode("latin-1")
        if all(c in chars for c in lower) and trigram.decode("latin-1") != lower:
            row[-k:] = hash_row(trigram_to_id(lower.encode()), v, m)[-k:]
    return row


def process_word(word, v, m, k=0):
    """(rows, trigram count) of a word as the reference's process_word builds them."""
    if "<|" in word:
        ids = [md5_mod(f"{word}_{i}", v) for i in range(m - k)]
        ids += [md5_mod(f"{word.lower()}_lower_{i}", v) for i in range(k)]
        return set(ids), 1
    tris = trigram_set(word)
    ids = set()
    for t in tris:
        ids.update(row_with_lowercase(t, v, m, k))
    return ids, len(tris)


def decode_scores(words, logits, v, m, k=0):
    """The reference decoder: sigmoid, dictionary product, variant-2 normalisation, softmax."""
    rows = [process_word(w, v, m, k) for w in words]
    act = 1 / (1 + np.exp(-np.asarray(logits, dtype=np.float64)))
    scores = []
    for ids, count in rows:
        s = act[sorted(ids)].sum()
        scores.append(s / (m * count) + (s - act.sum()) / (v - count * m))
    scores = np.array(scores)
    e = np.exp(scores - scores.max())
    return e / e.sum()
