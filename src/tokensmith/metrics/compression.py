"""Compression: how much text one token carries.

* ``bytes_per_token`` and ``chars_per_token``: UTF-8 bytes / characters of the corpus per token
  (higher is better compression; these compare across tokenizers, raw token counts do not).
* ``tokens_per_word`` (fertility, Rust et al. 2021): tokens of the corpus over its words, a word
  being a maximal run of non-whitespace characters (``str.split``).
* ``split_word_share``: share of words covered by more than one token. Tokens are placed on the
  text by their surface bytes with whitespace removed on both sides (so SentencePiece's ``▁`` and
  WordPiece's ``##`` do not matter); a text whose token surfaces do not spell it exactly (the
  tokenizer normalised it, or produced unknown tokens) cannot be placed and is counted in
  ``unaligned_texts`` instead.
* ``unknown_share`` and ``roundtrip_share`` (:mod:`.fidelity`): share of the tokens that are the
  unknown token, share of the corpus texts (blocks of lines, or records) decoded back exactly.
  Text hidden under unknown tokens costs no tokens, so bytes/token flatters such a tokenizer.
* ``whitespace_share`` and ``encodes_whitespace``: share of the corpus bytes that are ASCII
  whitespace, and whether whitespace on its own encodes to a token (:mod:`.fidelity`). WordPiece
  emits no whitespace tokens, so whitespace counts in its bytes/token without costing a token,
  while other tokenizers pay for line breaks and runs of spaces.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .corpus import Encoded
from .fidelity import count_unknown, encodes_whitespace, roundtrip_flags, unknown_id
from .vocab_table import VocabTable, solid_bytes


@dataclass
class Compression:
    n_bytes: int
    n_chars: int
    n_tokens: int
    n_words: int
    bytes_per_token: float
    chars_per_token: float
    tokens_per_word: float
    split_word_share: float
    words_checked: int
    unaligned_texts: int
    unknown_tokens: int = 0
    unknown_share: float = 0.0
    roundtrip_share: float = 1.0
    whitespace_share: float = 0.0
    encodes_whitespace: bool = True


def word_splits(solid_lengths: np.ndarray, words: list[str]) -> np.ndarray:
    """For each word, whether a token boundary falls strictly inside it.

    ``solid_lengths`` are the tokens' surface lengths without whitespace, in order; the words'
    byte lengths add up to the same total. ``[3, 2], ["ab", "cde"] -> [False, True]``.
    """
    ends = np.cumsum(solid_lengths)[:-1]
    sizes = np.array([len(w.encode("utf-8")) for w in words], dtype=np.int64)
    stops = np.cumsum(sizes)
    starts = stops - sizes
    first_after = np.searchsorted(ends, starts, side="right")
    inside = np.zeros(len(words), dtype=bool)
    ok = first_after < ends.size
    inside[ok] = ends[first_after[ok]] < stops[ok]
    return inside


def compression(tokenizer, encoded: Encoded) -> Compression:
    table = VocabTable.of(tokenizer)
    n_words = split = checked = unaligned = 0
    for text, ids in zip(encoded.texts, encoded.ids):
        words = text.split()
        n_words += len(words)
        if not words:
            continue
        if ids.size and int(ids.max()) >= len(table.solid):
            unaligned += 1
            continue
        if b"".join([table.solid[i] for i in ids.tolist()]) != solid_bytes(text):
            unaligned += 1
            continue
        flags = word_splits(table.solid_len[ids], words)
        split += int(flags.sum())
        checked += len(words)
    n_bytes, n_chars, n_tokens = encoded.n_bytes, encoded.n_chars, encoded.n_tokens
    unknown = count_unknown(encoded.ids, unknown_id(tokenizer))
    roundtrip = roundtrip_flags(tokenizer, encoded.texts, encoded.ids)
    solid = sum(len(solid_bytes(t)) for t in encoded.texts)
    return Compression(
        n_bytes=n_bytes, n_chars=n_chars, n_tokens=n_tokens, n_words=n_words,
        bytes_per_token=n_bytes / n_tokens if n_tokens else 0.0,
        chars_per_token=n_chars / n_tokens if n_tokens else 0.0,
        tokens_per_word=n_tokens / n_words if n_words else 0.0,
        split_word_share=split / checked if checked else 0.0,
        words_checked=checked, unaligned_texts=unaligned,
        unknown_tokens=unknown, unknown_share=unknown / n_tokens if n_tokens else 0.0,
        roundtrip_share=float(roundtrip.mean()) if roundtrip.size else 1.0,
        whitespace_share=(n_bytes - solid) / n_bytes if n_bytes else 0.0,
        encodes_whitespace=encodes_whitespace(tokenizer))
