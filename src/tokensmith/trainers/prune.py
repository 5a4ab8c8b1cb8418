"""Vocabulary pruning to a corpus or to a set of scripts, with the mapping of old ids to new.

Paper: Jesujoba O. Alabi, David Ifeoluwa Adelani, Marius Mosbach, Dietrich Klakow, "Adapting
Pre-trained Language Models to African Languages via Multilingual Adaptive Fine-Tuning" (MAFT,
COLING 2022): remove the vocabulary entries (and their embedding rows) of scripts the target
languages do not use, so the model shrinks without changing how the kept text is tokenized.

As published: tokens are kept if the target data uses them (or their characters belong to the
kept scripts); every other token is dropped, and a mapping old id -> new id lets the embedding
matrix be cut the same way (``new_embeddings = old_embeddings[new_to_old]``).

Adapted to byte-level BPE (the paper pruned a SentencePiece vocabulary):

* the 256 single bytes always stay, so every text stays encodable;
* a kept token keeps the whole chain of merges that builds it (its parts, recursively), so the
  pruned merge list still produces it;
* with these two rules, every text of the pruning corpus encodes to the same tokens as before
  (a dropped merge never fires on it), which the tests check; other text may segment
  differently where it relied on dropped tokens;
* special tokens are kept and renumbered after the model's tokens.

Works on ``merges`` BPE models (trained here, GPT-2 / HF files); the result saves to every
format plain BPE does, HF ``tokenizer.json`` included.
"""

from __future__ import annotations

import regex

from ..errors import OptionError
from ..tokenizer import Tokenizer
from ..models.bpe.model import BPEModel
from ..corpus import iter_corpus

# Characters every script shares (digits, punctuation, spaces, combining marks).
_SHARED = r"\p{Script=Common}\p{Script=Inherited}"


def tokens_used(tokenizer: Tokenizer, corpus, *, errors: str = "strict", text_field: str = "text") -> set[int]:
    """Ids the tokenizer produces on ``corpus`` (paths or texts; ``errors`` and ``text_field``
    as for training)."""
    used: set[int] = set()
    for text in iter_corpus(corpus, errors=errors, text_field=text_field):
        used.update(tokenizer.encode_ordinary(text))
    return used


def tokens_in_scripts(tokens: list[bytes], scripts) -> set[int]:
    """Ids of tokens whose characters all belong to ``scripts`` (names such as ``Latin``) or
    are shared by every script (see :func:`_may_be_in` for tokens that cut a character)."""
    try:
        allowed = regex.compile("[" + _SHARED + "".join(rf"\p{{Script={s}}}" for s in scripts) + "]*")
    except regex.error as exc:
        raise OptionError(f"unknown script name in {list(scripts)!r}: {exc}") from None
    return {i for i, tok in enumerate(tokens) if _may_be_in(tok, allowed)}


def _may_be_in(token: bytes, allowed) -> bool:
    """Whole characters all allowed; a cut character at either end only needs to be *possibly*
    allowed (a continuation byte could belong to anything; a lead byte to its block)."""
    start = 0
    while start < len(token) and 0x80 <= token[start] < 0xC0:
        start += 1  # continuation bytes of a character that began in another token
    end = len(token)
    for back in range(1, min(4, len(token) - start) + 1):
        lead = token[end - back]
        if lead >= 0xC0:
            size = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
            if size > back:  # the last character is cut: judge it by its lead byte's block
                if not _block_has(lead, size, allowed):
                    return False
                end -= back
            break
        if lead < 0x80:
            break
    try:
        return allowed.fullmatch(token[start:end].decode("utf-8")) is not None
    except UnicodeDecodeError:
        return False


def _block_has(lead: int, size: int, allowed) -> bool:
    bits = {2: (0x1F, 6), 3: (0x0F, 12), 4: (0x07, 18)}[size]
    first = (lead & bits[0]) << bits[1]
    span = 1 << bits[1]
    step = max(1, span // 4096)
    return any(allowed.fullmatch(chr(c)) for c in range(first, min(first + span, 0x110000), step)
               if not 0xD800 <= c < 0xE000)


def prune_bpe(tokenizer: Tokenizer, corpus=None, *, scripts=None, keep=(), errors: str = "strict",
              text_field: str = "text") -> tuple[Tokenizer, dict[int, int]]:
    """``(pruned tokenizer, {old id: new id})`` keeping the tokens ``corpus`` uses and/or those of
    ``scripts``, plus ``keep`` (ids), every byte and every merge chain they need."""
    model = tokenizer.model
    if not isinstance(model, BPEModel) or model.merges is None:
        raise OptionError("vocabulary pruning needs a byte-level BPE model with a merge list")
    if corpus is None and scripts is None:
        raise OptionError("give a corpus, scripts, or both to prune to")
    tokens = model.tokens
    wanted = set(keep) | set(model.byte_ids)
    if corpus is not None:
        wanted |= tokens_used(tokenizer, corpus, errors=errors, text_field=text_field)
    if scripts is not None:
        wanted |= tokens_in_scripts(tokens, scripts)
    wanted = {i for i in wanted if 0 <= i < len(tokens)}

    parts = {int(m): (int(a), int(b)) for a, b, _r, m in model.table.tolist()}
    closed, stack = set(), list(wanted)
    while stack:  # add every part a kept token is built from
        t = stack.pop()
        if t in closed:
            continue
        closed.add(t)
        stack.extend(parts.get(t, ()))

    old_to_new: dict[int, int] = {}
    new_tokens: list[bytes] = []
    for i, tok in enumerate(tokens):
        if i in closed:
            old_to_new[i] = len(new_tokens)
            new_tokens.append(tok)
    new_merges = [(old_to_new[a], old_to_new[b]) for a, b in model.merges
                  if model.token_id[tokens[a] + tokens[b]] in closed]
    specials = {}
    for name, old in sorted(tokenizer.special_tokens.items(), key=lambda kv: kv[1]):
        specials[name] = old_to_new[old] = len(new_tokens) + len(specials)
    pruned = Tokenizer(BPEModel(new_tokens, new_merges), tokenizer.splitter, normalizer=tokenizer.normalizer,
                       decoder=tokenizer.decoder, special_tokens=specials,
                       name=None if tokenizer.name is None else f"{tokenizer.name}-pruned")
    return pruned, old_to_new
