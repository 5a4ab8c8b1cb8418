"""Each new token spelled in the old vocabulary: the old tokenizer's segmentation of its text.

The text of a new token is segmented by the *old tokenizer* (its normalizer, pre-tokenizer and
model) in the token's own position in a word:

* a word-initial token (``Ġhello``, ``▁hello``, WordPiece ``hello``) is encoded after a separate
  word (``"a hello"``), and the ids of ``"a"`` are dropped, so the old tokenizer puts its own
  word-start marker on the first piece (``▁hello`` rather than ``hello``);
* a continuation (``ing``, ``##ing``) is encoded alone and its first piece, which the old
  tokenizer spells as a word start, is replaced by the continuation piece of the same text
  (``▁ing`` -> ``ing``, ``ing`` -> ``##ing``) when the old vocabulary has one; otherwise that
  piece is re-split into the longest continuation pieces the old vocabulary holds.

Text that is not valid UTF-8 (byte-level pieces of a character) cannot be given to a tokenizer
and is split into the longest old pieces of the same bytes, and so is text the old tokenizer can only
spell as its unknown token. Special tokens of the old vocabulary (``[UNK]``) are left out of a
decomposition.
"""

from __future__ import annotations

from .context import TransplantContext
from .matching import TokenMeanings
from .rows import vocabulary_match

CONTEXT_WORD = "a"


def greedy_split(data: bytes, starts_word: bool, index: dict, longest: int) -> list[int]:
    """``data`` as the longest old pieces from the left (the first in the word position
    ``starts_word``, the rest continuations); bytes no piece covers are skipped."""
    out, at, first = [], 0, True
    while at < len(data):
        for end in range(min(len(data), at + longest), at, -1):
            key = (data[at:end], starts_word if first else False)
            if key in index:
                out.append(index[key])
                at, first = end, False
                break
        else:
            at += 1
    return out


class Decomposer:
    """Old-vocabulary spellings of new tokens, for one transplant."""

    def __init__(self, ctx: TransplantContext):
        self.ctx = ctx
        match = vocabulary_match(ctx)
        self.old: TokenMeanings = match.old
        self.new: TokenMeanings = match.new
        self.index = {k: i for k, i in self.old.index().items() if k[0] != "special"}
        self.longest = max((len(k[0]) for k in self.index), default=1)
        self.special_ids = set(self.old.specials.values())
        tok = ctx.old_tokenizer
        self.prefix = tok.encode(CONTEXT_WORD)

    def __call__(self, new_ids) -> list[list[int]]:
        """The old ids spelling each of ``new_ids`` (empty for a special or meaningless token)."""
        new_ids = list(new_ids)
        results: dict[int, list[int]] = {}
        initial, continuation = [], []
        for i in new_ids:
            key = self.new.keys[i] if i < len(self.new.keys) else None
            if key is None or key[0] == "special":
                results[i] = []
                continue
            data, starts_word = key
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                results[i] = greedy_split(data, starts_word, self.index, self.longest)
                continue
            (initial if starts_word else continuation).append((i, text))
        encode = self.ctx.old_tokenizer.encode_batch
        if initial:
            batches = encode([f"{CONTEXT_WORD} {t}" for _, t in initial], disallowed_special=())
            for (i, text), ids in zip(initial, batches):
                n = len(self.prefix)
                if ids[:n] == self.prefix:
                    ids = ids[n:]
                else:  # the context merged with the text: split its bytes instead
                    ids = greedy_split(text.encode(), True, self.index, self.longest)
                results[i] = self._clean(ids) or greedy_split(text.encode(), True, self.index, self.longest)
        if continuation:
            batches = encode([t for _, t in continuation], disallowed_special=())
            for (i, text), ids in zip(continuation, batches):
                results[i] = (self._clean(self._as_continuation(ids))
                              or greedy_split(text.encode(), False, self.index, self.longest))
        return [results[i] for i in new_ids]

    def _as_continuation(self, ids: list[int]) -> list[int]:
        if not ids:
            return ids
        key = self.old.keys[ids[0]]
        if key is None or key[0] == "special" or not key[1]:
            return ids
        data = key[0]
        if not data:  # a lone word-start marker (SentencePiece's "▁" before a digit)
            return self._as_continuation(ids[1:])
        same = self.index.get((data, False))
        head = [same] if same is not None else greedy_split(data, False, self.index, self.longest)
        return head + ids[1:]

    def _clean(self, ids: list[int]) -> list[int]:
        kept = [i for i in ids if i not in self.special_ids and self.old.keys[i] is not None]
        return kept


def decompositions(ctx: TransplantContext, new_ids) -> list[list[int]]:
    """The old ids spelling each of ``new_ids`` (cached on the context's match, so the input
    embeddings and the output head of one transplant share the work)."""
    match = vocabulary_match(ctx)
    cache = match.cache.setdefault("decompositions", {})
    missing = [int(i) for i in new_ids if int(i) not in cache]
    if missing:
        decomposer = match.cache.get("decomposer") or match.cache.setdefault("decomposer", Decomposer(ctx))
        cache.update(zip(missing, decomposer(missing)))
    return [cache[int(i)] for i in new_ids]
