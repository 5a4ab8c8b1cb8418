"""A tokenizer's BPE merge list in training order, and how its training cut text into words.

Data-mixture inference (:mod:`.mixture`) replays the merges over sample text; it needs them as the
trainer chose them, and the text cut as the trainer cut it. What each kind of file gives:

* byte-level BPE with a merge list (GPT-2 ``merges.txt``, tokenizers trained here): the list as is;
  units are bytes, words come from the tokenizer's split pattern.
* tiktoken files (r50k, cl100k, o200k): no merge list, the ranks are the training order. Token
  ``t``'s merge is the last one BPE makes when encoding ``t``'s bytes with the tokens ranked
  before it (for a vocabulary trained by BPE this is the pair training joined).
* SentencePiece BPE (Llama 2, Mistral ``.model``): no merge list, the piece scores are the order
  (as the paper does, following HF's conversion). Merges are derived as for tiktoken, over
  characters. Words: SentencePiece's trainer never merges across a ``▁`` word start, a change
  between letters, digits and other characters, or across digits (``split_digits``); the words
  here are cut the same way (an approximation of its Unicode-script rule: letters of two scripts
  that touch stay one word).
* HF ``tokenizer.json`` BPE: the file's merges over its vocabulary strings (byte-level files spell
  bytes as GPT-2's printable characters, so characters are the units). A merge that makes a token
  an earlier merge already made is dropped: files converted from SentencePiece list every split
  of a piece, of which only the first can be what training did (the paper's cleaning, its §C.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import regex

from .._reference.bpe import merge_piece
from ..errors import InputError

Unit = int | str  # a byte (byte-level files) or a character (the others)

# SentencePiece's training words: ▁ then a run of letters (with their marks) or of other
# characters; one digit (split_digits; "▁" before a digit stays alone); a run of ▁ alone.
_SENTENCEPIECE_WORDS = regex.compile(r"▁*(?:[\p{L}\p{M}]+|[^\p{L}\p{M}\p{N}▁]+)|\p{N}|▁+")


@dataclass
class MergeList:
    """``merges[t] = (left, right)``: the unit sequences merge ``t`` joins (bytes or str).
    ``words(text)`` cuts a text as training did, into bytes or str of units."""

    kind: str                                   # "bytes" or "chars"
    merges: list[tuple[Sequence[Unit], Sequence[Unit]]]
    words: Callable[[str], list]
    dropped: int = 0                            # merges that could not be placed (see module)
    name: str = "tokenizer"
    # characters the vocabulary holds as tokens of their own (chars only): the training alphabet.
    # Others (below SentencePiece's character coverage) were never merge candidates.
    alphabet: frozenset[str] = frozenset()


def merge_list(tokenizer, limit: int | None = None) -> MergeList:
    """The merges of a tokensmith ``Tokenizer`` (the first ``limit`` of them)."""
    from ..models.bpe.hf import HFBPEModel
    from ..models.bpe.model import BPEModel, PartialByteBPEModel
    from ..models.bpe.sentencepiece import SentencePieceBPEModel

    model = tokenizer.model
    name = tokenizer.name or "tokenizer"
    if isinstance(model, PartialByteBPEModel):
        model = model.base
    if isinstance(model, BPEModel):
        words = _split_words(tokenizer, encode=True)
        if model.semantics == "merges":
            pairs = [(model.tokens[a], model.tokens[b]) for a, b in model.merges[:limit]]
            return MergeList("bytes", pairs, words, name=name)
        ranked = [t for i, t in enumerate(model.tokens) if i not in model.holes]
        merges, dropped = derive_merges(ranked, limit)
        return MergeList("bytes", merges, words, dropped, name)
    if isinstance(model, SentencePieceBPEModel):
        ranked = [p for _, p in sorted((-score, i) for i, (_, score, kind) in enumerate(model.pieces)
                                       if kind in ("normal", "user_defined"))]
        merges, dropped = derive_merges([model.pieces[i][0] for i in ranked], limit)
        alphabet = frozenset(p for p, _, kind in model.pieces if len(p) == 1 and kind in ("normal", "user_defined"))
        return MergeList("chars", merges, _sentencepiece_words(tokenizer), dropped, name, alphabet)
    if isinstance(model, HFBPEModel):
        return _hf_merges(tokenizer, model, limit, name)
    raise InputError(f"{name} is a {type(model).__name__} tokenizer: data-mixture inference needs "
                     "a BPE merge list (byte-level BPE, tiktoken or SentencePiece BPE)")


def derive_merges(ranked: Sequence[Sequence[Unit]], limit: int | None = None
                  ) -> tuple[list[tuple[Sequence[Unit], Sequence[Unit]]], int]:
    """Merges of a vocabulary whose order is its training order (see the module): each token of
    more than one unit is made by joining the two parts BPE leaves when encoding it with the
    tokens before it. Tokens that do not come out as two parts are skipped (counted)."""
    ids: dict = {}
    table: dict[tuple[int, int], tuple[int, int]] = {}
    merges, dropped = [], 0
    for token in ranked:
        if limit is not None and len(merges) >= limit:
            break
        if len(token) < 2:
            continue
        units = [ids.setdefault(token[i:i + 1], len(ids)) for i in range(len(token))]
        parts = merge_piece(units, table)
        if len(parts) != 2 or token in ids:
            dropped += 1
            continue
        merged = ids.setdefault(token, len(ids))
        table[(parts[0], parts[1])] = (len(merges), merged)
        spelled = {i: t for t, i in ids.items()}
        merges.append((spelled[parts[0]], spelled[parts[1]]))
    return merges, dropped


def _hf_merges(tokenizer, model, limit, name) -> MergeList:
    strings = {i: s for s, i in model.vocab.items()}
    made: set[str] = set()
    merges, dropped = [], 0
    for (a, b), (_rank, merged) in sorted(model.merges.items(), key=lambda kv: kv[1][0]):
        if limit is not None and len(merges) >= limit:
            break
        if strings[merged] in made:
            dropped += 1
            continue
        made.add(strings[merged])
        merges.append((strings[a], strings[b]))
    if model.prefix or model.suffix:
        raise InputError(f"{name}: BPE with a continuing-subword prefix or end-of-word suffix is not "
                         "supported by data-mixture inference (only byte-level and SentencePiece-style BPE)")
    spm_like = tokenizer.splitter is None or "Metaspace" in type(tokenizer.splitter).__name__
    words = _sentencepiece_words(tokenizer) if spm_like else _split_words(tokenizer, encode=False)
    return MergeList("chars", merges, words, dropped, name, frozenset(s for s in model.vocab if len(s) == 1))


def _split_words(tokenizer, encode: bool) -> Callable[[str], list]:
    normalizer, splitter = tokenizer.normalizer, tokenizer.splitter

    def words(text: str) -> list:
        if normalizer is not None:
            text = normalizer.normalize(text)
        pieces = splitter.split(text) if splitter is not None else [text]
        return [p.encode("utf-8") for p in pieces if p] if encode else [p for p in pieces if p]

    return words


def _sentencepiece_words(tokenizer) -> Callable[[str], list]:
    normalizer = tokenizer.normalizer

    def words(text: str) -> list[str]:
        if normalizer is not None:
            text = normalizer.normalize(text)
        return _SENTENCEPIECE_WORDS.findall(text)

    return words
