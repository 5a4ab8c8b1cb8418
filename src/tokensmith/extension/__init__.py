"""Extending a model's tokenizer with tokens for a new domain or language.

``extend(tokenizer, corpus, num_new_tokens=N)`` returns the tokenizer with up to N new tokens
learnt on ``corpus`` by continuing BPE merges from the tokenizer's own segmentation of it
(:mod:`.continued_merges`), appended after every existing id, so that every existing id keeps
its meaning and a model's embedding rows stay valid (new rows: see ``tokensmith.transplant``).
Practice as in vocabulary-extension work for LLMs (e.g. Chinese-LLaMA's added SentencePiece
pieces, domain BPE continuation); adapted here to every family tokensmith loads
(:mod:`.families`): byte-level BPE (``.tiktoken``, GPT-2 files, tokenizer.json), SentencePiece
BPE and Unigram (``.model``, tokenizer.json) and WordPiece (``vocab.txt``, tokenizer.json).

Ids after the vocabulary: the first new id is the tokenizer's ``vocab_size``, one past the
highest id of the model *and of its added tokens*. cl100k's special tokens hold 100257..100276
(100256 and 100261..100275 are unassigned), so its new tokens start at 100277 and the
unassigned ids stay unassigned; a tokenizer.json whose added tokens sit after the model's
vocabulary keeps them where they are and its new tokens come after them. Vocabularies that are
lists (SentencePiece pieces, vocab.txt lines, Unigram pieces) get an entry for each such added
token's id: its own string, as a control piece where the format has them.

The result saves in the original format (``save(path, format="tiktoken" | "hf" |
"sentencepiece" | "vocab.txt")``) and the original library reads it, gives every old id the
same token, and uses the new tokens on the new text (tests/extension).
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from ..errors import InputError, OptionError, SmallCorpusWarning, spell
from ..tokenizer import Tokenizer
from .continued_merges import NewToken, continue_merges
from .families import family_of
from .words import corpus_words

__all__ = ["extend", "NewToken"]


def extend(tokenizer: Tokenizer | str | os.PathLike, corpus: Any, num_new_tokens: int, *,
           min_frequency: int = 2, errors: str = "strict", text_field: str = "text",
           name: str | None = None) -> Tokenizer:
    """``tokenizer`` (or the tokenizer file it names) with up to ``num_new_tokens`` tokens learnt
    on ``corpus`` (a path, a list of paths or an iterable of texts) appended after its ids.

    A new token joins two tokens that stand side by side inside a word at least
    ``min_frequency`` times; fewer new tokens than asked (a :class:`SmallCorpusWarning`) when
    the corpus runs out of such pairs. A model family that cannot take new tokens is an
    :class:`OptionError` naming it.
    """
    if isinstance(num_new_tokens, bool) or not isinstance(num_new_tokens, int) or num_new_tokens < 1:
        raise OptionError(f"{spell('num_new_tokens')} must be a positive int, not {num_new_tokens!r}")
    if isinstance(min_frequency, bool) or not isinstance(min_frequency, int) or min_frequency < 1:
        raise OptionError(f"{spell('min_frequency')} must be a positive int, not {min_frequency!r}")
    if not isinstance(tokenizer, Tokenizer):
        from .. import load

        tokenizer = load(tokenizer)
    family = family_of(tokenizer)
    words = corpus_words(tokenizer, corpus, errors=errors, text_field=text_field)
    if not words:
        raise InputError("the corpus holds no text to learn new tokens from")
    first_id = tokenizer.vocab_size
    new = continue_merges(words, family.units, family.joiner(), family.exists, num_new_tokens=num_new_tokens,
                          first_id=first_id, semantics=family.semantics, min_frequency=min_frequency)
    if len(new) < num_new_tokens:
        warnings.warn(SmallCorpusWarning(
            f"the corpus gave {len(new)} new tokens of the {num_new_tokens} asked (no other pair "
            f"inside a word occurs {min_frequency} times or more)"), stacklevel=2)
    data = tokenizer.to_dict()
    data["model"] = family.model_dict(new, first_id)
    if name is not None:
        data["name"] = name
    return Tokenizer.from_dict(data)
