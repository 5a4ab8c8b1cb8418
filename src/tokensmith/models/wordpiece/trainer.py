"""WordPiece training: merges of characters into ``##``-continued subwords, two ways of scoring them.

Example::

    from tokensmith.models.wordpiece.trainer import train_wordpiece
    tok = train_wordpiece("corpus.txt", vocab_size=30_000)          # HF/BERT-compatible
    tok = train_wordpiece(texts, 30_000, score="likelihood")       # Schuster & Nakajima's score

Words are BERT's (its normalizer and pre-tokenizer, lowercased by default). Each word starts as
its characters, the first plain and the others ``##``-prefixed; training repeatedly merges an
adjacent pair ``(a, b)`` into ``a + b`` without ``b``'s prefix (``un + ##able -> unable``,
``##a + ##b -> ##ab``) in every word, until the vocabulary is full or no pair is counted
``min_frequency`` times (default 2).

``score="frequency"`` (the default) — the most frequent pair first. This is what HF's
``WordPieceTrainer`` does (a BPE trainer with a continuation prefix), so it is what users of HF
and of BERT-style vocabularies trained with it get; held-out compression matches HF's within 1%
(docs/benchmarks.md, "WordPiece").

``score="likelihood"`` — as published by Schuster & Nakajima (2012), "Japanese and Korean Voice
Search" (the WordPiece model): the pair with the highest ``count(ab) / (count(a) * count(b))``,
the gain in unigram likelihood of the training data from adding the merged unit. It prefers pairs
whose parts rarely occur apart, however rare the pair: left alone it spends the vocabulary on rare
letter combinations (names, foreign words, typos; pairs seen twice whose parts are seen only
together score highest) and compresses common text far worse than frequency scoring (2.24 vs
4.46 held-out bytes/token at 20 MB / 32,000 with only ``min_frequency=2``). Adapted, a frequency
guard: by default only pairs counted at least half the top pair count compete, by likelihood;
when none is left the threshold halves, down to 2. Likelihood then orders merges within each
frequency band, and held-out compression is within 0.3% of frequency scoring. An explicit
``min_frequency`` is a fixed threshold instead (the published rule plus a floor). The paper's
other stopping rule (a likelihood-gain threshold) is not implemented.

As HF: the alphabet is the ``limit_alphabet`` most frequent characters; a merge whose string is
already a token reuses its id (the words change, the vocabulary does not grow). Adapted: a word
with a character outside the alphabet is left out of training (HF drops the character and joins
its neighbours), and ties are broken deterministically (HF's depend on hash order).

Tie-break (the output depends on the counts alone): frequency -> highest count, then the smallest
``(a, b)`` as strings; likelihood -> highest score, then highest count, then smallest strings.
Vocabulary order: ``special_tokens``, the alphabet (sorted), its ``##`` forms that occur (sorted),
then the merged tokens in the order they were made.

The merge loop is compiled (``tokensmith._core._wordpiece_train``) when built, else the readable
twin in :mod:`tokensmith._reference.wordpiece_train`; both give the same merges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np

from ..._core import kernel
from ..._reference import wordpiece_train as _reference
from ...errors import InputError, OptionError, spell
from .model import BERT_SPECIALS
from ...trainers.options import CorpusOptions, option
from ...trainers.trainer import trainer
from .words import count_bert_words

SCORES = ("frequency", "likelihood")


def _alphabet(words: list[str], counts: list[int], limit: int | None):
    """(codes of every word's characters, word lengths, kept-word mask, alphabet sorted)."""
    codes = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    totals = np.bincount(codes, weights=np.repeat(np.asarray(counts, dtype=np.float64), lengths))
    present = np.nonzero(totals)[0]
    if limit is not None and len(present) > limit:
        order = np.lexsort((present, -totals[present]))  # most frequent, then smallest code point
        present = np.sort(present[order[:limit]])
    kept = np.zeros(len(totals), dtype=bool)
    kept[present] = True
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    word_ok = np.minimum.reduceat(kept[codes], starts) if len(words) else np.zeros(0, dtype=bool)
    return codes, lengths, word_ok.astype(bool), [chr(c) for c in present]


def initial_symbols(word_counts: dict[str, int], special_tokens: Sequence[str], prefix: str,
                    limit_alphabet: int | None):
    """(tokens, symbol ids of every kept word end to end, word lengths, word counts)."""
    words = [w for w, c in word_counts.items() if c > 0 and w]
    if not words:
        raise InputError("no words to train on (empty corpus?)")
    counts = [word_counts[w] for w in words]
    codes, lengths, ok, alphabet = _alphabet(words, counts, limit_alphabet)
    codes = codes[np.repeat(ok, lengths)]
    lengths, counts = lengths[ok], np.asarray(counts, dtype=np.int64)[ok]
    first = np.zeros(len(codes), dtype=bool)
    first[np.concatenate(([0], np.cumsum(lengths)[:-1]))] = True
    continued = sorted(chr(c) for c in np.unique(codes[~first]))
    tokens = list(dict.fromkeys(list(special_tokens) + alphabet + [prefix + ch for ch in continued]))
    table_plain = np.zeros(int(codes.max()) + 1, dtype=np.uint32)
    table_cont = np.zeros_like(table_plain)
    index = {t: i for i, t in enumerate(tokens)}
    for ch in alphabet:
        table_plain[ord(ch)] = index[ch]
    for ch in continued:
        table_cont[ord(ch)] = index[prefix + ch]
    syms = np.where(first, table_plain[codes], table_cont[codes]).astype(np.uint32)
    return tokens, syms, lengths.astype(np.uint32), counts


def train_wordpiece_from_counts(word_counts: dict[str, int], vocab_size: int, *,
                                score: str = "frequency", min_frequency: int | None = None,
                                special_tokens: Sequence[str] = BERT_SPECIALS, prefix: str = "##",
                                limit_alphabet: int | None = 1000,
                                use_reference: bool = False) -> list[str]:
    """The WordPiece vocabulary (tokens in id order) learnt from ``{word: count}``.

    ``min_frequency=None``: 2, and with ``score="likelihood"`` the halving guard (module doc).
    """
    if score not in SCORES:
        raise OptionError(f"{spell('score')} must be one of {', '.join(SCORES)}, got {score!r}")
    halving = min_frequency is None and score == "likelihood"
    if min_frequency is None:
        min_frequency = 2
    if not isinstance(min_frequency, int) or min_frequency < 1:
        raise OptionError(f"{spell('min_frequency')} must be an integer >= 1, got {min_frequency!r}")
    if limit_alphabet is not None and (not isinstance(limit_alphabet, int) or limit_alphabet < 1):
        raise OptionError(f"{spell('limit_alphabet')} must be a positive integer or None, got {limit_alphabet!r}")
    if not isinstance(prefix, str) or not prefix:
        raise OptionError("the continuation prefix must be a non-empty string")
    tokens, syms, lengths, counts = initial_symbols(word_counts, special_tokens, prefix, limit_alphabet)
    if not isinstance(vocab_size, int) or vocab_size < len(tokens):
        raise OptionError(f"{spell('vocab_size')} {vocab_size!r} is smaller than the special tokens and the "
                          f"alphabet ({len(tokens)} tokens); raise it or lower {spell('limit_alphabet')}")
    max_new = vocab_size - len(tokens)
    core = None if use_reference else kernel("_wordpiece_train")
    if core is not None:
        merges = core.train_merges(syms, lengths, counts, tokens, prefix, max_new, min_frequency, score,
                                   halving=halving)
    else:
        ends = np.cumsum(lengths)
        words = [syms[e - n:e].tolist() for e, n in zip(ends, lengths)]
        if score == "frequency":
            merges = _reference.train_frequency(words, counts.tolist(), tokens, prefix, max_new, min_frequency)
        else:
            merges = _reference.train_likelihood(words, counts.tolist(), tokens, prefix, max_new,
                                                 min_frequency, halving)
    for a, b, c in merges:
        if c == len(tokens):
            tokens.append(_reference.joined(tokens, a, b, prefix))
    return tokens


@dataclass(kw_only=True)
class WordPieceOptions(CorpusOptions):
    vocab_size: int = option(30_000)
    special_tokens: Sequence[str] = option(BERT_SPECIALS)
    score: Literal["frequency", "likelihood"] = option(
        "frequency", "merge order: most frequent pair (HF, BERT) or Schuster & Nakajima's likelihood")
    lowercase: bool = option(True, "lowercase the text (BERT uncased)")
    strip_accents: bool | None = option(None, "strip accents (None: when lowercasing, as BERT)")
    min_frequency: int | None = option(None, "least count of a merged pair (None: 2, with the "
                                             "likelihood score's halving guard)")
    unk_token: str = option("[UNK]", "the unknown token (added first to the special tokens if missing)")
    prefix: str = option("##", "marker of a continuing subword")
    limit_alphabet: int | None = option(1000, "most frequent characters kept (None: all)")


@trainer("wordpiece", WordPieceOptions)
def train_wordpiece(corpus, options: WordPieceOptions):
    """Train a BERT-style WordPiece tokenizer of ``vocab_size`` ids (fewer, with a warning, if the
    corpus runs out).

    ``corpus``: a path (text, JSON Lines, Parquet, gzip: see :mod:`tokensmith.corpus`), a list of
    paths, or an iterable of texts; ``errors`` and ``text_field`` are passed to the reader.
    ``unk_token`` is put first among the special tokens if they lack it.
    """
    from ...normalizers.bert import BertNormalizer
    from ...pre_tokenizers.bert import BertPreTokenizer
    from ...tokenizer import Tokenizer
    from .model import WordPieceDecoder, WordPieceModel

    o = options
    specials = list(dict.fromkeys(o.special_tokens))
    if any(not s for s in specials) or not o.unk_token:
        raise OptionError(f"{spell('special_tokens')} and {spell('unk_token')} must be non-empty strings")
    if o.unk_token not in specials:
        specials.insert(0, o.unk_token)
    normalizer = BertNormalizer(lowercase=o.lowercase, strip_accents=o.strip_accents)
    report = o.reporter("wordpiece")
    with report.phase("counting words") as phase:
        counts = count_bert_words(corpus, normalizer, BertPreTokenizer(), threads=o.num_workers,
                                  errors=o.errors, text_field=o.text_field)
        phase.note = f"{len(counts):,} distinct words"
    with report.phase("merges") as phase:
        tokens = train_wordpiece_from_counts(counts, o.vocab_size, score=o.score, min_frequency=o.min_frequency,
                                             special_tokens=specials, prefix=o.prefix,
                                             limit_alphabet=o.limit_alphabet)
        phase.note = f"{len(tokens):,} tokens"
    model = WordPieceModel(tokens, o.unk_token, o.prefix)
    return Tokenizer(model, BertPreTokenizer(), normalizer=normalizer,
                     decoder=WordPieceDecoder(o.prefix, cleanup=True),
                     special_tokens={t: model.token_id[t] for t in specials}, name=o.name)
