"""LiB ("Less-is-Better"): a vocabulary of subwords, words and multi-word units learnt by a
memorise/forget loop that lowers both the number of tokens and the number of types.

Papers: Jinbiao Yang, "Rethinking Tokenization: Crafting Better Tokenizers for Large Language
Models" (International Journal of Chinese Linguistics 11(1), 2024), which proposes LiB as an LLM
tokenizer; the model itself is Jinbiao Yang, Stefan L. Frank, Antal van den Bosch, "Less is
Better: A cognitively inspired unsupervised model for language segmentation" (CogALex 2020).

As published:

* the lexicon (memory) is an *ordered* list of chunks, best first; text is read sentence by
  sentence, each time taking the longest chunk of the lexicon that matches (greedy longest
  prefix), which is also how a trained lexicon segments text;
* memorise: with probability ``memorise`` (the paper's alpha, 0.25) the previous chunk joined to
  the current one is a candidate; a candidate met a second time in the same article enters the
  lexicon at the bottom (``min_frequency``, 2, is that number of sightings);
* compete: whenever a chunk is read while a shorter chunk also matches, both readings are
  continued greedily until they meet again. If the shorter start needs fewer chunks (or as many,
  with better-ranked chunks), the long chunk is redundant: it moves down the ranking and the
  shorter one up; otherwise the long chunk moves up. A move is ``int(rank * update_rate) + 1``
  places (update_rate 0.2); a chunk moved past the bottom is forgotten;
* forget: chunks near the bottom (the last ``forget_fraction`` of the lexicon) and chunks just
  memorised get ``life`` articles (10); a chunk that is used, or wins a competition, before its
  life runs out is kept, otherwise it is forgotten. Articles are read in random order for
  ``epochs`` passes.

Adapted (said plainly):

* byte-level: the 256 single bytes are permanent members below every chunk in rank (never
  forgotten, used as the fallback where the original counts "unknown" characters), so every
  input encodes; ``max_len`` caps chunks at 20 *bytes* (the original: 12 characters);
* a vocabulary cap: LiB's lexicon size is emergent; here at most ``vocab_size`` ids are kept.
  During training the lexicon may exceed the cap by ``slack`` (25%) and the lowest-ranked chunks
  beyond that are forgotten after each article; at the end the ``vocab_size - 256`` best-ranked
  chunks are kept (ids follow the rank). A lexicon that never reaches the cap stays smaller;
* sentences are the spans of :data:`SENTENCE_PATTERN` (cut at line breaks, digit groups and
  after clause punctuation followed by a space), so chunks may cross spaces but not clauses,
  and the same regex splits text at encode time. ``pattern`` may name another split (e.g. ``cl100k``: no
  multi-word units);
* training reads the first ``sample_bytes`` of the corpus (default 2 MB), cut into articles of
  about ``article_bytes``; the moves of one article are applied together after it is read;
* encoding is greedy longest prefix (``longest_prefix`` of :mod:`tokensmith.segmenters`, the
  original's reading); the competition shapes the lexicon only.

HF ``tokenizer.json`` has no byte-level greedy longest-prefix model (its WordPiece needs a
continuing-subword marker and an unknown token), so the tokenizer is saved in the native format
(a ``segmented`` model, method ``longest_prefix``, over a byte-level vocabulary) only.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from ..errors import InputError, OptionError, spell
from ..pre_tokenizers.splitters import RegexSplitter
from ..tokenizer import Tokenizer
from ..segmenters.models import SegmentedModel
from ..models.bpe.model import BPEModel
from .options import CorpusOptions, option
from .trainer import trainer

METHOD = "lib"
# Sentences: digit groups, line breaks, and spans of words up to clause punctuation.
SENTENCE_PATTERN = (r"""\p{N}{1,3}|\s*[\r\n]+"""
                    r"""|[^\r\n\p{N}]+?(?:[.,;:!?]+(?=\s)|(?=[\r\n\p{N}])|\z)""")
BYTES = [bytes([b]) for b in range(256)]


class Lexicon:
    """LiB's memory: ranked chunks (best first) above the 256 permanent single bytes."""

    def __init__(self, chunks: Iterable[bytes] = (), *, max_len: int = 20, memorise: float = 0.25,
                 min_frequency: int = 2, update_rate: float = 0.2, life: int = 10,
                 forget_fraction: float = 0.0001, capacity: int | None = None, seed: int = 0):
        self.max_len, self.memorise, self.min_frequency = max_len, memorise, min_frequency
        self.update_rate, self.life, self.forget_fraction = update_rate, life, forget_fraction
        self.capacity = capacity
        self.rng = random.Random(seed)
        self.ranked: list[bytes] = []
        self.rank: dict[bytes, int] = {}
        self.prefixes: Counter = Counter()  # every prefix of every chunk: the match walk's trie
        self.lives: dict[bytes, int] = {}
        self.forgotten: list[bytes] = []
        for chunk in chunks:
            self._add(chunk)

    # -- membership ------------------------------------------------------------------------------
    def __contains__(self, chunk: bytes) -> bool:
        return len(chunk) == 1 or chunk in self.rank

    def __len__(self) -> int:
        return len(self.ranked)

    def _add(self, chunk: bytes) -> None:
        self.rank[chunk] = len(self.ranked)
        self.ranked.append(chunk)
        for k in range(2, len(chunk) + 1):
            self.prefixes[chunk[:k]] += 1

    def _forget(self, chunks: set[bytes]) -> None:
        if not chunks:
            return
        for chunk in chunks:
            del self.rank[chunk]
            self.lives.pop(chunk, None)
            for k in range(2, len(chunk) + 1):
                p = chunk[:k]
                self.prefixes[p] -= 1
                if not self.prefixes[p]:
                    del self.prefixes[p]
        self.forgotten += sorted(chunks)
        self.ranked = [c for c in self.ranked if c in self.rank]
        self._reindex()

    def _reindex(self) -> None:
        self.rank = {c: i for i, c in enumerate(self.ranked)}

    def rank_of(self, chunk: bytes) -> int:
        """Position in the ranking; single bytes rank below every chunk."""
        return self.rank.get(chunk, len(self.ranked))

    # -- reading ---------------------------------------------------------------------------------
    def matches(self, s: bytes, i: int) -> tuple[int, int]:
        """Lengths of the longest and second-longest chunks matching ``s`` at ``i`` (bytes count;
        the second is 0 when only a single byte matches)."""
        best, second, n = 1, 0, len(s)
        k = 2
        while k <= self.max_len and i + k <= n:
            p = s[i:i + k]
            if p not in self.prefixes:
                break
            if p in self.rank:
                best, second = k, best
            k += 1
        return best, second

    def segment(self, s: bytes) -> list[bytes]:
        """Greedy longest-prefix reading of one sentence."""
        out, i = [], 0
        while i < len(s):
            k = self.matches(s, i)[0]
            out.append(s[i:i + k])
            i += k
        return out

    def compete(self, s: bytes, i: int, long: int, short: int) -> bool:
        """True when the chunk ``s[i:i+long]`` is redundant: starting with the shorter match and
        reading on greedily needs fewer chunks to reach a common boundary (or as many, ranked
        better)."""
        a, b = i + long, i + short
        na = nb = 1
        ra, rb = self.rank_of(s[i:a]), self.rank_of(s[i:b])
        while a != b:
            if a < b:
                k = self.matches(s, a)[0]
                ra += self.rank_of(s[a:a + k])
                a, na = a + k, na + 1
            else:
                k = self.matches(s, b)[0]
                rb += self.rank_of(s[b:b + k])
                b, nb = b + k, nb + 1
        return nb < na or (nb == na and rb < ra)

    def read(self, article: Iterable[bytes]) -> int:
        """Read one article (its sentences): memorise, compete, then update the ranking. Returns
        the number of chunks the article was read with."""
        moves: list[tuple[bytes, int]] = []  # (chunk, -1 up / +1 down), in the order they happen
        kept: set[bytes] = set()
        sightings: Counter = Counter()
        tokens = 0
        for s in article:
            i, prev = 0, -1
            while i < len(s):
                long, short = self.matches(s, i)
                if prev >= 0 and i + long - prev <= self.max_len and self.rng.random() < self.memorise:
                    candidate = s[prev:i + long]
                    if candidate not in self:
                        sightings[candidate] += 1
                        if sightings[candidate] >= self.min_frequency:
                            del sightings[candidate]
                            self._add(candidate)
                            self.lives[candidate] = self.life
                if long > 1:
                    chunk = s[i:i + long]
                    if short and self.compete(s, i, long, short):
                        moves += [(chunk, 1), (s[i:i + short], -1)]
                    else:
                        moves.append((chunk, -1))
                        kept.add(chunk)
                prev, i = i, i + long
                tokens += 1
        self._update(moves, kept)
        return tokens

    # -- after each article ----------------------------------------------------------------------
    def _update(self, moves: list[tuple[bytes, int]], kept: set[bytes]) -> None:
        for chunk in kept:
            self.lives.pop(chunk, None)
        expired = set()
        for chunk, life in self.lives.items():
            if life <= 1:
                expired.add(chunk)
            else:
                self.lives[chunk] = life - 1
        self._forget(expired)
        self._move(moves)
        n = len(self.ranked)
        for chunk in self.ranked[int((1 - self.forget_fraction) * n):]:
            self.lives.setdefault(chunk, self.life)
        if self.capacity is not None and len(self.ranked) > self.capacity:
            self._forget(set(self.ranked[self.capacity:]))

    def _move(self, moves: list[tuple[bytes, int]]) -> None:
        """Apply one article's moves together: each chunk's moves in order from its old rank."""
        position: dict[bytes, float] = {}
        n = len(self.ranked)
        for chunk, direction in moves:
            if chunk not in self.rank:  # a single byte, or forgotten in this update
                continue
            pos = position.get(chunk, self.rank[chunk])
            if pos >= n:
                continue
            pos = int(pos)
            step = int(pos * self.update_rate) + 1
            if direction < 0:
                position[chunk] = max(pos - step, 0) - 0.5  # just above the chunk it passes
            else:
                position[chunk] = pos + step + 0.5 if pos + step < n else n
        if not position:
            return
        self.ranked.sort(key=lambda c: position.get(c, self.rank[c]))
        self._reindex()
        self._forget({c for c, p in position.items() if p >= n})

    def vocabulary(self, size: int) -> list[bytes]:
        """The 256 bytes, then the ``size - 256`` best-ranked chunks."""
        return BYTES + self.ranked[:max(0, size - 256)]


