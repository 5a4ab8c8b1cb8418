"""Batch-level merges learnt on the fly, on top of any subword tokenizer.

Paper: "Retrofitting (Large) Language Models with Dynamic Tokenization" (Feher et al. 2024).
As published: for each batch, the texts are cut into words and each word into the tokenizer's
subword ids; BPE merges are then learnt on that batch alone (the most frequent adjacent pair
inside a word, weighted by the word's count in the batch) and applied to it, so frequent words of
the batch become single tokens, never crossing a word boundary. The batch's new tokens get ids
after the vocabulary and live only as long as the batch (a model embeds them with a hypernetwork
from their subwords). Adapted: the words are the tokenizer's own pre-tokens (its normalizer and
pre-tokenizer, or SentencePiece's ``▁`` words), and the merge loop is the one tokensmith uses to
extend vocabularies (:mod:`tokensmith.extension.continued_merges`, ties to the smallest joined
token), with the pair of ids as the merge key.

:func:`dynamic_merges` returns the batch's ids and its merges; :func:`length_reduction`
measures how much shorter the batch gets for a number of merges.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from ..errors import OptionError
from ..extension.continued_merges import continue_merges
from ..extension.words import split_words
from ..tokenizer import Tokenizer


@dataclass
class DynamicBatch:
    """A batch under its own merges: ``ids[k]`` are text k's ids (ids from ``first_id`` on are
    the batch's tokens), ``merges[j] = (left, right)`` makes id ``first_id + j``; ``spelling``
    gives each batch token's base ids."""

    ids: list[list[int]]
    merges: list[tuple[int, int]]
    first_id: int

    def spelling(self, token_id: int) -> list[int]:
        """The tokenizer's ids that a batch token stands for (a base id stands for itself)."""
        if token_id < self.first_id:
            return [token_id]
        left, right = self.merges[token_id - self.first_id]
        return self.spelling(left) + self.spelling(right)

    def base_ids(self, k: int) -> list[int]:
        """Text k's ids under the tokenizer alone (the merges undone)."""
        return [i for t in self.ids[k] for i in self.spelling(t)]


def dynamic_merges(tokenizer: Tokenizer, texts: Sequence[str], num_merges: int, *,
                   min_frequency: int = 2) -> DynamicBatch:
    """The batch ``texts`` with up to ``num_merges`` merges learnt on it and applied to it."""
    if isinstance(num_merges, bool) or not isinstance(num_merges, int) or num_merges < 0:
        raise OptionError(f"num_merges must be an int >= 0, not {num_merges!r}")
    if isinstance(min_frequency, bool) or not isinstance(min_frequency, int) or min_frequency < 1:
        raise OptionError(f"min_frequency must be a positive int, not {min_frequency!r}")
    if isinstance(texts, str):
        raise OptionError("texts is a batch: a list of str, not one str")
    encode = tokenizer.model.encode_pieces
    words_of = [[tuple(encode([w.encode("utf-8")])) for w in split_words(tokenizer, t)] for t in texts]
    counts = Counter(w for words in words_of for w in words)
    first_id = tokenizer.vocab_size
    skip = {t.id for t in tokenizer.added_tokens}
    units = [None if i in skip else (i,) for i in range(first_id)]
    new = continue_merges(list(counts.items()), units, lambda a, b: a + b, lambda u: False,
                          num_new_tokens=num_merges, first_id=first_id, min_frequency=min_frequency)
    merges = [(t.left, t.right) for t in new]
    rank = {pair: first_id + j for j, pair in enumerate(merges)}
    cache: dict[tuple[int, ...], list[int]] = {}

    def merged(word: tuple[int, ...]) -> list[int]:
        if word not in cache:
            cache[word] = _apply(list(word), rank)
        return cache[word]

    ids = [[i for w in words for i in merged(w)] for words in words_of]
    return DynamicBatch(ids, merges, first_id)


def _apply(word: list[int], rank: dict[tuple[int, int], int]) -> list[int]:
    """BPE on one word with the batch's merges, lowest new id first, leftmost on ties."""
    while len(word) > 1:
        best = min(((rank[p], k) for k, p in enumerate(zip(word, word[1:])) if p in rank), default=None)
        if best is None:
            break
        new_id, k = best
        word[k:k + 2] = [new_id]
    return word


def length_reduction(tokenizer: Tokenizer, texts: Sequence[str], num_merges: int) -> float:
    """1 - (tokens with the batch's merges) / (tokens without): the share of the sequence length
    that ``num_merges`` dynamic merges save on ``texts``."""
    batch = dynamic_merges(tokenizer, texts, num_merges)
    after = sum(map(len, batch.ids))
    before = sum(len(batch.base_ids(k)) for k in range(len(batch.ids)))
    return 1.0 - after / before if before else 0.0
