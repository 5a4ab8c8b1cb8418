"""WordPiece training: merges chosen by likelihood gain, with ``##`` continuations.

As published (Schuster & Nakajima, 2012, "Japanese and Korean Voice Search"; the scoring
popularised by BERT's WordPiece): start from characters (word-initial ones plain, the others
``##``-prefixed) and repeatedly merge the adjacent pair ``(a, b)`` with the highest

    score(a, b) = count(ab) / (count(a) * count(b)),

the gain in unigram likelihood of the corpus from merging them. ``a + ##b`` becomes ``ab`` and
``##a + ##b`` becomes ``##ab``. Adapted: pairs seen fewer than ``min_frequency`` times are never
merged (without this the score favours pairs seen once, whose parts are seen only together).

Tie-break (the output depends on the counts alone): highest score, then highest pair count,
then the lexicographically smallest ``(a, b)``. Vocabulary order: special tokens, the alphabet
(sorted), then the merged tokens in the order they were made; a merge whose result is already a
token adds nothing.

Scores only grow when a merge lowers ``count(a)`` or ``count(b)``; those pairs are pushed again on
a heap, and every other stale entry is re-scored when it reaches the top.
"""

from __future__ import annotations

import heapq
from collections import Counter
from typing import Iterable

from ..errors import InputError, OptionError
from ..vocab.wordpiece import BERT_SPECIALS


def count_words(texts: Iterable[str], normalizer, splitter) -> Counter:
    """``{pre-token: count}`` of the texts after BERT's normalizer and pre-tokenizer."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(splitter.split(normalizer.normalize(text)))
    return counts


def train_wordpiece_from_counts(word_counts: dict[str, int], vocab_size: int, *,
                                min_frequency: int = 2, special_tokens=BERT_SPECIALS,
                                prefix: str = "##", limit_alphabet: int | None = None) -> list[str]:
    """The WordPiece vocabulary (tokens in id order) learnt from ``{word: count}``."""
    if min_frequency < 1:
        raise OptionError(f"min_frequency must be at least 1, got {min_frequency}")
    words, counts = [w for w, c in word_counts.items() if c > 0 and w], []
    if not words:
        raise InputError("no words to train on (empty corpus?)")
    counts = [word_counts[w] for w in words]
    if limit_alphabet is not None:
        chars = Counter()
        for w, c in zip(words, counts):
            for ch in w:
                chars[ch] += c
        keep = {ch for ch, _ in sorted(chars.items(), key=lambda kv: (-kv[1], kv[0]))[:limit_alphabet]}
        pairs = [(w, c) for w, c in zip(words, counts) if set(w) <= keep]
        words, counts = [w for w, _ in pairs], [c for _, c in pairs]

    symbols: list[str] = []
    sym_id: dict[str, int] = {}

    def intern(s: str) -> int:
        if s not in sym_id:
            sym_id[s] = len(symbols)
            symbols.append(s)
        return sym_id[s]

    seqs = [[intern(w[0])] + [intern(prefix + ch) for ch in w[1:]] for w in words]
    alphabet = sorted(symbols)
    vocab = list(dict.fromkeys(list(special_tokens) + alphabet))
    if vocab_size < len(vocab):
        raise OptionError(f"vocab_size {vocab_size} is smaller than the special tokens and the "
                          f"alphabet ({len(vocab)} tokens)")
    in_vocab = set(vocab)

    unit: Counter = Counter()
    pair_count: Counter = Counter()
    pair_words: dict[tuple[int, int], set[int]] = {}
    pairs_of: dict[int, set] = {}
    for wi, (seq, c) in enumerate(zip(seqs, counts)):
        for s in seq:
            unit[s] += c
        for p in zip(seq, seq[1:]):
            pair_count[p] += c
            pair_words.setdefault(p, set()).add(wi)
            pairs_of.setdefault(p[0], set()).add(p)
            pairs_of.setdefault(p[1], set()).add(p)

    def entry(p):
        n = pair_count[p]
        return (-n / (unit[p[0]] * unit[p[1]]), -n, symbols[p[0]], symbols[p[1]], p)

    heap = [entry(p) for p, n in pair_count.items() if n >= min_frequency]
    heapq.heapify(heap)
    n_prefix = len(prefix)
    while heap and len(vocab) < vocab_size:
        item = heapq.heappop(heap)
        p = item[-1]
        if pair_count.get(p, 0) < min_frequency:
            continue
        current = entry(p)
        if current[:2] != item[:2]:
            if current[:2] > item[:2]:      # score fell since: re-file it; if it rose, a newer entry exists
                heapq.heappush(heap, current)
            continue
        a, b = p
        sb = symbols[b]
        merged = intern(symbols[a] + (sb[n_prefix:] if sb.startswith(prefix) else sb))
        if symbols[merged] not in in_vocab:
            in_vocab.add(symbols[merged])
            vocab.append(symbols[merged])
        touched: set = set()
        for wi in list(pair_words.get(p, ())):
            seq, c = seqs[wi], counts[wi]
            new = []
            i = 0
            while i < len(seq):
                if i + 1 < len(seq) and seq[i] == a and seq[i + 1] == b:
                    new.append(merged)
                    i += 2
                else:
                    new.append(seq[i])
                    i += 1
            for q in zip(seq, seq[1:]):
                pair_count[q] -= c
                touched.add(q)
                if pair_count[q] <= 0:
                    del pair_count[q]
                    pair_words.pop(q, None)
                    pairs_of[q[0]].discard(q)
                    pairs_of[q[1]].discard(q)
                else:
                    pair_words[q].discard(wi)
            for s in seq:
                unit[s] -= c
            for s in new:
                unit[s] += c
            for q in zip(new, new[1:]):
                pair_count[q] += c
                touched.add(q)
                pair_words.setdefault(q, set()).add(wi)
                pairs_of.setdefault(q[0], set()).add(q)
                pairs_of.setdefault(q[1], set()).add(q)
            seqs[wi] = new
        # count(a) and count(b) fell, so every pair with a or b scores higher now.
        touched |= pairs_of.get(a, set()) | pairs_of.get(b, set())
        for q in touched:
            if pair_count.get(q, 0) >= min_frequency:
                heapq.heappush(heap, entry(q))
    return vocab


def train_wordpiece(texts: Iterable[str], vocab_size: int = 30_000, *, lowercase: bool = True,
                    strip_accents: bool | None = None, min_frequency: int = 2,
                    special_tokens=BERT_SPECIALS, prefix: str = "##",
                    limit_alphabet: int | None = 1000, name: str | None = None):
    """Train a BERT-style WordPiece tokenizer on ``texts`` (an iterable of strings)."""
    from ..bert import BertNormalizer, BertPreTokenizer
    from ..vocab.wordpiece import wordpiece_tokenizer

    normalizer = BertNormalizer(lowercase=lowercase, strip_accents=strip_accents)
    counts = count_words(texts, normalizer, BertPreTokenizer())
    tokens = train_wordpiece_from_counts(counts, vocab_size, min_frequency=min_frequency,
                                         special_tokens=special_tokens, prefix=prefix,
                                         limit_alphabet=limit_alphabet)
    unk = "[UNK]" if "[UNK]" in tokens else (list(special_tokens) or [None])[0]
    if unk is None:
        raise OptionError("WordPiece needs an unknown token among special_tokens")
    return wordpiece_tokenizer(tokens, lowercase=lowercase, strip_accents=strip_accents,
                               unk_token=unk, prefix=prefix, name=name)