def sentences(texts: Iterable[str], pattern: str | None, sample_bytes: int) -> list[bytes]:
    """The sentences (split spans, as bytes) of the first ``sample_bytes`` of text."""
    splitter = None if pattern is None else RegexSplitter(pattern)  # as at encode time
    out, size = [], 0
    for text in texts:
        spans = [text] if splitter is None else splitter.split(text)
        for span in spans:
            data = span.encode("utf-8")
            if data:
                out.append(data)
                size += len(data)
        if size >= sample_bytes:
            break
    return out


def articles(spans: list[bytes], article_bytes: int) -> list[list[bytes]]:
    """Consecutive sentences grouped into articles of about ``article_bytes``."""
    out, current, size = [], [], 0
    for s in spans:
        current.append(s)
        size += len(s)
        if size >= article_bytes:
            out.append(current)
            current, size = [], 0
    if current:
        out.append(current)
    return out


@dataclass(kw_only=True)
class LiBOptions(CorpusOptions):
    pattern: str | None = option(SENTENCE_PATTERN, "the split into sentences (another regex or name, e.g. "
                                                   "cl100k, gives no multi-word units; None: no split)")
    min_frequency: int = option(2, "sightings in one article before a candidate chunk is memorised")
    sample_bytes: int = option(2_000_000, "bytes of the corpus read")
    article_bytes: int = option(20_000, "size of an article (the unit of memorising and forgetting)")
    epochs: int = option(3, "passes over the articles, in random order")
    memorise: float = option(0.25, "probability that two adjacent chunks become a candidate (alpha)")
    update_rate: float = option(0.2, "a ranking move is int(rank * update_rate) + 1 places")
    life: int = option(10, "articles a new or low-ranked chunk survives unused")
    forget_fraction: float = option(0.0001, "share of the lexicon, at the bottom, that may be forgotten")
    max_len: int = option(20, "longest chunk, in bytes")
    slack: float = option(0.25, "how far the lexicon may exceed the cap during training")
    seed: int = option(0, "random seed (candidates, article order)")


@trainer(METHOD, LiBOptions)
def train_lib(corpus, options: LiBOptions) -> Tokenizer:
    """Train a LiB lexicon of at most ``vocab_size`` ids (256 bytes + ranked chunks)."""
    o = options
    vocab_size = o.model_size()
    if not 0 < o.memorise <= 1 or not 0 <= o.update_rate < 1 or not 0 <= o.forget_fraction < 1:
        raise OptionError(f"LiB needs 0 < {spell('memorise')} <= 1, 0 <= {spell('update_rate')} < 1, "
                          f"0 <= {spell('forget_fraction')} < 1")
    if min(o.epochs, o.life, o.min_frequency, o.sample_bytes, o.article_bytes) < 1 or o.max_len < 2 or o.slack < 0:
        at_least_one = ", ".join(spell(n) for n in ("epochs", "life", "min_frequency", "sample_bytes",
                                                     "article_bytes"))
        raise OptionError(f"LiB needs {at_least_one} >= 1, {spell('max_len')} >= 2 and {spell('slack')} >= 0")
    report = o.reporter(METHOD)
    with report.phase("reading"):
        spans = sentences(o.texts(corpus), o.pattern, o.sample_bytes)
    if not spans:
        named = [os.fspath(c) for c in corpus
                 if isinstance(c, os.PathLike) or (isinstance(c, str) and os.path.exists(c))]
        where = f" ({', '.join(named)})" if named else ""
        raise InputError(f"the corpus{where} is empty: no text to train on")
    capacity = vocab_size - 256
    lexicon = Lexicon(max_len=o.max_len, memorise=o.memorise, min_frequency=o.min_frequency,
                      update_rate=o.update_rate, life=o.life, forget_fraction=o.forget_fraction,
                      capacity=int(capacity * (1 + o.slack)), seed=o.seed)
    batches = articles(spans, o.article_bytes)
    with report.phase("memorise and forget", total=o.epochs * len(batches), unit="article") as phase:
        for _ in range(o.epochs):
            for k in lexicon.rng.sample(range(len(batches)), len(batches)):
                lexicon.read(batches[k])
                phase.update()
    splitter = None if o.pattern is None else RegexSplitter(o.pattern)
    model = SegmentedModel(BPEModel(lexicon.vocabulary(vocab_size), []), "longest_prefix")
    return o.tokenizer(model, splitter, METHOD)


__all__ = ["Lexicon", "train_lib", "sentences", "articles", "METHOD"]
